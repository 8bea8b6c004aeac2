package spotifytest

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Flow is how a login was obtained; it decides how its refresh token must be
// refreshed.
type Flow string

const (
	FlowPKCE              Flow = "pkce"               // public client: client_id in the body, no secret
	FlowSecret            Flow = "secret"             // confidential client: authenticated by client secret
	FlowClientCredentials Flow = "client_credentials" // app-only token, no user, no refresh token
)

// ConsentMode is how the user "in the browser" answers /authorize.
type ConsentMode int

const (
	// ConsentApprove redirects at once with a code.
	ConsentApprove ConsentMode = iota
	// ConsentDeny redirects at once with error=access_denied.
	ConsentDeny
	// ConsentPage serves an HTML consent page: a form posting to
	// /authorize/accept with a hidden request_id and two buttons named
	// "action", Agree (value "accept") and Cancel (value "cancel").
	ConsentPage
)

// Lifetimes Spotify applies.
const (
	codeLifetime    = 10 * time.Minute
	refreshLifetime = 183 * 24 * time.Hour // six months from login; refreshing never extends it
)

// consentPath is where the consent page's form posts.
const consentPath = "/authorize/accept"

// spotifyScopes is Spotify's list of authorization scopes.
const spotifyScopes = "ugc-image-upload user-read-playback-state user-modify-playback-state " +
	"user-read-currently-playing app-remote-control streaming playlist-read-private " +
	"playlist-read-collaborative playlist-modify-private playlist-modify-public " +
	"user-follow-modify user-follow-read user-read-playback-position user-top-read " +
	"user-read-recently-played user-library-modify user-library-read user-read-email " +
	"user-read-private user-personalized"

// App is an application registered in Spotify's developer dashboard.
type App struct {
	ClientID, ClientSecret, Name string
	RedirectURIs                 []string
	// DevMode apps get Spotify's development-mode responses: no email,
	// country or product on /me, and playlists counting "items" not "tracks".
	DevMode bool
}

// User is a Spotify account. Empty Country, Product and Email default to
// "US", "premium" and ID@example.com, as every real account has them.
type User struct {
	ID, DisplayName, Email, Country, Product string
}

// grant is one login: everything issued from it shares its client, user,
// scopes and login time, and dies with it.
type grant struct {
	clientID string
	userID   string // "" for client credentials
	scopes   []string
	flow     Flow
	loginAt  time.Time
	revoked  bool // the authorization code it came from was replayed
}

type accessToken struct {
	grant     *grant
	expiresAt time.Time
	expired   bool // forced by ExpireAccessTokens
}

type refreshToken struct {
	grant     *grant
	revoked   bool   // by RevokeRefreshTokens or rotation
	rotatedTo string // the token that replaced it, with rotation
}

// RefreshTokenState tells what the fake knows of a refresh token: "valid",
// "revoked", "unknown", or "lost": rotation replaced it and the replacement
// has never been used, so the answer carrying it never reached a client that
// kept it (a client killed between Spotify's answer and its own save).
func (s *Server) RefreshTokenState(token string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	rt, ok := s.refreshTokens[token]
	switch {
	case !ok:
		return "unknown"
	case !rt.revoked && !rt.grant.revoked:
		return "valid"
	case rt.rotatedTo != "":
		if next, ok := s.refreshTokens[rt.rotatedTo]; ok && !next.revoked && !next.grant.revoked {
			return "lost"
		}
	}
	return "revoked"
}

// authRequest is a validated /authorize request waiting for the user.
type authRequest struct {
	app         App
	userID      string
	redirectURI string
	state       string
	hasState    bool
	scopes      []string
	challenge   string
}

type authCode struct {
	authRequest
	issuedAt time.Time
	used     bool
	grant    *grant // what the code was exchanged for, revoked if it is replayed
}

// AddApp registers an app. It panics on a redirect URI Spotify's dashboard
// refuses: localhost, or anything not https other than the loopback literals
// http://127.0.0.1 and http://[::1].
func (s *Server) AddApp(a App) {
	if a.ClientID == "" {
		panic("spotifytest: App.ClientID is empty")
	}
	for _, u := range a.RedirectURIs {
		if err := checkRegisteredRedirect(u); err != nil {
			panic(fmt.Sprintf("spotifytest: app %q: %v", a.ClientID, err))
		}
	}
	a.RedirectURIs = slices.Clone(a.RedirectURIs)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.apps[a.ClientID] = a
}

// AddUser adds or replaces a user.
func (s *Server) AddUser(u User) {
	if u.ID == "" {
		panic("spotifytest: User.ID is empty")
	}
	if u.Country == "" {
		u.Country = "US"
	}
	if u.Product == "" {
		u.Product = "premium"
	}
	if u.Email == "" {
		u.Email = u.ID + "@example.com"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[u.ID] = u
	if s.firstUser == "" {
		s.firstUser = u.ID
	}
}

// IssueTokens creates a valid token pair as if userID had logged in to app
// clientID at loginAt with these scopes by flow, for seeding a stored login.
// The access token is valid for one TTL from now (use ExpireAccessTokens to
// seed a stale one); loginAt starts the refresh token's six months. For
// FlowClientCredentials refresh is "". It panics on an unknown app or user,
// which is a bug in the test.
func (s *Server) IssueTokens(clientID, userID string, scopes []string, flow Flow, loginAt time.Time) (access, refresh string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.apps[clientID]; !ok {
		panic(fmt.Sprintf("spotifytest: IssueTokens: unknown app %q", clientID))
	}
	g := &grant{clientID: clientID, scopes: slices.Clone(scopes), flow: flow, loginAt: loginAt}
	if flow != FlowClientCredentials {
		if _, ok := s.users[userID]; !ok {
			panic(fmt.Sprintf("spotifytest: IssueTokens: unknown user %q", userID))
		}
		g.userID = userID
		g.scopes = normalizeScopes(g.scopes)
		refresh = s.newRefreshToken(g)
	}
	return s.newAccessToken(g, s.now()), refresh
}

// ExpireAccessTokens makes every access token issued so far expired, as if
// an hour had passed for them alone.
func (s *Server) ExpireAccessTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.accessTokens {
		t.expired = true
	}
}

// RevokeRefreshTokens revokes every refresh token issued so far, as when the
// user removes the app's access in their account settings.
func (s *Server) RevokeRefreshTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.refreshTokens {
		t.revoked = true
	}
}

// ---- GET /authorize ----

func (s *Server) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		s.writePage(w, http.StatusMethodNotAllowed, "Method not allowed", "")
		return
	}
	q := r.URL.Query()

	s.mu.Lock()
	s.lastShowDialog = q.Get("show_dialog") == "true"
	app, known := s.apps[q.Get("client_id")]
	consent := s.consent
	userID := s.currentUser
	if userID == "" {
		userID = s.firstUser
	}
	user, signedIn := s.users[userID]
	s.mu.Unlock()

	// Spotify never redirects to an unverified client or redirect URI: that
	// would make it an open redirector. These errors stay on its own page.
	if !known {
		s.writePage(w, http.StatusBadRequest, "INVALID_CLIENT: Invalid client", "")
		return
	}
	redirectURI := q.Get("redirect_uri")
	if !redirectAllowed(app.RedirectURIs, redirectURI) {
		s.writePage(w, http.StatusBadRequest, "INVALID_CLIENT: Invalid redirect URI", "")
		return
	}
	if rt := q.Get("response_type"); rt != "code" {
		// The implicit grant (response_type=token) has been removed.
		s.writePage(w, http.StatusBadRequest, "unsupported_response_type", "response_type must be code, got "+strconv.Quote(rt))
		return
	}

	req := &authRequest{
		app:         app,
		userID:      user.ID,
		redirectURI: redirectURI,
		state:       q.Get("state"),
		hasState:    q.Has("state"),
		challenge:   q.Get("code_challenge"),
	}
	scopes, ok := parseScopes(q.Get("scope"))
	if !ok {
		s.redirectError(w, req, "invalid_scope")
		return
	}
	req.scopes = scopes
	if method := q.Get("code_challenge_method"); req.challenge != "" || method != "" {
		if method != "S256" || !validPKCEString(req.challenge) {
			s.redirectError(w, req, "invalid_request")
			return
		}
	}
	if !signedIn {
		s.writePage(w, http.StatusInternalServerError, "spotifytest: no user is signed in", "call AddUser or SetCurrentUser")
		return
	}

	switch consent {
	case ConsentDeny:
		s.redirectError(w, req, "access_denied")
	case ConsentPage:
		id := newToken("")
		s.mu.Lock()
		s.pending[id] = req
		s.mu.Unlock()
		s.writeConsentPage(w, req, user, id)
	default:
		s.redirectWithCode(w, req)
	}
}

// handleConsent receives the consent page's form.
func (s *Server) handleConsent(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		s.writePage(w, http.StatusMethodNotAllowed, "Method not allowed", "")
		return
	}
	if err := r.ParseForm(); err != nil {
		s.writePage(w, http.StatusBadRequest, "Bad request", err.Error())
		return
	}
	id := r.PostForm.Get("request_id")
	s.mu.Lock()
	req, ok := s.pending[id]
	delete(s.pending, id) // a consent is answered once
	s.mu.Unlock()
	if !ok {
		s.writePage(w, http.StatusBadRequest, "Oops! Something went wrong", "unknown or already answered request_id")
		return
	}
	switch r.PostForm.Get("action") {
	case "accept":
		s.redirectWithCode(w, req)
	case "cancel":
		s.redirectError(w, req, "access_denied")
	default:
		s.writePage(w, http.StatusBadRequest, "Oops! Something went wrong", "action must be accept or cancel")
	}
}

func (s *Server) redirectWithCode(w http.ResponseWriter, req *authRequest) {
	code := newToken("AQ")
	s.mu.Lock()
	s.codes[code] = &authCode{authRequest: *req, issuedAt: s.now()}
	s.mu.Unlock()
	params := url.Values{"code": {code}}
	if req.hasState {
		params.Set("state", req.state)
	}
	redirect(w, req.redirectURI, params)
}

func (s *Server) redirectError(w http.ResponseWriter, req *authRequest, code string) {
	params := url.Values{"error": {code}}
	if req.hasState {
		params.Set("state", req.state)
	}
	redirect(w, req.redirectURI, params)
}

// redirect sends a 302 to base with params added to its query.
func redirect(w http.ResponseWriter, base string, params url.Values) {
	u, err := url.Parse(base)
	if err != nil {
		// Unreachable: base matched a registered URI, all of which parse.
		http.Error(w, "INVALID_CLIENT: Invalid redirect URI", http.StatusBadRequest)
		return
	}
	q := u.Query()
	for k, v := range params {
		q[k] = v
	}
	u.RawQuery = q.Encode()
	w.Header().Set("Location", u.String())
	w.WriteHeader(http.StatusFound)
}

// checkRegisteredRedirect applies the dashboard's rules for redirect URIs.
func checkRegisteredRedirect(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("redirect URI %q: %v", raw, err)
	}
	if u.Host == "" || u.Fragment != "" {
		return fmt.Errorf("redirect URI %q must be absolute, without a fragment", raw)
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return fmt.Errorf("redirect URI %q: localhost is not allowed, use 127.0.0.1 or [::1]", raw)
	}
	if u.Scheme == "https" || (u.Scheme == "http" && (host == "127.0.0.1" || host == "::1")) {
		return nil
	}
	return fmt.Errorf("redirect URI %q is insecure: only https, or http on 127.0.0.1 or [::1]", raw)
}

// redirectAllowed compares as Spotify does: as strings, except that a
// registered loopback URI without a port matches any port.
func redirectAllowed(registered []string, got string) bool {
	if got == "" {
		return false
	}
	for _, reg := range registered {
		if reg == got || loopbackMatch(reg, got) {
			return true
		}
	}
	return false
}

// loopbackMatch reports whether reg is http://127.0.0.1 or http://[::1]
// without a port and got is the same string with a port inserted (RFC 8252
// §7.3: native apps listen on an ephemeral port).
func loopbackMatch(reg, got string) bool {
	for _, host := range []string{"127.0.0.1", "[::1]"} {
		prefix := "http://" + host
		rest, ok := strings.CutPrefix(reg, prefix)
		if !ok || rest != "" && rest[0] != '/' && rest[0] != '?' {
			continue // another host, or a registered port
		}
		tail, ok := strings.CutPrefix(got, prefix+":")
		if !ok {
			return false
		}
		n := 0
		for n < len(tail) && tail[n] >= '0' && tail[n] <= '9' {
			n++
		}
		port, err := strconv.Atoi(tail[:n])
		if err != nil || n > 5 || port < 1 || port > 65535 {
			return false
		}
		return tail[n:] == rest
	}
	return false
}

// parseScopes splits a space-separated scope parameter and reports whether
// every scope is one Spotify knows.
func parseScopes(raw string) ([]string, bool) {
	known := strings.Fields(spotifyScopes)
	scopes := strings.Fields(raw)
	for _, sc := range scopes {
		if !slices.Contains(known, sc) {
			return nil, false
		}
	}
	return normalizeScopes(scopes), true
}

// normalizeScopes drops duplicates, keeping the order asked for.
func normalizeScopes(scopes []string) []string {
	out := []string{}
	for _, sc := range scopes {
		if !slices.Contains(out, sc) {
			out = append(out, sc)
		}
	}
	return out
}

// validPKCEString checks RFC 7636's syntax for verifiers (and for S256
// challenges, which are 43 characters of the same alphabet).
func validPKCEString(v string) bool {
	if len(v) < 43 || len(v) > 128 {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || strings.IndexByte("-._~", c) >= 0) {
			return false
		}
	}
	return true
}

// S256 computes the PKCE S256 code challenge for a verifier.
func S256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// ---- responses ----

func writeOAuthError(w http.ResponseWriter, e *oauthError) {
	writeJSON(w, e.status, map[string]string{"error": e.code, "error_description": e.desc})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		// Only our own types are marshalled; failing here is a bug.
		panic(fmt.Sprintf("spotifytest: encoding response: %v", err))
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// pageTemplates holds the accounts service's HTML pages: "error" for
// errors it will not redirect, and "consent" for ConsentPage.
const pageTemplates = `{{define "error"}}<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Error - Spotify</title></head>
<body><h1>{{.Title}}</h1>{{with .Detail}}<p>{{.}}</p>{{end}}</body></html>
{{end}}{{define "consent"}}<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Authorize {{.App}} - Spotify</title></head>
<body>
<h1>{{.App}}</h1>
<p>Logged in as {{.User}}.</p>
<p>{{.App}} would like to:</p>
<ul id="scopes">
{{- range .Scopes}}
<li>{{.}}</li>
{{- else}}
<li>View your public profile</li>
{{- end}}
</ul>
<form method="POST" action="` + consentPath + `">
<input type="hidden" name="request_id" value="{{.RequestID}}">
<button type="submit" name="action" value="accept">Agree</button>
<button type="submit" name="action" value="cancel">Cancel</button>
</form>
</body></html>
{{end}}`

// writePage answers with an HTML error page, as the accounts service does
// for errors it will not redirect.
func (s *Server) writePage(w http.ResponseWriter, status int, title, detail string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_ = s.pages.ExecuteTemplate(w, "error", struct{ Title, Detail string }{title, detail})
}

func (s *Server) writeConsentPage(w http.ResponseWriter, req *authRequest, user User, requestID string) {
	name := req.app.Name
	if name == "" {
		name = req.app.ClientID
	}
	who := user.DisplayName
	if who == "" {
		who = user.ID
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_ = s.pages.ExecuteTemplate(w, "consent", struct {
		App, User, RequestID string
		Scopes               []string
	}{name, who, requestID, req.scopes})
}
