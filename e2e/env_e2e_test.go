package e2e

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/spotcli/spotcli/internal/spotifytest"
)

// Each rung of the ladder wins over the ones below it, with a stored login
// present too.
func TestCredentialPrecedence(t *testing.T) {
	h := newHarness(t)
	stored := h.seed("default", time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	envAccess, envRefresh := h.fake.IssueTokens(testClientID, "alice", []string{"user-read-private"}, spotifytest.FlowPKCE, time.Now())

	if r := h.mustRun(0, "", "token"); r.stdout != stored.AccessToken+"\n" {
		t.Errorf("stored login: %s", r)
	}

	h.env["SPOTCLI_REFRESH_TOKEN"] = envRefresh
	r := h.mustRun(0, "", "token")
	tok := strings.TrimSpace(r.stdout)
	if tok == stored.AccessToken || tok == envAccess || h.fake.Stats().Refreshes != 1 {
		t.Errorf("SPOTCLI_REFRESH_TOKEN was not refreshed in memory: %s", r)
	}
	if w := h.mustRun(0, "", "whoami"); !strings.Contains(w.stdout, "environment (SPOTCLI_REFRESH_TOKEN)") {
		t.Errorf("whoami: %s", w)
	}

	h.env["SPOTCLI_ACCESS_TOKEN"] = envAccess
	before := h.fake.Stats()
	if r := h.mustRun(0, "", "token"); r.stdout != envAccess+"\n" {
		t.Errorf("SPOTCLI_ACCESS_TOKEN: %s", r)
	}
	if h.fake.Stats().Refreshes != before.Refreshes {
		t.Error("SPOTCLI_ACCESS_TOKEN was refreshed")
	}
	// The stored login is untouched by all of it.
	if rec := h.record("default"); rec.AccessToken != stored.AccessToken || rec.RefreshToken != stored.RefreshToken {
		t.Error("environment credentials changed the stored login")
	}
	r = h.mustRun(1, "", "login")
	if !strings.Contains(r.stderr, "SPOTCLI_ACCESS_TOKEN is set") || !strings.Contains(r.stderr, "unset SPOTCLI_ACCESS_TOKEN") {
		t.Errorf("login with env credentials: %s", r)
	}
}

// In env mode nothing is read from or written to HOME, the config dir or a
// keyring: it works with a read-only home, no D-Bus, and jobs in parallel.
func TestEnvModeTouchesNoState(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Log("running as root: read-only directories are still writable, so the test checks that nothing was created instead")
	}
	h := newHarness(t)
	h.fake.GeneratePlaylists("alice", 3)
	home := filepath.Join(h.dir, "ro-home")
	os.MkdirAll(home, 0o500)
	h.env["HOME"] = home
	h.env["XDG_CONFIG_HOME"] = filepath.Join(home, ".config")
	delete(h.env, "SPOTCLI_CONFIG_DIR")
	delete(h.env, "DBUS_SESSION_BUS_ADDRESS")
	h.env["SPOTCLI_TOKEN_STORE"] = "keyring" // would fail if touched
	_, refresh := h.fake.IssueTokens(testClientID, "alice", []string{"user-read-private", "playlist-read-private"}, spotifytest.FlowPKCE, time.Now())
	h.env["SPOTCLI_REFRESH_TOKEN"] = refresh
	for _, args := range [][]string{{"token"}, {"whoami"}, {"playlists"}, {"refresh"}, {"status"}} {
		h.mustRun(0, "", args...)
	}
	entries, _ := os.ReadDir(home)
	if len(entries) != 0 {
		t.Errorf("env mode wrote into HOME: %v", entries)
	}
}

func TestEnvRotationSavesRefreshToken(t *testing.T) {
	h := newHarness(t)
	h.fake.SetRotation(true)
	_, refresh := h.fake.IssueTokens(testClientID, "alice", []string{"user-read-private"}, spotifytest.FlowPKCE, time.Now())
	h.env["SPOTCLI_REFRESH_TOKEN"] = refresh

	r := h.mustRun(0, "", "token")
	if !strings.Contains(r.stderr, "--save-refresh-token") {
		t.Errorf("no rotation warning: %s", r)
	}

	_, refresh2 := h.fake.IssueTokens(testClientID, "alice", []string{"user-read-private"}, spotifytest.FlowPKCE, time.Now())
	h.env["SPOTCLI_REFRESH_TOKEN"] = refresh2
	// A directory like /tmp or $RUNNER_TEMP: spotcli leaves its mode alone.
	ci := filepath.Join(h.dir, "ci")
	if err := os.Mkdir(ci, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(ci, 0o777|os.ModeSticky); err != nil {
		t.Fatal(err)
	}
	save := filepath.Join(ci, "new-refresh-token")
	r = h.mustRun(0, "", "token", "--save-refresh-token", save)
	if !strings.Contains(r.stderr, save) {
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
	h.mustRun(4, "", "token")
	h.env["SPOTCLI_REFRESH_TOKEN"] = newRT
	h.mustRun(0, "", "token")
}

// TestSaveRefreshTokenCannotBeWritten: when the --save-refresh-token file
// cannot be written, spotcli says so and exits 1 before sending the
// refresh, so the refresh token in SPOTCLI_REFRESH_TOKEN still works (issue
// 13, items 1 and 3). Before, the missing directory was created 0700, and a
// failed write was a warning after Spotify had rotated the token, exit 0.
func TestSaveRefreshTokenCannotBeWritten(t *testing.T) {
	h := newHarness(t)
	h.fake.SetRotation(true)
	_, refresh := h.fake.IssueTokens(testClientID, "alice", []string{"user-read-private"}, spotifytest.FlowPKCE, time.Now())
	h.env["SPOTCLI_REFRESH_TOKEN"] = refresh
	save := filepath.Join(h.dir, "missing", "new-refresh-token")
	r := h.mustRun(1, "", "token", "--save-refresh-token", save)
	for _, want := range []string{"refresh not sent", "still works", filepath.Dir(save)} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr does not say %q: %s", want, r)
		}
	}
	if r.stdout != "" {
		t.Errorf("stdout %q, want nothing", r.stdout)
	}
	if _, err := os.Stat(filepath.Dir(save)); !errors.Is(err, fs.ErrNotExist) {
		t.Error("the missing directory was created")
	}
	if got := h.fake.Stats().Refreshes; got != 0 {
		t.Errorf("%d refreshes sent, want 0", got)
	}
	// The refresh token was not used: it still works.
	h.mustRun(0, "", "token")
}

func TestInvalidGrantMessages(t *testing.T) {
	h := newHarness(t)
	h.seed("default", time.Now().Add(-190*24*time.Hour), time.Now().Add(-time.Minute))
	r := h.mustRun(4, "", "token")
	if !strings.Contains(r.stderr, "Refresh token expired") || !strings.Contains(r.stderr, "run spotcli login") {
		t.Errorf("stored: %s", r)
	}

	h.env["SPOTCLI_REFRESH_TOKEN"] = "revoked-or-unknown"
	r = h.mustRun(4, "", "token")
	if !strings.Contains(r.stderr, "SPOTCLI_REFRESH_TOKEN") || !strings.Contains(r.stderr, "replace") {
		t.Errorf("env: %s", r)
	}
}

func TestStatus(t *testing.T) {
	now := time.Now()
	day := 24 * time.Hour
	tests := []struct {
		name     string
		setup    func(h *harness)
		args     []string
		code     int
		contains []string
	}{
		{"no login", func(h *harness) {}, nil, 4, []string{"not logged in: run spotcli login"}},
		{"fresh", func(h *harness) { h.seed("default", now.Add(-10*day), now.Add(time.Hour)) },
			nil, 0, []string{"Source:         file (plain text) ", "Alice Liddell (alice)", "Status:         usable", "expires about"}},
		{"expired access token", func(h *harness) { h.seed("default", now.Add(-10*day), now.Add(-time.Hour)) },
			nil, 0, []string{"refreshed on next use", "usable"}},
		{"refresh token 5 months 20 days old", func(h *harness) { h.seed("default", now.Add(-170*day), now.Add(time.Hour)) },
			nil, 0, []string{"run spotcli login to renew", "usable"}},
		{"past 6 months", func(h *harness) { h.seed("default", now.Add(-200*day), now.Add(-time.Hour)) },
			nil, 4, []string{"refresh token expired on"}},
		{"env access token", func(h *harness) { h.env["SPOTCLI_ACCESS_TOKEN"] = "x" }, nil, 0, []string{"environment (SPOTCLI_ACCESS_TOKEN)"}},
		{"check ok", func(h *harness) { h.seed("default", now.Add(-10*day), now.Add(time.Hour)) },
			[]string{"--check"}, 0, []string{"Check:          ok"}},
		{"check fails", func(h *harness) {
			h.seed("default", now.Add(-10*day), now.Add(time.Hour))
			h.fake.RevokeRefreshTokens()
			h.fake.ExpireAccessTokens()
		}, []string{"--check"}, 4, []string{"Spotify refused the refresh token on "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			tt.setup(h)
			st := h.fake.Stats()
			r := h.mustRun(tt.code, "", append([]string{"status"}, tt.args...)...)
			for _, want := range tt.contains {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("status lacks %q:\n%s", want, r)
				}
			}
			if len(tt.args) == 0 {
				after := h.fake.Stats()
				if sum(after.APIRequests)+sum(after.TokenRequests) != sum(st.APIRequests)+sum(st.TokenRequests) {
					t.Error("status without --check used the network")
				}
			}
		})
	}
}

func TestStatusJSONAndProfiles(t *testing.T) {
	h := newHarness(t)
	now := time.Now()
	h.seed("default", now.Add(-10*24*time.Hour), now.Add(time.Hour))
	h.fake.AddUser(spotifytest.User{ID: "bob", DisplayName: "Bob"})
	h.fake.SetCurrentUser("bob")
	h.mustRun(0, "", "login", "--profile", "work")
	if h.record("work").UserID != "bob" || h.record("default").UserID != "alice" {
		t.Fatal("profiles not kept apart")
	}
	r := h.mustRun(0, "", "status", "--json", "--profile", "work")
	var one map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &one); err != nil {
		t.Fatalf("%v: %s", err, r)
	}
	if one["profile"] != "work" || one["user_id"] != "bob" || one["usable"] != true {
		t.Errorf("status --json: %s", r.stdout)
	}
	for _, k := range []string{"source", "scopes", "access_token_expires_at", "logged_in_at", "refresh_token_expires_at"} {
		if _, ok := one[k]; !ok {
			t.Errorf("status --json lacks %s", k)
		}
	}
	r = h.mustRun(0, "", "status", "--all", "--json")
	var all []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &all); err != nil || len(all) != 2 {
		t.Fatalf("status --all: %v %s", err, r)
	}
	h.mustRun(0, "", "logout", "--profile", "work")
	h.record("default")
	r = h.mustRun(0, "", "status", "--all")
	if strings.Contains(r.stdout, "work") {
		t.Errorf("logged-out profile still listed: %s", r)
	}
}

func TestExpiryWarningOncePerDay(t *testing.T) {
	h := newHarness(t)
	h.seed("default", time.Now().Add(-175*24*time.Hour), time.Now().Add(time.Hour))
	r := h.mustRun(0, "", "token")
	if !strings.Contains(r.stderr, "refresh token expires in 8 days: run spotcli login to renew") {
		t.Errorf("%s", r)
	}
	if r := h.mustRun(0, "", "token"); r.stderr != "" {
		t.Errorf("warned twice in a day: %s", r)
	}
}

func TestAppToken(t *testing.T) {
	h := newHarness(t)
	r := h.mustRun(1, "", "token", "--app") // a configuration error, not a usage error
	if !strings.Contains(r.stderr, "client_secret") {
		t.Errorf("%s", r)
	}
	h.env["SPOTCLI_CLIENT_ID"] = testSecretClient
	h.env["SPOTCLI_CLIENT_SECRET"] = testClientSecret
	first := h.mustRun(0, "", "token", "--app")
	second := h.mustRun(0, "", "token", "--app")
	if first.stdout == "" || first.stdout != second.stdout {
		t.Errorf("app token not cached: %q %q", first.stdout, second.stdout)
	}
	if n := h.fake.Stats().TokenRequests["client_credentials"]; n != 1 {
		t.Errorf("client_credentials requests = %d, want 1", n)
	}
	// The cached app token is not a user login.
	h.mustRun(4, "", "whoami")
	h.mustRun(4, "", "token")

	// A user command refuses an app-only token stored as the profile's login.
	h.writeRecord("default", h.record("default@app"))
	r = h.mustRun(4, "", "playlists")
	if !strings.Contains(r.stderr, "app-only") {
		t.Errorf("%s", r)
	}
}

// status --json in every state, as a golden file: times are replaced by
// TIME and the config directory by CONFIG, the rest is byte for byte.
func TestStatusJSONGolden(t *testing.T) {
	now := time.Now()
	day := 24 * time.Hour
	states := []struct {
		name  string
		setup func(h *harness)
		args  []string
		code  int
	}{
		{"no login", func(h *harness) {}, nil, 4},
		{"fresh", func(h *harness) { h.seed("default", now.Add(-10*day), now.Add(time.Hour)) }, nil, 0},
		{"expired access token", func(h *harness) { h.seed("default", now.Add(-10*day), now.Add(-time.Hour)) }, nil, 0},
		{"refresh token 5 months 20 days old", func(h *harness) { h.seed("default", now.Add(-170*day), now.Add(time.Hour)) }, nil, 0},
		{"past 6 months", func(h *harness) { h.seed("default", now.Add(-200*day), now.Add(-time.Hour)) }, nil, 4},
		{"env access token", func(h *harness) { h.env["SPOTCLI_ACCESS_TOKEN"] = "x" }, nil, 0},
		{"env refresh token", func(h *harness) { h.env["SPOTCLI_REFRESH_TOKEN"] = "y" }, nil, 0},
		{"all profiles", func(h *harness) {
			h.seed("default", now.Add(-10*day), now.Add(time.Hour))
			h.seed("work", now.Add(-200*day), now.Add(-time.Hour))
		}, []string{"--all"}, 4},
	}
	times := regexp.MustCompile(`"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z"`)
	dates := regexp.MustCompile(`\d{4}-\d\d-\d\d`)
	var out strings.Builder
	for _, st := range states {
		h := newHarness(t)
		st.setup(h)
		r := h.mustRun(st.code, "", append([]string{"status", "--json"}, st.args...)...)
		got := times.ReplaceAllString(r.stdout, `"TIME"`)
		got = strings.ReplaceAll(got, h.env["SPOTCLI_CONFIG_DIR"], "CONFIG")
		got = dates.ReplaceAllString(got, "DATE")
		fmt.Fprintf(&out, "== %s (exit %d)\n%s", st.name, r.code, got)
	}
	golden(t, "status_json", out.String())
}

// With credentials from the environment the app-only token is kept in
// memory for the whole run: one Client Credentials request for every page.
func TestAppTokenOncePerRunInEnvMode(t *testing.T) {
	h := newHarness(t)
	h.env["SPOTCLI_CLIENT_ID"] = testSecretClient
	h.env["SPOTCLI_CLIENT_SECRET"] = testClientSecret
	h.env["SPOTCLI_REFRESH_TOKEN"] = "unused-by-app-commands"
	h.fake.AddTracks(
		spotifytest.Track{Name: "Song A", Artists: []string{"X"}, Album: "A", DurationMS: 1000},
		spotifytest.Track{Name: "Song B", Artists: []string{"X"}, Album: "A", DurationMS: 1000},
		spotifytest.Track{Name: "Song C", Artists: []string{"X"}, Album: "A", DurationMS: 1000},
	)
	r := h.mustRun(0, "", "api", "--app", "--paginate", "search?q=song&type=track&limit=1")
	if n := strings.Count(r.stdout, "\n"); n != 3 {
		t.Errorf("%d items, want 3: %s", n, r)
	}
	st := h.fake.Stats()
	if st.APIRequests["/v1/search"] != 3 || st.TokenRequests["client_credentials"] != 1 {
		t.Errorf("%d search requests with %d app tokens, want 3 with 1", st.APIRequests["/v1/search"], st.TokenRequests["client_credentials"])
	}
	if entries, _ := os.ReadDir(h.env["SPOTCLI_CONFIG_DIR"]); len(entries) != 0 {
		t.Errorf("env mode wrote to the config dir: %v", entries)
	}
}
