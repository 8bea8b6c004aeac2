package authcmd

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/cmd/cmdutil/cmdutiltest"
	"github.com/spotcli/spotcli/internal/spotifytest"
)

func status(t *testing.T, e *cmdutiltest.Env, o statusOptions, code int) string {
	t.Helper()
	r := e.Factory("")
	o.f = r.F
	err := runStatus(context.Background(), &o)
	wantCode(t, err, code)
	return r.Out.String()
}

// After Spotify refused the refresh token (invalid_grant), every command
// exits 4: status says so too, with the date and Spotify's reason, without
// the network, until the next login.
func TestStatusRemembersRefusal(t *testing.T) {
	for _, profile := range []string{"default", "work"} {
		t.Run(profile, func(t *testing.T) {
			e := cmdutiltest.New(t)
			e.Setenv("SPOTCLI_PROFILE", profile)
			now := time.Now()
			e.Seed(profile, now.Add(-10*24*time.Hour), now.Add(-time.Hour))
			e.Fake.RevokeRefreshTokens()

			r := e.Factory("")
			wantCode(t, runToken(context.Background(), &tokenOptions{f: r.F}), cmdutil.ExitLogin)

			before := e.Fake.Stats()
			fix := "run spotcli login"
			if profile != "default" {
				fix = "run spotcli login --profile work"
			}
			out := status(t, e, statusOptions{}, cmdutil.ExitLogin)
			want := "Status:         Spotify refused the refresh token on " + now.Format(time.DateOnly) + " (Refresh token revoked): " + fix + "\n"
			if !strings.Contains(out, want) {
				t.Errorf("status lacks %q:\n%s", want, out)
			}
			if strings.Contains(out, "usable") {
				t.Errorf("status says usable:\n%s", out)
			}
			if after := e.Fake.Stats(); len(after.TokenRequests) != len(before.TokenRequests) || len(after.APIRequests) != len(before.APIRequests) {
				t.Error("status without --check used the network")
			}
			var js map[string]any
			if err := json.Unmarshal([]byte(status(t, e, statusOptions{JSON: true}, cmdutil.ExitLogin)), &js); err != nil {
				t.Fatal(err)
			}
			if js["usable"] != false || js["refresh_token_refused_at"] == nil {
				t.Errorf("json %v", js)
			}

			// A new login is not refused.
			e.Seed(profile, now, now.Add(time.Hour))
			if out := status(t, e, statusOptions{}, cmdutil.ExitOK); !strings.Contains(out, "Status:         usable\n") {
				t.Errorf("after a new login:\n%s", out)
			}
		})
	}
}

// status --check proves the refresh token too: a login whose access token
// is still accepted but whose refresh token is dead fails the check, and a
// refresh token that Spotify rotates is saved, as with every refresh.
func TestStatusCheckRefreshes(t *testing.T) {
	e := cmdutiltest.New(t)
	old := e.SeedFresh("default")
	e.Fake.SetRotation(true)
	out := status(t, e, statusOptions{Check: true}, cmdutil.ExitOK)
	if !strings.Contains(out, "Check:          ok: Spotify accepted the credentials\n") {
		t.Errorf("status --check:\n%s", out)
	}
	now := e.Record("default")
	if now.RefreshToken == old.RefreshToken || now.AccessToken == old.AccessToken {
		t.Fatal("--check did not refresh, or did not save the rotated refresh token")
	}
	// The saved token is the live one: a second check works.
	status(t, e, statusOptions{Check: true}, cmdutil.ExitOK)

	// The access token still works; the refresh token does not.
	e.Fake.RevokeRefreshTokens()
	out = status(t, e, statusOptions{Check: true}, cmdutil.ExitLogin)
	if !strings.Contains(out, "Status:         Spotify refused the refresh token on ") {
		t.Errorf("status --check with a revoked refresh token:\n%s", out)
	}
	if e.Record("default") == nil {
		t.Error("the refused login was dropped")
	}
	// Remembered.
	status(t, e, statusOptions{}, cmdutil.ExitLogin)
}

// With credentials from the environment, status shows where they come from
// and only what is known; --check proves them.
func TestStatusEnvironment(t *testing.T) {
	e := cmdutiltest.New(t)
	_, refresh := e.Fake.IssueTokens(cmdutiltest.ClientID, "alice", cmdutiltest.Scopes, spotifytest.FlowPKCE, time.Now())
	e.Setenv("SPOTCLI_REFRESH_TOKEN", refresh)

	out := status(t, e, statusOptions{}, cmdutil.ExitOK)
	for _, want := range []string{
		"Source:         environment (SPOTCLI_REFRESH_TOKEN)\n",
		"Flow:           PKCE (Authorization Code, no client secret)\n",
		"Client ID:      " + cmdutiltest.ClientID + "\n",
		"Config file:    none read (credentials from the environment)\n",
		"Scopes:         unknown until the first refresh (spotcli status --check)\n",
		"Access token:   none yet: one is fetched with the refresh token on first use\n",
		"Status:         usable as far as known: credentials from the environment are not checked without --check\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}
	for _, bad := range []string{"0001-01-01", "Scopes:         \n", "Status:         usable\n"} {
		if strings.Contains(out, bad) {
			t.Errorf("status shows %q:\n%s", bad, out)
		}
	}
	if st := e.Fake.Stats(); len(st.TokenRequests) != 0 {
		t.Error("status without --check used the network")
	}

	out = status(t, e, statusOptions{Check: true}, cmdutil.ExitOK)
	for _, want := range []string{
		"Scopes:         " + strings.Join(cmdutiltest.Scopes, " ") + "\n",
		"Check:          ok: Spotify accepted the credentials\n",
		"Status:         usable\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("status --check lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "none yet") {
		t.Errorf("status --check:\n%s", out)
	}

	e.Fake.RevokeRefreshTokens()
	out = status(t, e, statusOptions{Check: true}, cmdutil.ExitLogin)
	if !strings.Contains(out, "the refresh token in SPOTCLI_REFRESH_TOKEN is no longer valid") {
		t.Errorf("status --check with a revoked token:\n%s", out)
	}
}

// status and whoami name the flow, the client ID and the config file.
func TestStatusShowsApp(t *testing.T) {
	e := cmdutiltest.New(t)
	e.UseSecretApp()
	e.SeedFresh("default")
	// A login made with the secret app.
	rec := e.Record("default")
	rec.ClientID, rec.Flow = cmdutiltest.SecretClient, "secret"
	e.WriteRecord("default", rec)
	out := status(t, e, statusOptions{}, cmdutil.ExitOK)
	for _, want := range []string{
		"Flow:           client secret (Authorization Code)\n",
		"Client ID:      " + cmdutiltest.SecretClient + "\n",
		"Config file:    " + e.Dir + "/config.yaml (does not exist; spotcli config set creates it)\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}
}
