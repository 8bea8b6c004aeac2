package authcmd_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/spotcli/spotcli/cmd/internal/clitest"
	"github.com/spotcli/spotcli/internal/spotifytest"
)

func TestStatus(t *testing.T) {
	t.Parallel()
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
		{"fresh", func(h *harness) { h.Seed("default", now.Add(-10*day), now.Add(time.Hour)) },
			nil, 0, []string{"Source:         file (plain text) ", "Alice Liddell (alice)", "Status:         usable", "expires about"}},
		{"expired access token", func(h *harness) { h.Seed("default", now.Add(-10*day), now.Add(-time.Hour)) },
			nil, 0, []string{"refreshed on next use", "usable"}},
		{"refresh token 5 months 20 days old", func(h *harness) { h.Seed("default", now.Add(-170*day), now.Add(time.Hour)) },
			nil, 0, []string{"run spotcli login to renew", "usable"}},
		{"past 6 months", func(h *harness) { h.Seed("default", now.Add(-200*day), now.Add(-time.Hour)) },
			nil, 4, []string{"refresh token expired on"}},
		{"env access token", func(h *harness) { h.Env["SPOTCLI_ACCESS_TOKEN"] = "x" }, nil, 0, []string{"environment (SPOTCLI_ACCESS_TOKEN)"}},
		{"check ok", func(h *harness) { h.Seed("default", now.Add(-10*day), now.Add(time.Hour)) },
			[]string{"--check"}, 0, []string{"Check:          ok"}},
		{"check fails", func(h *harness) {
			h.Seed("default", now.Add(-10*day), now.Add(time.Hour))
			h.Fake.RevokeRefreshTokens()
			h.Fake.ExpireAccessTokens()
		}, []string{"--check"}, 4, []string{"Spotify refused the refresh token on "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			tt.setup(h)
			st := h.Fake.Stats()
			r := h.MustRun(tt.code, "", append([]string{"status"}, tt.args...)...)
			for _, want := range tt.contains {
				if !strings.Contains(r.Stdout, want) {
					t.Errorf("status lacks %q:\n%s", want, r)
				}
			}
			if len(tt.args) == 0 {
				after := h.Fake.Stats()
				if sum(after.APIRequests)+sum(after.TokenRequests) != sum(st.APIRequests)+sum(st.TokenRequests) {
					t.Error("status without --check used the network")
				}
			}
		})
	}
}

func TestStatusJSONAndProfiles(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	now := time.Now()
	h.Seed("default", now.Add(-10*24*time.Hour), now.Add(time.Hour))
	h.Fake.AddUser(spotifytest.User{ID: "bob", DisplayName: "Bob"})
	h.Fake.SetCurrentUser("bob")
	h.MustRun(0, "", "login", "--profile", "work")
	if h.Record("work").UserID != "bob" || h.Record("default").UserID != "alice" {
		t.Fatal("profiles not kept apart")
	}
	r := h.MustRun(0, "", "status", "--json", "--profile", "work")
	var one map[string]any
	if err := json.Unmarshal([]byte(r.Stdout), &one); err != nil {
		t.Fatalf("%v: %s", err, r)
	}
	if one["profile"] != "work" || one["user_id"] != "bob" || one["usable"] != true {
		t.Errorf("status --json: %s", r.Stdout)
	}
	for _, k := range []string{"source", "scopes", "access_token_expires_at", "logged_in_at", "refresh_token_expires_at"} {
		if _, ok := one[k]; !ok {
			t.Errorf("status --json lacks %s", k)
		}
	}
	r = h.MustRun(0, "", "status", "--all", "--json")
	var all []map[string]any
	if err := json.Unmarshal([]byte(r.Stdout), &all); err != nil || len(all) != 2 {
		t.Fatalf("status --all: %v %s", err, r)
	}
	h.MustRun(0, "", "logout", "--profile", "work")
	h.Record("default")
	r = h.MustRun(0, "", "status", "--all")
	if strings.Contains(r.Stdout, "work") {
		t.Errorf("logged-out profile still listed: %s", r)
	}
}

// status --json in every state, as a golden file: times are replaced by
// TIME and the config directory by CONFIG, the rest is byte for byte.
func TestStatusJSONGolden(t *testing.T) {
	t.Parallel()
	now := time.Now()
	day := 24 * time.Hour
	states := []struct {
		name  string
		setup func(h *harness)
		args  []string
		code  int
	}{
		{"no login", func(h *harness) {}, nil, 4},
		{"fresh", func(h *harness) { h.Seed("default", now.Add(-10*day), now.Add(time.Hour)) }, nil, 0},
		{"expired access token", func(h *harness) { h.Seed("default", now.Add(-10*day), now.Add(-time.Hour)) }, nil, 0},
		{"refresh token 5 months 20 days old", func(h *harness) { h.Seed("default", now.Add(-170*day), now.Add(time.Hour)) }, nil, 0},
		{"past 6 months", func(h *harness) { h.Seed("default", now.Add(-200*day), now.Add(-time.Hour)) }, nil, 4},
		{"env access token", func(h *harness) { h.Env["SPOTCLI_ACCESS_TOKEN"] = "x" }, nil, 0},
		{"env refresh token", func(h *harness) { h.Env["SPOTCLI_REFRESH_TOKEN"] = "y" }, nil, 0},
		{"all profiles", func(h *harness) {
			h.Seed("default", now.Add(-10*day), now.Add(time.Hour))
			h.Seed("work", now.Add(-200*day), now.Add(-time.Hour))
		}, []string{"--all"}, 4},
	}
	times := regexp.MustCompile(`"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z"`)
	dates := regexp.MustCompile(`\d{4}-\d\d-\d\d`)
	var out strings.Builder
	for _, st := range states {
		h := newHarness(t)
		st.setup(h)
		r := h.MustRun(st.code, "", append([]string{"status", "--json"}, st.args...)...)
		got := times.ReplaceAllString(r.Stdout, `"TIME"`)
		got = strings.ReplaceAll(got, h.Env["SPOTCLI_CONFIG_DIR"], "CONFIG")
		got = dates.ReplaceAllString(got, "DATE")
		fmt.Fprintf(&out, "== %s (exit %d)\n%s", st.name, r.Code, got)
	}
	clitest.Golden(t, "status_json", out.String())
}
