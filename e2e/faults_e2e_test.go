package e2e

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spotcli/spotcli/internal/spotifytest"
)

// Faults of the token endpoint during a refresh: each either recovers or
// fails with a clear message, and the stored login survives, so that the
// next run works once the accounts service is back.
func TestTokenEndpointFaults(t *testing.T) {
	tests := []struct {
		name     string
		fault    spotifytest.Fault
		code     int
		stderr   string
		requests int // refresh requests the fake saw
	}{
		{"500 once", spotifytest.Fault{Status: 500, Count: 1}, 0, "", 2},
		{"502 once", spotifytest.Fault{Status: 502, Count: 1}, 0, "", 2},
		{"503 once", spotifytest.Fault{Status: 503, Count: 1}, 0, "", 2},
		{"503 always", spotifytest.Fault{Status: 503}, 1, "answered 503", 3},
		{"body that is not JSON", spotifytest.Fault{Status: 200, Body: "<html><body>Service Unavailable</body></html>"}, 1, "no usable answer", 1},
		{"200 without access_token", spotifytest.Fault{Status: 200, Body: `{"token_type":"Bearer","expires_in":3600}`}, 1, "missing access_token", 1},
		{"connection reset", spotifytest.Fault{Reset: true}, 1, "no usable answer", 1},
		{"never answers", spotifytest.Fault{Hang: true}, 1, "no answer from the accounts service in time", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			h.env["SPOTCLI_HTTP_TIMEOUT"] = "1s"
			h.fake.SetRotation(true)
			h.seed("default", time.Now().Add(-time.Hour), time.Now().Add(-time.Minute))
			before, _ := os.ReadFile(h.tokenPath("default"))
			f := tt.fault
			f.Path = "/api/token"
			h.fake.InjectFault(f)
			r := h.mustRun(tt.code, "", "token")
			if tt.code != 0 {
				if !strings.Contains(r.stderr, tt.stderr) || r.stdout != "" {
					t.Errorf("want %q in stderr: %s", tt.stderr, r)
				}
				if after, _ := os.ReadFile(h.tokenPath("default")); !bytes.Equal(before, after) {
					t.Error("a failed refresh changed the stored login")
				}
			}
			if got := h.fake.Stats().TokenRequests["refresh_token"]; got != tt.requests {
				t.Errorf("refresh requests = %d, want %d", got, tt.requests)
			}
			h.fake.ClearFaults()
			h.mustRun(0, "", "token")
			h.mustRun(0, "", "refresh")
		})
	}
}

// Ctrl-C while a refresh waits for the accounts service: exit 130 and the
// stored login untouched.
func TestInterruptDuringRefresh(t *testing.T) {
	h := newHarness(t)
	h.seed("default", time.Now().Add(-time.Hour), time.Now().Add(-time.Minute))
	before, _ := os.ReadFile(h.tokenPath("default"))
	h.fake.InjectFault(spotifytest.Fault{Path: "/api/token", Hang: true})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c := h.command(ctx, "token")
	var out, errb bytes.Buffer
	c.Stdout, c.Stderr = &out, &errb
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return h.fake.Stats().TokenRequests["refresh_token"] > 0 })
	c.Process.Signal(syscall.SIGINT)
	err := c.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 130 {
		t.Fatalf("want exit 130, got %v\nstderr: %s", err, errb.String())
	}
	if after, _ := os.ReadFile(h.tokenPath("default")); !bytes.Equal(before, after) {
		t.Error("an interrupted refresh changed the stored login")
	}
	if out.Len() != 0 {
		t.Errorf("stdout: %q", out.String())
	}
}

// waitFor polls cond until it holds; the deadline only bounds a broken test.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 30 s")
		}
	}
}

// Bad settings are explained; none of them loses the stored login.
func TestConfigFaults(t *testing.T) {
	tests := []struct {
		name   string
		config string
		mode   os.FileMode
		env    map[string]string
		args   []string
		code   int
		stderr string
	}{
		{name: "not YAML", config: "client_id: [unclosed\n", args: []string{"token"}, code: 1, stderr: "config file"},
		{name: "unknown keys warn", config: "colour: blue\nclient_id: " + testClientID + "\n", args: []string{"token"}, code: 0, stderr: "unknown keys ignored: colour"},
		{name: "readable client_secret", config: "client_secret: hunter2\n", mode: 0o644, args: []string{"token"}, code: 0, stderr: "chmod 600"},
		{name: "localhost redirect", env: map[string]string{"SPOTCLI_REDIRECT_URI": "http://localhost:8888/callback"}, args: []string{"login"}, code: 2, stderr: "localhost"},
		{name: "non-loopback redirect", env: map[string]string{"SPOTCLI_REDIRECT_URI": "http://10.0.0.1:8888/callback"}, args: []string{"login"}, code: 2, stderr: "loopback"},
		// spotcli warns, and Spotify refuses it with invalid_scope.
		{name: "unknown scope", args: []string{"login", "--scopes", "user-read-private,user-read-mind"}, code: 1, stderr: `unknown scope "user-read-mind"`},
		{name: "bad max_wait", env: map[string]string{"SPOTCLI_MAX_WAIT": "soon"}, args: []string{"token"}, code: 2, stderr: "invalid max_wait"},
		{name: "bad token_store", config: "token_store: cloud\n", env: map[string]string{"SPOTCLI_TOKEN_STORE": ""}, args: []string{"token"}, code: 2, stderr: "invalid token_store"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			rec := h.seed("default", time.Now(), time.Now().Add(time.Hour))
			if tt.config != "" {
				mode := tt.mode
				if mode == 0 {
					mode = 0o600
				}
				os.MkdirAll(h.env["SPOTCLI_CONFIG_DIR"], 0o700)
				p := h.env["SPOTCLI_CONFIG_DIR"] + "/config.yaml"
				os.WriteFile(p, []byte(tt.config), mode)
				os.Chmod(p, mode)
			}
			for k, v := range tt.env {
				h.env[k] = v
			}
			r := h.mustRun(tt.code, "", tt.args...)
			if !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("want %q in stderr: %s", tt.stderr, r)
			}
			if tt.args[0] == "token" && tt.code == 0 && r.stdout != rec.AccessToken+"\n" {
				t.Errorf("stdout: %q", r.stdout)
			}
			if tt.args[0] != "login" {
				if got := h.record("default"); got.RefreshToken != rec.RefreshToken {
					t.Error("the stored login changed")
				}
			}
		})
	}
}

// kill -9 of spotcli at random moments of a refresh, 50 times in a row, with
// rotation on: the store always decodes, and its refresh token still works —
// except when the kill fell after Spotify rotated the token and before the
// answer was saved, which no client can prevent when the old token dies at
// once; the fake tells that case apart ("lost"), and the test counts it.
func TestKill9DuringRefresh(t *testing.T) {
	for _, store := range []string{"file", "keyring"} {
		t.Run(store, func(t *testing.T) {
			h := newHarness(t)
			if store == "keyring" {
				h.env["DBUS_SESSION_BUS_ADDRESS"] = requireKeyring(t)
				h.env["SPOTCLI_TOKEN_STORE"] = "keyring"
				h.env["SPOTCLI_PROFILE"] = uniqueProfile(t)
				t.Cleanup(func() { h.run("", "logout") })
			}
			h.fake.SetRotation(true)
			login := func() {
				_, rt := h.fake.IssueTokens(testClientID, "alice", []string{"user-read-private"}, spotifytest.FlowPKCE, time.Now())
				h.mustRun(0, rt+"\n", "login", "--with-refresh-token")
			}
			login()
			seed := time.Now().UnixNano()
			rng := rand.New(rand.NewPCG(uint64(seed), 0))
			t.Logf("random seed %d", seed)
			lost := 0
			for i := range 50 {
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				c := h.command(ctx, "refresh")
				if err := c.Start(); err != nil {
					t.Fatal(err)
				}
				time.Sleep(time.Duration(rng.Int64N(int64(15 * time.Millisecond))))
				c.Process.Kill()
				c.Wait()
				cancel()
				r := h.mustRun(0, "", "token", "--refresh-token") // decodes, or fails the test
				switch state := h.fake.RefreshTokenState(strings.TrimSpace(r.stdout)); state {
				case "valid":
				case "lost":
					lost++
					login()
				default:
					t.Fatalf("kill %d: the stored refresh token is %s", i, state)
				}
			}
			t.Logf("%d of 50 kills fell between Spotify's rotation and the save", lost)
			h.mustRun(0, "", "refresh")
		})
	}
}
