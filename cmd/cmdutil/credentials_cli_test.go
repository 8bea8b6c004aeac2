package cmdutil_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spotcli/spotcli/cmd/internal/clitest"
	"github.com/spotcli/spotcli/internal/spotifytest"
)

// Each rung of the ladder wins over the ones below it, with a stored login
// present too.
func TestCredentialPrecedence(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	stored := h.Seed("default", time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	envAccess, envRefresh := h.Fake.IssueTokens(clitest.ClientID, "alice", []string{"user-read-private"}, spotifytest.FlowPKCE, time.Now())

	if r := h.MustRun(0, "", "token"); r.Stdout != stored.AccessToken+"\n" {
		t.Errorf("stored login: %s", r)
	}

	h.Env["SPOTCLI_REFRESH_TOKEN"] = envRefresh
	r := h.MustRun(0, "", "token")
	tok := strings.TrimSpace(r.Stdout)
	if tok == stored.AccessToken || tok == envAccess || h.Fake.Stats().Refreshes != 1 {
		t.Errorf("SPOTCLI_REFRESH_TOKEN was not refreshed in memory: %s", r)
	}
	if w := h.MustRun(0, "", "whoami"); !strings.Contains(w.Stdout, "environment (SPOTCLI_REFRESH_TOKEN)") {
		t.Errorf("whoami: %s", w)
	}

	h.Env["SPOTCLI_ACCESS_TOKEN"] = envAccess
	before := h.Fake.Stats()
	if r := h.MustRun(0, "", "token"); r.Stdout != envAccess+"\n" {
		t.Errorf("SPOTCLI_ACCESS_TOKEN: %s", r)
	}
	if h.Fake.Stats().Refreshes != before.Refreshes {
		t.Error("SPOTCLI_ACCESS_TOKEN was refreshed")
	}
	// The stored login is untouched by all of it.
	if rec := h.Record("default"); rec.AccessToken != stored.AccessToken || rec.RefreshToken != stored.RefreshToken {
		t.Error("environment credentials changed the stored login")
	}
	r = h.MustRun(1, "", "login")
	if !strings.Contains(r.Stderr, "SPOTCLI_ACCESS_TOKEN is set") || !strings.Contains(r.Stderr, "unset SPOTCLI_ACCESS_TOKEN") {
		t.Errorf("login with env credentials: %s", r)
	}
}

// In env mode nothing is read from or written to HOME, the config dir or a
// keyring: it works with a read-only home, no D-Bus, and jobs in parallel.
func TestEnvModeTouchesNoState(t *testing.T) {
	t.Parallel()
	if os.Geteuid() == 0 {
		t.Log("running as root: read-only directories are still writable, so the test checks that nothing was created instead")
	}
	h := newHarness(t)
	h.Fake.GeneratePlaylists("alice", 3)
	home := filepath.Join(h.Root, "ro-home")
	os.MkdirAll(home, 0o500)
	h.Env["HOME"] = home
	h.Env["XDG_CONFIG_HOME"] = filepath.Join(home, ".config")
	delete(h.Env, "SPOTCLI_CONFIG_DIR")
	delete(h.Env, "DBUS_SESSION_BUS_ADDRESS")
	h.Env["SPOTCLI_TOKEN_STORE"] = "keyring" // would fail if touched
	_, refresh := h.Fake.IssueTokens(clitest.ClientID, "alice", []string{"user-read-private", "playlist-read-private"}, spotifytest.FlowPKCE, time.Now())
	h.Env["SPOTCLI_REFRESH_TOKEN"] = refresh
	for _, args := range [][]string{{"token"}, {"whoami"}, {"playlists"}, {"refresh"}, {"status"}} {
		h.MustRun(0, "", args...)
	}
	entries, _ := os.ReadDir(home)
	if len(entries) != 0 {
		t.Errorf("env mode wrote into HOME: %v", entries)
	}
}

func TestEnvRotationSavesRefreshToken(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.Fake.SetRotation(true)
	_, refresh := h.Fake.IssueTokens(clitest.ClientID, "alice", []string{"user-read-private"}, spotifytest.FlowPKCE, time.Now())
	h.Env["SPOTCLI_REFRESH_TOKEN"] = refresh

	r := h.MustRun(0, "", "token")
	if !strings.Contains(r.Stderr, "--save-refresh-token") {
		t.Errorf("no rotation warning: %s", r)
	}

	_, refresh2 := h.Fake.IssueTokens(clitest.ClientID, "alice", []string{"user-read-private"}, spotifytest.FlowPKCE, time.Now())
	h.Env["SPOTCLI_REFRESH_TOKEN"] = refresh2
	// A directory like /tmp or $RUNNER_TEMP: spotcli leaves its mode alone.
	ci := filepath.Join(h.Root, "ci")
	if err := os.Mkdir(ci, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(ci, 0o777|os.ModeSticky); err != nil {
		t.Fatal(err)
	}
	save := filepath.Join(ci, "new-refresh-token")
	r = h.MustRun(0, "", "token", "--save-refresh-token", save)
	if !strings.Contains(r.Stderr, save) {
		t.Errorf("%s", r)
	}
	if fi, _ := os.Stat(ci); fi.Mode() != os.ModeDir|os.ModeSticky|0o777 {
		t.Errorf("the directory of --save-refresh-token is now %v, want drwxrwxrwt as it was", fi.Mode())
	}
	b, err := os.ReadFile(save)
	if err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(save); fi.Mode().Perm() != 0o600 {
		t.Errorf("saved refresh token mode %v", fi.Mode().Perm())
	}
	newRT := strings.TrimSpace(string(b))
	if newRT == refresh2 || newRT == "" {
		t.Fatal("the saved token is not the rotated one")
	}
	// The old one is dead, the saved one works.
	h.MustRun(4, "", "token")
	h.Env["SPOTCLI_REFRESH_TOKEN"] = newRT
	h.MustRun(0, "", "token")
}

// TestSaveRefreshTokenCannotBeWritten: when the --save-refresh-token file
// cannot be written, spotcli says so and exits 1 before sending the
// refresh, so the refresh token in SPOTCLI_REFRESH_TOKEN still works (issue
// 13, items 1 and 3). Before, the missing directory was created 0700, and a
// failed write was a warning after Spotify had rotated the token, exit 0.
func TestSaveRefreshTokenCannotBeWritten(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.Fake.SetRotation(true)
	_, refresh := h.Fake.IssueTokens(clitest.ClientID, "alice", []string{"user-read-private"}, spotifytest.FlowPKCE, time.Now())
	h.Env["SPOTCLI_REFRESH_TOKEN"] = refresh
	save := filepath.Join(h.Root, "missing", "new-refresh-token")
	r := h.MustRun(1, "", "token", "--save-refresh-token", save)
	for _, want := range []string{"refresh not sent", "still works", filepath.Dir(save)} {
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("stderr does not say %q: %s", want, r)
		}
	}
	if r.Stdout != "" {
		t.Errorf("stdout %q, want nothing", r.Stdout)
	}
	if _, err := os.Stat(filepath.Dir(save)); !errors.Is(err, fs.ErrNotExist) {
		t.Error("the missing directory was created")
	}
	if got := h.Fake.Stats().Refreshes; got != 0 {
		t.Errorf("%d refreshes sent, want 0", got)
	}
	// The refresh token was not used: it still works.
	h.MustRun(0, "", "token")
}

func TestInvalidGrantMessages(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.Seed("default", time.Now().Add(-190*24*time.Hour), time.Now().Add(-time.Minute))
	r := h.MustRun(4, "", "token")
	if !strings.Contains(r.Stderr, "Refresh token expired") || !strings.Contains(r.Stderr, "run spotcli login") {
		t.Errorf("stored: %s", r)
	}

	h.Env["SPOTCLI_REFRESH_TOKEN"] = "revoked-or-unknown"
	r = h.MustRun(4, "", "token")
	if !strings.Contains(r.Stderr, "SPOTCLI_REFRESH_TOKEN") || !strings.Contains(r.Stderr, "replace") {
		t.Errorf("env: %s", r)
	}
}

func TestExpiryWarningOncePerDay(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.Seed("default", time.Now().Add(-175*24*time.Hour), time.Now().Add(time.Hour))
	r := h.MustRun(0, "", "token")
	if !strings.Contains(r.Stderr, "refresh token expires in 8 days: run spotcli login to renew") {
		t.Errorf("%s", r)
	}
	if r := h.MustRun(0, "", "token"); r.Stderr != "" {
		t.Errorf("warned twice in a day: %s", r)
	}
}

func TestAppTokenRun(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.MustRun(1, "", "token", "--app") // a configuration error, not a usage error
	if !strings.Contains(r.Stderr, "client_secret") {
		t.Errorf("%s", r)
	}
	h.UseSecretApp()
	first := h.MustRun(0, "", "token", "--app")
	second := h.MustRun(0, "", "token", "--app")
	if first.Stdout == "" || first.Stdout != second.Stdout {
		t.Errorf("app token not cached: %q %q", first.Stdout, second.Stdout)
	}
	if n := h.Fake.Stats().TokenRequests["client_credentials"]; n != 1 {
		t.Errorf("client_credentials requests = %d, want 1", n)
	}
	// The cached app token is not a user login.
	h.MustRun(4, "", "whoami")
	h.MustRun(4, "", "token")

	// A user command refuses an app-only token stored as the profile's login.
	h.WriteRecord("default", h.Record("default@app"))
	r = h.MustRun(4, "", "playlists")
	if !strings.Contains(r.Stderr, "app-only") {
		t.Errorf("%s", r)
	}
}

// With credentials from the environment the app-only token is kept in
// memory for the whole run: one Client Credentials request for every page.
func TestAppTokenOncePerRunInEnvMode(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.UseSecretApp()
	h.Env["SPOTCLI_REFRESH_TOKEN"] = "unused-by-app-commands"
	h.Fake.AddTracks(
		spotifytest.Track{Name: "Song A", Artists: []string{"X"}, Album: "A", DurationMS: 1000},
		spotifytest.Track{Name: "Song B", Artists: []string{"X"}, Album: "A", DurationMS: 1000},
		spotifytest.Track{Name: "Song C", Artists: []string{"X"}, Album: "A", DurationMS: 1000},
	)
	r := h.MustRun(0, "", "api", "--app", "--paginate", "search?q=song&type=track&limit=1")
	if n := strings.Count(r.Stdout, "\n"); n != 3 {
		t.Errorf("%d items, want 3: %s", n, r)
	}
	st := h.Fake.Stats()
	if st.APIRequests["/v1/search"] != 3 || st.TokenRequests["client_credentials"] != 1 {
		t.Errorf("%d search requests with %d app tokens, want 3 with 1", st.APIRequests["/v1/search"], st.TokenRequests["client_credentials"])
	}
	if entries, _ := os.ReadDir(h.Env["SPOTCLI_CONFIG_DIR"]); len(entries) != 0 {
		t.Errorf("env mode wrote to the config dir: %v", entries)
	}
}
