package authcmd_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spotcli/spotcli/cmd/internal/clitest"
	"github.com/spotcli/spotcli/internal/spotifytest"
	"github.com/spotcli/spotcli/internal/spotifytest/fixtures"
)

func TestNotLoggedIn(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"token"}, {"refresh"}, {"whoami"}, {"playlists"}, {"token", "--refresh-token"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			h := newHarness(t)
			r := h.MustRun(4, "", args...)
			if r.Stdout != "" || !strings.Contains(r.Stderr, "not logged in: run spotcli login") {
				t.Errorf("%s", r)
			}
		})
	}
}

func TestTokenUsesStoredTokenWithoutNetwork(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	rec := h.Seed("default", time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	r := h.MustRun(0, "", "token")
	if r.Stdout != rec.AccessToken+"\n" || r.Stderr != "" {
		t.Errorf("%s", r)
	}
	st := h.Fake.Stats()
	if n := sum(st.TokenRequests) + sum(st.APIRequests); n != 0 {
		t.Errorf("token with a fresh stored token made %d requests", n)
	}
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func TestAutoRefresh(t *testing.T) {
	t.Parallel()
	for _, rotation := range []bool{false, true} {
		name := map[bool]string{false: "no rotation", true: "rotation"}[rotation]
		t.Run(name, func(t *testing.T) {
			h := newHarness(t)
			h.Fake.SetRotation(rotation)
			old := h.Seed("default", time.Now().Add(-24*time.Hour), time.Now().Add(30*time.Second)) // within the 60 s margin
			r := h.MustRun(0, "", "token")
			rec := h.Record("default")
			if r.Stdout != rec.AccessToken+"\n" || rec.AccessToken == old.AccessToken {
				t.Errorf("token did not print a refreshed token: %s", r)
			}
			if rotation == (rec.RefreshToken == old.RefreshToken) {
				t.Errorf("rotation=%v: refresh token changed=%v", rotation, rec.RefreshToken != old.RefreshToken)
			}
			if !rec.LoggedInAt.Equal(old.LoggedInAt) || rec.UserID != "alice" {
				t.Errorf("refresh lost the login time or user: %+v", rec)
			}
			if got := h.Fake.Stats().Refreshes; got != 1 {
				t.Errorf("refreshes = %d", got)
			}
			// The stored refresh token still works.
			h.MustRun(0, "", "refresh")
		})
	}
}

func TestRefreshCommand(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	old := h.Seed("default", time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	r := h.MustRun(0, "", "refresh")
	if r.Stdout != "" || !strings.Contains(r.Stderr, "Access token refreshed; it expires at ") {
		t.Errorf("%s", r)
	}
	if h.Record("default").AccessToken == old.AccessToken {
		t.Error("refresh did not refresh a fresh token")
	}
	r = h.MustRun(0, "", "refresh", "--json")
	var out struct {
		ExpiresAt time.Time `json:"expires_at"`
		Scopes    []string  `json:"scopes"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &out); err != nil || out.ExpiresAt.Before(time.Now()) || len(out.Scopes) != 4 {
		t.Errorf("refresh --json: %v %s", err, r)
	}
	rec := h.Record("default")
	if strings.Contains(r.Stdout, rec.AccessToken) || strings.Contains(r.Stdout, rec.RefreshToken) {
		t.Error("refresh --json printed a token")
	}
}

func TestInvalidGrantKeepsStoredLogin(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.Seed("default", time.Now().Add(-time.Hour), time.Now().Add(-time.Minute))
	before, _ := os.ReadFile(h.TokenPath("default"))
	h.Fake.RevokeRefreshTokens()
	r := h.MustRun(4, "", "token")
	if r.Stdout != "" || !strings.Contains(r.Stderr, "refresh token no longer valid") || !strings.Contains(r.Stderr, "spotcli login") {
		t.Errorf("%s", r)
	}
	after, _ := os.ReadFile(h.TokenPath("default"))
	if !bytes.Equal(before, after) {
		t.Error("a refused refresh changed the stored login")
	}
}

func TestTokenPrintsRefreshTokenWithWarning(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	rec := h.Seed("default", time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	r := h.MustRun(0, "", "token", "--refresh-token")
	if r.Stdout != rec.RefreshToken+"\n" || !strings.Contains(r.Stderr, "long-lived secret") {
		t.Errorf("%s", r)
	}
}

func TestLoginWithRefreshToken(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	_, refresh := h.Fake.IssueTokens(clitest.ClientID, "alice", []string{"user-read-private"}, spotifytest.FlowPKCE, time.Now().Add(-time.Hour))
	r := h.MustRun(0, refresh+"\n", "login", "--with-refresh-token")
	if !strings.Contains(r.Stderr, "Logged in as Alice Liddell (alice)") || r.Stdout != "" {
		t.Errorf("%s", r)
	}
	if rec := h.Record("default"); rec.UserID != "alice" || rec.RefreshToken == "" {
		t.Errorf("stored: %+v", rec)
	}
	if st := h.Fake.Stats(); st.AuthorizeRequests != 0 {
		t.Error("--with-refresh-token used the browser flow")
	}

	bad := newHarness(t)
	r = bad.MustRun(1, "not-a-valid-refresh-token\n", "login", "--with-refresh-token")
	if !strings.Contains(r.Stderr, "refused") {
		t.Errorf("%s", r)
	}
	bad.NoRecord("default")
	r = bad.MustRun(2, "", "login", "--with-refresh-token")
	if !strings.Contains(r.Stderr, "stdin was empty") {
		t.Errorf("%s", r)
	}
}

func TestLogout(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.Seed("default", time.Now(), time.Now().Add(time.Hour))
	h.Seed("work", time.Now(), time.Now().Add(time.Hour))
	r := h.MustRun(0, "", "logout")
	if !strings.Contains(r.Stderr, `removed the stored login of profile "default"`) {
		t.Errorf("%s", r)
	}
	h.NoRecord("default")
	h.Record("work") // other profiles stay
	r = h.MustRun(0, "", "logout")
	if !strings.Contains(r.Stderr, `No login was stored for profile "default"`) {
		t.Errorf("%s", r)
	}
	h.MustRun(4, "", "token")
}

func TestCorruptRecord(t *testing.T) {
	t.Parallel()
	for name, content := range map[string]string{
		"garbage":   "this is not json",
		"truncated": `{"v":1,"access_token":"abc","refresh_tok`,
		"no token":  `{"v":1,"client_id":"x","flow":"pkce"}`,
	} {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t)
			p := h.TokenPath("default")
			os.MkdirAll(filepath.Dir(p), 0o700)
			os.WriteFile(p, []byte(content), 0o600)
			for _, args := range [][]string{{"token"}, {"refresh"}, {"whoami"}} {
				r := h.MustRun(1, "", args...)
				if !strings.Contains(r.Stderr, `profile "default"`) || !strings.Contains(r.Stderr, "spotcli logout") || strings.Contains(r.Stderr, "panic") {
					t.Errorf("%v: %s", args, r)
				}
			}
			if b, _ := os.ReadFile(p); string(b) != content {
				t.Error("a read changed the corrupt record")
			}
			// logout then login is the documented way out.
			h.MustRun(0, "", "logout")
			h.MustRun(0, "", "login")
		})
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--no-such-flag"}, "unknown flag"},
		{[]string{"no-such-command"}, "unknown command"},
		{[]string{"token", "extra"}, "takes no arguments"},
		{[]string{"login", "--timeout", "soon"}, "invalid argument"},
		{[]string{"login", "--timeout", "0s"}, "positive duration"},
		{[]string{"token", "--profile", "../etc"}, "invalid profile name"},
	} {
		r := h.MustRun(2, "", tt.args...)
		if !strings.Contains(r.Stderr, tt.want) || r.Stdout != "" {
			t.Errorf("%v: %s", tt.args, r)
		}
	}
}

func TestLoginRefusesBadRedirectURI(t *testing.T) {
	t.Parallel()
	for _, uri := range []string{"http://localhost:8888/callback", "http://192.168.1.10:8888/callback", "https://example.com/callback"} {
		h := newHarness(t)
		h.Env["SPOTCLI_REDIRECT_URI"] = uri
		r := h.MustRun(2, "", "login")
		if !strings.Contains(r.Stderr, "127.0.0.1") || h.Fake.Stats().AuthorizeRequests != 0 {
			t.Errorf("%s: %s", uri, r)
		}
	}
}

func TestLoginWithoutClientID(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	delete(h.Env, "SPOTCLI_CLIENT_ID")
	r := h.MustRun(1, "", "login")
	if !strings.Contains(r.Stderr, "developer.spotify.com/dashboard") || !strings.Contains(r.Stderr, "SPOTCLI_CLIENT_ID") {
		t.Errorf("%s", r)
	}
}

// --debug logs every request, and no secret: not the tokens, the code, the
// PKCE verifier or the client secret.
func TestDebugLeaksNoSecret(t *testing.T) {
	t.Parallel()
	for _, secretFlow := range []bool{false, true} {
		t.Run(map[bool]string{false: "pkce", true: "secret"}[secretFlow], func(t *testing.T) {
			h := newHarness(t)
			if secretFlow {
				h.UseSecretApp()
			}
			h.Fake.SetRotation(true)
			h.Fake.GeneratePlaylists("alice", 120)
			fixtures.AddMixed(h.Fake)
			var logs strings.Builder
			printed := map[string]bool{} // what spotcli token was asked to print
			steps := [][]string{
				{"login", "--debug"},
				{"whoami", "--debug"},
				{"playlists", "--debug", "-o", "tsv"},
				{"playlists", "items", fixtures.MixedID, "--debug"},
				{"api", "me", "--debug"},
				{"api", "me/playlists", "--paginate", "--debug"},
				{"status", "--check", "--debug"},
				{"refresh", "--debug"},
				{"token", "--debug"},
				{"whoami", "--debug"},
			}
			if secretFlow {
				steps = append(steps, []string{"token", "--app", "--debug"}, []string{"api", "--app", "tracks/0ItemNew00000000000001", "--debug"})
			}
			steps = append(steps, []string{"logout", "--debug"})
			for i, args := range steps {
				if i == 7 {
					h.Fake.ExpireAccessTokens() // the rest renews on a 401 too
				}
				r := h.MustRun(0, "", args...)
				if args[0] == "token" {
					printed[strings.TrimSpace(r.Stdout)] = true
					logs.WriteString(r.Stderr)
				} else {
					logs.WriteString(r.Stdout + r.Stderr)
				}
			}
			all := logs.String()
			for _, want := range []string{"debug: POST " + h.Fake.AccountsURL() + "/api/token -> 200", "debug: GET " + h.Fake.APIURL() + "/me -> 200"} {
				if !strings.Contains(all, want) {
					t.Errorf("debug output lacks %q", want)
				}
			}
			secrets := h.Fake.Secrets()
			if len(secrets) < 5 {
				t.Fatalf("the fake reports only %d secrets", len(secrets))
			}
			for _, s := range secrets {
				if !printed[s] && strings.Contains(all, s) {
					t.Errorf("secret %.6s… appears in the output", s)
				}
			}
			if strings.Contains(all, "code=") && !strings.Contains(all, "code=REDACTED") {
				t.Error("an authorization code appears in a URL")
			}
		})
	}
}
