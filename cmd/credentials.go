package cmd

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/spotcli/spotcli/internal/auth"
	"github.com/spotcli/spotcli/internal/config"
)

// Credentials are the token source of this run and where its tokens come
// from, in the order of precedence: SPOTCLI_ACCESS_TOKEN, then
// SPOTCLI_REFRESH_TOKEN (refreshed in memory), then the profile's stored login.
type Credentials struct {
	*auth.Source
	// Where says where the tokens live, for people: "keyring",
	// "file (plain text) PATH", "environment (SPOTCLI_REFRESH_TOKEN)".
	Where string
	// Env is the variable the credentials came from, or "".
	Env string

	f *Factory
}

// Token is Source.Token, plus the daily warning about a refresh token that
// Spotify will soon stop accepting.
func (c *Credentials) Token(ctx context.Context) (*auth.Record, error) {
	rec, err := c.Source.Token(ctx)
	if err == nil && c.Env == "" {
		c.f.warnRefreshExpiry(rec)
	}
	return rec, err
}

// RefreshWarnDays is how early every command starts warning that the login
// must be renewed.
const RefreshWarnDays = 14

func (f *Factory) warnRefreshExpiry(rec *auth.Record) {
	if f.expiryWarned || rec.LoggedInAt.IsZero() || rec.RefreshToken == "" {
		return
	}
	f.expiryWarned = true
	left := rec.RefreshExpiresAt().Sub(f.Now())
	if left <= 0 || left >= RefreshWarnDays*24*time.Hour {
		return
	}
	s, err := f.Settings()
	if err != nil {
		return
	}
	if s.WarnOnce(s.Profile, "expiry-warned", f.Now().Format(time.DateOnly)) {
		warn(f.Err, "refresh token expires in %d days: run spotcli login to renew", daysLeft(left))
	}
}

// daysLeft counts a part of a day as a day: "expires in 1 day" until it has.
func daysLeft(d time.Duration) int {
	if d <= 0 {
		return 0
	}
	return int(math.Ceil(d.Hours() / 24))
}

// Credentials resolves this run's credentials, once.
func (f *Factory) Credentials() (*Credentials, error) {
	if f.creds != nil {
		return f.creds, nil
	}
	s, err := f.Settings()
	if err != nil {
		return nil, err
	}
	now := f.Now
	if at := f.Getenv("SPOTCLI_ACCESS_TOKEN"); at != "" {
		mem := &config.MemoryStore{Where: "environment (SPOTCLI_ACCESS_TOKEN)"}
		_ = mem.Save(s.Profile, &auth.Record{AccessToken: at, ExpiresAt: now().Add(100 * 365 * 24 * time.Hour), Flow: auth.FlowPKCE})
		f.creds = &Credentials{f: f, Env: "SPOTCLI_ACCESS_TOKEN", Where: mem.Where, Source: &auth.Source{
			Store: mem, Profile: s.Profile, Lock: noLock, Now: now, Refresher: envAccessRefresher{},
		}}
		return f.creds, nil
	}
	if rt := f.Getenv("SPOTCLI_REFRESH_TOKEN"); rt != "" {
		if s.ClientID == "" {
			return nil, &config.UsageError{Msg: "SPOTCLI_REFRESH_TOKEN is set but SPOTCLI_CLIENT_ID is not: a refresh token can only be used by the app it was issued to"}
		}
		app, err := f.App()
		if err != nil {
			return nil, err
		}
		mem := &config.MemoryStore{Where: "environment (SPOTCLI_REFRESH_TOKEN)"}
		_ = mem.Save(s.Profile, &auth.Record{RefreshToken: rt, ClientID: s.ClientID, Flow: app.Flow(), Scopes: nil})
		f.creds = &Credentials{f: f, Env: "SPOTCLI_REFRESH_TOKEN", Where: mem.Where, Source: &auth.Source{
			Store: mem, Profile: s.Profile, Lock: noLock, Now: now,
			Refresher: envRefresher{app},
			OnRefresh: f.onEnvRotation,
		}}
		return f.creds, nil
	}
	store, err := f.Store()
	if err != nil {
		return nil, err
	}
	app, err := f.App()
	if err != nil {
		return nil, err
	}
	f.creds = &Credentials{f: f, Source: &auth.Source{
		Store: store, Profile: s.Profile, Refresher: app, Lock: config.FileLock(s.LockPath()), Now: now,
	}}
	f.creds.Where = store.Location(s.Profile)
	return f.creds, nil
}

// Location is Where, after the store was read (auto may have read the file).
func (c *Credentials) Location() string {
	if st, ok := c.Store.(config.TokenStore); ok && c.Env == "" {
		return st.Location(c.Profile)
	}
	return c.Where
}

func noLock(context.Context) (func(), error) { return func() {}, nil }

// envAccessRefresher explains that a token from the environment is used as is.
type envAccessRefresher struct{}

func (envAccessRefresher) Refresh(context.Context, *auth.Record) (*auth.Record, error) {
	return nil, &auth.LoginNeededError{Reason: "the access token in SPOTCLI_ACCESS_TOKEN was refused or cannot be refreshed: replace it, or unset it to use the stored login"}
}

// envRefresher names SPOTCLI_REFRESH_TOKEN in the error a refused token gets.
type envRefresher struct{ app *auth.App }

func (r envRefresher) Refresh(ctx context.Context, rec *auth.Record) (*auth.Record, error) {
	next, err := r.app.Refresh(ctx, rec)
	var ln *auth.LoginNeededError
	if errors.As(err, &ln) {
		return nil, &auth.LoginNeededError{Reason: fmt.Sprintf("the refresh token in SPOTCLI_REFRESH_TOKEN is no longer valid (%s): replace SPOTCLI_REFRESH_TOKEN with a new one from spotcli token --refresh-token after spotcli login (docs/ci.md)", trimAction(ln.Reason))}
	}
	return next, err
}

// trimAction drops the ": run spotcli login" advice from a stored-login error.
func trimAction(reason string) string {
	const s = ": run spotcli login"
	if len(reason) > len(s) && reason[len(reason)-len(s):] == s {
		return reason[:len(reason)-len(s)]
	}
	return reason
}

// onEnvRotation tells a CI job that Spotify replaced its refresh token, and
// saves the new one where --save-refresh-token says.
func (f *Factory) onEnvRotation(old, next *auth.Record) {
	if next.RefreshToken == "" || next.RefreshToken == old.RefreshToken {
		return
	}
	if f.saveRefreshToken == "" {
		warn(f.Err, "Spotify issued a new refresh token and may have invalidated the one in SPOTCLI_REFRESH_TOKEN; use --save-refresh-token FILE to save the new one and store it as the CI secret")
		return
	}
	if err := config.WriteFileAtomic(f.saveRefreshToken, []byte(next.RefreshToken+"\n")); err != nil {
		warn(f.Err, "Spotify issued a new refresh token, and saving it to %s failed: %v; the old one in SPOTCLI_REFRESH_TOKEN may no longer work", f.saveRefreshToken, err)
		return
	}
	warn(f.Err, "Spotify issued a new refresh token and may have invalidated the one in SPOTCLI_REFRESH_TOKEN; the new one is in %s: store it as the CI secret", f.saveRefreshToken)
}

// AppToken returns an app-only token (Client Credentials), cached until it
// expires in the profile's store under PROFILE@app ('@' cannot occur in a
// profile name, so the key never meets a user login).
func (f *Factory) AppToken(ctx context.Context) (*auth.Record, error) {
	s, err := f.Settings()
	if err != nil {
		return nil, err
	}
	if s.ClientID == "" || s.ClientSecret == "" {
		return nil, &config.UsageError{Msg: "an app-only token (Client Credentials) needs client_id and client_secret: set SPOTCLI_CLIENT_ID and SPOTCLI_CLIENT_SECRET"}
	}
	var store auth.Store = &config.MemoryStore{}
	if envCredentials(f.Getenv) == "" {
		if store, err = f.Store(); err != nil {
			return nil, err
		}
	}
	key := s.Profile + "@app"
	if rec, err := store.Load(key); err == nil && rec.ClientID == s.ClientID && rec.Fresh(f.Now(), auth.RefreshMargin) {
		return rec, nil
	}
	app, err := f.App()
	if err != nil {
		return nil, err
	}
	rec, err := app.ClientCredentials(ctx)
	if err != nil {
		return nil, err
	}
	if err := store.Save(key, rec); err != nil {
		warn(f.Err, "could not cache the app-only token: %v", err)
	}
	return rec, nil
}
