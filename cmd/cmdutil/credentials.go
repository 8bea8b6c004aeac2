package cmdutil

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
	// Env is the variable the credentials came from, or "".
	Env string

	store config.TokenStore // Source.Store, which can say where it keeps them
	f     *Factory
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
		Warn(f.Err, "refresh token expires in %d days: run spotcli login to renew", DaysLeft(left))
	}
}

// DaysLeft counts a part of a day as a day: "expires in 1 day" until it has.
func DaysLeft(d time.Duration) int {
	if d <= 0 {
		return 0
	}
	return int(math.Ceil(d.Hours() / 24))
}

// EnvCredentials names the environment variable that takes precedence over
// a stored login, or is "".
func EnvCredentials(getenv func(string) string) string {
	for _, k := range []string{"SPOTCLI_ACCESS_TOKEN", "SPOTCLI_REFRESH_TOKEN"} {
		if getenv(k) != "" {
			return k
		}
	}
	return ""
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
	src := &auth.Source{Profile: s.Profile, Now: f.Now, Lock: noLock}
	cr := &Credentials{Source: src, f: f}
	// In memory: credentials from the environment touch no store.
	inMemory := func(env string, rec *auth.Record) {
		mem := &config.MemoryStore{Where: "environment (" + env + ")"}
		_ = mem.Save(s.Profile, rec)
		cr.Env, cr.store, src.Store = env, mem, mem
	}
	switch at, rt := f.Getenv("SPOTCLI_ACCESS_TOKEN"), f.Getenv("SPOTCLI_REFRESH_TOKEN"); {
	case at != "":
		inMemory("SPOTCLI_ACCESS_TOKEN", &auth.Record{AccessToken: at, ExpiresAt: f.Now().Add(100 * 365 * 24 * time.Hour), Flow: auth.FlowPKCE})
		src.Refresher = envAccessRefresher{}
	case rt != "":
		if s.ClientID == "" {
			return nil, &config.UsageError{Msg: "SPOTCLI_REFRESH_TOKEN is set but SPOTCLI_CLIENT_ID is not: a refresh token can only be used by the app it was issued to"}
		}
		app, err := f.App()
		if err != nil {
			return nil, err
		}
		inMemory("SPOTCLI_REFRESH_TOKEN", &auth.Record{RefreshToken: rt, ClientID: s.ClientID, Flow: app.Flow()})
		src.Refresher, src.OnRefresh = envRefresher{app}, f.onEnvRotation
	default:
		store, err := f.Store()
		if err != nil {
			return nil, err
		}
		app, err := f.App()
		if err != nil {
			return nil, err
		}
		cr.store, src.Store, src.Refresher, src.Lock = store, store, app, config.FileLock(s.LockPath())
	}
	f.creds = cr
	return cr, nil
}

// ForProfile is the stored login of another profile, read from the same
// store, for status --all.
func (c *Credentials) ForProfile(profile string) *Credentials {
	return &Credentials{f: c.f, store: c.store, Source: &auth.Source{Store: c.Store, Profile: profile, Now: c.f.Now}}
}

// Location says where the tokens live, for people: "keyring",
// "file (plain text) PATH", "environment (SPOTCLI_REFRESH_TOKEN)". With
// token_store=auto it is known once the record was read.
func (c *Credentials) Location() string {
	return c.store.Location(c.Profile)
}

func noLock(context.Context) (func(), error) { return func() {}, nil }

// envAccessRefresher explains that a token from the environment is used as is.
type envAccessRefresher struct{}

func (envAccessRefresher) Refresh(context.Context, *auth.Record) (*auth.Record, error) {
	return nil, &auth.LoginNeededError{
		Reason: "the access token in SPOTCLI_ACCESS_TOKEN was refused or cannot be refreshed",
		Fix:    "replace it, or unset it to use the stored login",
	}
}

// envRefresher names SPOTCLI_REFRESH_TOKEN in the error a refused token gets.
type envRefresher struct{ app *auth.App }

func (r envRefresher) Refresh(ctx context.Context, rec *auth.Record) (*auth.Record, error) {
	next, err := r.app.Refresh(ctx, rec)
	var ln *auth.LoginNeededError
	if errors.As(err, &ln) {
		return nil, &auth.LoginNeededError{
			Reason: fmt.Sprintf("the refresh token in SPOTCLI_REFRESH_TOKEN is no longer valid (%s)", ln.Reason),
			Fix:    "replace SPOTCLI_REFRESH_TOKEN with a new one from spotcli token --refresh-token after spotcli login (docs/ci.md)",
		}
	}
	return next, err
}

// onEnvRotation tells a CI job that Spotify replaced its refresh token, and
// saves the new one where --save-refresh-token says.
func (f *Factory) onEnvRotation(old, next *auth.Record) {
	if next.RefreshToken == "" || next.RefreshToken == old.RefreshToken {
		return
	}
	if f.saveRefreshToken == "" {
		Warn(f.Err, "Spotify issued a new refresh token and may have invalidated the one in SPOTCLI_REFRESH_TOKEN; use --save-refresh-token FILE to save the new one and store it as the CI secret")
		return
	}
	if err := config.WriteFileAtomic(f.saveRefreshToken, []byte(next.RefreshToken+"\n")); err != nil {
		Warn(f.Err, "Spotify issued a new refresh token, and saving it to %s failed: %v; the old one in SPOTCLI_REFRESH_TOKEN may no longer work", f.saveRefreshToken, err)
		return
	}
	Warn(f.Err, "Spotify issued a new refresh token and may have invalidated the one in SPOTCLI_REFRESH_TOKEN; the new one is in %s: store it as the CI secret", f.saveRefreshToken)
}

// AppToken returns an app-only token (Client Credentials), cached until it
// expires in the profile's store under PROFILE@app ('@' cannot occur in a
// profile name, so the key never meets a user login). A cached token equal
// to refused (Spotify answered 401 to it) is replaced.
func (f *Factory) AppToken(ctx context.Context, refused string) (*auth.Record, error) {
	s, err := f.Settings()
	if err != nil {
		return nil, err
	}
	if s.ClientID == "" || s.ClientSecret == "" {
		return nil, &config.UsageError{Msg: "an app-only token (Client Credentials) needs client_id and client_secret: set SPOTCLI_CLIENT_ID and SPOTCLI_CLIENT_SECRET"}
	}
	// With credentials from the environment nothing is stored: the token is
	// kept for this process only.
	if f.appStore == nil {
		if EnvCredentials(f.Getenv) != "" {
			f.appStore = &config.MemoryStore{}
		} else if f.appStore, err = f.Store(); err != nil {
			return nil, err
		}
	}
	store := f.appStore
	key := s.Profile + "@app"
	if rec, err := store.Load(key); err == nil && rec.ClientID == s.ClientID && rec.Fresh(f.Now(), auth.RefreshMargin) && rec.AccessToken != refused {
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
		Warn(f.Err, "could not cache the app-only token: %v", err)
	}
	return rec, nil
}
