package authcmd

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/cmd/cmdutil/cmdutiltest"
)

func TestNewRefreshCmd(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args     []string
		wantJSON bool
		wantErr  string
	}{
		{args: nil},
		{args: []string{"--json"}, wantJSON: true},
		{args: []string{"now"}, wantErr: `spotcli refresh takes no arguments, got "now"`},
	} {
		var got *refreshOptions
		err := cmdutiltest.Parse(t, NewRefreshCmd(&cmdutil.Factory{}, func(_ context.Context, o *refreshOptions) error {
			got = o
			return nil
		}), tt.args...)
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("%q: err = %v, want %q", tt.args, err, tt.wantErr)
			}
			cmdutiltest.WantCode(t, err, cmdutil.ExitUsage)
			continue
		}
		if err != nil || got.JSON != tt.wantJSON {
			t.Errorf("%q: err %v, options %+v", tt.args, err, got)
		}
	}
}

func TestRunRefresh(t *testing.T) {
	t.Parallel()
	t.Run("a fresh token is refreshed anyway, and never printed", func(t *testing.T) {
		e := cmdutiltest.New(t)
		old := e.SeedFresh("default")
		r := e.Factory("")
		if err := runRefresh(context.Background(), &refreshOptions{f: r.F}); err != nil {
			t.Fatal(err)
		}
		stored := e.Record("default")
		if stored.AccessToken == old.AccessToken {
			t.Error("the stored access token did not change")
		}
		if r.Out.Len() != 0 || !strings.HasPrefix(r.Err.String(), "Access token refreshed; it expires at ") {
			t.Errorf("stdout %q, stderr %q", r.Out, r.Err)
		}
		if strings.Contains(r.Err.String(), stored.AccessToken) {
			t.Error("the token was printed")
		}
	})
	t.Run("--json", func(t *testing.T) {
		e := cmdutiltest.New(t)
		e.SeedFresh("default")
		r := e.Factory("")
		if err := runRefresh(context.Background(), &refreshOptions{f: r.F, JSON: true}); err != nil {
			t.Fatal(err)
		}
		var got struct {
			ExpiresAt time.Time `json:"expires_at"`
			Scopes    []string  `json:"scopes"`
		}
		if err := json.Unmarshal(r.Out.Bytes(), &got); err != nil {
			t.Fatalf("%v: %s", err, r.Out)
		}
		if !got.ExpiresAt.Equal(e.Record("default").ExpiresAt) || len(got.Scopes) != len(cmdutiltest.Scopes) {
			t.Errorf("--json: %s", r.Out)
		}
		if r.Err.Len() != 0 {
			t.Errorf("stderr %q", r.Err)
		}
	})
	t.Run("not logged in", func(t *testing.T) {
		e := cmdutiltest.New(t)
		err := runRefresh(context.Background(), &refreshOptions{f: e.Factory("").F})
		cmdutiltest.WantCode(t, err, cmdutil.ExitLogin)
	})
	t.Run("a revoked refresh token keeps the stored login", func(t *testing.T) {
		e := cmdutiltest.New(t)
		old := e.SeedFresh("default")
		e.Fake.RevokeRefreshTokens()
		err := runRefresh(context.Background(), &refreshOptions{f: e.Factory("").F})
		cmdutiltest.WantCode(t, err, cmdutil.ExitLogin)
		if e.Record("default").RefreshToken != old.RefreshToken {
			t.Error("the stored login changed")
		}
	})
}
