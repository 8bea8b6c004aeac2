package cmdutil_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/cmd/cmdutil/cmdutiltest"
	"github.com/spotcli/spotcli/internal/auth"
	"github.com/spotcli/spotcli/internal/spotifytest"
)

// withFlags gives f the root's global flags, parsed from args.
func withFlags(t *testing.T, f *cmdutil.Factory, args ...string) {
	t.Helper()
	fs := pflag.NewFlagSet("spotcli", pflag.ContinueOnError)
	f.AddGlobalFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	f.SetFlags(fs)
}

func TestCredentialsPrecedence(t *testing.T) {
	t.Parallel()
	e := cmdutiltest.New(t)
	stored := e.SeedFresh("default")
	_, envRefresh := e.Fake.IssueTokens(cmdutiltest.ClientID, "alice", nil, spotifytest.FlowPKCE, time.Now())

	check := func(wantEnv, wantWhere, wantToken string) {
		t.Helper()
		r := e.Factory("")
		cr, err := r.F.Credentials()
		if err != nil {
			t.Fatal(err)
		}
		rec, err := cr.Token(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if cr.Env != wantEnv || cr.Location() != wantWhere || (wantToken != "" && rec.AccessToken != wantToken) {
			t.Errorf("env %q, location %q, token %q; want %q, %q, %q", cr.Env, cr.Location(), rec.AccessToken, wantEnv, wantWhere, wantToken)
		}
		if again, _ := r.F.Credentials(); again != cr {
			t.Error("Credentials resolved twice in one run")
		}
	}
	check("", "file (plain text) "+e.TokenPath("default"), stored.AccessToken)
	e.Setenv("SPOTCLI_REFRESH_TOKEN", envRefresh)
	check("SPOTCLI_REFRESH_TOKEN", "environment (SPOTCLI_REFRESH_TOKEN)", "")
	e.Setenv("SPOTCLI_ACCESS_TOKEN", "env-access")
	check("SPOTCLI_ACCESS_TOKEN", "environment (SPOTCLI_ACCESS_TOKEN)", "env-access")
	if got := e.Record("default"); got.AccessToken != stored.AccessToken || got.RefreshToken != stored.RefreshToken {
		t.Error("credentials from the environment changed the stored login")
	}
	if auth.EnvCredentials(e.Getenv) != "SPOTCLI_ACCESS_TOKEN" {
		t.Error("EnvCredentials")
	}
}

func TestEnvRefreshToken(t *testing.T) {
	t.Parallel()
	t.Run("needs the client ID", func(t *testing.T) {
		e := cmdutiltest.New(t)
		e.Setenv("SPOTCLI_REFRESH_TOKEN", "rt")
		e.Setenv("SPOTCLI_CLIENT_ID", "")
		_, err := e.Factory("").F.Credentials()
		if code := cmdutil.ExitCode(context.Background(), err); code != cmdutil.ExitError || !strings.Contains(err.Error(), "SPOTCLI_CLIENT_ID is not") {
			t.Errorf("exit %d: %v", code, err)
		}
	})
	t.Run("a refused one names the variable", func(t *testing.T) {
		e := cmdutiltest.New(t)
		e.Setenv("SPOTCLI_REFRESH_TOKEN", "not-a-token")
		cr, err := e.Factory("").F.Credentials()
		if err != nil {
			t.Fatal(err)
		}
		_, err = cr.Token(context.Background())
		var ln *auth.LoginNeededError
		if !errors.As(err, &ln) || !strings.Contains(err.Error(), "the refresh token in SPOTCLI_REFRESH_TOKEN is no longer valid") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("a rotated one is saved with --save-refresh-token", func(t *testing.T) {
		e := cmdutiltest.New(t)
		e.Fake.SetRotation(true)
		_, rt := e.Fake.IssueTokens(cmdutiltest.ClientID, "alice", nil, spotifytest.FlowPKCE, time.Now())
		e.Setenv("SPOTCLI_REFRESH_TOKEN", rt)

		r := e.Factory("")
		cr, _ := r.F.Credentials()
		if _, err := cr.Token(context.Background()); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(r.Err.String(), "use --save-refresh-token FILE to save the new one") {
			t.Errorf("stderr %q", r.Err)
		}

		_, rt = e.Fake.IssueTokens(cmdutiltest.ClientID, "alice", nil, spotifytest.FlowPKCE, time.Now())
		e.Setenv("SPOTCLI_REFRESH_TOKEN", rt)
		path := filepath.Join(t.TempDir(), "new-refresh-token")
		r = e.Factory("")
		withFlags(t, r.F, "--save-refresh-token", path)
		cr, _ = r.F.Credentials()
		if _, err := cr.Token(context.Background()); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil || len(b) < 10 || string(b) == rt+"\n" || !strings.HasSuffix(string(b), "\n") {
			t.Fatalf("saved %q, %v", b, err)
		}
		if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
			t.Errorf("mode %v", fi.Mode())
		}
		if !strings.Contains(r.Err.String(), "the new one is in "+path) || strings.Contains(r.Err.String(), strings.TrimSpace(string(b))) {
			t.Errorf("stderr %q", r.Err)
		}
		if e.Fake.RefreshTokenState(strings.TrimSpace(string(b))) != "valid" {
			t.Errorf("the saved token is %s", e.Fake.RefreshTokenState(strings.TrimSpace(string(b))))
		}
	})
}

func TestEnvAccessTokenRefused(t *testing.T) {
	t.Parallel()
	e := cmdutiltest.New(t)
	e.Setenv("SPOTCLI_ACCESS_TOKEN", "not-a-token")
	client, _, err := e.Factory("").F.UserClient()
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.Me(context.Background())
	if code := cmdutil.ExitCode(context.Background(), err); code != cmdutil.ExitLogin || !strings.Contains(err.Error(), "the access token in SPOTCLI_ACCESS_TOKEN was refused") {
		t.Errorf("exit %d: %v", code, err)
	}
}

// A login that Spotify will soon stop accepting is warned about once a day.
func TestRefreshExpiryWarning(t *testing.T) {
	t.Parallel()
	e := cmdutiltest.New(t)
	e.Seed("default", time.Now().Add(-175*24*time.Hour), time.Now().Add(time.Hour))
	for i, want := range []bool{true, false} {
		r := e.Factory("")
		cr, _ := r.F.Credentials()
		if _, err := cr.Token(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(r.Err.String(), "warning: refresh token expires in "); got != want {
			t.Errorf("run %d: warned %v, want %v: %q", i+1, got, want, r.Err)
		}
	}
}

func TestUserClientRefusesAppOnlyLogin(t *testing.T) {
	t.Parallel()
	e := cmdutiltest.New(t)
	e.UseSecretApp()
	access, _ := e.Fake.IssueTokens(cmdutiltest.SecretClient, "", nil, spotifytest.FlowClientCredentials, time.Now())
	e.WriteRecord("default", &auth.Record{AccessToken: access, ExpiresAt: time.Now().Add(time.Hour), ClientID: cmdutiltest.SecretClient, Flow: auth.FlowClientCredentials})
	client, _, err := e.Factory("").F.UserClient()
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.Me(context.Background())
	if !strings.Contains(err.Error(), "this command needs a user login, and the stored one is an app-only token") {
		t.Errorf("err = %v", err)
	}
}

// appToken is the app-only token of f, after Spotify refused refused (if set).
func appToken(f *cmdutil.Factory, refused string) (*auth.Record, error) {
	src, err := f.AppCredentials()
	if err != nil {
		return nil, err
	}
	if refused != "" {
		if _, _, err := src.Renew(context.Background(), refused); err != nil {
			return nil, err
		}
	}
	return src.Token(context.Background())
}

func TestAppToken(t *testing.T) {
	t.Parallel()
	// A missing setting is a configuration error (exit 1), not a usage
	// error: the command line was right.
	t.Run("needs a client secret", func(t *testing.T) {
		e := cmdutiltest.New(t)
		_, err := appToken(e.Factory("").F, "")
		if cmdutil.ExitCode(context.Background(), err) != cmdutil.ExitError {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("cached in the store until refused", func(t *testing.T) {
		e := cmdutiltest.New(t)
		e.UseSecretApp()
		first, err := appToken(e.Factory("").F, "")
		if err != nil {
			t.Fatal(err)
		}
		again, _ := appToken(e.Factory("").F, "")
		replaced, _ := appToken(e.Factory("").F, first.AccessToken)
		if again.AccessToken != first.AccessToken || replaced.AccessToken == first.AccessToken {
			t.Errorf("tokens %q %q %q", first.AccessToken, again.AccessToken, replaced.AccessToken)
		}
		if e.Record("default@app") == nil || e.Record("default") != nil {
			t.Error("not cached under default@app")
		}
	})
	t.Run("kept in memory with credentials from the environment", func(t *testing.T) {
		e := cmdutiltest.New(t)
		e.UseSecretApp()
		e.Setenv("SPOTCLI_ACCESS_TOKEN", "x")
		f := e.Factory("").F
		a, _ := appToken(f, "")
		b, _ := appToken(f, "")
		if a == nil || b == nil || a.AccessToken != b.AccessToken {
			t.Fatalf("%v %v", a, b)
		}
		if _, err := os.Stat(e.Dir); !os.IsNotExist(err) {
			t.Errorf("the config dir was touched: %v", err)
		}
	})
}

// --debug logs every request, without its token, to stderr.
func TestDebugTransport(t *testing.T) {
	t.Parallel()
	e := cmdutiltest.New(t)
	rec := e.SeedFresh("default")
	r := e.Factory("")
	withFlags(t, r.F, "--debug")
	client, _, err := r.F.UserClient()
	if err != nil {
		t.Fatal(err)
	}
	me, err := client.Me(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if json.Unmarshal(me.Raw, &m) != nil || m["id"] != "alice" {
		t.Errorf("me %s", me.Raw)
	}
	if !strings.Contains(r.Err.String(), "GET "+e.Fake.APIURL()+"/me") || strings.Contains(r.Err.String(), rec.AccessToken) {
		t.Errorf("stderr %q", r.Err)
	}
}

// $BROWSER is run with the URL; what it prints goes to stderr.
func TestBrowse(t *testing.T) {
	t.Parallel()
	e := cmdutiltest.New(t)
	dir := t.TempDir()
	script := filepath.Join(dir, "browser")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho opening\nprintf '%s' \"$2\" > \"$1.tmp\" && mv \"$1.tmp\" \"$1\"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	seen := filepath.Join(dir, "seen")
	e.Setenv("BROWSER", script+" "+seen)
	r := e.Factory("")
	r.F.OpenBrowser = nil
	if err := r.F.Browse("https://accounts.example/authorize?x=1"); err != nil {
		t.Fatal(err)
	}
	var b []byte
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if b, _ = os.ReadFile(seen); b != nil {
			break
		}
	}
	if string(b) != "https://accounts.example/authorize?x=1" {
		t.Errorf("the browser got %q", b)
	}
	e.Setenv("BROWSER", filepath.Join(dir, "no-such-browser"))
	r = e.Factory("")
	r.F.OpenBrowser = nil
	if err := r.F.Browse("https://x"); err == nil || !strings.Contains(err.Error(), "run $BROWSER") {
		t.Errorf("err = %v", err)
	}
}
