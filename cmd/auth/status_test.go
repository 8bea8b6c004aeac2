package authcmd

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/cmd/cmdutil/cmdutiltest"
	"github.com/spotcli/spotcli/internal/auth"
)

func TestNewStatusCmd(t *testing.T) {
	var got *statusOptions
	if err := parse(t, NewStatusCmd(&cmdutil.Factory{}, func(_ context.Context, o *statusOptions) error { got = o; return nil }), "--check", "--all", "--json"); err != nil {
		t.Fatal(err)
	}
	if !got.Check || !got.All || !got.JSON {
		t.Errorf("options %+v", got)
	}
	wantCode(t, parse(t, NewStatusCmd(&cmdutil.Factory{}, nil), "default"), cmdutil.ExitUsage)
}

// TestRunStatus: status in each state, its exit code, and no network
// without --check.
func TestRunStatus(t *testing.T) {
	now := time.Now()
	day := 24 * time.Hour
	tests := []struct {
		name  string
		setup func(e *cmdutiltest.Env)
		opts  statusOptions
		code  int
		want  []string
	}{
		{"no login", func(*cmdutiltest.Env) {}, statusOptions{}, cmdutil.ExitLogin,
			[]string{"Profile:        default (active)\n", "Status:         not logged in: run spotcli login\n"}},
		{"fresh", func(e *cmdutiltest.Env) { e.Seed("default", now.Add(-10*day), now.Add(time.Hour)) }, statusOptions{}, cmdutil.ExitOK,
			[]string{"Source:         file (plain text) ", "User:           Alice Liddell (alice)\n", "Scopes:         user-read-private ", "logged in ", "(10 days ago); expires about ", "Status:         usable\n"}},
		{"expired access token", func(e *cmdutiltest.Env) { e.Seed("default", now.Add(-10*day), now.Add(-time.Hour)) }, statusOptions{}, cmdutil.ExitOK,
			[]string{"refreshed on next use", "Status:         usable\n"}},
		{"refresh token expiring soon", func(e *cmdutiltest.Env) { e.Seed("default", now.Add(-170*day), now.Add(time.Hour)) }, statusOptions{}, cmdutil.ExitOK,
			[]string{": run spotcli login to renew\n", "Status:         usable\n"}},
		{"refresh token past 6 months", func(e *cmdutiltest.Env) { e.Seed("default", now.Add(-200*day), now.Add(-time.Hour)) }, statusOptions{}, cmdutil.ExitLogin,
			[]string{"Status:         the refresh token expired on "}},
		{"access token from the environment", func(e *cmdutiltest.Env) { e.Setenv("SPOTCLI_ACCESS_TOKEN", "x") }, statusOptions{}, cmdutil.ExitOK,
			[]string{"Source:         environment (SPOTCLI_ACCESS_TOKEN)\n", "Access token:   unknown (the token comes from SPOTCLI_ACCESS_TOKEN)\n"}},
		{"refresh token from the environment", func(e *cmdutiltest.Env) { e.Setenv("SPOTCLI_REFRESH_TOKEN", "rt") }, statusOptions{}, cmdutil.ExitOK,
			[]string{"Source:         environment (SPOTCLI_REFRESH_TOKEN)\n", "Refresh token:  from the environment; its login time is unknown"}},
		{"--check", func(e *cmdutiltest.Env) { e.Seed("default", now.Add(-10*day), now.Add(time.Hour)) }, statusOptions{Check: true}, cmdutil.ExitOK,
			[]string{"Check:          ok: Spotify accepted the credentials\n", "Status:         usable\n"}},
		{"--check with a revoked login", func(e *cmdutiltest.Env) {
			e.Seed("default", now.Add(-10*day), now.Add(time.Hour))
			e.Fake.RevokeRefreshTokens()
			e.Fake.ExpireAccessTokens()
		}, statusOptions{Check: true}, cmdutil.ExitLogin, []string{"Status:         Spotify refused the refresh token on "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdutiltest.New(t)
			tt.setup(e)
			r := e.Factory("")
			o := tt.opts
			o.f = r.F
			err := runStatus(context.Background(), &o)
			wantCode(t, err, tt.code)
			for _, w := range tt.want {
				if !strings.Contains(r.Out.String(), w) {
					t.Errorf("status lacks %q:\n%s", w, r.Out)
				}
			}
			if st := e.Fake.Stats(); !o.Check && (len(st.APIRequests) != 0 || len(st.TokenRequests) != 0) {
				t.Errorf("status without --check used the network: %+v", st)
			}
		})
	}
}

func TestRunStatusJSON(t *testing.T) {
	e := cmdutiltest.New(t)
	now := time.Now()
	rec := e.Seed("default", now.Add(-170*24*time.Hour), now.Add(-time.Minute))
	left := auth.DaysLeft(rec.RefreshExpiresAt().Sub(now)) // six calendar months: 11 to 14 days
	r := e.Factory("")
	if err := runStatus(context.Background(), &statusOptions{f: r.F, JSON: true}); err != nil {
		t.Fatal(err)
	}
	var got profileStatus
	if err := json.Unmarshal(r.Out.Bytes(), &got); err != nil {
		t.Fatalf("%v: %s", err, r.Out)
	}
	if got.Profile != "default" || !got.Active || !got.Usable || got.UserID != "alice" || !got.AccessTokenExpired ||
		got.RefreshTokenDaysLeft == nil || *got.RefreshTokenDaysLeft != left || !strings.Contains(got.Warning, fmt.Sprintf("expires in %d days", left)) {
		t.Errorf("status --json:\n%s", r.Out)
	}
}

func TestRunStatusAll(t *testing.T) {
	e := cmdutiltest.New(t)
	e.SeedFresh("default")
	e.SeedFresh("work")
	// A profile in the index whose login is gone is not listed.
	s, err := e.Factory("").F.Settings()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"work", "gone"} {
		if err := s.NoteProfile(p, true); err != nil {
			t.Fatal(err)
		}
	}
	r := e.Factory("")
	if err := runStatus(context.Background(), &statusOptions{f: r.F, All: true, JSON: true}); err != nil {
		t.Fatal(err)
	}
	var all []profileStatus
	if err := json.Unmarshal(r.Out.Bytes(), &all); err != nil {
		t.Fatalf("%v: %s", err, r.Out)
	}
	if len(all) != 2 || all[0].Profile != "default" || !all[0].Active || all[1].Profile != "work" || all[1].Active || !all[1].Usable {
		t.Errorf("status --all --json:\n%s", r.Out)
	}
	r = e.Factory("")
	if err := runStatus(context.Background(), &statusOptions{f: r.F, All: true}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Out.String(), "Status:         usable\n\nProfile:        work\n") {
		t.Errorf("status --all:\n%s", r.Out)
	}

	// Any profile that is not usable makes the exit code 4.
	e.WriteRecord("work", func() *auth.Record {
		rec := e.Record("work")
		rec.LoggedInAt = time.Now().Add(-200 * 24 * time.Hour)
		return rec
	}())
	err = runStatus(context.Background(), &statusOptions{f: e.Factory("").F, All: true})
	wantCode(t, err, cmdutil.ExitLogin)
}
