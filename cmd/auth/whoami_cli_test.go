package authcmd_test

import (
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/spotcli/spotcli/cmd/internal/clitest"
	"github.com/spotcli/spotcli/internal/spotifytest"
)

// spotifyMe is the body the fake's /v1/me answers for token.
func spotifyMe(h *harness, token string) string {
	h.T.Helper()
	req, err := http.NewRequest(http.MethodGet, h.Fake.APIURL()+"/me", nil)
	if err != nil {
		h.T.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		h.T.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		h.T.Fatalf("GET /v1/me: %d %s %v", res.StatusCode, b, err)
	}
	return string(b)
}

var expiresLine = regexp.MustCompile(`^Expires:   (\S+) \(in ([0-9hms]+)\)$`)

func TestWhoami(t *testing.T) {
	t.Parallel()
	// What a user object outside development mode tells.
	alice := []string{
		"Name:      Alice Liddell",
		"ID:        alice",
		"Email:     alice@example.com",
		"Country:   GB",
		"Product:   premium",
	}
	tests := []struct {
		name   string
		setup  func(h *harness)
		scopes string
		want   []string // the lines before Profile
	}{
		{
			name:   "stored login",
			setup:  func(h *harness) { h.LoginAlice() },
			scopes: strings.Join(clitest.Scopes, " "),
			want:   alice,
		},
		{
			name:   "development mode",
			setup:  func(h *harness) { h.LoginDevMode() },
			scopes: strings.Join(clitest.Scopes, " "),
			want:   []string{"Name:      Alice Liddell", "ID:        alice"},
		},
		{
			name:   "without the user-read scopes",
			setup:  func(h *harness) { h.LoginWith(clitest.ClientID, []string{"playlist-read-private"}) },
			scopes: "playlist-read-private",
			want:   []string{"Name:      Alice Liddell", "ID:        alice"},
		},
		{
			name: "stale stored token is refreshed first",
			setup: func(h *harness) {
				h.Seed("default", time.Now().Add(-2*time.Hour), time.Now().Add(-time.Hour))
			},
			scopes: strings.Join(clitest.Scopes, " "),
			want:   alice,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			tt.setup(h)
			r := h.MustRun(0, "", "whoami")
			if r.Stderr != "" {
				t.Errorf("stderr: %s", r.Stderr)
			}
			rec := h.Record("default") // after the run: refreshed if it had to be
			want := slices.Concat(tt.want, []string{
				"Profile:   default",
				"Stored in: file (plain text) " + h.TokenPath("default"),
				"Flow:      PKCE (Authorization Code, no client secret)",
				"Client ID: " + rec.ClientID,
				"Config:    " + filepath.Join(h.Env["SPOTCLI_CONFIG_DIR"], "config.yaml") + " (does not exist; spotcli config set creates it)",
				"Scopes:    " + tt.scopes,
			})
			lines := strings.Split(strings.TrimSuffix(r.Stdout, "\n"), "\n")
			if len(lines) != len(want)+1 {
				t.Fatalf("got %d lines, want %d:\n%s", len(lines), len(want)+1, r.Stdout)
			}
			if diff := cmp.Diff(want, lines[:len(want)]); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			m := expiresLine.FindStringSubmatch(lines[len(want)])
			if m == nil {
				t.Fatalf("expires line: %q", lines[len(want)])
			}
			if m[1] != rec.ExpiresAt.Local().Format(time.RFC3339) {
				t.Errorf("expires %s, the stored token expires %s", m[1], rec.ExpiresAt.Local().Format(time.RFC3339))
			}
			if d, err := time.ParseDuration(m[2]); err != nil || d < 50*time.Minute || d > time.Hour {
				t.Errorf("expires in %q, want about an hour", m[2])
			}
			wantRefreshes := 0
			if strings.HasPrefix(tt.name, "stale") {
				wantRefreshes = 1
			}
			if got := h.Fake.Stats().Refreshes; got != wantRefreshes {
				t.Errorf("%d refreshes, want %d", got, wantRefreshes)
			}
		})
	}
}

// TestWhoamiEnvironmentToken: a token from the environment is used as is,
// and whoami says where it came from.
func TestWhoamiEnvironmentToken(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	access, _ := h.Fake.IssueTokens(clitest.ClientID, "alice", clitest.Scopes, spotifytest.FlowPKCE, time.Now())
	h.Env["SPOTCLI_ACCESS_TOKEN"] = access
	r := h.MustRun(0, "", "whoami")
	for _, want := range []string{"Name:      Alice Liddell\n", "ID:        alice\n", "Stored in: environment"} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.Stdout)
		}
	}
	if strings.Contains(r.Stdout, access) || strings.Contains(r.Stderr, access) {
		t.Error("whoami printed the access token")
	}
	h.NoRecord("default")
}

func TestWhoamiJSON(t *testing.T) {
	t.Parallel()
	for _, devMode := range []bool{false, true} {
		name := "stored login"
		if devMode {
			name = "development mode"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			rec := h.LoginAlice()
			if devMode {
				rec = h.LoginDevMode()
			}
			r := h.MustRun(0, "", "whoami", "--json")
			want := spotifyMe(h, rec.AccessToken)
			if diff := cmp.Diff(strings.TrimSpace(want)+"\n", r.Stdout); diff != "" {
				t.Errorf("not /v1/me as Spotify sent it (-want +got):\n%s", diff)
			}
			if !strings.Contains(r.Stdout, `"account_id":`) {
				t.Errorf("the unknown field account_id did not pass through: %s", r.Stdout)
			}
			if hasEmail := strings.Contains(r.Stdout, `"email"`); hasEmail == devMode {
				t.Errorf("email present = %v in %s mode", hasEmail, name)
			}
			if r.Stderr != "" {
				t.Errorf("stderr: %s", r.Stderr)
			}
		})
	}
}

func TestWhoamiNotLoggedIn(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"whoami"}, {"whoami", "--json"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			r := h.MustRun(4, "", args...)
			if !strings.Contains(r.Stderr, "not logged in: run spotcli login") || r.Stdout != "" {
				t.Errorf("got %s", r)
			}
			if n := len(h.Fake.Stats().APIRequests); n != 0 {
				t.Errorf("requests without a login: %v", h.Fake.Stats().APIRequests)
			}
		})
	}
}

func TestWhoamiErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		setup     func(h *harness)
		code      int
		refreshes int
		requests  int
		want      string
	}{
		{
			name:      "401 refreshes once and retries",
			setup:     func(h *harness) { h.Fake.ExpireAccessTokens() },
			code:      0,
			refreshes: 1,
			requests:  2,
			want:      "",
		},
		{
			name:      "second 401 needs a login",
			setup:     func(h *harness) { h.Fake.InjectFault(spotifytest.Fault{Path: "/v1/me", Status: 401}) },
			code:      4,
			refreshes: 1,
			requests:  2,
			want:      "run spotcli login",
		},
		{
			name: "403 in development mode",
			setup: func(h *harness) {
				h.Fake.InjectFault(spotifytest.Fault{Path: "/v1/me", Status: 403, Body: `{"error":{"status":403,"message":"User not registered in the Developer Dashboard"}}`})
			},
			code:     1,
			requests: 1,
			want:     "development mode",
		},
		{
			name:     "503 retried then given up",
			setup:    func(h *harness) { h.Fake.InjectFault(spotifytest.Fault{Path: "/v1/me", Status: 503}) },
			code:     1,
			requests: 4,
			want:     "Spotify answered 503 Service Unavailable",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			before := h.LoginAlice()
			tt.setup(h)
			r := h.MustRun(tt.code, "", "whoami")
			if !strings.Contains(r.Stderr, tt.want) {
				t.Errorf("stderr does not say %q:\n%s", tt.want, r.Stderr)
			}
			if tt.code == 0 && !strings.Contains(r.Stdout, "ID:        alice\n") {
				t.Errorf("stdout:\n%s", r.Stdout)
			}
			st := h.Fake.Stats()
			if st.Refreshes != tt.refreshes || st.APIRequests["/v1/me"] != tt.requests {
				t.Errorf("refreshes %d, requests %d; want %d and %d", st.Refreshes, st.APIRequests["/v1/me"], tt.refreshes, tt.requests)
			}
			if tt.code == 0 && h.Record("default").AccessToken == before.AccessToken {
				t.Error("the refreshed token was not stored")
			}
		})
	}
}
