package authcmd_test

// The token lifecycle (issue 13) where one process shows it: a first token
// refused, app tokens at logout, short and long tokens, the plain-text
// warning. The overlapping processes are in e2e/lifecycle_e2e_test.go.

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/spotcli/spotcli/cmd/internal/clitest"
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
	h.Fake.SetRotation(true)
	h.Fake.InjectFault(spotifytest.Fault{Path: "/v1/me", Status: 401, Count: 1})
	r := h.MustRun(0, "", "login")
	if !strings.Contains(r.Stderr, "Logged in as Alice Liddell") {
		t.Errorf("%s", r)
	}
	if got := h.Fake.Stats().Refreshes; got != 1 {
		t.Errorf("%d refreshes, want 1", got)
	}
	rec := h.Record("default")
	if rec.UserID != "alice" || rec.LoggedInAt.IsZero() {
		t.Errorf("stored %+v", rec)
	}
	// The stored refresh token is the rotated, live one.
	h.MustRun(0, "", "refresh")
}

// TestLogoutRemovesAppToken: logout removes the app-only token cached under
// PROFILE@app too (issue 13, item 12). Before, the file stayed behind.
func TestLogoutRemovesAppToken(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.UseSecretApp()
	h.MustRun(0, "", "token", "--app")
	app := h.TokenPath(auth.AppProfile("default"))
	if _, err := os.Stat(app); err != nil {
		t.Fatalf("no cached app-only token: %v", err)
	}
	h.MustRun(0, "", "logout")
	if _, err := os.Stat(app); !os.IsNotExist(err) {
		t.Errorf("logout left %s behind (%v)", app, err)
	}
}

// withFake replaces the harness's fake Spotify by one made with cfg.
func withFake(h *harness, cfg spotifytest.Config) {
	h.T.Helper()
	h.Fake.Close()
	fake := spotifytest.New(cfg)
	h.T.Cleanup(fake.Close)
	redirects := []string{"http://127.0.0.1/callback", "http://[::1]/callback"}
	fake.AddApp(spotifytest.App{ClientID: clitest.ClientID, Name: "spotcli e2e", RedirectURIs: redirects})
	fake.AddUser(spotifytest.User{ID: "alice", DisplayName: "Alice Liddell"})
	fake.SetCurrentUser("alice")
	h.Fake = fake
	h.Env["SPOTCLI_ACCOUNTS_URL"], h.Env["SPOTCLI_API_URL"] = fake.AccountsURL(), fake.APIURL()
}

// TestShortTokenLifetime: with access tokens issued for 30 seconds (less
// than the 60-second refresh margin), a 20-page listing refreshes at most
// once (issue 13, item 11). Before, every request refreshed: 20 rotating
// refreshes in one run.
func TestShortTokenLifetime(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	withFake(h, spotifytest.Config{AccessTokenTTL: 30 * time.Second})
	h.Fake.SetRotation(true)
	h.Fake.GeneratePlaylists("alice", 1000)
	now := time.Now()
	rec := h.Seed("default", now.Add(-time.Hour), now.Add(30*time.Second))
	rec.UpdatedAt = now
	h.WriteRecord("default", rec)
	r := h.MustRun(0, "", "playlists", "-o", "tsv", "--concurrency", "1")
	if n := strings.Count(r.Stdout, "\n"); n != 1000 {
		t.Fatalf("%d lines, want 1000", n)
	}
	if got := h.Fake.Stats().Refreshes; got > 1 {
		t.Errorf("%d refreshes for one listing, want at most 1", got)
	}
}

// TestLongAccessTokenKeepsLogin: an access token too long for the 2 KB
// record (3,000 characters) does not lose the login: the rotated refresh
// token is saved without it (issue 13, item 3).
func TestLongAccessTokenKeepsLogin(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.Fake.SetRotation(true)
	h.Seed("default", time.Now().Add(-time.Hour), time.Now().Add(-time.Minute))
	long := `{"access_token":"BQ` + strings.Repeat("x", 3000) + `","token_type":"Bearer","expires_in":3600}`
	h.Fake.InjectFault(spotifytest.Fault{Path: "/api/token", Status: 200, Body: long, Count: 1})
	r := h.MustRun(0, "", "token")
	if len(strings.TrimSpace(r.Stdout)) != 3002 {
		t.Errorf("printed %d bytes, want the 3,002-byte token", len(strings.TrimSpace(r.Stdout)))
	}
	if rec := h.Record("default"); rec.AccessToken != "" || rec.RefreshToken == "" {
		t.Errorf("stored access token of %d bytes, refresh token kept: %v", len(rec.AccessToken), rec.RefreshToken != "")
	}
	// The next run refreshes with the kept refresh token.
	h.MustRun(0, "", "token")
}

// TestPlainTextWarningNotRepeated: with token_store=auto and no keyring,
// login warns once that the login went to plain text; the refreshes of later
// runs do not warn again (issue 13, item 12).
func TestPlainTextWarningNotRepeated(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	delete(h.Env, "DBUS_SESSION_BUS_ADDRESS")
	h.Env["SPOTCLI_TOKEN_STORE"] = "auto"
	if r := h.MustRun(0, "", "login"); !strings.Contains(r.Stderr, "plain text") {
		t.Fatalf("login: %s", r)
	}
	for i := range 3 {
		if r := h.MustRun(0, "", "refresh"); strings.Contains(r.Stderr, "warning") {
			t.Errorf("refresh %d warns again: %s", i, r)
		}
	}
}
