package authcmd

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/cmd/cmdutil/cmdutiltest"
	"github.com/spotcli/spotcli/internal/config"
)

// browserLogin runs login with a browser that approves at once, and returns
// the scopes the authorize URL asked for.
func browserLogin(t *testing.T, r *cmdutiltest.Run, o *loginOptions) ([]string, error) {
	t.Helper()
	var opened string
	r.F.OpenBrowser = func(u string) error {
		opened = u
		go func() {
			if loc := authorizeRedirect(t, u); loc != "" {
				if res, err := http.Get(loc); err == nil {
					res.Body.Close()
				}
			}
		}()
		return nil
	}
	o.f, o.Timeout = r.F, time.Minute
	err := runLogin(context.Background(), o)
	if opened == "" {
		return nil, err
	}
	u, perr := url.Parse(opened)
	if perr != nil {
		t.Fatal(perr)
	}
	return strings.Fields(u.Query().Get("scope")), err
}

func TestLoginAddScopes(t *testing.T) {
	e := cmdutiltest.New(t)
	e.SeedFresh("default")
	r := e.Factory("")
	got, err := browserLogin(t, r, &loginOptions{AddScopes: "user-library-read,playlist-read-private user-follow-read"})
	if err != nil {
		t.Fatalf("%v\n%s", err, r.Err)
	}
	want := append(append([]string{}, cmdutiltest.Scopes...), "user-library-read", "user-follow-read")
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("asked for %q, want %q", got, want)
	}
	if rec := e.Record("default"); strings.Join(rec.Scopes, " ") != strings.Join(want, " ") {
		t.Errorf("stored scopes %q", rec.Scopes)
	}

	// --scopes replaces them, and says what goes.
	r = e.Factory("")
	got, err = browserLogin(t, r, &loginOptions{Scopes: "user-read-private user-library-read", ScopesSet: true})
	if err != nil {
		t.Fatalf("%v\n%s", err, r.Err)
	}
	if strings.Join(got, " ") != "user-read-private user-library-read" {
		t.Errorf("asked for %q", got)
	}
	note := "Note: --scopes replaces the scopes of the current login; these are dropped: user-read-email playlist-read-private playlist-read-collaborative user-follow-read (use --add-scopes to keep them)\n"
	if !strings.Contains(r.Err.String(), note) {
		t.Errorf("stderr lacks %q:\n%s", note, r.Err)
	}

	// Without a stored login, --add-scopes adds to the scopes setting.
	e.Setenv("SPOTCLI_PROFILE", "fresh")
	r = e.Factory("")
	got, _ = browserLogin(t, r, &loginOptions{AddScopes: "streaming"})
	if strings.Join(got, " ") != config.DefaultScopes+" streaming" {
		t.Errorf("asked for %q", got)
	}

	// Both flags at once is a usage error.
	err = parse(t, NewLoginCmd(&cmdutil.Factory{}, func(context.Context, *loginOptions) error { return nil }), "--scopes", "a", "--add-scopes", "b")
	wantCode(t, err, cmdutil.ExitUsage)
}

func TestLoginClientIDFlagSaved(t *testing.T) {
	for _, profile := range []string{"default", "work"} {
		t.Run(profile, func(t *testing.T) {
			e := cmdutiltest.New(t)
			e.Setenv("SPOTCLI_CLIENT_ID", "")
			e.Setenv("SPOTCLI_PROFILE", profile)
			r := e.Factory("")
			if _, err := browserLogin(t, r, &loginOptions{ClientID: cmdutiltest.ClientID}); err != nil {
				t.Fatalf("%v\n%s", err, r.Err)
			}
			path := filepath.Join(e.Dir, "config.yaml")
			cf, err := config.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			section, where := "", "client_id"
			if profile != "default" {
				section, where = profile, "profiles.work.client_id"
			}
			if v, w, ok := cf.Get(section, "client_id"); !ok || v != cmdutiltest.ClientID || w != where {
				t.Errorf("config has %q at %q (%v)", v, w, ok)
			}
			if !strings.Contains(r.Err.String(), "Saved client_id "+cmdutiltest.ClientID+" to "+path) {
				t.Errorf("stderr:\n%s", r.Err)
			}
			if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
				t.Errorf("mode %04o", fi.Mode().Perm())
			}
			// The next login needs no flag.
			r = e.Factory("")
			if _, err := browserLogin(t, r, &loginOptions{}); err != nil {
				t.Fatalf("second login: %v\n%s", err, r.Err)
			}
			// Another ID does not replace a saved one.
			r = e.Factory("")
			browserLogin(t, r, &loginOptions{ClientID: cmdutiltest.SecretClient})
			if cf, _ := config.ReadFile(path); cf != nil {
				if v, _, _ := cf.Get(section, "client_id"); v != cmdutiltest.ClientID {
					t.Errorf("client_id replaced by %q", v)
				}
			}
		})
	}
}

// On a terminal, a first login without a client ID asks for one, with the
// dashboard and the redirect URI to register; elsewhere it never prompts.
func TestLoginPromptsForClientID(t *testing.T) {
	e := cmdutiltest.New(t)
	e.Setenv("SPOTCLI_CLIENT_ID", "")
	e.Setenv("SPOTCLI_REDIRECT_URI", "http://127.0.0.1:0/callback")

	for _, tty := range []struct {
		name    string
		in, out bool
	}{{"pipe", false, false}, {"stdin only", true, false}, {"stdout only", false, true}} {
		t.Run("no prompt: "+tty.name, func(t *testing.T) {
			r := e.Factory(cmdutiltest.ClientID + "\n")
			r.F.StdinTTY = func() bool { return tty.in }
			r.F.StdoutTTY = func() bool { return tty.out }
			_, err := browserLogin(t, r, &loginOptions{})
			if err == nil || !strings.Contains(err.Error(), "no client_id set: create an app at https://developer.spotify.com/dashboard, add the redirect URI http://127.0.0.1:0/callback to it, then run spotcli login --client-id ID") {
				t.Errorf("error %v", err)
			}
			if strings.Contains(r.Err.String(), "Client ID:") {
				t.Errorf("prompted:\n%s", r.Err)
			}
			if rest, _ := io.ReadAll(r.F.In); string(rest) != cmdutiltest.ClientID+"\n" {
				t.Errorf("stdin was read: %q left", rest)
			}
		})
	}

	t.Run("terminal", func(t *testing.T) {
		r := e.Factory(" " + cmdutiltest.ClientID + "\n")
		r.F.StdinTTY = func() bool { return true }
		r.F.StdoutTTY = func() bool { return true }
		if _, err := browserLogin(t, r, &loginOptions{}); err != nil {
			t.Fatalf("%v\n%s", err, r.Err)
		}
		for _, want := range []string{
			"Create an app at https://developer.spotify.com/dashboard",
			"add this redirect URI: http://127.0.0.1:0/callback\n",
			"Client ID: ",
			"Logged in as Alice Liddell (alice)",
			"Saved client_id " + cmdutiltest.ClientID,
		} {
			if !strings.Contains(r.Err.String(), want) {
				t.Errorf("stderr lacks %q:\n%s", want, r.Err)
			}
		}
		if r.Out.Len() != 0 {
			t.Errorf("stdout %q", r.Out)
		}
		if rec := e.Record("default"); rec == nil || rec.ClientID != cmdutiltest.ClientID {
			t.Errorf("stored %+v", rec)
		}
	})
}
