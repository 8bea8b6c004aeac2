package authcmd_test

// The token lifecycle (issue 13) where one process shows it: a first token
// refused, app tokens at logout, short and long tokens, the plain-text
// warning. The overlapping processes are in e2e/lifecycle_e2e_test.go.

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/spotcli/spotcli/internal/auth"
	"github.com/spotcli/spotcli/internal/spotifytest"
)

// TestLoginRefreshesRefusedFirstToken: when Spotify refuses the first
// access token of a login, login refreshes it as every other command does,
// and stores the login (issue 13, item 10). Before: "logged in, but reading
// the user failed, so nothing was stored".
func TestLoginRefreshesRefusedFirstToken(t *testing.T) {
	t.Parallel()
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
	t.Parallel()
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
	t.Parallel()
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

// TestLongAccessTokenKeepsLogin: an access token too long for the 2 KB
// record (3,000 characters) does not lose the login: the rotated refresh
// token is saved without it (issue 13, item 3).
func TestLongAccessTokenKeepsLogin(t *testing.T) {
	t.Parallel()
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
	t.Parallel()
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
