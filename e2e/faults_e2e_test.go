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
