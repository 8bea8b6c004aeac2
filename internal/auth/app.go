package auth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// App is a Spotify application as registered in the developer dashboard, and
// the accounts service it talks to.
type App struct {
	ClientID     string
	ClientSecret string // empty: the PKCE flow
	AccountsURL  string // base of /authorize and /api/token
	HTTPClient   *http.Client
	Now          func() time.Time
}

// Flow is the grant that a login with this app uses.
func (a *App) Flow() Flow {
	if a.ClientSecret != "" {
		return FlowSecret
	}
	return FlowPKCE
}

func (a *App) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

// ctx hands x/oauth2 the app's HTTP client, wrapped so that a token request
// the accounts service failed with a 5xx is tried again.
func (a *App) ctx(ctx context.Context) context.Context {
	hc := a.HTTPClient
	if hc == nil {
		hc = http.DefaultClient
	}
	c := *hc
	c.Transport = &retryTransport{base: hc.Transport, attempts: 3}
	return context.WithValue(ctx, oauth2.HTTPClient, &c)
}

// retryTransport retries a request answered 500, 502, 503 or 504: the
// accounts service says it did not process it. A connection error is not
// retried: the request may have been processed, and with rotation a replayed
// refresh token is a dead one.
type retryTransport struct {
	base     http.RoundTripper
	attempts int
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.base
	if base == nil {
		base = http.DefaultTransport
	}
	for attempt := 1; ; attempt++ {
		r := req
		if attempt > 1 {
			if req.GetBody == nil && req.Body != nil {
				return nil, errors.New("token request cannot be retried")
			}
			r = req.Clone(req.Context())
			if req.GetBody != nil {
				body, err := req.GetBody()
				if err != nil {
					return nil, err
				}
				r.Body = body
			}
		}
		res, err := base.RoundTrip(r)
		if err != nil || attempt >= t.attempts {
			return res, err
		}
		switch res.StatusCode {
		case 500, 502, 503, 504:
		default:
			return res, nil
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
		res.Body.Close()
		delay := time.Duration(100<<attempt)*time.Millisecond + time.Duration(rand.Int64N(int64(100*time.Millisecond)))
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-req.Context().Done():
			t.Stop()
			return nil, req.Context().Err()
		}
	}
}

// config builds the x/oauth2 configuration for a flow. PKCE sends client_id in
// the body and no Authorization header; the secret flow uses HTTP Basic, as
// Spotify requires for each.
func (a *App) config(flow Flow, clientID, redirectURL string, scopes []string) *oauth2.Config {
	base := strings.TrimRight(a.AccountsURL, "/")
	c := &oauth2.Config{
		ClientID:    clientID,
		RedirectURL: redirectURL,
		Scopes:      scopes,
		Endpoint: oauth2.Endpoint{
			AuthURL:   base + "/authorize",
			TokenURL:  base + "/api/token",
			AuthStyle: oauth2.AuthStyleInParams,
		},
	}
	if flow != FlowPKCE {
		c.ClientSecret = a.ClientSecret
		c.Endpoint.AuthStyle = oauth2.AuthStyleInHeader
	}
	return c
}

// Refresh trades the record's refresh token for a new access token. The result
// keeps the old refresh token when Spotify sends none, and the login time.
func (a *App) Refresh(ctx context.Context, rec *Record) (*Record, error) {
	if rec.Flow == FlowClientCredentials {
		return a.ClientCredentials(ctx)
	}
	if rec.RefreshToken == "" {
		return nil, &LoginNeededError{Reason: "the stored login has no refresh token"}
	}
	if rec.Flow == FlowSecret && a.ClientSecret == "" {
		return nil, errors.New("this login was made with a client secret, and none is configured: set client_secret or SPOTCLI_CLIENT_SECRET")
	}
	cfg := a.config(rec.Flow, rec.ClientID, "", nil)
	// An expired token makes x/oauth2 refresh at once.
	tok, err := cfg.TokenSource(a.ctx(ctx), &oauth2.Token{RefreshToken: rec.RefreshToken, Expiry: time.Unix(1, 0)}).Token()
	if err != nil {
		return nil, tokenError("refresh", err)
	}
	out := *rec
	a.apply(&out, tok)
	if tok.RefreshToken == "" {
		out.RefreshToken = rec.RefreshToken
	}
	return &out, nil
}

// ClientCredentials gets an app-only token, which has no user and no refresh token.
func (a *App) ClientCredentials(ctx context.Context) (*Record, error) {
	if a.ClientID == "" || a.ClientSecret == "" {
		return nil, errors.New("an app-only token needs client_id and client_secret")
	}
	cc := clientcredentials.Config{
		ClientID:     a.ClientID,
		ClientSecret: a.ClientSecret,
		TokenURL:     strings.TrimRight(a.AccountsURL, "/") + "/api/token",
		AuthStyle:    oauth2.AuthStyleInHeader,
	}
	tok, err := cc.Token(a.ctx(ctx))
	if err != nil {
		return nil, tokenError("get app token", err)
	}
	now := a.now()
	rec := &Record{ClientID: a.ClientID, Flow: FlowClientCredentials, LoggedInAt: now}
	a.apply(rec, tok)
	return rec, nil
}

// apply copies a token response into a record.
func (a *App) apply(rec *Record, tok *oauth2.Token) {
	now := a.now()
	rec.Version = RecordVersion
	rec.AccessToken = tok.AccessToken
	if tok.RefreshToken != "" {
		rec.RefreshToken = tok.RefreshToken
	}
	rec.TokenType = tok.TokenType
	switch {
	case tok.ExpiresIn > 0:
		rec.ExpiresAt = now.Add(time.Duration(tok.ExpiresIn) * time.Second)
	case !tok.Expiry.IsZero():
		rec.ExpiresAt = tok.Expiry
	default:
		rec.ExpiresAt = now.Add(time.Hour)
	}
	if s, ok := tok.Extra("scope").(string); ok && s != "" {
		rec.Scopes = strings.Fields(s)
	}
	rec.UpdatedAt = now
}

// LoginNeededError means the user must log in (again) before spotcli can act.
type LoginNeededError struct {
	Reason string // what is wrong
	Fix    string // what to do; "" means run spotcli login
	// Refused is set when the accounts service refused a refresh token
	// (invalid_grant): its description, or the error code without one.
	Refused string
}

func (e *LoginNeededError) Error() string {
	fix := e.Fix
	if fix == "" {
		fix = "run spotcli login"
	}
	return e.Reason + ": " + fix
}

// ErrNotLoggedIn is returned when no login is stored for the profile.
var ErrNotLoggedIn = &LoginNeededError{Reason: "not logged in"}

// TokenError is a failure answered by Spotify's token endpoint.
type TokenError struct {
	Op          string
	Status      int
	Code        string // RFC 6749 error, such as invalid_grant
	Description string
	// Detail describes a body that was not an OAuth error by its type only:
	// its text could echo the request, refresh token included.
	Detail string
}

func (e *TokenError) Error() string {
	msg := fmt.Sprintf("%s: accounts service answered %d", e.Op, e.Status)
	if e.Code != "" {
		msg += " " + e.Code
	}
	if e.Description != "" {
		msg += ": " + e.Description
	}
	if e.Code == "" && e.Detail != "" {
		msg += ": " + e.Detail
	}
	return msg
}

// tokenError turns an x/oauth2 failure into a TokenError or a LoginNeededError,
// never echoing a response body that could hold a token.
func tokenError(op string, err error) error {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		var ne net.Error
		if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
			return fmt.Errorf("%s: no answer from the accounts service in time (http_timeout); try again later: %w", op, err)
		}
		if errors.Is(err, context.Canceled) {
			return fmt.Errorf("%s: %w", op, err)
		}
		return fmt.Errorf("%s: no usable answer from the accounts service: %w", op, err)
	}
	te := &TokenError{Op: op, Code: re.ErrorCode, Description: re.ErrorDescription}
	if re.Response != nil {
		te.Status = re.Response.StatusCode
	}
	if te.Code == "" {
		te.Detail = "a body that is not an OAuth error"
		if re.Response != nil {
			if ct := re.Response.Header.Get("Content-Type"); ct != "" {
				te.Detail += " (" + ct + ")"
			}
		}
	}
	if te.Code == "invalid_grant" && op == "refresh" {
		why := "refresh token no longer valid"
		if te.Description != "" {
			why += " (Spotify: " + te.Description + ")"
		}
		refused := te.Description
		if refused == "" {
			refused = te.Code
		}
		return &LoginNeededError{Reason: why, Refused: refused}
	}
	return te
}
