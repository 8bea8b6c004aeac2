package spotifytest

import (
	"crypto/rand"
	"encoding/base64"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// oauthError is an RFC 6749 §5.2 error answer.
type oauthError struct {
	status int
	code   string
	desc   string
}

func badRequest(code, desc string) *oauthError {
	return &oauthError{status: http.StatusBadRequest, code: code, desc: desc}
}

// clientAuthRequired is the RFC 6749 answer when the client did not
// authenticate the way this grant requires.
func clientAuthRequired(desc string) *oauthError {
	return &oauthError{status: http.StatusUnauthorized, code: "invalid_client", desc: desc}
}

type tokenResponse struct {
	AccessToken  string  `json:"access_token"`
	TokenType    string  `json:"token_type"`
	Scope        *string `json:"scope,omitempty"` // absent for client credentials
	ExpiresIn    int     `json:"expires_in"`
	RefreshToken string  `json:"refresh_token,omitempty"`
}

// clientAuth is who the client proved to be on the token endpoint.
type clientAuth struct {
	app      App
	bySecret bool // proved with the client secret, in Basic or in the body
	basic    bool // an Authorization header was sent
}

func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeOAuthError(w, &oauthError{status: http.StatusMethodNotAllowed, code: "invalid_request", desc: "Method not allowed"})
		return
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/x-www-form-urlencoded" {
		writeOAuthError(w, badRequest("invalid_request", "Content-Type must be application/x-www-form-urlencoded"))
		return
	}
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, badRequest("invalid_request", err.Error()))
		return
	}
	resp, oerr := s.token(r, r.PostForm)
	if oerr != nil {
		writeOAuthError(w, oerr)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) token(r *http.Request, form url.Values) (*tokenResponse, *oauthError) {
	grantType := form.Get("grant_type")
	switch grantType {
	case "authorization_code", "refresh_token", "client_credentials":
	case "":
		return nil, badRequest("unsupported_grant_type", "grant_type parameter is missing")
	default:
		return nil, badRequest("unsupported_grant_type", "grant_type parameter is invalid")
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	ca, oerr := s.authenticateClient(r, form)
	if oerr != nil {
		return nil, oerr
	}
	switch grantType {
	case "authorization_code":
		return s.exchangeCode(ca, form)
	case "refresh_token":
		return s.refresh(ca, form)
	default:
		return s.clientCredentials(ca)
	}
}

// authenticateClient identifies the client from HTTP Basic, or from
// client_id (and optionally client_secret) in the body. Presenting both is
// allowed only when they agree.
func (s *Server) authenticateClient(r *http.Request, form url.Values) (clientAuth, *oauthError) {
	bodyID, bodySecret := form.Get("client_id"), form.Get("client_secret")
	if r.Header.Get("Authorization") != "" {
		id, secret, ok := r.BasicAuth()
		if !ok || bodyID != "" && bodyID != id || bodySecret != "" && bodySecret != secret {
			return clientAuth{}, badRequest("invalid_client", "Invalid client")
		}
		ca, oerr := s.checkSecret(id, secret)
		ca.basic = true
		return ca, oerr
	}
	if bodyID == "" {
		return clientAuth{}, clientAuthRequired("Client authentication required: HTTP Basic, or client_id in the body")
	}
	if bodySecret != "" {
		return s.checkSecret(bodyID, bodySecret)
	}
	app, ok := s.apps[bodyID]
	if !ok {
		return clientAuth{}, badRequest("invalid_client", "Invalid client")
	}
	return clientAuth{app: app}, nil
}

func (s *Server) checkSecret(id, secret string) (clientAuth, *oauthError) {
	app, ok := s.apps[id]
	if !ok {
		return clientAuth{}, badRequest("invalid_client", "Invalid client")
	}
	if app.ClientSecret == "" || secret != app.ClientSecret {
		return clientAuth{}, badRequest("invalid_client", "Invalid client secret")
	}
	return clientAuth{app: app, bySecret: true}, nil
}

func (s *Server) exchangeCode(ca clientAuth, form url.Values) (*tokenResponse, *oauthError) {
	c, ok := s.codes[form.Get("code")]
	if !ok {
		return nil, badRequest("invalid_grant", "Invalid authorization code")
	}
	if c.used {
		// RFC 6749 §4.1.2: a replayed code means it may have been stolen,
		// so what it produced must not outlive the replay.
		if c.grant != nil {
			c.grant.revoked = true
		}
		return nil, badRequest("invalid_grant", "Invalid authorization code")
	}
	if s.now().Sub(c.issuedAt) >= codeLifetime {
		return nil, badRequest("invalid_grant", "Authorization code expired")
	}
	if c.app.ClientID != ca.app.ClientID {
		return nil, badRequest("invalid_grant", "Invalid authorization code")
	}
	if form.Get("redirect_uri") != c.redirectURI {
		return nil, badRequest("invalid_grant", "Invalid redirect URI")
	}

	flow := FlowSecret
	if c.challenge != "" {
		v := form.Get("code_verifier")
		if v != "" {
			s.verifiers = append(s.verifiers, v)
		}
		switch {
		case v == "":
			return nil, badRequest("invalid_request", "code_verifier required")
		case !validPKCEString(v):
			return nil, badRequest("invalid_request", "code_verifier must be 43 to 128 characters of [A-Za-z0-9-._~]")
		case S256(v) != c.challenge:
			return nil, badRequest("invalid_grant", "code_verifier was incorrect")
		}
		if !ca.bySecret {
			flow = FlowPKCE
		}
	} else if !ca.bySecret {
		// Without PKCE the code alone proves nothing about who redeems it.
		return nil, clientAuthRequired("Client secret required: the authorization request had no code_challenge")
	}

	c.used = true
	g := &grant{clientID: c.app.ClientID, userID: c.userID, scopes: c.scopes, flow: flow, loginAt: s.now()}
	c.grant = g
	scope := strings.Join(g.scopes, " ")
	return &tokenResponse{
		AccessToken:  s.newAccessToken(g, s.now()),
		TokenType:    "Bearer",
		Scope:        &scope,
		ExpiresIn:    s.expiresIn(),
		RefreshToken: s.newRefreshToken(g),
	}, nil
}

func (s *Server) refresh(ca clientAuth, form url.Values) (*tokenResponse, *oauthError) {
	raw := form.Get("refresh_token")
	if raw == "" {
		return nil, badRequest("invalid_request", "refresh_token must be supplied")
	}
	rt, ok := s.refreshTokens[raw]
	if !ok || rt.grant.clientID != ca.app.ClientID {
		return nil, badRequest("invalid_grant", "Invalid refresh token")
	}
	switch rt.grant.flow {
	case FlowPKCE:
		if ca.basic {
			return nil, clientAuthRequired("A PKCE refresh token is refreshed with client_id in the body and no Authorization header")
		}
	case FlowSecret:
		if !ca.bySecret {
			return nil, clientAuthRequired("Client secret required to refresh this token")
		}
	}
	if rt.revoked || rt.grant.revoked {
		return nil, badRequest("invalid_grant", "Refresh token revoked")
	}
	if !s.now().Before(rt.grant.loginAt.Add(refreshLifetime)) {
		return nil, badRequest("invalid_grant", "Refresh token expired")
	}

	scope := strings.Join(rt.grant.scopes, " ")
	resp := &tokenResponse{
		AccessToken: s.newAccessToken(rt.grant, s.now()),
		TokenType:   "Bearer",
		Scope:       &scope,
		ExpiresIn:   s.expiresIn(),
	}
	if s.rotation {
		rt.revoked = true
		resp.RefreshToken = s.newRefreshToken(rt.grant) // same grant: same login time
		rt.rotatedTo = resp.RefreshToken
	}
	s.stats.Refreshes++
	return resp, nil
}

func (s *Server) clientCredentials(ca clientAuth) (*tokenResponse, *oauthError) {
	if !ca.basic {
		return nil, clientAuthRequired("Client credentials require HTTP Basic client authentication")
	}
	g := &grant{clientID: ca.app.ClientID, flow: FlowClientCredentials, loginAt: s.now()}
	return &tokenResponse{
		AccessToken: s.newAccessToken(g, s.now()),
		TokenType:   "Bearer",
		ExpiresIn:   s.expiresIn(),
	}, nil
}

func (s *Server) expiresIn() int { return int(s.ttl / time.Second) }

// newAccessToken and newRefreshToken must be called with s.mu held.
func (s *Server) newAccessToken(g *grant, issuedAt time.Time) string {
	tok := newToken("BQ")
	s.accessTokens[tok] = &accessToken{grant: g, expiresAt: issuedAt.Add(s.ttl)}
	return tok
}

func (s *Server) newRefreshToken(g *grant) string {
	tok := newToken("AQ")
	s.refreshTokens[tok] = &refreshToken{grant: g}
	return tok
}

// newToken returns an unguessable opaque string; the prefix mimics the look
// of Spotify's tokens, which helps when reading logs.
func newToken(prefix string) string {
	b := make([]byte, 48)
	_, _ = rand.Read(b) // never fails (crypto/rand documents this)
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}
