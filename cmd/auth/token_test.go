package authcmd

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/cmd/cmdutil/cmdutiltest"
)

func TestNewTokenCmd(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    []string
		want    tokenOptions
		wantErr string
	}{
		{name: "no flags", want: tokenOptions{}},
		{name: "--refresh-token", args: []string{"--refresh-token"}, want: tokenOptions{RefreshToken: true}},
		{name: "--app", args: []string{"--app"}, want: tokenOptions{App: true}},
		{name: "--app and --refresh-token", args: []string{"--app", "--refresh-token"}, wantErr: "if any flags in the group [refresh-token app] are set none of the others can be"},
		{name: "an argument", args: []string{"extra"}, wantErr: `spotcli token takes no arguments, got "extra"`},
		{name: "an unknown flag", args: []string{"--nope"}, wantErr: "unknown flag: --nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &cmdutil.Factory{}
			var got *tokenOptions
			err := cmdutiltest.Parse(t, NewTokenCmd(f, func(_ context.Context, o *tokenOptions) error {
				got = o
				return nil
			}), tt.args...)
			if tt.wantErr != "" {
				cmdutiltest.WantError(t, err, tt.wantErr, cmdutil.ExitUsage)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.f != f || got.RefreshToken != tt.want.RefreshToken || got.App != tt.want.App {
				t.Errorf("options %+v, want %+v with the Factory", *got, tt.want)
			}
		})
	}
}

func TestRunToken(t *testing.T) {
	t.Parallel()
	t.Run("a fresh stored token, without the network", func(t *testing.T) {
		e := cmdutiltest.New(t)
		rec := e.SeedFresh("default")
		r := e.Factory("")
		if err := runToken(context.Background(), &tokenOptions{f: r.F}); err != nil {
			t.Fatal(err)
		}
		if r.Out.String() != rec.AccessToken+"\n" || r.Err.Len() != 0 {
			t.Errorf("stdout %q, stderr %q", r.Out, r.Err)
		}
		if st := e.Fake.Stats(); len(st.TokenRequests) != 0 || len(st.APIRequests) != 0 {
			t.Errorf("used the network: %+v", st)
		}
	})
	t.Run("an expired token is refreshed and stored first", func(t *testing.T) {
		e := cmdutiltest.New(t)
		now := time.Now()
		old := e.Seed("default", now.Add(-24*time.Hour), now.Add(-time.Minute))
		r := e.Factory("")
		if err := runToken(context.Background(), &tokenOptions{f: r.F}); err != nil {
			t.Fatal(err)
		}
		stored := e.Record("default")
		if got := strings.TrimSuffix(r.Out.String(), "\n"); got == old.AccessToken || got != stored.AccessToken {
			t.Errorf("printed %q; old %q, stored %q", got, old.AccessToken, stored.AccessToken)
		}
		if !stored.ExpiresAt.After(now) || stored.RefreshToken == "" {
			t.Errorf("stored record after refresh: %+v", stored)
		}
		if n := e.Fake.Stats().Refreshes; n != 1 {
			t.Errorf("%d refreshes, want 1", n)
		}
	})
	t.Run("a refresh token that Spotify no longer accepts needs a login", func(t *testing.T) {
		e := cmdutiltest.New(t)
		now := time.Now()
		e.Seed("default", now.Add(-24*time.Hour), now.Add(-time.Minute))
		e.Fake.RevokeRefreshTokens()
		r := e.Factory("")
		err := runToken(context.Background(), &tokenOptions{f: r.F})
		cmdutiltest.WantCode(t, err, cmdutil.ExitLogin)
		if r.Out.Len() != 0 {
			t.Errorf("stdout %q", r.Out)
		}
		if e.Record("default") == nil {
			t.Error("the stored login was dropped")
		}
	})
	t.Run("not logged in", func(t *testing.T) {
		e := cmdutiltest.New(t)
		r := e.Factory("")
		err := runToken(context.Background(), &tokenOptions{f: r.F})
		cmdutiltest.WantCode(t, err, cmdutil.ExitLogin)
		if !strings.Contains(err.Error(), "not logged in") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("--refresh-token warns on stderr", func(t *testing.T) {
		e := cmdutiltest.New(t)
		rec := e.SeedFresh("default")
		r := e.Factory("")
		if err := runToken(context.Background(), &tokenOptions{f: r.F, RefreshToken: true}); err != nil {
			t.Fatal(err)
		}
		if r.Out.String() != rec.RefreshToken+"\n" {
			t.Errorf("stdout %q", r.Out)
		}
		if !strings.Contains(r.Err.String(), "warning: this is a refresh token, a long-lived secret") {
			t.Errorf("stderr %q", r.Err)
		}
	})
	t.Run("SPOTCLI_ACCESS_TOKEN is printed as is", func(t *testing.T) {
		e := cmdutiltest.New(t)
		e.SeedFresh("default")
		e.Setenv("SPOTCLI_ACCESS_TOKEN", "from-the-environment")
		r := e.Factory("")
		if err := runToken(context.Background(), &tokenOptions{f: r.F}); err != nil {
			t.Fatal(err)
		}
		if r.Out.String() != "from-the-environment\n" {
			t.Errorf("stdout %q", r.Out)
		}
	})
	t.Run("SPOTCLI_ACCESS_TOKEN has no refresh token", func(t *testing.T) {
		e := cmdutiltest.New(t)
		e.Setenv("SPOTCLI_ACCESS_TOKEN", "from-the-environment")
		r := e.Factory("")
		err := runToken(context.Background(), &tokenOptions{f: r.F, RefreshToken: true})
		if err == nil || !strings.Contains(err.Error(), "no refresh token") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("--app gets and caches an app-only token", func(t *testing.T) {
		e := cmdutiltest.New(t)
		e.UseSecretApp()
		var printed []string
		for range 2 {
			r := e.Factory("")
			if err := runToken(context.Background(), &tokenOptions{f: r.F, App: true}); err != nil {
				t.Fatal(err)
			}
			printed = append(printed, r.Out.String())
		}
		if printed[0] == "\n" || printed[0] != printed[1] {
			t.Errorf("printed %q", printed)
		}
		if n := e.Fake.Stats().TokenRequests["client_credentials"]; n != 1 {
			t.Errorf("%d client_credentials requests, want 1 (cached)", n)
		}
	})
	t.Run("--app without a client secret", func(t *testing.T) {
		e := cmdutiltest.New(t)
		r := e.Factory("")
		err := runToken(context.Background(), &tokenOptions{f: r.F, App: true})
		cmdutiltest.WantCode(t, err, cmdutil.ExitError)
		if !strings.Contains(err.Error(), "SPOTCLI_CLIENT_SECRET") {
			t.Errorf("err = %v", err)
		}
	})
}
