package spotifytest

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a settable clock for Config.Now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

const (
	appID      = "cli"
	appSecret  = "cli-secret"
	devID      = "dev"
	devSecret  = "dev-secret"
	otherID    = "other"
	loopback   = "http://127.0.0.1/callback"
	secretCB   = "https://example.com/cb"
	allScopes  = "user-read-email user-read-private playlist-read-private playlist-read-collaborative"
	apiTimeout = 10 * time.Second
)

type fixture struct {
	t     testing.TB
	srv   *Server
	clock *fakeClock
	hc    *http.Client // does not follow redirects: the redirect is what we test
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	clock := &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	srv := New(Config{Now: clock.Now})
	t.Cleanup(srv.Close)
	srv.AddApp(App{ClientID: appID, ClientSecret: appSecret, Name: "spotcli", RedirectURIs: []string{
		loopback, "http://[::1]/callback", "http://127.0.0.1:8888/fixed", secretCB,
	}})
	srv.AddApp(App{ClientID: devID, ClientSecret: devSecret, Name: "Dev App", DevMode: true, RedirectURIs: []string{loopback}})
	srv.AddApp(App{ClientID: otherID, ClientSecret: "other-secret", Name: "Other", RedirectURIs: []string{loopback}})
	srv.AddUser(User{ID: "alice", DisplayName: "Alice", Email: "alice@example.com", Country: "SE", Product: "premium"})
	srv.AddUser(User{ID: "bob", DisplayName: "Bob"})
	return &fixture{t: t, srv: srv, clock: clock, hc: &http.Client{
		Timeout:       apiTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

type authResult struct {
	status   int
	location *url.URL
	body     string
}

func (f *fixture) authorize(q url.Values) authResult {
	f.t.Helper()
	resp, err := f.hc.Get(f.srv.AccountsURL() + "/authorize?" + q.Encode())
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	res := authResult{status: resp.StatusCode, body: string(body)}
	if loc := resp.Header.Get("Location"); loc != "" {
		if res.location, err = url.Parse(loc); err != nil {
			f.t.Fatal(err)
		}
	}
	return res
}

func authQuery(client, redirect, scope, challenge string) url.Values {
	q := url.Values{"client_id": {client}, "response_type": {"code"}, "redirect_uri": {redirect}, "scope": {scope}, "state": {"xyz"}}
	if challenge != "" {
		q.Set("code_challenge", challenge)
		q.Set("code_challenge_method", "S256")
	}
	return q
}

// code runs /authorize to a successful redirect and returns the code.
func (f *fixture) code(client, redirect, scope, challenge string) string {
	f.t.Helper()
	res := f.authorize(authQuery(client, redirect, scope, challenge))
	if res.status != http.StatusFound || res.location.Query().Get("code") == "" {
		f.t.Fatalf("authorize: status %d location %v body %q", res.status, res.location, res.body)
	}
	return res.location.Query().Get("code")
}

type basic struct{ id, secret string }

// token posts a form to /api/token, with Basic credentials when b is not nil.
func (f *fixture) token(form url.Values, b *basic) (int, map[string]any) {
	f.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, f.srv.AccountsURL()+"/api/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if b != nil {
		req.SetBasicAuth(b.id, b.secret)
	}
	return f.do(req)
}

func (f *fixture) do(req *http.Request) (int, map[string]any) {
	f.t.Helper()
	resp, err := f.hc.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		f.t.Fatalf("%s %s: Content-Type %q", req.Method, req.URL.Path, ct)
	}
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		f.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	return resp.StatusCode, m
}

// get calls the Web API; target is a path below the API base or an absolute URL.
func (f *fixture) get(target, access string) (int, map[string]any) {
	f.t.Helper()
	if !strings.HasPrefix(target, "http") {
		target = f.srv.APIURL() + target
	}
	req, _ := http.NewRequest(http.MethodGet, target, nil)
	if access != "" {
		req.Header.Set("Authorization", "Bearer "+access)
	}
	return f.do(req)
}

func newVerifier(t testing.TB) string {
	b := make([]byte, 48)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// loginPKCE does the whole PKCE login as a CLI would.
func (f *fixture) loginPKCE(client, scope string) (access, refresh string) {
	f.t.Helper()
	v := newVerifier(f.t)
	code := f.code(client, loopback, scope, S256(v))
	status, body := f.token(url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {loopback}, "client_id": {client}, "code_verifier": {v}}, nil)
	if status != http.StatusOK {
		f.t.Fatalf("code exchange: %d %v", status, body)
	}
	return body["access_token"].(string), body["refresh_token"].(string)
}

func wantOAuthError(t testing.TB, status int, body map[string]any, wantStatus int, wantCode, wantDesc string) {
	t.Helper()
	if status != wantStatus || body["error"] != wantCode || (wantDesc != "" && body["error_description"] != wantDesc) {
		t.Fatalf("got %d %v, want %d %s %q", status, body, wantStatus, wantCode, wantDesc)
	}
}

func wantAPIError(t testing.TB, status int, body map[string]any, wantStatus int, wantMessage string) {
	t.Helper()
	e, _ := body["error"].(map[string]any)
	if status != wantStatus || e == nil || e["status"] != float64(wantStatus) || e["message"] != wantMessage {
		t.Fatalf("got %d %v, want %d %q", status, body, wantStatus, wantMessage)
	}
}

func TestAddAppRejectsInsecureRedirectURIs(t *testing.T) {
	srv := New(Config{})
	defer srv.Close()
	for _, uri := range []string{
		"http://localhost/callback",
		"http://localhost:8080/callback",
		"https://localhost/callback",
		"http://example.com/callback",
		"http://127.0.0.1.example.com/callback",
		"myapp://callback",
		"/callback",
	} {
		t.Run(uri, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("AddApp accepted %q", uri)
				}
			}()
			srv.AddApp(App{ClientID: "x", RedirectURIs: []string{uri}})
		})
	}
	// These are fine, and must not panic.
	srv.AddApp(App{ClientID: "ok", RedirectURIs: []string{"https://example.com/cb", "http://127.0.0.1/cb", "http://[::1]:9000/cb", "http://127.0.0.1:8080/cb"}})
}

func TestAuthorize(t *testing.T) {
	f := newFixture(t)
	challenge := S256(newVerifier(t))
	tests := []struct {
		name     string
		mutate   func(url.Values)
		status   int
		bodyHas  string // for pages
		redirect string // for redirects: expected scheme://host/path
		errCode  string // for error redirects
	}{
		{name: "loopback any port", mutate: func(q url.Values) { q.Set("redirect_uri", "http://127.0.0.1:43117/callback") }, status: 302, redirect: "http://127.0.0.1:43117/callback"},
		{name: "ipv6 loopback any port", mutate: func(q url.Values) { q.Set("redirect_uri", "http://[::1]:5000/callback") }, status: 302, redirect: "http://[::1]:5000/callback"},
		{name: "loopback literal without port", mutate: func(q url.Values) {}, status: 302, redirect: loopback},
		{name: "registered port exact", mutate: func(q url.Values) { q.Set("redirect_uri", "http://127.0.0.1:8888/fixed") }, status: 302, redirect: "http://127.0.0.1:8888/fixed"},
		{name: "registered port other port", mutate: func(q url.Values) { q.Set("redirect_uri", "http://127.0.0.1:9999/fixed") }, status: 400, bodyHas: "INVALID_CLIENT: Invalid redirect URI"},
		{name: "https exact", mutate: func(q url.Values) { q.Set("redirect_uri", secretCB) }, status: 302, redirect: secretCB},
		{name: "https trailing slash", mutate: func(q url.Values) { q.Set("redirect_uri", secretCB+"/") }, status: 400, bodyHas: "INVALID_CLIENT: Invalid redirect URI"},
		{name: "localhost refused", mutate: func(q url.Values) { q.Set("redirect_uri", "http://localhost:43117/callback") }, status: 400, bodyHas: "INVALID_CLIENT: Invalid redirect URI"},
		{name: "loopback other path", mutate: func(q url.Values) { q.Set("redirect_uri", "http://127.0.0.1:43117/other") }, status: 400, bodyHas: "INVALID_CLIENT: Invalid redirect URI"},
		{name: "loopback https", mutate: func(q url.Values) { q.Set("redirect_uri", "https://127.0.0.1:43117/callback") }, status: 400, bodyHas: "INVALID_CLIENT: Invalid redirect URI"},
		{name: "missing redirect", mutate: func(q url.Values) { q.Del("redirect_uri") }, status: 400, bodyHas: "INVALID_CLIENT: Invalid redirect URI"},
		{name: "unknown client", mutate: func(q url.Values) { q.Set("client_id", "nope") }, status: 400, bodyHas: "INVALID_CLIENT: Invalid client"},
		{name: "implicit grant gone", mutate: func(q url.Values) { q.Set("response_type", "token") }, status: 400, bodyHas: "unsupported_response_type"},
		{name: "unknown scope", mutate: func(q url.Values) { q.Set("scope", "user-read-email user-read-everything") }, status: 302, redirect: loopback, errCode: "invalid_scope"},
		{name: "plain challenge", mutate: func(q url.Values) { q.Set("code_challenge_method", "plain") }, status: 302, redirect: loopback, errCode: "invalid_request"},
		{name: "method without challenge", mutate: func(q url.Values) { q.Del("code_challenge") }, status: 302, redirect: loopback, errCode: "invalid_request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := authQuery(appID, loopback, "user-read-email", challenge)
			tt.mutate(q)
			res := f.authorize(q)
			if res.status != tt.status {
				t.Fatalf("status %d, want %d; body %q", res.status, tt.status, res.body)
			}
			if tt.bodyHas != "" && !strings.Contains(res.body, tt.bodyHas) {
				t.Errorf("body %q lacks %q", res.body, tt.bodyHas)
			}
			if tt.status != 302 {
				if res.location != nil {
					t.Errorf("an invalid client or redirect URI must never redirect; got %v", res.location)
				}
				return
			}
			loc := *res.location
			got := loc.Query()
			loc.RawQuery = ""
			if loc.String() != tt.redirect {
				t.Errorf("redirected to %s, want %s", loc.String(), tt.redirect)
			}
			if got.Get("state") != "xyz" {
				t.Errorf("state = %q, want it passed back", got.Get("state"))
			}
			if got.Get("error") != tt.errCode {
				t.Errorf("error = %q, want %q", got.Get("error"), tt.errCode)
			}
			if (tt.errCode == "") != (got.Get("code") != "") {
				t.Errorf("code = %q with error %q", got.Get("code"), got.Get("error"))
			}
		})
	}
	if n := f.srv.Stats().AuthorizeRequests; n != len(tests) {
		t.Errorf("AuthorizeRequests = %d, want %d", n, len(tests))
	}
}

func TestAuthorizeConsentModes(t *testing.T) {
	f := newFixture(t)

	f.srv.SetConsent(ConsentDeny)
	res := f.authorize(authQuery(appID, loopback, "", ""))
	if res.status != 302 || res.location.Query().Get("error") != "access_denied" || res.location.Query().Get("state") != "xyz" {
		t.Fatalf("deny: %d %v", res.status, res.location)
	}

	f.srv.SetConsent(ConsentPage)
	q := authQuery(appID, loopback, "user-read-email playlist-read-private", "")
	q.Set("show_dialog", "true")
	for _, tt := range []struct {
		action    string
		wantError string
	}{{"accept", ""}, {"cancel", "access_denied"}} {
		t.Run(tt.action, func(t *testing.T) {
			page := f.authorize(q)
			if page.status != 200 {
				t.Fatalf("consent page: %d %q", page.status, page.body)
			}
			for _, want := range []string{"spotcli", "user-read-email", "playlist-read-private", "Agree", "Cancel", "<form"} {
				if !strings.Contains(page.body, want) {
					t.Errorf("consent page lacks %q", want)
				}
			}
			m := regexp.MustCompile(`name="request_id" value="([^"]+)"`).FindStringSubmatch(page.body)
			if m == nil {
				t.Fatalf("no request_id in %q", page.body)
			}
			form := url.Values{"request_id": {m[1]}, "action": {tt.action}}
			resp, err := f.hc.PostForm(f.srv.AccountsURL()+"/authorize/accept", form)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			loc, _ := url.Parse(resp.Header.Get("Location"))
			if resp.StatusCode != 302 || loc.Query().Get("error") != tt.wantError || loc.Query().Get("state") != "xyz" {
				t.Fatalf("decision: %d %v", resp.StatusCode, loc)
			}
			if tt.wantError == "" && loc.Query().Get("code") == "" {
				t.Fatalf("no code in %v", loc)
			}
			// A consent is answered once.
			resp, err = f.hc.PostForm(f.srv.AccountsURL()+"/authorize/accept", form)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 400 {
				t.Errorf("second answer: %d, want 400", resp.StatusCode)
			}
		})
	}
	if !f.srv.LastShowDialog() {
		t.Error("LastShowDialog = false after show_dialog=true")
	}
}

func TestCodeExchange(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name   string
		pkce   bool              // authorize with a code_challenge and send its verifier
		set    map[string]string // form fields to override; "" deletes
		basic  *basic
		status int
		code   string
		desc   string
	}{
		{name: "pkce ok", pkce: true, status: 200},
		{name: "pkce wrong verifier", pkce: true, set: map[string]string{"code_verifier": strings.Repeat("x", 64)},
			status: 400, code: "invalid_grant", desc: "code_verifier was incorrect"},
		{name: "pkce short verifier", pkce: true, set: map[string]string{"code_verifier": strings.Repeat("a", 42)},
			status: 400, code: "invalid_request"},
		{name: "pkce bad characters", pkce: true, set: map[string]string{"code_verifier": strings.Repeat("a", 50) + "+/="},
			status: 400, code: "invalid_request"},
		{name: "pkce missing verifier", pkce: true, set: map[string]string{"code_verifier": ""},
			status: 400, code: "invalid_request"},
		{name: "redirect differs by port", pkce: true, set: map[string]string{"redirect_uri": "http://127.0.0.1:43118/callback"},
			status: 400, code: "invalid_grant", desc: "Invalid redirect URI"},
		{name: "redirect missing", pkce: true, set: map[string]string{"redirect_uri": ""},
			status: 400, code: "invalid_grant", desc: "Invalid redirect URI"},
		{name: "other client", pkce: true, set: map[string]string{"client_id": otherID},
			status: 400, code: "invalid_grant", desc: "Invalid authorization code"},
		{name: "unknown code", pkce: true, set: map[string]string{"code": "AQnope"},
			status: 400, code: "invalid_grant", desc: "Invalid authorization code"},
		{name: "unknown client", pkce: true, set: map[string]string{"client_id": "nope"},
			status: 400, code: "invalid_client"},
		{name: "secret basic ok", set: map[string]string{"client_id": ""}, basic: &basic{appID, appSecret}, status: 200},
		{name: "secret in body ok", set: map[string]string{"client_secret": appSecret}, status: 200},
		{name: "secret basic plus same body id ok", basic: &basic{appID, appSecret}, status: 200},
		{name: "secret missing", status: 401, code: "invalid_client"},
		{name: "secret wrong", set: map[string]string{"client_id": ""}, basic: &basic{appID, "wrong"},
			status: 400, code: "invalid_client", desc: "Invalid client secret"},
		{name: "basic and body id differ", set: map[string]string{"client_id": otherID}, basic: &basic{appID, appSecret},
			status: 400, code: "invalid_client"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := url.Values{"grant_type": {"authorization_code"}, "redirect_uri": {loopback}, "client_id": {appID}}
			if tt.pkce {
				v := newVerifier(t)
				form.Set("code", f.code(appID, loopback, "user-read-email user-read-private", S256(v)))
				form.Set("code_verifier", v)
			} else {
				form.Set("code", f.code(appID, loopback, "user-read-email user-read-private", ""))
			}
			for k, v := range tt.set {
				if v == "" {
					form.Del(k)
				} else {
					form.Set(k, v)
				}
			}
			status, body := f.token(form, tt.basic)
			if tt.status != 200 {
				wantOAuthError(t, status, body, tt.status, tt.code, tt.desc)
				return
			}
			if status != 200 {
				t.Fatalf("got %d %v", status, body)
			}
			if body["token_type"] != "Bearer" || body["expires_in"] != float64(3600) || body["scope"] != "user-read-email user-read-private" ||
				body["access_token"] == "" || body["refresh_token"] == "" {
				t.Errorf("token response %v", body)
			}
		})
	}
}

func TestCodeIsSingleUseAndReplayRevokes(t *testing.T) {
	f := newFixture(t)
	v := newVerifier(t)
	form := url.Values{"grant_type": {"authorization_code"}, "code": {f.code(appID, loopback, "user-read-email", S256(v))},
		"redirect_uri": {loopback}, "client_id": {appID}, "code_verifier": {v}}
	status, first := f.token(form, nil)
	if status != 200 {
		t.Fatalf("first use: %d %v", status, first)
	}
	access := first["access_token"].(string)
	if status, body := f.get("/me", access); status != 200 {
		t.Fatalf("/me: %d %v", status, body)
	}

	status, body := f.token(form, nil)
	wantOAuthError(t, status, body, 400, "invalid_grant", "Invalid authorization code")

	// RFC 6749 §4.1.2: what the replayed code produced is revoked.
	status, body = f.get("/me", access)
	wantAPIError(t, status, body, 401, "Invalid access token")
	status, body = f.token(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {first["refresh_token"].(string)}, "client_id": {appID}}, nil)
	wantOAuthError(t, status, body, 400, "invalid_grant", "Refresh token revoked")
}

func TestCodeExpiresAfterTenMinutes(t *testing.T) {
	f := newFixture(t)
	code := f.code(appID, loopback, "", "")
	f.clock.Advance(10 * time.Minute)
	status, body := f.token(url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {loopback}}, &basic{appID, appSecret})
	wantOAuthError(t, status, body, 400, "invalid_grant", "")
}

func TestTokenEndpointRequestShape(t *testing.T) {
	f := newFixture(t)
	req, _ := http.NewRequest(http.MethodPost, f.srv.AccountsURL()+"/api/token", strings.NewReader(`{"grant_type":"client_credentials"}`))
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth(appID, appSecret)
	status, body := f.do(req)
	wantOAuthError(t, status, body, 400, "invalid_request", "")

	status, body = f.token(url.Values{"grant_type": {"password"}}, &basic{appID, appSecret})
	wantOAuthError(t, status, body, 400, "unsupported_grant_type", "")

	st := f.srv.Stats()
	if st.TokenRequests[""] != 1 || st.TokenRequests["password"] != 1 {
		t.Errorf("refused requests not counted: %v", st.TokenRequests)
	}
}

// refreshForm builds a refresh request; PKCE clients put client_id in the body.
func refreshForm(refresh, clientID string) url.Values {
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}}
	if clientID != "" {
		form.Set("client_id", clientID)
	}
	return form
}

func TestRefreshClientAuthentication(t *testing.T) {
	f := newFixture(t)
	now := f.clock.Now()
	_, pkceRefresh := f.srv.IssueTokens(appID, "alice", []string{"user-read-email"}, FlowPKCE, now)
	_, secretRefresh := f.srv.IssueTokens(appID, "alice", []string{"user-read-email"}, FlowSecret, now)
	tests := []struct {
		name   string
		form   url.Values
		basic  *basic
		status int
		code   string
	}{
		{"pkce with body client_id", refreshForm(pkceRefresh, appID), nil, 200, ""},
		{"pkce with basic header", refreshForm(pkceRefresh, ""), &basic{appID, appSecret}, 401, "invalid_client"},
		{"pkce with basic header and body id", refreshForm(pkceRefresh, appID), &basic{appID, appSecret}, 401, "invalid_client"},
		{"pkce by another client", refreshForm(pkceRefresh, otherID), nil, 400, "invalid_grant"},
		{"pkce without client", refreshForm(pkceRefresh, ""), nil, 401, "invalid_client"},
		{"secret with basic", refreshForm(secretRefresh, ""), &basic{appID, appSecret}, 200, ""},
		{"secret with body id only", refreshForm(secretRefresh, appID), nil, 401, "invalid_client"},
		{"secret with wrong secret", refreshForm(secretRefresh, ""), &basic{appID, "nope"}, 400, "invalid_client"},
		{"unknown token", refreshForm("AQnope", appID), nil, 400, "invalid_grant"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := f.token(tt.form, tt.basic)
			if tt.status != 200 {
				wantOAuthError(t, status, body, tt.status, tt.code, "")
				return
			}
			if status != 200 || body["access_token"] == nil || body["scope"] != "user-read-email" {
				t.Fatalf("got %d %v", status, body)
			}
			if _, ok := body["refresh_token"]; ok {
				t.Errorf("rotation is off, yet got a refresh_token: %v", body)
			}
			if status, me := f.get("/me", body["access_token"].(string)); status != 200 {
				t.Errorf("new access token refused: %d %v", status, me)
			}
		})
	}
	if st := f.srv.Stats(); st.Refreshes != 2 || st.TokenRequests["refresh_token"] != len(tests) {
		t.Errorf("stats %+v", st)
	}
}

func TestRefreshRotation(t *testing.T) {
	for _, rotation := range []bool{false, true} {
		t.Run(fmt.Sprint("rotation=", rotation), func(t *testing.T) {
			f := newFixture(t)
			f.srv.SetRotation(rotation)
			_, refresh := f.loginPKCE(appID, "user-read-email")

			status, body := f.token(refreshForm(refresh, appID), nil)
			if status != 200 {
				t.Fatalf("refresh: %d %v", status, body)
			}
			newRefresh, has := body["refresh_token"].(string)
			if has != rotation {
				t.Fatalf("refresh_token present = %v with rotation %v", has, rotation)
			}
			status, body = f.token(refreshForm(refresh, appID), nil)
			if !rotation {
				if status != 200 {
					t.Fatalf("without rotation the old token must stay valid: %d %v", status, body)
				}
				return
			}
			wantOAuthError(t, status, body, 400, "invalid_grant", "Refresh token revoked")
			if status, body := f.token(refreshForm(newRefresh, appID), nil); status != 200 {
				t.Fatalf("rotated token refused: %d %v", status, body)
			}
		})
	}
}

func TestRefreshTokenExpiresSixMonthsAfterLogin(t *testing.T) {
	f := newFixture(t)
	f.srv.SetRotation(true)
	_, refresh := f.srv.IssueTokens(appID, "alice", nil, FlowPKCE, f.clock.Now())

	// Refreshing along the way, even with rotation, never moves the limit.
	for range 6 {
		f.clock.Advance(30 * 24 * time.Hour)
		status, body := f.token(refreshForm(refresh, appID), nil)
		if status != 200 {
			t.Fatalf("refresh at %v: %d %v", f.clock.Now(), status, body)
		}
		refresh = body["refresh_token"].(string)
	}
	f.clock.Advance(3 * 24 * time.Hour) // 183 days after login
	status, body := f.token(refreshForm(refresh, appID), nil)
	wantOAuthError(t, status, body, 400, "invalid_grant", "Refresh token expired")

	// A login seeded seven months ago is expired from the start.
	_, old := f.srv.IssueTokens(appID, "alice", nil, FlowPKCE, f.clock.Now().AddDate(0, -7, 0))
	status, body = f.token(refreshForm(old, appID), nil)
	wantOAuthError(t, status, body, 400, "invalid_grant", "Refresh token expired")
}

func TestAccessTokenExpiryAndRevocation(t *testing.T) {
	f := newFixture(t)
	access, refresh := f.loginPKCE(appID, "")

	f.clock.Advance(59 * time.Minute)
	if status, body := f.get("/me", access); status != 200 {
		t.Fatalf("/me before expiry: %d %v", status, body)
	}
	f.clock.Advance(time.Minute)
	status, body := f.get("/me", access)
	wantAPIError(t, status, body, 401, "The access token expired")

	status, tok := f.token(refreshForm(refresh, appID), nil)
	if status != 200 {
		t.Fatalf("refresh: %d %v", status, tok)
	}
	fresh := tok["access_token"].(string)
	if status, body := f.get("/me", fresh); status != 200 {
		t.Fatalf("/me with refreshed token: %d %v", status, body)
	}
	f.srv.ExpireAccessTokens()
	status, body = f.get("/me", fresh)
	wantAPIError(t, status, body, 401, "The access token expired")

	f.srv.RevokeRefreshTokens()
	status, body = f.token(refreshForm(refresh, appID), nil)
	wantOAuthError(t, status, body, 400, "invalid_grant", "Refresh token revoked")

	// A seeded login from months ago still gets a valid access token.
	seeded, _ := f.srv.IssueTokens(appID, "alice", nil, FlowPKCE, f.clock.Now().AddDate(0, -5, 0))
	if status, body := f.get("/me", seeded); status != 200 {
		t.Errorf("seeded access token: %d %v", status, body)
	}
}

func TestClientCredentials(t *testing.T) {
	f := newFixture(t)
	form := url.Values{"grant_type": {"client_credentials"}}

	status, body := f.token(form, &basic{appID, appSecret})
	if status != 200 || body["token_type"] != "Bearer" || body["expires_in"] != float64(3600) {
		t.Fatalf("got %d %v", status, body)
	}
	for _, absent := range []string{"refresh_token", "scope"} {
		if _, ok := body[absent]; ok {
			t.Errorf("client credentials response has %q: %v", absent, body)
		}
	}
	for _, path := range []string{"/me", "/me/playlists"} {
		status, me := f.get(path, body["access_token"].(string))
		wantAPIError(t, status, me, 401, "This request requires user authentication.")
	}

	withBody := url.Values{"grant_type": {"client_credentials"}, "client_id": {appID}, "client_secret": {appSecret}}
	status, body = f.token(withBody, nil)
	wantOAuthError(t, status, body, 401, "invalid_client", "")
	status, body = f.token(form, &basic{appID, "wrong"})
	wantOAuthError(t, status, body, 400, "invalid_client", "Invalid client secret")

	if access, refresh := f.srv.IssueTokens(appID, "", nil, FlowClientCredentials, f.clock.Now()); access == "" || refresh != "" {
		t.Errorf("IssueTokens(client_credentials) = %q, %q", access, refresh)
	}
}

func TestMe(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name    string
		client  string
		scopes  []string
		present []string
		absent  []string
	}{
		{"no scopes", appID, nil, nil, []string{"email", "country", "product", "explicit_content"}},
		{"email", appID, []string{"user-read-email"}, []string{"email"}, []string{"country", "product", "explicit_content"}},
		{"private", appID, []string{"user-read-private"}, []string{"country", "product", "explicit_content"}, []string{"email"}},
		{"both", appID, []string{"user-read-email", "user-read-private"}, []string{"email", "country", "product", "explicit_content"}, nil},
		{"devmode both", devID, []string{"user-read-email", "user-read-private"}, nil, []string{"email", "country", "product"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			access, _ := f.srv.IssueTokens(tt.client, "alice", tt.scopes, FlowPKCE, f.clock.Now())
			status, me := f.get("/me", access)
			if status != 200 {
				t.Fatalf("%d %v", status, me)
			}
			base := f.srv.APIURL()
			if me["id"] != "alice" || me["display_name"] != "Alice" || me["type"] != "user" || me["uri"] != "spotify:user:alice" ||
				me["href"] != base+"/users/alice" || me["account_id"] == nil {
				t.Errorf("user object %v", me)
			}
			if ext, _ := me["external_urls"].(map[string]any); ext["spotify"] != "https://open.spotify.com/user/alice" {
				t.Errorf("external_urls %v", me["external_urls"])
			}
			// Development-mode apps get no followers since February 2026.
			if fol, _ := me["followers"].(map[string]any); tt.client != devID && (fol == nil || fol["href"] != nil || fol["total"] != float64(0)) {
				t.Errorf("followers %v", me["followers"])
			}
			if _, ok := me["followers"]; tt.client == devID && ok {
				t.Errorf("followers %v for a development-mode app", me["followers"])
			}
			if imgs, ok := me["images"].([]any); !ok || len(imgs) != 0 {
				t.Errorf("images %v", me["images"])
			}
			for _, k := range tt.present {
				if _, ok := me[k]; !ok {
					t.Errorf("missing %q", k)
				}
			}
			for _, k := range tt.absent {
				if _, ok := me[k]; ok {
					t.Errorf("unexpected %q = %v", k, me[k])
				}
			}
			if slicesHas(tt.present, "email") && me["email"] != "alice@example.com" {
				t.Errorf("email %v", me["email"])
			}
		})
	}

	for _, tt := range []struct{ name, header string }{
		{"missing header", ""},
		{"unknown token", "Bearer BQnope"},
		{"not bearer", "Basic " + base64.StdEncoding.EncodeToString([]byte(appID+":"+appSecret))},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, f.srv.APIURL()+"/me", nil)
			if tt.header != "" {
				req.Header.Set("Authorization", tt.header)
			}
			status, body := f.do(req)
			wantAPIError(t, status, body, 401, "Invalid access token")
		})
	}
}

func slicesHas(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func TestPlaylistsPaging(t *testing.T) {
	f := newFixture(t)
	f.srv.GeneratePlaylists("alice", 120)
	access, _ := f.srv.IssueTokens(appID, "alice", []string{"playlist-read-private"}, FlowPKCE, f.clock.Now())

	base := f.srv.APIURL() + "/me/playlists"
	target := "/me/playlists?limit=50"
	var names []string
	var prev any
	for page := 0; target != ""; page++ {
		status, body := f.get(target, access)
		if status != 200 {
			t.Fatalf("page %d: %d %v", page, status, body)
		}
		wantHref := fmt.Sprintf("%s?offset=%d&limit=50", base, page*50)
		if body["href"] != wantHref || body["total"] != float64(120) || body["limit"] != float64(50) || body["offset"] != float64(page*50) {
			t.Fatalf("page %d paging fields: %v", page, body)
		}
		if body["previous"] != prev {
			t.Errorf("page %d previous = %v, want %v", page, body["previous"], prev)
		}
		prev = body["href"]
		for _, it := range body["items"].([]any) {
			names = append(names, it.(map[string]any)["name"].(string))
		}
		next, _ := body["next"].(string)
		if next != "" && !strings.HasPrefix(next, "http://") {
			t.Fatalf("next link %q is not absolute", next)
		}
		target = next
		if page > 3 {
			t.Fatal("paging does not end")
		}
	}
	if len(names) != 120 || names[0] != "Playlist 0001" || names[119] != "Playlist 0120" {
		t.Fatalf("got %d playlists: first %q", len(names), names[:1])
	}
	if got := f.srv.Stats().APIRequests["/v1/me/playlists"]; got != 3 {
		t.Errorf("APIRequests = %d, want 3", got)
	}

	// IDs are deterministic and Spotify-shaped.
	other := New(Config{})
	defer other.Close()
	other.GeneratePlaylists("alice", 1)
	_, body := f.get("/me/playlists?limit=1", access)
	id := body["items"].([]any)[0].(map[string]any)["id"].(string)
	if !regexp.MustCompile(`^[0-9A-Za-z]{22}$`).MatchString(id) || id != other.playlists["alice"][0].ID {
		t.Errorf("playlist id %q not deterministic base62", id)
	}
}

func TestPlaylistsVisibilityAndShape(t *testing.T) {
	f := newFixture(t)
	f.srv.AddPlaylists("alice",
		Playlist{Name: "Public", Public: true, Tracks: 3, Description: "desc"},
		Playlist{Name: "Private", Tracks: 4},
		Playlist{Name: "Collab", Collaborative: true, Tracks: 5},
		Playlist{Name: "Bob's", OwnerID: "bob", Public: true, Tracks: 6},
	)
	tests := []struct {
		name   string
		client string
		scopes []string
		want   []string
	}{
		{"no scopes", appID, nil, []string{"Public", "Bob's"}},
		{"private", appID, []string{"playlist-read-private"}, []string{"Public", "Private", "Bob's"}},
		{"collaborative", appID, []string{"playlist-read-collaborative"}, []string{"Public", "Collab", "Bob's"}},
		{"both", appID, []string{"playlist-read-private", "playlist-read-collaborative"}, []string{"Public", "Private", "Collab", "Bob's"}},
		{"devmode", devID, []string{"playlist-read-private", "playlist-read-collaborative"}, []string{"Public", "Private", "Collab", "Bob's"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			access, _ := f.srv.IssueTokens(tt.client, "alice", tt.scopes, FlowPKCE, f.clock.Now())
			status, body := f.get("/me/playlists", access)
			if status != 200 || body["total"] != float64(len(tt.want)) || body["limit"] != float64(20) || body["next"] != nil || body["previous"] != nil {
				t.Fatalf("%d %v", status, body)
			}
			var names []string
			for _, it := range body["items"].([]any) {
				p := it.(map[string]any)
				names = append(names, p["name"].(string))
				id := p["id"].(string)
				href := f.srv.APIURL() + "/playlists/" + id
				if p["type"] != "playlist" || p["uri"] != "spotify:playlist:"+id || p["href"] != href || p["snapshot_id"] == "" {
					t.Errorf("playlist object %v", p)
				}
				if v, ok := p["primary_color"]; !ok || v != nil {
					t.Errorf("primary_color must be present and null: %v", p)
				}
				owner := p["owner"].(map[string]any)
				if owner["type"] != "user" || owner["uri"] != "spotify:user:"+owner["id"].(string) {
					t.Errorf("owner %v", owner)
				}
				if p["name"] == "Bob's" && (owner["id"] != "bob" || owner["display_name"] != "Bob") {
					t.Errorf("owner of Bob's: %v", owner)
				}
				key, other := "tracks", "items"
				if tt.client == devID {
					key, other = "items", "tracks"
				}
				count, _ := p[key].(map[string]any)
				if count == nil || count["href"] != href+"/"+key || count["total"] == nil {
					t.Errorf("%s = %v", key, p[key])
				}
				if _, ok := p[other]; ok {
					t.Errorf("unexpected %q in %v", other, p)
				}
			}
			if strings.Join(names, ",") != strings.Join(tt.want, ",") {
				t.Errorf("got %v, want %v", names, tt.want)
			}
		})
	}
}

func TestPlaylistsInvalidParams(t *testing.T) {
	f := newFixture(t)
	access, _ := f.srv.IssueTokens(appID, "alice", nil, FlowPKCE, f.clock.Now())
	for _, tt := range []struct{ query, message string }{
		{"limit=0", "Invalid limit"},
		{"limit=51", "Invalid limit"},
		{"limit=ten", "Invalid limit"},
		{"offset=-1", "Invalid offset"},
		{"offset=x", "Invalid offset"},
	} {
		t.Run(tt.query, func(t *testing.T) {
			status, body := f.get("/me/playlists?"+tt.query, access)
			wantAPIError(t, status, body, 400, tt.message)
		})
	}
	status, body := f.get("/me/nothing", access)
	wantAPIError(t, status, body, 404, "Service not found")

	resp, err := http.Get(f.srv.URL() + "/nothing")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("/nothing: %d", resp.StatusCode)
	}
}

func TestFaultCountAndSkipFirst(t *testing.T) {
	f := newFixture(t)
	access, _ := f.srv.IssueTokens(appID, "alice", nil, FlowPKCE, f.clock.Now())
	f.srv.InjectFault(Fault{Path: "/v1/me", Status: 500, Count: 2, SkipFirst: 1})
	f.srv.InjectFault(Fault{Path: "/v1/me/playlists", Status: 503, Body: `{"oops":true}`})

	var got []int
	for range 5 {
		status, body := f.get("/me", access)
		if status == 500 {
			wantAPIError(t, status, body, 500, "Server error")
		}
		got = append(got, status)
	}
	if fmt.Sprint(got) != "[200 500 500 200 200]" {
		t.Errorf("statuses %v", got)
	}

	for range 3 { // Count 0: every request
		if status, body := f.get("/me/playlists", access); status != 503 || body["oops"] != true {
			t.Errorf("got %d %v", status, body)
		}
	}
	f.srv.ClearFaults()
	if status, _ := f.get("/me/playlists", access); status != 200 {
		t.Errorf("after ClearFaults: %d", status)
	}

	// On the token endpoint the standard body is an OAuth error.
	f.srv.InjectFault(Fault{Path: "/api/token", Status: 500, Count: 1})
	status, body := f.token(refreshForm("x", appID), nil)
	wantOAuthError(t, status, body, 500, "server_error", "")
}

func TestFaultHangAndReset(t *testing.T) {
	f := newFixture(t)
	access, _ := f.srv.IssueTokens(appID, "alice", nil, FlowPKCE, f.clock.Now())
	f.srv.InjectFault(Fault{Path: "/v1/me", Hang: true, Count: 1})
	f.srv.InjectFault(Fault{Path: "/v1/me/playlists", Reset: true, Count: 1})

	request := func(ctx context.Context, path string) (*http.Response, error) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, f.srv.APIURL()+path, nil)
		req.Header.Set("Authorization", "Bearer "+access)
		// A fresh transport, so that the reset is not retried on another
		// pooled connection and the hang's connection is not reused.
		return (&http.Client{Transport: &http.Transport{}}).Do(req)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := request(ctx, "/me"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("hang: err = %v, want deadline exceeded", err)
	}
	if _, err := request(context.Background(), "/me/playlists"); err == nil {
		t.Error("reset: got an answer")
	}
	// Count 1: both paths work again.
	for _, path := range []string{"/me", "/me/playlists"} {
		resp, err := request(context.Background(), path)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("%s after fault: %v %v", path, resp, err)
		}
		resp.Body.Close()
	}

	// Close must not wait for a request that hangs forever.
	f.srv.InjectFault(Fault{Path: "/v1/me", Hang: true})
	errc := make(chan error, 1)
	go func() {
		_, err := request(context.Background(), "/me")
		errc <- err
	}()
	for f.srv.Stats().APIRequests["/v1/me"] < 3 {
		time.Sleep(time.Millisecond)
	}
	f.srv.Close()
	if err := <-errc; err == nil {
		t.Error("hung request got an answer")
	}
}

func TestRateLimitCountsRequestsDuringRetryAfter(t *testing.T) {
	f := newFixture(t)
	access, _ := f.srv.IssueTokens(appID, "alice", nil, FlowPKCE, f.clock.Now())
	// A window far longer than the test runs: every request after the 429
	// is inside it, however slow the machine.
	f.srv.SetRateLimit(3, time.Minute)

	for i := 1; i <= 5; i++ {
		resp, err := f.hc.Do(authorized(f.srv.APIURL()+"/me", access))
		if err != nil {
			t.Fatal(err)
		}
		var body map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if i == 3 {
			wantAPIError(t, resp.StatusCode, body, 429, "API rate limit exceeded")
			if ra := resp.Header.Get("Retry-After"); ra != "60" {
				t.Errorf("Retry-After = %q", ra)
			}
		} else if resp.StatusCode != 200 {
			t.Errorf("request %d: %d (requests in the window are still answered)", i, resp.StatusCode)
		}
	}
	// Requests 4 and 5 came during the window; the 429 itself did not.
	if st := f.srv.Stats(); st.DuringRetryAfter != 2 || st.APIRequests["/v1/me"] != 5 {
		t.Errorf("stats %+v", st)
	}
}

// A request to another URL that arrives right after a 429 was in flight
// when the 429 was sent; a repeat of the refused URL never is.
func TestRetryAfterInFlightGrace(t *testing.T) {
	for _, tt := range []struct {
		name  string
		grace time.Duration
		next  string
		want  int
	}{
		{"other URL within the grace", time.Hour, "/me?x=2", 0},
		{"same URL within the grace", time.Hour, "/me?x=1", 1},
		{"other URL after the grace", time.Nanosecond, "/me?x=2", 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := New(Config{InFlightGrace: tt.grace})
			defer srv.Close()
			srv.AddApp(App{ClientID: appID, RedirectURIs: []string{"http://127.0.0.1/cb"}})
			srv.AddUser(User{ID: "alice"})
			access, _ := srv.IssueTokens(appID, "alice", nil, FlowPKCE, time.Now())
			srv.InjectFault(Fault{Path: "/v1/me", Status: 429, RetryAfter: "60", Count: 1})
			for _, p := range []string{"/me?x=1", tt.next} {
				resp, err := http.DefaultClient.Do(authorized(srv.APIURL()+p, access))
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
			}
			if n := srv.Stats().DuringRetryAfter; n != tt.want {
				t.Errorf("DuringRetryAfter = %d, want %d", n, tt.want)
			}
		})
	}
}

func TestRetryAfterWindowCloses(t *testing.T) {
	f := newFixture(t)
	access, _ := f.srv.IssueTokens(appID, "alice", nil, FlowPKCE, f.clock.Now())
	f.srv.InjectFault(Fault{Path: "/v1/me", Status: 429, RetryAfter: "1", Count: 1})

	status, body := f.get("/me", access)
	wantAPIError(t, status, body, 429, "API rate limit exceeded")
	time.Sleep(1100 * time.Millisecond) // what a well-behaved client does
	if status, _ := f.get("/me", access); status != 200 {
		t.Fatalf("after waiting: %d", status)
	}
	if n := f.srv.Stats().DuringRetryAfter; n != 0 {
		t.Errorf("DuringRetryAfter = %d after honouring Retry-After", n)
	}
}

func authorized(target, access string) *http.Request {
	req, _ := http.NewRequest(http.MethodGet, target, nil)
	req.Header.Set("Authorization", "Bearer "+access)
	return req
}

func TestLatency(t *testing.T) {
	srv := New(Config{Latency: 50 * time.Millisecond})
	defer srv.Close()
	start := time.Now()
	resp, err := http.Get(srv.APIURL() + "/me")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Errorf("answered after %v, before the configured latency", d)
	}
}

// TestConcurrentClients runs whole logins, refreshes and API calls from many
// goroutines at once; under -race it checks the server's locking.
func TestConcurrentClients(t *testing.T) {
	f := newFixture(t)
	f.srv.GeneratePlaylists("alice", 60)
	f.srv.SetRotation(true)
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			f := &fixture{t: goroutineT{t}, srv: f.srv, clock: f.clock, hc: f.hc}
			access, refresh := f.loginPKCE(appID, "playlist-read-private")
			for range 3 {
				if status, body := f.get("/me/playlists?limit=50", access); status != 200 {
					f.t.Fatalf("%d %v", status, body)
				}
				status, body := f.token(refreshForm(refresh, appID), nil)
				if status != 200 {
					f.t.Fatalf("%d %v", status, body)
				}
				access, refresh = body["access_token"].(string), body["refresh_token"].(string)
			}
			_ = f.srv.Stats()
		})
	}
	wg.Wait()
	if st := f.srv.Stats(); st.Refreshes != 48 || st.APIRequests["/v1/me/playlists"] != 48 {
		t.Errorf("stats %+v", st)
	}
}

// goroutineT lets fixture helpers run outside the test goroutine, where
// t.FailNow is not allowed: it reports the failure and ends only the
// calling goroutine.
type goroutineT struct{ testing.TB }

func (g goroutineT) Fatal(args ...any) {
	g.Helper()
	g.Error(args...)
	runtime.Goexit()
}

func (g goroutineT) Fatalf(format string, args ...any) {
	g.Helper()
	g.Errorf(format, args...)
	runtime.Goexit()
}
