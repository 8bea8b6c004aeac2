package e2e

// The token lifecycle across processes (issue 13): logins, logouts and
// refreshes that overlap, saves that cannot succeed, short token lifetimes.

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/spotcli/spotcli/internal/auth"
	"github.com/spotcli/spotcli/internal/config"
	"github.com/spotcli/spotcli/internal/spotifytest"
)

// holdLock takes the profile's refresh lock as a refresh under way in
// another process holds it; the returned func releases it.
func (h *harness) holdLock(profile string) func() {
	h.t.Helper()
	unlock, err := config.FileLock(filepath.Join(h.env["SPOTCLI_CONFIG_DIR"], "locks", profile+".lock"))(context.Background())
	if err != nil {
		h.t.Fatal(err)
	}
	return unlock
}

// start runs spotcli in the background; wait returns its result.
func (h *harness) start(args ...string) (wait func() result) {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	c := h.command(ctx, args...)
	var out, errb bytes.Buffer
	c.Stdout, c.Stderr = &out, &errb
	if err := c.Start(); err != nil {
		cancel()
		h.t.Fatal(err)
	}
	return func() result {
		defer cancel()
		err := c.Wait()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			h.t.Fatalf("spotcli %v: %v", args, err)
		}
		return result{stdout: out.String(), stderr: errb.String(), code: code}
	}
}

// TestLogoutWaitsForRefresh: logout deletes under the profile's lock, so a
// refresh under way (holding the lock) saves first and logout then removes
// what it saved: "Logged out" stays true (issue 13, item 2). Before, logout
// deleted at once and the refresh wrote the login back.
func TestLogoutWaitsForRefresh(t *testing.T) {
	h := newHarness(t)
	h.seed("default", time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	release := h.holdLock("default")
	wait := h.start("logout")
	// Long enough for an unlocked logout to have finished many times over;
	// a slow machine only makes this check weaker, never wrong.
	time.Sleep(500 * time.Millisecond)
	if _, err := os.Stat(h.tokenPath("default")); err != nil {
		t.Fatalf("logout removed the login while a refresh held the lock: %v", err)
	}
	// The refresh under way saves its answer, then lets go.
	rec := h.record("default")
	rec.AccessToken, rec.UpdatedAt = rec.AccessToken+"-refreshed", time.Now()
	h.writeRecord("default", rec)
	release()
	if r := wait(); r.code != 0 || !strings.Contains(r.stderr, "Logged out") {
		t.Fatalf("logout: %s", r)
	}
	h.noRecord("default")
	h.mustRun(4, "", "status")
}

// TestLoginWaitsForRefresh: login stores under the profile's lock, so a
// refresh of the old login under way does not overwrite the new one (issue
// 13, item 2).
func TestLoginWaitsForRefresh(t *testing.T) {
	h := newHarness(t)
	old := h.seed("default", time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	release := h.holdLock("default")
	wait := h.start("login")
	waitFor(t, func() bool { return h.fake.Stats().TokenRequests["authorization_code"] > 0 })
	time.Sleep(500 * time.Millisecond)
	if got := h.record("default"); got.AccessToken != old.AccessToken {
		t.Fatal("login stored while a refresh held the lock")
	}
	release()
	if r := wait(); r.code != 0 {
		t.Fatalf("login: %s", r)
	}
	if got := h.record("default"); got.AccessToken == old.AccessToken || got.RefreshToken == old.RefreshToken {
		t.Error("the new login was not stored")
	}
}

// TestLoginRefreshesRefusedFirstToken: when Spotify refuses the first
// access token of a login, login refreshes it as every other command does,
// and stores the login (issue 13, item 10). Before: "logged in, but reading
// the user failed, so nothing was stored".
func TestLoginRefreshesRefusedFirstToken(t *testing.T) {
	h := newHarness(t)
	h.fake.SetRotation(true)
	h.fake.InjectFault(spotifytest.Fault{Path: "/v1/me", Status: 401, Count: 1})
	r := h.mustRun(0, "", "login")
	if !strings.Contains(r.stderr, "Logged in as Alice Liddell") {
		t.Errorf("%s", r)
	}
	if got := h.fake.Stats().Refreshes; got != 1 {
		t.Errorf("%d refreshes, want 1", got)
	}
	rec := h.record("default")
	if rec.UserID != "alice" || rec.LoggedInAt.IsZero() {
		t.Errorf("stored %+v", rec)
	}
	// The stored refresh token is the rotated, live one.
	h.mustRun(0, "", "refresh")
}

// TestLogoutRemovesAppToken: logout removes the app-only token cached under
// PROFILE@app too (issue 13, item 12). Before, the file stayed behind.
func TestLogoutRemovesAppToken(t *testing.T) {
	h := newHarness(t)
	h.env["SPOTCLI_CLIENT_ID"] = testSecretClient
	h.env["SPOTCLI_CLIENT_SECRET"] = testClientSecret
	h.mustRun(0, "", "token", "--app")
	app := h.tokenPath(auth.AppProfile("default"))
	if _, err := os.Stat(app); err != nil {
		t.Fatalf("no cached app-only token: %v", err)
	}
	h.mustRun(0, "", "logout")
	if _, err := os.Stat(app); !os.IsNotExist(err) {
		t.Errorf("logout left %s behind (%v)", app, err)
	}
}

// withFake replaces the harness's fake Spotify by one made with cfg.
func (h *harness) withFake(cfg spotifytest.Config) {
	h.t.Helper()
	h.fake.Close()
	fake := spotifytest.New(cfg)
	h.t.Cleanup(fake.Close)
	redirects := []string{"http://127.0.0.1/callback", "http://[::1]/callback"}
	fake.AddApp(spotifytest.App{ClientID: testClientID, Name: "spotcli e2e", RedirectURIs: redirects})
	fake.AddUser(spotifytest.User{ID: "alice", DisplayName: "Alice Liddell"})
	fake.SetCurrentUser("alice")
	h.fake = fake
	h.env["SPOTCLI_ACCOUNTS_URL"], h.env["SPOTCLI_API_URL"] = fake.AccountsURL(), fake.APIURL()
}

// TestShortTokenLifetime: with access tokens issued for 30 seconds (less
// than the 60-second refresh margin), a 20-page listing refreshes at most
// once (issue 13, item 11). Before, every request refreshed: 20 rotating
// refreshes in one run.
func TestShortTokenLifetime(t *testing.T) {
	h := newHarness(t)
	h.withFake(spotifytest.Config{AccessTokenTTL: 30 * time.Second})
	h.fake.SetRotation(true)
	h.fake.GeneratePlaylists("alice", 1000)
	now := time.Now()
	rec := h.seed("default", now.Add(-time.Hour), now.Add(30*time.Second))
	rec.UpdatedAt = now
	h.writeRecord("default", rec)
	r := h.mustRun(0, "", "playlists", "-o", "tsv", "--concurrency", "1")
	if n := strings.Count(r.stdout, "\n"); n != 1000 {
		t.Fatalf("%d lines, want 1000", n)
	}
	if got := h.fake.Stats().Refreshes; got > 1 {
		t.Errorf("%d refreshes for one listing, want at most 1", got)
	}
}

// TestRefreshNotSentWhenSaveWouldFail: a refresh whose answer could not be
// saved is not sent, so the stored login keeps working (issue 13, item 3):
// a file size limit (ulimit -f) below the record's size, and, where the
// permission bits bind (not root), a read-only tokens directory. Before,
// Spotify rotated the token, the save failed, and the login was lost.
func TestRefreshNotSentWhenSaveWouldFail(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("ulimit -f and permissions as on Linux")
	}
	cases := []struct {
		name  string
		setup func(h *harness) (run func() result, undo func())
	}{
		{"file size limit", func(h *harness) (func() result, func()) {
			return func() result {
				return h.runProgram("sh", "-c", "ulimit -f 1 && exec spotcli token")
			}, func() {}
		}},
	}
	if os.Geteuid() != 0 {
		cases = append(cases, struct {
			name  string
			setup func(h *harness) (run func() result, undo func())
		}{"read-only tokens directory", func(h *harness) (func() result, func()) {
			dir := filepath.Dir(h.tokenPath("default"))
			if err := os.Chmod(dir, 0o500); err != nil {
				h.t.Fatal(err)
			}
			return func() result { return h.run("", "token") }, func() { os.Chmod(dir, 0o700) }
		}})
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.fake.SetRotation(true)
			rec := h.seed("default", time.Now().Add(-time.Hour), time.Now().Add(-time.Minute))
			// A record over 1 KiB, the size limit of the first case.
			rec.UserName = strings.Repeat("A", 700)
			h.writeRecord("default", rec)
			before, _ := os.ReadFile(h.tokenPath("default"))
			run, undo := tt.setup(h)
			r := run()
			undo()
			if r.code != 1 || !strings.Contains(r.stderr, "refresh not sent") || r.stdout != "" {
				t.Errorf("want exit 1 saying the refresh was not sent: %s", r)
			}
			if got := h.fake.Stats().Refreshes; got != 0 {
				t.Errorf("%d refreshes sent, want 0", got)
			}
			if after, _ := os.ReadFile(h.tokenPath("default")); !bytes.Equal(before, after) {
				t.Error("the stored login changed")
			}
			// Once the store can be written again, the login works.
			h.mustRun(0, "", "token")
		})
	}
}

// TestLongAccessTokenKeepsLogin: an access token too long for the 2 KB
// record (3,000 characters) does not lose the login: the rotated refresh
// token is saved without it (issue 13, item 3).
func TestLongAccessTokenKeepsLogin(t *testing.T) {
	h := newHarness(t)
	h.fake.SetRotation(true)
	h.seed("default", time.Now().Add(-time.Hour), time.Now().Add(-time.Minute))
	long := `{"access_token":"BQ` + strings.Repeat("x", 3000) + `","token_type":"Bearer","expires_in":3600}`
	h.fake.InjectFault(spotifytest.Fault{Path: "/api/token", Status: 200, Body: long, Count: 1})
	r := h.mustRun(0, "", "token")
	if len(strings.TrimSpace(r.stdout)) != 3002 {
		t.Errorf("printed %d bytes, want the 3,002-byte token", len(strings.TrimSpace(r.stdout)))
	}
	if rec := h.record("default"); rec.AccessToken != "" || rec.RefreshToken == "" {
		t.Errorf("stored access token of %d bytes, refresh token kept: %v", len(rec.AccessToken), rec.RefreshToken != "")
	}
	// The next run refreshes with the kept refresh token.
	h.mustRun(0, "", "token")
}

// TestPlainTextWarningNotRepeated: with token_store=auto and no keyring,
// login warns once that the login went to plain text; the refreshes of later
// runs do not warn again (issue 13, item 12).
func TestPlainTextWarningNotRepeated(t *testing.T) {
	h := newHarness(t)
	delete(h.env, "DBUS_SESSION_BUS_ADDRESS")
	h.env["SPOTCLI_TOKEN_STORE"] = "auto"
	if r := h.mustRun(0, "", "login"); !strings.Contains(r.stderr, "plain text") {
		t.Fatalf("login: %s", r)
	}
	for i := range 3 {
		if r := h.mustRun(0, "", "refresh"); strings.Contains(r.stderr, "warning") {
			t.Errorf("refresh %d warns again: %s", i, r)
		}
	}
}
