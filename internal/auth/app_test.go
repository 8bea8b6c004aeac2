package auth_test

import (
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/spotcli/spotcli/internal/auth"
	"github.com/spotcli/spotcli/internal/spotifytest"
)

// seeded is a stored login made from tokens the fake issued.
func seeded(srv *spotifytest.Server, clientID string, flow auth.Flow, loginAt time.Time) *auth.Record {
	access, refresh := srv.IssueTokens(clientID, userID, testScopes, spotifytest.Flow(flow), loginAt)
	return &auth.Record{
		Version:      auth.RecordVersion,
		AccessToken:  access,
		RefreshToken: refresh,
		TokenType:    "Bearer",
		ExpiresAt:    time.Now().Add(-time.Minute),
		Scopes:       []string{"stale-scope"},
		ClientID:     clientID,
		Flow:         flow,
		UserID:       userID,
		UserName:     "Alice",
		LoggedInAt:   loginAt,
		UpdatedAt:    loginAt,
	}
}

func TestRefresh(t *testing.T) {
	tests := []struct {
		name     string
		flow     auth.Flow
		rotation bool
	}{
		{"pkce rotation on", auth.FlowPKCE, true},
		{"pkce rotation off", auth.FlowPKCE, false},
		{"secret rotation on", auth.FlowSecret, true},
		{"secret rotation off", auth.FlowSecret, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFake(t)
			srv.SetRotation(tt.rotation)
			clientID, secret := pkceID, ""
			if tt.flow == auth.FlowSecret {
				clientID, secret = secretID, secretKey
			}
			app, rec := newApp(t, srv, clientID, secret)
			now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
			app.Now = func() time.Time { return now }
			loginAt := time.Now().Add(-24 * time.Hour).Truncate(time.Second)
			old := seeded(srv, clientID, tt.flow, loginAt)
			oldCopy := *old

			got, err := app.Refresh(testCtx(t), old)
			if err != nil {
				t.Fatalf("Refresh: %v", err)
			}
			if diff := cmp.Diff(&oldCopy, old); diff != "" {
				t.Errorf("Refresh modified its argument (-before +after):\n%s", diff)
			}

			reqs := rec.requests()
			if len(reqs) != 1 {
				t.Fatalf("%d token requests, want 1", len(reqs))
			}
			r := reqs[0]
			if g := r.Form.Get("grant_type"); g != "refresh_token" {
				t.Errorf("grant_type = %q", g)
			}
			if g := r.Form.Get("refresh_token"); g != old.RefreshToken {
				t.Errorf("refresh_token sent = %q, want the stored one", g)
			}
			if r.Form.Has("client_secret") {
				t.Error("client_secret sent in the body")
			}
			switch tt.flow {
			case auth.FlowPKCE:
				if r.Authorization != "" {
					t.Errorf("PKCE refresh sent Authorization %q, want none", r.Authorization)
				}
				if g := r.Form.Get("client_id"); g != pkceID {
					t.Errorf("PKCE refresh sent client_id %q in the body, want %q", g, pkceID)
				}
			case auth.FlowSecret:
				want := "Basic " + base64.StdEncoding.EncodeToString([]byte(secretID+":"+secretKey))
				if r.Authorization != want {
					t.Errorf("secret refresh sent Authorization %q, want HTTP Basic", r.Authorization)
				}
			}

			if got.AccessToken == "" || got.AccessToken == old.AccessToken {
				t.Errorf("access token not replaced: %q", got.AccessToken)
			}
			if tt.rotation {
				if got.RefreshToken == "" || got.RefreshToken == old.RefreshToken {
					t.Errorf("rotation on: refresh token %q, want the new one", got.RefreshToken)
				}
			} else if got.RefreshToken != old.RefreshToken {
				t.Errorf("rotation off: refresh token %q, want the old one kept", got.RefreshToken)
			}
			want := oldCopy
			want.AccessToken = got.AccessToken
			want.RefreshToken = got.RefreshToken
			want.Scopes = testScopes
			want.ExpiresAt = now.Add(time.Hour)
			want.UpdatedAt = now
			if diff := cmp.Diff(&want, got); diff != "" {
				t.Errorf("refreshed record (-want +got):\n%s", diff)
			}
			if srv.Stats().Refreshes != 1 {
				t.Errorf("fake counted %d refreshes, want 1", srv.Stats().Refreshes)
			}

			// The saved refresh token works again, whatever the rotation.
			again, err := app.Refresh(testCtx(t), got)
			if err != nil {
				t.Fatalf("second Refresh with the returned record: %v", err)
			}
			if !again.LoggedInAt.Equal(loginAt) {
				t.Errorf("LoggedInAt = %v after two refreshes, want %v", again.LoggedInAt, loginAt)
			}
		})
	}
}

func TestRefreshErrors(t *testing.T) {
	tests := []struct {
		name    string
		flow    auth.Flow
		secret  string // configured in the App
		setup   func(srv *spotifytest.Server, rec *auth.Record)
		loginAt time.Duration // before now
		check   func(t *testing.T, err error)
	}{
		{
			name:  "revoked",
			flow:  auth.FlowPKCE,
			setup: func(srv *spotifytest.Server, _ *auth.Record) { srv.RevokeRefreshTokens() },
			check: wantLoginNeeded("refresh token no longer valid", "spotcli login", "Refresh token revoked"),
		},
		{
			name:  "already rotated away",
			flow:  auth.FlowPKCE,
			setup: func(srv *spotifytest.Server, rec *auth.Record) { rec.RefreshToken = "AQunknown" },
			check: wantLoginNeeded("refresh token no longer valid", "spotcli login"),
		},
		{
			name:    "six months after login",
			flow:    auth.FlowPKCE,
			loginAt: 184 * 24 * time.Hour,
			check:   wantLoginNeeded("refresh token no longer valid", "Refresh token expired", "spotcli login"),
		},
		{
			name:    "six months after a secret login",
			flow:    auth.FlowSecret,
			secret:  secretKey,
			loginAt: 184 * 24 * time.Hour,
			check:   wantLoginNeeded("Refresh token expired", "spotcli login"),
		},
		{
			name: "server error",
			flow: auth.FlowPKCE,
			setup: func(srv *spotifytest.Server, _ *auth.Record) {
				srv.InjectFault(spotifytest.Fault{Path: "/api/token", Status: 500})
			},
			check: wantTokenError(500, `{`, `"error"`, "error_description"),
		},
		{
			name: "server error with a body holding a token",
			flow: auth.FlowPKCE,
			setup: func(srv *spotifytest.Server, _ *auth.Record) {
				srv.InjectFault(spotifytest.Fault{Path: "/api/token", Status: 500,
					Body: `{"error":"server_error","access_token":"BQleaked","refresh_token":"AQleaked"}`})
			},
			check: wantTokenError(500, "BQleaked", "AQleaked", "{"),
		},
		{
			name: "bad gateway",
			flow: auth.FlowSecret, secret: secretKey,
			setup: func(srv *spotifytest.Server, _ *auth.Record) {
				srv.InjectFault(spotifytest.Fault{Path: "/api/token", Status: 502})
			},
			check: wantTokenError(502, "{"),
		},
		{
			name: "200 without access_token",
			flow: auth.FlowPKCE,
			setup: func(srv *spotifytest.Server, _ *auth.Record) {
				srv.InjectFault(spotifytest.Fault{Path: "/api/token", Status: 200,
					Body: `{"token_type":"Bearer","expires_in":3600,"refresh_token":"AQnew"}`})
			},
			check: func(t *testing.T, err error) {
				if err == nil {
					t.Fatal("Refresh succeeded on a 200 without access_token")
				}
				if !strings.Contains(err.Error(), "access_token") {
					t.Errorf("error %q does not say what was missing", err)
				}
				if strings.Contains(err.Error(), "AQnew") {
					t.Errorf("error %q echoes the body", err)
				}
			},
		},
		{
			name: "200 with garbage",
			flow: auth.FlowPKCE,
			setup: func(srv *spotifytest.Server, _ *auth.Record) {
				srv.InjectFault(spotifytest.Fault{Path: "/api/token", Status: 200, Body: `{"access_token":`})
			},
			check: func(t *testing.T, err error) {
				if err == nil {
					t.Fatal("Refresh succeeded on a truncated 200")
				}
			},
		},
		{
			name:  "secret record without a configured secret",
			flow:  auth.FlowSecret,
			check: wantErrorText("client secret", "client_secret", "SPOTCLI_CLIENT_SECRET"),
		},
		{
			name:  "no refresh token",
			flow:  auth.FlowPKCE,
			setup: func(_ *spotifytest.Server, rec *auth.Record) { rec.RefreshToken = "" },
			check: wantLoginNeeded("no refresh token"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFake(t)
			clientID := pkceID
			if tt.flow == auth.FlowSecret {
				clientID = secretID
			}
			old := seeded(srv, clientID, tt.flow, time.Now().Add(-tt.loginAt-time.Hour))
			if tt.setup != nil {
				tt.setup(srv, old)
			}
			app, _ := newApp(t, srv, clientID, tt.secret)
			got, err := app.Refresh(testCtx(t), old)
			if got != nil {
				t.Errorf("Refresh returned a record with its error: %+v", got)
			}
			tt.check(t, err)
			if err != nil && strings.Contains(err.Error(), old.RefreshToken) && old.RefreshToken != "" {
				t.Errorf("error %q contains the refresh token", err)
			}
			if err != nil && strings.Contains(err.Error(), secretKey) {
				t.Errorf("error %q contains the client secret", err)
			}
		})
	}
}

func wantLoginNeeded(parts ...string) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		var ln *auth.LoginNeededError
		if !errors.As(err, &ln) {
			t.Fatalf("err = %v (%T), want *auth.LoginNeededError", err, err)
		}
		for _, p := range parts {
			if !strings.Contains(err.Error(), p) {
				t.Errorf("error %q does not mention %q", err, p)
			}
		}
	}
}

// wantTokenError checks for a TokenError naming status whose message holds
// none of absent.
func wantTokenError(status int, absent ...string) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		var te *auth.TokenError
		if !errors.As(err, &te) {
			t.Fatalf("err = %v (%T), want *auth.TokenError", err, err)
		}
		if te.Status != status {
			t.Errorf("Status = %d, want %d", te.Status, status)
		}
		if te.Op != "refresh" {
			t.Errorf("Op = %q, want refresh", te.Op)
		}
		msg := err.Error()
		if !strings.Contains(msg, "refresh") || !strings.Contains(msg, strconv.Itoa(status)) {
			t.Errorf("error %q does not name the operation and %d", msg, status)
		}
		for _, a := range absent {
			if strings.Contains(msg, a) {
				t.Errorf("error %q echoes the body (%q)", msg, a)
			}
		}
		var ln *auth.LoginNeededError
		if errors.As(err, &ln) {
			t.Errorf("a server error became a LoginNeededError: %v", err)
		}
	}
}

func wantErrorText(parts ...string) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		if err == nil {
			t.Fatal("no error")
		}
		for _, p := range parts {
			if !strings.Contains(err.Error(), p) {
				t.Errorf("error %q does not mention %q", err, p)
			}
		}
	}
}

func TestTokenErrorMessage(t *testing.T) {
	tests := []struct {
		name string
		err  auth.TokenError
		want string
	}{
		{"oauth error", auth.TokenError{Op: "refresh", Status: 400, Code: "invalid_client", Description: "Invalid client"},
			"refresh: accounts service answered 400 invalid_client: Invalid client"},
		{"code only", auth.TokenError{Op: "exchange code", Status: 400, Code: "invalid_request"},
			"exchange code: accounts service answered 400 invalid_request"},
		{"detail", auth.TokenError{Op: "refresh", Status: 503, Detail: "upstream connect error"},
			"refresh: accounts service answered 503: upstream connect error"},
		{"detail ignored with a code", auth.TokenError{Op: "refresh", Status: 503, Code: "temporarily_unavailable", Detail: "x"},
			"refresh: accounts service answered 503 temporarily_unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestClientCredentials(t *testing.T) {
	tests := []struct {
		name, id, secret string
		wantErr          bool
	}{
		{"id and secret", secretID, secretKey, false},
		{"no secret", secretID, "", true},
		{"no id", "", secretKey, true},
		{"neither", "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFake(t)
			app, rec := newApp(t, srv, tt.id, tt.secret)
			now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
			app.Now = func() time.Time { return now }
			before := time.Now()
			got, err := app.ClientCredentials(testCtx(t))
			after := time.Now()
			if tt.wantErr {
				if err == nil {
					t.Fatalf("ClientCredentials = %+v, want an error", got)
				}
				if !strings.Contains(err.Error(), "client_id and client_secret") {
					t.Errorf("error %q does not say what is needed", err)
				}
				if n := len(rec.requests()); n != 0 {
					t.Errorf("%d token requests sent without credentials", n)
				}
				return
			}
			if err != nil {
				t.Fatalf("ClientCredentials: %v", err)
			}
			if got.AccessToken == "" {
				t.Error("no access token")
			}
			// x/oauth2's clientcredentials package hands over only an
			// absolute Expiry computed on the real clock, not expires_in.
			if got.ExpiresAt.Before(before.Add(time.Hour-time.Second)) || got.ExpiresAt.After(after.Add(time.Hour)) {
				t.Errorf("ExpiresAt = %v, want an hour after the request", got.ExpiresAt)
			}
			want := &auth.Record{
				Version:     auth.RecordVersion,
				AccessToken: got.AccessToken,
				TokenType:   "Bearer",
				ExpiresAt:   got.ExpiresAt,
				ClientID:    secretID,
				Flow:        auth.FlowClientCredentials,
				LoggedInAt:  now,
				UpdatedAt:   now,
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("record (-want +got):\n%s", diff)
			}
			b, err := got.Encode()
			if err != nil {
				t.Fatalf("record cannot be stored: %v", err)
			}
			if _, err := auth.DecodeRecord(b); err != nil {
				t.Errorf("stored record cannot be read back: %v", err)
			}
			reqs := rec.requests()
			if len(reqs) != 1 || reqs[0].Form.Get("grant_type") != "client_credentials" || !strings.HasPrefix(reqs[0].Authorization, "Basic ") {
				t.Errorf("token requests = %+v, want one client_credentials grant with HTTP Basic", reqs)
			}
		})
	}
}

func TestClientCredentialsServerError(t *testing.T) {
	srv := newFake(t)
	srv.InjectFault(spotifytest.Fault{Path: "/api/token", Status: 503})
	app, _ := newApp(t, srv, secretID, secretKey)
	_, err := app.ClientCredentials(testCtx(t))
	var te *auth.TokenError
	if !errors.As(err, &te) || te.Status != 503 || te.Op != "get app token" {
		t.Fatalf("err = %v, want a TokenError for 503 on get app token", err)
	}
}

func TestRefreshClientCredentialsRecord(t *testing.T) {
	srv := newFake(t)
	app, _ := newApp(t, srv, secretID, secretKey)
	old := &auth.Record{Version: 1, AccessToken: "BQold", ClientID: secretID, Flow: auth.FlowClientCredentials}
	got, err := app.Refresh(testCtx(t), old)
	if err != nil {
		t.Fatalf("Refresh: %v", err)
	}
	if got.Flow != auth.FlowClientCredentials || got.AccessToken == "" || got.AccessToken == "BQold" || got.RefreshToken != "" {
		t.Errorf("refreshed app-only record = %+v", got)
	}
}

func TestAppFlow(t *testing.T) {
	if f := (&auth.App{ClientID: "c"}).Flow(); f != auth.FlowPKCE {
		t.Errorf("no secret: Flow = %q, want pkce", f)
	}
	if f := (&auth.App{ClientID: "c", ClientSecret: "s"}).Flow(); f != auth.FlowSecret {
		t.Errorf("secret: Flow = %q, want secret", f)
	}
}
