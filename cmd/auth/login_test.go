package authcmd

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/cmd/cmdutil/cmdutiltest"
	"github.com/spotcli/spotcli/internal/auth"
)

func TestNewLoginCmd(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    []string
		check   func(*loginOptions) bool
		wantErr string
	}{
		{"defaults", nil, func(o *loginOptions) bool {
			return o.Timeout == 5*time.Minute && !o.ScopesSet && !o.NoBrowser && !o.ShowDialog && !o.WithRefreshToken
		}, ""},
		{"every flag", []string{"--scopes", "user-read-private,streaming", "--show-dialog", "--timeout", "30s", "--no-browser", "--with-refresh-token"}, func(o *loginOptions) bool {
			return o.Scopes == "user-read-private,streaming" && o.ScopesSet && o.ShowDialog && o.Timeout == 30*time.Second && o.NoBrowser && o.WithRefreshToken
		}, ""},
		{"--scopes set empty", []string{"--scopes", ""}, func(o *loginOptions) bool { return o.ScopesSet && o.Scopes == "" }, ""},
		{"a zero timeout", []string{"--timeout", "0s"}, nil, "invalid --timeout 0s: use a positive duration such as 5m"},
		{"a negative timeout", []string{"--timeout=-1m"}, nil, "invalid --timeout -1m0s"},
		{"a timeout without a unit", []string{"--timeout", "5"}, nil, `invalid argument "5" for "--timeout" flag`},
		{"an argument", []string{"alice"}, nil, `spotcli login takes no arguments, got "alice"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *loginOptions
			err := cmdutiltest.Parse(t, NewLoginCmd(&cmdutil.Factory{}, func(_ context.Context, o *loginOptions) error { got = o; return nil }), tt.args...)
			if tt.wantErr != "" {
				cmdutiltest.WantError(t, err, tt.wantErr, cmdutil.ExitUsage)
				return
			}
			if err != nil || !tt.check(got) {
				t.Errorf("err %v, options %+v", err, got)
			}
		})
	}
}

// urlWatcher is stderr that hands over the first line starting with prefix.
type urlWatcher struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	prefix string
	found  chan string
	sent   bool
}

func (w *urlWatcher) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if !w.sent {
		for _, line := range strings.Split(w.buf.String(), "\n") {
			if strings.HasPrefix(line, w.prefix) && strings.Contains(w.buf.String(), line+"\n") {
				w.found <- line
				w.sent = true
				break
			}
		}
	}
	return len(p), nil
}

func (w *urlWatcher) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// authorizeRedirect is the browser elsewhere: it loads the authorize page,
// which the fake approves at once, and returns the address it is sent to.
func authorizeRedirect(t *testing.T, authorize string) string {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(authorize)
	if err != nil {
		t.Error(err)
		return ""
	}
	res.Body.Close()
	if res.StatusCode != http.StatusFound {
		t.Errorf("authorize answered %s", res.Status)
	}
	return res.Header.Get("Location")
}

// approvingBrowser is a browser that approves at once: it follows the
// authorize URL's redirect into the loopback server, in the background as
// a browser would. The URL it was opened on goes to *opened, when not nil.
func approvingBrowser(t *testing.T, opened *string) func(string) error {
	return func(u string) error {
		if opened != nil {
			*opened = u
		}
		go func() {
			if loc := authorizeRedirect(t, u); loc != "" {
				if res, err := http.Get(loc); err == nil {
					res.Body.Close()
				}
			}
		}()
		return nil
	}
}

// TestRunLoginPaste is the login over SSH: no browser here, the URL on
// stderr, and the address the browser was sent to pasted into stdin.
func TestRunLoginPaste(t *testing.T) {
	t.Parallel()
	e := cmdutiltest.New(t)
	r := e.Factory("")
	stdin, paste := io.Pipe()
	defer paste.Close()
	w := &urlWatcher{prefix: e.Fake.AccountsURL() + "/authorize?", found: make(chan string, 1)}
	r.F.In, r.F.Err = stdin, w
	go func() {
		authorize := <-w.found
		loc := authorizeRedirect(t, authorize)
		// A paste that is not the address, and one of another login, are
		// refused; the login waits for the right one.
		io.WriteString(paste, "not a url at all\n"+strings.Replace(loc, "state=", "state=forged", 1)+"\n"+loc+"\n")
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := runLogin(ctx, &loginOptions{f: r.F, NoBrowser: true, Timeout: time.Minute}); err != nil {
		t.Fatalf("%v\n%s", err, w)
	}
	for _, want := range []string{
		"Open this URL in a browser to log in to Spotify:\n",
		"If that browser cannot reach this machine, paste here the address it was sent to (starting with http://127.0.0.1:",
		"That is not the redirect address: paste the whole address",
		"does not belong to the login in progress",
		"Logged in as Alice Liddell (alice); token stored in file (plain text) " + e.TokenPath("default") + "\n",
	} {
		if !strings.Contains(w.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, w)
		}
	}
	if r.Out.Len() != 0 {
		t.Errorf("stdout %q", r.Out)
	}
	rec := e.Record("default")
	if rec == nil || rec.UserID != "alice" || rec.UserName != "Alice Liddell" || rec.RefreshToken == "" || rec.Flow != auth.FlowPKCE {
		t.Fatalf("stored %+v", rec)
	}
	if n := e.Fake.Stats().TokenRequests["authorization_code"]; n != 1 {
		t.Errorf("%d code exchanges, want 1", n)
	}
	// The profile index knows it, for status --all and completion.
	s, _ := e.Factory("").F.Settings()
	if got := s.KnownProfiles(); len(got) != 1 || got[0] != "default" {
		t.Errorf("known profiles %q", got)
	}
}

// TestRunLoginBrowser: the browser opens and comes back to the loopback
// server; --scopes and --show-dialog reach Spotify.
func TestRunLoginBrowser(t *testing.T) {
	t.Parallel()
	e := cmdutiltest.New(t)
	e.UseSecretApp()
	r := e.Factory("")
	var opened string
	r.F.OpenBrowser = approvingBrowser(t, &opened)
	o := &loginOptions{f: r.F, Timeout: time.Minute, Scopes: "user-read-private,streaming", ScopesSet: true, ShowDialog: true}
	if err := runLogin(context.Background(), o); err != nil {
		t.Fatalf("%v\n%s", err, r.Err)
	}
	if !strings.Contains(opened, "scope=user-read-private+streaming") && !strings.Contains(opened, "scope=user-read-private%20streaming") {
		t.Errorf("authorize URL %s", opened)
	}
	if !e.Fake.LastShowDialog() {
		t.Error("show_dialog did not reach Spotify")
	}
	if strings.Contains(r.Err.String(), "warning") || !strings.Contains(r.Err.String(), "Opened the browser to log in to Spotify; waiting for it to come back to http://127.0.0.1:") {
		t.Errorf("stderr:\n%s", r.Err)
	}
	if rec := e.Record("default"); rec == nil || rec.Flow != auth.FlowSecret || rec.ClientID != cmdutiltest.SecretClient {
		t.Errorf("stored %+v", rec)
	}

	// A scope spotcli does not know gets a warning; this one Spotify refuses
	// too, and nothing is stored.
	e.Setenv("SPOTCLI_PROFILE", "other")
	r = e.Factory("")
	r.F.OpenBrowser = approvingBrowser(t, nil)
	err := runLogin(context.Background(), &loginOptions{f: r.F, Timeout: time.Minute, Scopes: "no-such-scope", ScopesSet: true})
	if err == nil || !strings.Contains(err.Error(), "invalid_scope") || !strings.Contains(r.Err.String(), `warning: unknown scope "no-such-scope"`) {
		t.Errorf("err %v, stderr:\n%s", err, r.Err)
	}
	if e.Record("other") != nil {
		t.Error("stored a login")
	}
}

func TestRunLoginWithRefreshToken(t *testing.T) {
	t.Parallel()
	e := cmdutiltest.New(t)
	_, refresh := e.Fake.IssueTokens(cmdutiltest.ClientID, "alice", cmdutiltest.Scopes, "pkce", time.Now().Add(-time.Hour))
	r := e.Factory(refresh + "\n")
	if err := runLogin(context.Background(), &loginOptions{f: r.F, WithRefreshToken: true, Timeout: time.Minute}); err != nil {
		t.Fatalf("%v\n%s", err, r.Err)
	}
	rec := e.Record("default")
	if rec == nil || rec.UserID != "alice" || rec.AccessToken == "" || rec.LoggedInAt.IsZero() {
		t.Fatalf("stored %+v", rec)
	}

	// Refused or missing: nothing is stored.
	e.Fake.RevokeRefreshTokens()
	for _, tt := range []struct{ profile, stdin, want string }{
		{"revoked", refresh + "\n", "the refresh token from stdin was refused, nothing was stored"},
		{"empty", "\n", "--with-refresh-token reads the refresh token from stdin, and stdin was empty"},
	} {
		e.Setenv("SPOTCLI_PROFILE", tt.profile)
		err := runLogin(context.Background(), &loginOptions{f: e.Factory(tt.stdin).F, WithRefreshToken: true, Timeout: time.Minute})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.profile, err, tt.want)
		}
		if e.Record(tt.profile) != nil {
			t.Errorf("%s: a login was stored", tt.profile)
		}
	}
}

func TestRunLoginRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		setup func(e *cmdutiltest.Env)
		code  int
		want  string
	}{
		{"credentials in the environment", func(e *cmdutiltest.Env) { e.Setenv("SPOTCLI_REFRESH_TOKEN", "rt") }, cmdutil.ExitError,
			"SPOTCLI_REFRESH_TOKEN is set, and credentials from the environment take precedence over a stored login: unset it first"},
		{"no client_id", func(e *cmdutiltest.Env) { e.Setenv("SPOTCLI_CLIENT_ID", "") }, cmdutil.ExitError,
			"no client_id set: create an app at https://developer.spotify.com/dashboard, add the redirect URI http://127.0.0.1:0/callback to it"},
		{"a localhost redirect URI", func(e *cmdutiltest.Env) { e.Setenv("SPOTCLI_REDIRECT_URI", "http://localhost:8888/callback") }, cmdutil.ExitUsage,
			"localhost"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdutiltest.New(t)
			tt.setup(e)
			err := runLogin(context.Background(), &loginOptions{f: e.Factory("").F, NoBrowser: true, Timeout: time.Minute})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			cmdutiltest.WantCode(t, err, tt.code)
			if e.Fake.Stats().AuthorizeRequests != 0 || e.Record("default") != nil {
				t.Error("went on with the login")
			}
		})
	}
}
