package auth_test

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/spotcli/spotcli/internal/auth"
	"github.com/spotcli/spotcli/internal/spotifytest"
)

// browser is a fake web browser: it follows nothing by itself, so the test
// sees the authorize redirect and then takes it into the loopback server.
type browser struct {
	t      *testing.T
	client *http.Client
}

func newBrowser(t *testing.T) *browser {
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return &browser{t: t, client: &http.Client{
		Transport:     tr,
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

type response struct {
	status int
	header http.Header
	body   string
}

func (b *browser) do(method, rawURL string) (*response, error) {
	req, err := http.NewRequest(method, rawURL, nil)
	if err != nil {
		return nil, err
	}
	resp, err := b.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	return &response{status: resp.StatusCode, header: resp.Header, body: string(body)}, nil
}

func (b *browser) get(rawURL string) (*response, error) { return b.do(http.MethodGet, rawURL) }

// authorize asks the fake accounts service for the authorize URL and returns
// where it redirects the browser.
func (b *browser) authorize(authURL string) (string, error) {
	r, err := b.get(authURL)
	if err != nil {
		return "", err
	}
	if r.status != http.StatusFound {
		return "", fmt.Errorf("authorize answered %d, want 302: %s", r.status, r.body)
	}
	return r.header.Get("Location"), nil
}

// login is a browser that approves and lands on the loopback server.
func (b *browser) login(authURL string) (*response, error) {
	loc, err := b.authorize(authURL)
	if err != nil {
		return nil, err
	}
	return b.get(loc)
}

// authParams parses the authorize URL and its redirect_uri.
func authParams(t *testing.T, authURL string) (url.Values, *url.URL) {
	t.Helper()
	u, err := url.Parse(authURL)
	if err != nil {
		t.Fatalf("authorize URL %q: %v", authURL, err)
	}
	q := u.Query()
	ru, err := url.Parse(q.Get("redirect_uri"))
	if err != nil {
		t.Fatalf("redirect_uri %q: %v", q.Get("redirect_uri"), err)
	}
	return q, ru
}

// withState returns the redirect URI with a query.
func withQuery(ru *url.URL, q url.Values) string {
	u := *ru
	u.RawQuery = q.Encode()
	return u.String()
}

func TestLoginSuccess(t *testing.T) {
	tests := []struct {
		name        string
		clientID    string
		secret      string
		redirectURI string
		wantFlow    auth.Flow
		wantPath    string
		ipv6        bool
	}{
		{"pkce, port 0", pkceID, "", "http://127.0.0.1:0/callback", auth.FlowPKCE, "/callback", false},
		{"pkce, no port", pkceID, "", callbackV4, auth.FlowPKCE, "/callback", false},
		{"pkce, no path", pkceID, "", bareV4, auth.FlowPKCE, "", false},
		{"secret", secretID, secretKey, callbackV4, auth.FlowSecret, "/callback", false},
		{"pkce, ipv6", pkceID, "", callbackV6, auth.FlowPKCE, "/callback", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.ipv6 {
				ln, err := net.Listen("tcp", "[::1]:0")
				if err != nil {
					t.Skipf("no IPv6 loopback: %v", err)
				}
				ln.Close()
			}
			srv := newFake(t)
			app, rec := newApp(t, srv, tt.clientID, tt.secret)
			b := newBrowser(t)
			var stderr lockedBuffer
			var page *response
			var authURL string
			opened := 0
			got, err := app.Login(testCtx(t), auth.LoginOptions{
				RedirectURI: tt.redirectURI,
				Scopes:      testScopes,
				ShowDialog:  true,
				Timeout:     10 * time.Second,
				Stderr:      &stderr,
				OpenBrowser: func(u string) error {
					opened++
					authURL = u
					q, ru := authParams(t, u)
					// The loopback server listens on the literal loopback
					// address of the redirect URI, on a real port.
					wantHost := "127.0.0.1"
					if tt.ipv6 {
						wantHost = "::1"
					}
					if ru.Hostname() != wantHost {
						t.Errorf("redirect_uri host = %q, want %q", ru.Hostname(), wantHost)
					}
					if p := ru.Port(); p == "" || p == "0" {
						t.Errorf("redirect_uri %q has no real port", ru)
					}
					if ru.Path != tt.wantPath {
						t.Errorf("redirect_uri path = %q, want %q", ru.Path, tt.wantPath)
					}
					c, err := net.Dial("tcp", ru.Host)
					if err != nil {
						t.Errorf("dial the loopback server at %s: %v", ru.Host, err)
					} else {
						c.Close()
					}
					checkNotWildcard(t, ru.Port())
					if q.Get("client_id") != tt.clientID || q.Get("response_type") != "code" {
						t.Errorf("authorize query = %v", q)
					}
					if q.Get("scope") != strings.Join(testScopes, " ") {
						t.Errorf("scope = %q", q.Get("scope"))
					}
					if tt.wantFlow == auth.FlowPKCE {
						if q.Get("code_challenge_method") != "S256" || len(q.Get("code_challenge")) != 43 {
							t.Errorf("PKCE parameters missing: %v", q)
						}
					} else if q.Has("code_challenge") {
						t.Errorf("secret flow sent a code_challenge: %v", q)
					}
					var err2 error
					if page, err2 = b.login(u); err2 != nil {
						t.Errorf("browser: %v", err2)
					}
					return nil
				},
			})
			if err != nil {
				t.Fatalf("Login: %v\nstderr:\n%s", err, stderr.String())
			}
			if opened != 1 {
				t.Errorf("OpenBrowser called %d times", opened)
			}
			if got.AccessToken == "" || got.RefreshToken == "" {
				t.Errorf("record without tokens: %+v", got)
			}
			if got.Flow != tt.wantFlow || got.ClientID != tt.clientID || got.Version != auth.RecordVersion {
				t.Errorf("record flow %q client %q version %d", got.Flow, got.ClientID, got.Version)
			}
			if !slices.Equal(got.Scopes, testScopes) {
				t.Errorf("scopes = %q, want %q", got.Scopes, testScopes)
			}
			if got.LoggedInAt.IsZero() || !got.ExpiresAt.After(time.Now()) {
				t.Errorf("LoggedInAt %v, ExpiresAt %v", got.LoggedInAt, got.ExpiresAt)
			}
			if _, err := got.Encode(); err != nil {
				t.Errorf("record cannot be stored: %v", err)
			}
			if !srv.LastShowDialog() {
				t.Error("show_dialog was not sent")
			}
			if !strings.Contains(stderr.String(), "Opened the browser") {
				t.Errorf("stderr does not say the browser was opened:\n%s", stderr.String())
			}
			if strings.Contains(stderr.String(), authURL) {
				t.Errorf("the URL was printed although the browser opened:\n%s", stderr.String())
			}

			// The exchange sent what the flow requires.
			reqs := rec.requests()
			if len(reqs) != 1 || reqs[0].Form.Get("grant_type") != "authorization_code" {
				t.Fatalf("token requests = %+v, want one code exchange", reqs)
			}
			if tt.wantFlow == auth.FlowPKCE {
				if reqs[0].Authorization != "" || reqs[0].Form.Get("client_id") != pkceID || reqs[0].Form.Get("code_verifier") == "" {
					t.Errorf("PKCE exchange = %+v", reqs[0])
				}
			} else if !strings.HasPrefix(reqs[0].Authorization, "Basic ") || reqs[0].Form.Has("code_verifier") {
				t.Errorf("secret exchange = %+v", reqs[0])
			}

			// The page the browser ends on.
			if page == nil {
				t.Fatal("no page")
			}
			checkPage(t, page, http.StatusOK, "Logged in")
			for _, secret := range []string{got.AccessToken, got.RefreshToken, reqs[0].Form.Get("code"), reqs[0].Form.Get("code_verifier")} {
				if secret != "" && strings.Contains(page.body, secret) {
					t.Errorf("the page holds a secret %q", secret)
				}
			}
			if s := stderr.String(); strings.Contains(s, got.AccessToken) || strings.Contains(s, got.RefreshToken) || strings.Contains(s, reqs[0].Form.Get("code")) {
				t.Errorf("stderr holds a secret:\n%s", s)
			}
		})
	}
}

// checkNotWildcard fails if something listens on every address at port: a
// server on 0.0.0.0 or [::] keeps another loopback address (127.0.0.2,
// which Linux routes to lo) from taking the same port.
func checkNotWildcard(t *testing.T, port string) {
	t.Helper()
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.2", port))
	switch {
	case err == nil:
		ln.Close()
	case errors.Is(err, syscall.EADDRINUSE):
		t.Errorf("port %s is taken on 127.0.0.2 too: the login server listens on every address", port)
	default:
		// 127.0.0.2 is not a local address here (macOS): nothing to learn.
	}
}

// checkPage checks the loopback server's answer page.
func checkPage(t *testing.T, p *response, status int, text string) {
	t.Helper()
	if p.status != status {
		t.Errorf("page status = %d, want %d; body:\n%s", p.status, status, p.body)
	}
	if !strings.Contains(strings.ToLower(p.body), strings.ToLower(text)) {
		t.Errorf("page does not say %q:\n%s", text, p.body)
	}
	for h, want := range map[string]string{
		"Cache-Control":   "no-store",
		"Referrer-Policy": "no-referrer",
	} {
		if got := p.header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	if ct := p.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("Content-Type = %q, want text/html", ct)
	}
}

func TestLoginCallbackServer(t *testing.T) {
	srv := newFake(t)
	app, _ := newApp(t, srv, pkceID, "")
	b := newBrowser(t)
	got, err := app.Login(testCtx(t), auth.LoginOptions{
		RedirectURI: callbackV4,
		Timeout:     10 * time.Second,
		OpenBrowser: func(u string) error {
			q, ru := authParams(t, u)
			base := ru.Scheme + "://" + ru.Host
			steps := []struct {
				name   string
				method string
				url    string
				status int
				text   string
			}{
				{"another path", "GET", base + "/other?code=x&state=" + q.Get("state"), http.StatusNotFound, "not found"},
				{"root", "GET", base + "/", http.StatusNotFound, "not found"},
				{"favicon", "GET", base + "/favicon.ico", http.StatusNotFound, "not found"},
				{"sub path", "GET", base + "/callback/x", http.StatusNotFound, "not found"},
				{"post", "POST", withQuery(ru, url.Values{"code": {"x"}, "state": {q.Get("state")}}), http.StatusMethodNotAllowed, "method not allowed"},
				{"wrong state", "GET", withQuery(ru, url.Values{"code": {"x"}, "state": {"forged"}}), http.StatusBadRequest, "does not match"},
				{"no state", "GET", withQuery(ru, url.Values{"code": {"x"}}), http.StatusBadRequest, "does not match"},
				{"error with a wrong state", "GET", withQuery(ru, url.Values{"error": {"access_denied"}, "state": {"forged"}}), http.StatusBadRequest, "does not match"},
			}
			for _, s := range steps {
				r, err := b.do(s.method, s.url)
				if err != nil {
					t.Errorf("%s: %v", s.name, err)
					continue
				}
				if r.status != s.status || !strings.Contains(strings.ToLower(r.body), s.text) {
					t.Errorf("%s: %d %q, want %d with %q", s.name, r.status, r.body, s.status, s.text)
				}
				if s.status == http.StatusBadRequest {
					checkPage(t, r, s.status, s.text)
				}
			}

			// The login is still waiting: the real answer completes it.
			loc, err := b.authorize(u)
			if err != nil {
				t.Errorf("authorize: %v", err)
				return nil
			}
			r, err := b.get(loc)
			if err != nil {
				t.Errorf("callback: %v", err)
				return nil
			}
			checkPage(t, r, http.StatusOK, "Logged in")

			// A second answer, even a genuine one, is not handled again.
			for _, again := range []string{loc, withQuery(ru, url.Values{"error": {"access_denied"}, "state": {q.Get("state")}})} {
				r, err = b.get(again)
				if err != nil {
					t.Errorf("second callback: %v", err)
					return nil
				}
				checkPage(t, r, http.StatusConflict, "already")
			}
			return nil
		},
	})
	if err != nil {
		t.Fatalf("Login: %v", err)
	}
	if got.AccessToken == "" {
		t.Errorf("record = %+v", got)
	}
}

func TestLoginFailures(t *testing.T) {
	tests := []struct {
		name   string
		scopes []string
		setup  func(srv *spotifytest.Server)
		// browse acts in the browser; nil approves.
		browse   func(b *browser, authURL string, q url.Values, ru *url.URL) (*response, error)
		status   int
		pageText string
		check    func(t *testing.T, err error)
	}{
		{
			name:     "access denied",
			setup:    func(srv *spotifytest.Server) { srv.SetConsent(spotifytest.ConsentDeny) },
			status:   http.StatusOK,
			pageText: "cancelled",
			check: func(t *testing.T, err error) {
				var de *auth.DeniedError
				if !errors.As(err, &de) || de.Code != "access_denied" {
					t.Fatalf("err = %v (%T), want *auth.DeniedError access_denied", err, err)
				}
				if !strings.Contains(err.Error(), "denied") || !strings.Contains(err.Error(), "spotcli login") {
					t.Errorf("error %q does not say what happened and what to do", err)
				}
			},
		},
		{
			name:     "invalid scope",
			scopes:   []string{"not-a-scope"},
			status:   http.StatusBadRequest,
			pageText: "invalid_scope",
			check: func(t *testing.T, err error) {
				var de *auth.DeniedError
				if !errors.As(err, &de) || de.Code != "invalid_scope" {
					t.Fatalf("err = %v (%T), want *auth.DeniedError invalid_scope", err, err)
				}
			},
		},
		{
			name: "error with a description",
			browse: func(b *browser, _ string, q url.Values, ru *url.URL) (*response, error) {
				return b.get(withQuery(ru, url.Values{"error": {"server_error"}, "error_description": {"<b>boom</b>"}, "state": {q.Get("state")}}))
			},
			status:   http.StatusBadRequest,
			pageText: "&lt;b&gt;boom&lt;/b&gt;",
			check: func(t *testing.T, err error) {
				var de *auth.DeniedError
				if !errors.As(err, &de) || de.Code != "server_error" || de.Description != "<b>boom</b>" {
					t.Fatalf("err = %v (%T), want *auth.DeniedError server_error", err, err)
				}
			},
		},
		{
			name: "neither code nor error",
			browse: func(b *browser, _ string, q url.Values, ru *url.URL) (*response, error) {
				return b.get(withQuery(ru, url.Values{"state": {q.Get("state")}}))
			},
			status:   http.StatusBadRequest,
			pageText: "no authorization code",
			check:    wantErrorText("neither a code nor an error"),
		},
		{
			name: "code refused by the token endpoint",
			browse: func(b *browser, _ string, q url.Values, ru *url.URL) (*response, error) {
				return b.get(withQuery(ru, url.Values{"code": {"AQforged"}, "state": {q.Get("state")}}))
			},
			status:   http.StatusBadGateway,
			pageText: "could not complete",
			check: func(t *testing.T, err error) {
				var te *auth.TokenError
				if !errors.As(err, &te) || te.Op != "exchange code" || te.Code != "invalid_grant" {
					t.Fatalf("err = %v (%T), want a TokenError for exchange code", err, err)
				}
			},
		},
		{
			name:   "token endpoint down",
			setup:  func(srv *spotifytest.Server) { srv.InjectFault(spotifytest.Fault{Path: "/api/token", Status: 503}) },
			status: http.StatusBadGateway, pageText: "could not complete",
			check: func(t *testing.T, err error) {
				var te *auth.TokenError
				if !errors.As(err, &te) || te.Status != 503 {
					t.Fatalf("err = %v (%T), want a TokenError for 503", err, err)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFake(t)
			if tt.setup != nil {
				tt.setup(srv)
			}
			app, _ := newApp(t, srv, pkceID, "")
			b := newBrowser(t)
			scopes := testScopes
			if tt.scopes != nil {
				scopes = tt.scopes
			}
			var page *response
			got, err := app.Login(testCtx(t), auth.LoginOptions{
				RedirectURI: callbackV4,
				Scopes:      scopes,
				Timeout:     10 * time.Second,
				OpenBrowser: func(u string) error {
					q, ru := authParams(t, u)
					var err error
					if tt.browse != nil {
						page, err = tt.browse(b, u, q, ru)
					} else {
						page, err = b.login(u)
					}
					if err != nil {
						t.Errorf("browser: %v", err)
					}
					return nil
				},
			})
			if got != nil {
				t.Errorf("Login returned a record with its error: %+v", got)
			}
			tt.check(t, err)
			if page == nil {
				t.Fatal("no page")
			}
			checkPage(t, page, tt.status, tt.pageText)
		})
	}
}

func TestLoginTimeoutReleasesPort(t *testing.T) {
	srv := newFake(t)
	app, _ := newApp(t, srv, pkceID, "")
	var host string
	start := time.Now()
	_, err := app.Login(testCtx(t), auth.LoginOptions{
		RedirectURI: "http://127.0.0.1:0/callback",
		Timeout:     300 * time.Millisecond,
		OpenBrowser: func(u string) error {
			_, ru := authParams(t, u)
			host = ru.Host
			return nil // a browser that never comes back
		},
	})
	if !errors.Is(err, auth.ErrLoginTimeout) {
		t.Fatalf("err = %v, want ErrLoginTimeout", err)
	}
	if !strings.Contains(err.Error(), "spotcli login") {
		t.Errorf("error %q does not say what to do", err)
	}
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Errorf("Login returned after %v, before its timeout", d)
	}
	ln, err := net.Listen("tcp", host)
	if err != nil {
		t.Fatalf("port %s still held after Login returned: %v", host, err)
	}
	ln.Close()
}

func TestLoginContextCancelled(t *testing.T) {
	srv := newFake(t)
	app, _ := newApp(t, srv, pkceID, "")
	ctx, cancel := context.WithCancel(testCtx(t))
	defer cancel()
	var host string
	_, err := app.Login(ctx, auth.LoginOptions{
		RedirectURI: "http://127.0.0.1:0/callback",
		Timeout:     time.Minute,
		OpenBrowser: func(u string) error {
			_, ru := authParams(t, u)
			host = ru.Host
			cancel() // the user pressed Ctrl-C
			return nil
		},
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	ln, err := net.Listen("tcp", host)
	if err != nil {
		t.Fatalf("port %s still held after Login returned: %v", host, err)
	}
	ln.Close()
}

func TestLoginPortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	srv := newFake(t)
	app, _ := newApp(t, srv, pkceID, "")
	_, err = app.Login(testCtx(t), auth.LoginOptions{
		RedirectURI: "http://" + ln.Addr().String() + "/callback",
		Timeout:     time.Second,
		OpenBrowser: func(string) error {
			t.Error("OpenBrowser called although the port is taken")
			return nil
		},
	})
	if err == nil || !strings.Contains(err.Error(), "cannot listen") {
		t.Fatalf("err = %v, want a listen error", err)
	}
}

func TestLoginBadOptions(t *testing.T) {
	srv := newFake(t)
	tests := []struct {
		name, clientID, redirect, want string
	}{
		{"no client id", "", callbackV4, "client_id"},
		{"localhost", pkceID, "http://localhost:8888/callback", "localhost"},
		{"all interfaces", pkceID, "http://0.0.0.0:8888/callback", "loopback"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app, _ := newApp(t, srv, tt.clientID, "")
			_, err := app.Login(testCtx(t), auth.LoginOptions{
				RedirectURI: tt.redirect,
				Timeout:     time.Second,
				OpenBrowser: func(string) error {
					t.Error("OpenBrowser called")
					return nil
				},
			})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}

func TestLoginPrintsURLWhenBrowserFails(t *testing.T) {
	tests := []struct {
		name string
		open func(string) error
	}{
		{"OpenBrowser fails", func(string) error { return errors.New("no display") }},
		{"no OpenBrowser", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFake(t)
			app, _ := newApp(t, srv, pkceID, "")
			var stderr lockedBuffer
			ctx, cancel := context.WithCancel(testCtx(t))
			defer cancel()
			var authURL string
			opts := auth.LoginOptions{RedirectURI: callbackV4, Timeout: time.Minute, Stderr: &stderr}
			if tt.open != nil {
				opts.OpenBrowser = func(u string) error {
					authURL = u
					cancel() // the URL is printed before Login waits: end it there
					return tt.open(u)
				}
			} else {
				cancel() // likewise
			}
			_, err := app.Login(ctx, opts)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want context.Canceled", err)
			}
			lines := strings.Split(stderr.String(), "\n")
			var printed string
			for _, l := range lines {
				if strings.HasPrefix(l, srv.AccountsURL()+"/authorize?") {
					printed = l
				}
			}
			if printed == "" {
				t.Fatalf("the authorize URL is not on a line of its own in stderr:\n%s", stderr.String())
			}
			if authURL != "" && printed != authURL {
				t.Errorf("printed URL %q, want %q", printed, authURL)
			}
			if tt.open != nil && !strings.Contains(stderr.String(), "no display") {
				t.Errorf("stderr does not say why the browser did not open:\n%s", stderr.String())
			}
		})
	}
}

// eofSignal is a reader that reports when it has returned EOF, which the
// paste reader sees only after handling every line before it.
type eofSignal struct {
	r    io.Reader
	once sync.Once
	eof  chan struct{}
}

func newEOFSignal(s string) *eofSignal {
	return &eofSignal{r: strings.NewReader(s), eof: make(chan struct{})}
}

func (e *eofSignal) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err == io.EOF {
		e.once.Do(func() { close(e.eof) })
	}
	return n, err
}

func (e *eofSignal) wait(t *testing.T) {
	t.Helper()
	select {
	case <-e.eof:
	case <-time.After(10 * time.Second):
		t.Fatal("the paste reader never reached EOF")
	}
}

func TestLoginPaste(t *testing.T) {
	// The browser runs on another machine: it is redirected to a loopback
	// address that does not reach us, and the user copies the address bar
	// into the terminal.
	got, s, err := loginByPaste(t, 10*time.Second, func(authURL, loc string) []string {
		_, ru := authParams(t, authURL)
		return []string{
			"",
			"hello",
			"http://127.0.0.1/callback",
			withQuery(ru, url.Values{"code": {"AQforged"}, "state": {"forged"}}),
			"  " + loc + "  ",
		}
	})
	if err != nil {
		t.Fatalf("Login: %v\nstderr:\n%s", err, s)
	}
	if got.AccessToken == "" || got.Flow != auth.FlowPKCE {
		t.Errorf("record = %+v", got)
	}
	if n := strings.Count(s, "That is not the redirect address"); n != 2 {
		t.Errorf("%d garbage lines reported, want 2:\n%s", n, s)
	}
	if !strings.Contains(s, "does not match") {
		t.Errorf("the pasted URL with a wrong state was not reported:\n%s", s)
	}
	if !strings.Contains(s, "paste here") {
		t.Errorf("no paste prompt:\n%s", s)
	}
}

// loginByPaste runs a PKCE login whose browser cannot open: the test's
// browser follows the authorize URL, and lines (given that URL and the
// redirect address it reached) are pasted into the terminal one by one.
// It returns Login's record and error, and what it wrote to stderr.
func loginByPaste(t *testing.T, timeout time.Duration, lines func(authURL, loc string) []string) (*auth.Record, string, error) {
	t.Helper()
	srv := newFake(t)
	app, _ := newApp(t, srv, pkceID, "")
	b := newBrowser(t)
	pr, pw := io.Pipe()
	var stderr lockedBuffer
	var wg sync.WaitGroup
	defer wg.Wait()
	defer pr.Close() // first: a writer left blocked by a reader that stopped ends
	got, err := app.Login(testCtx(t), auth.LoginOptions{
		RedirectURI: callbackV4,
		Timeout:     timeout,
		Stderr:      &stderr,
		Paste:       pr,
		OpenBrowser: func(u string) error {
			loc, err := b.authorize(u)
			if err != nil {
				t.Errorf("authorize: %v", err)
				pw.Close()
				return nil
			}
			paste := lines(u, loc)
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer pw.Close()
				for _, line := range paste {
					if _, err := io.WriteString(pw, line+"\n"); err != nil {
						return // Login is done reading
					}
				}
			}()
			return errors.New("no browser here")
		},
	})
	return got, stderr.String(), err
}

func TestLoginPasteWithoutAnswer(t *testing.T) {
	tests := []struct {
		name, input string
		reported    int
	}{
		{"EOF at once", "", 0},
		{"blank lines", "\n\n  \n", 0},
		{"garbage", "garbage\nnot a url %%%\nhttp://127.0.0.1/callback?foo=bar\n", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFake(t)
			app, _ := newApp(t, srv, pkceID, "")
			var stderr lockedBuffer
			paste := newEOFSignal(tt.input)
			_, err := app.Login(testCtx(t), auth.LoginOptions{
				RedirectURI: callbackV4,
				Timeout:     300 * time.Millisecond,
				Stderr:      &stderr,
				Paste:       paste,
				OpenBrowser: func(string) error { return nil },
			})
			if !errors.Is(err, auth.ErrLoginTimeout) {
				t.Fatalf("err = %v, want ErrLoginTimeout (EOF on the paste input is no error)", err)
			}
			paste.wait(t)
			if n := strings.Count(stderr.String(), "That is not the redirect address"); n != tt.reported {
				t.Errorf("%d lines reported, want %d:\n%s", n, tt.reported, stderr.String())
			}
		})
	}
}

func TestLoginRandomness(t *testing.T) {
	srv := newFake(t)
	app, _ := newApp(t, srv, pkceID, "")
	var states, challenges []string
	for i := 0; i < 2; i++ {
		ctx, cancel := context.WithCancel(testCtx(t))
		_, err := app.Login(ctx, auth.LoginOptions{
			RedirectURI: callbackV4,
			OpenBrowser: func(u string) error {
				q, _ := authParams(t, u)
				states = append(states, q.Get("state"))
				challenges = append(challenges, q.Get("code_challenge"))
				cancel()
				return nil
			},
		})
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("login %d: %v", i, err)
		}
	}
	for _, s := range states {
		raw, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil {
			t.Errorf("state %q is not base64url: %v", s, err)
		}
		if len(raw)*8 < 128 {
			t.Errorf("state %q has %d bits, want at least 128", s, len(raw)*8)
		}
	}
	if states[0] == states[1] {
		t.Errorf("two logins used the same state %q", states[0])
	}
	for _, c := range challenges {
		if len(c) != 43 {
			t.Errorf("code_challenge %q is not an S256 challenge", c)
		}
	}
	if challenges[0] == challenges[1] {
		t.Errorf("two logins used the same PKCE challenge %q", challenges[0])
	}
}

// TestLoginPasteLongLine: a pasted line over 64 KiB is reported and skipped,
// and the paste reader goes on to the address after it (it used to stop
// reading there without a word, leaving the login to time out).
func TestLoginPasteLongLine(t *testing.T) {
	got, s, err := loginByPaste(t, 20*time.Second, func(_, loc string) []string {
		return []string{
			strings.Repeat("x", auth.MaxPastedLine+1),
			"http://127.0.0.1/callback?code=" + strings.Repeat("A", 1<<20),
			strings.Repeat("y", auth.MaxPastedLine), // at the limit: read, and not an address
			loc,
		}
	})
	if err != nil {
		t.Fatalf("Login: %v\nstderr:\n%.2000s", err, s)
	}
	if got.AccessToken == "" {
		t.Errorf("record = %+v", got)
	}
	if n := strings.Count(s, "That line is longer than 64 KiB"); n != 2 {
		t.Errorf("%d long lines reported, want 2:\n%.2000s", n, s)
	}
	if n := strings.Count(s, "That is not the redirect address"); n != 1 {
		t.Errorf("%d garbage lines reported, want 1:\n%.2000s", n, s)
	}
}

// TestDeniedErrorIsPrintable: the error and its description come from the
// redirect's query and reach the terminal only as visible text.
func TestDeniedErrorIsPrintable(t *testing.T) {
	e := &auth.DeniedError{Code: "server_error\x1b[2J", Description: "try \x1b]52;c;ZXZpbA==\x07 again\u009b"}
	got := e.Error()
	want := `authorization failed: Spotify answered server_error\x1b[2J (try \x1b]52;c;ZXZpbA==\x07 again\u009b)`
	if got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestBrowserEnv(t *testing.T) {
	in := []string{
		"HOME=/home/me", "DISPLAY=:0", "PATH=/usr/bin",
		"SPOTCLI_CLIENT_SECRET=hunter2", "SPOTCLI_REFRESH_TOKEN=AQrt", "SPOTCLI_ACCESS_TOKEN=BQat",
		"SPOTCLI_PROFILE=work", "spotcli_client_secret=lower", "SPOTCLI_=x",
		"NOT_SPOTCLI_X=kept", "=C:=C:\\", "BROWSER=firefox",
	}
	want := []string{"HOME=/home/me", "DISPLAY=:0", "PATH=/usr/bin", "NOT_SPOTCLI_X=kept", "=C:=C:\\", "BROWSER=firefox"}
	if diff := cmp.Diff(want, auth.BrowserEnv(in)); diff != "" {
		t.Errorf("BrowserEnv (-want +got):\n%s", diff)
	}
}
