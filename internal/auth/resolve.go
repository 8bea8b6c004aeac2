package auth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// The environment variables that take precedence over a stored login, in
// their order of precedence.
const (
	EnvAccessToken  = "SPOTCLI_ACCESS_TOKEN"
	EnvRefreshToken = "SPOTCLI_REFRESH_TOKEN"
)

// EnvCredentials names the environment variable this run's credentials come
// from, or "" for the stored login. A variable that holds only whitespace is
// not set.
func EnvCredentials(getenv func(string) string) string {
	for _, k := range []string{EnvAccessToken, EnvRefreshToken} {
		if strings.TrimSpace(getenv(k)) != "" {
			return k
		}
	}
	return ""
}

// SettingError is a setting that the credentials asked for need and lack:
// a usage error.
type SettingError struct{ Msg string }

func (e *SettingError) Error() string { return e.Msg }

// Resolver answers which token a run uses: SPOTCLI_ACCESS_TOKEN as is, else
// SPOTCLI_REFRESH_TOKEN refreshed in memory, else the profile's stored
// login. Credentials from the environment touch no store.
type Resolver struct {
	Getenv  func(string) string
	Profile string
	// App is the Spotify app of the settings; its ClientID may be empty.
	App *App
	// Store opens the token store; it is not called for credentials from
	// the environment.
	Store func() (Store, error)
	// Lock returns a profile's cross-process lock.
	Lock func(profile string) Locker
	Now  func() time.Time
	// SaveRefreshToken is the file (--save-refresh-token) where a refresh
	// token that Spotify rotated is written, with SPOTCLI_REFRESH_TOKEN.
	SaveRefreshToken string
	// Warn receives warnings, as "warning: ..." lines.
	Warn io.Writer
	// OnExpiring is Source.OnExpiring for a stored login.
	OnExpiring func(daysLeft int)
	// OnRefused is told when Spotify refused a stored login's refresh
	// token (invalid_grant), so that status can say so later.
	OnRefused func(profile string, rec *Record, err *LoginNeededError)
}

func (r *Resolver) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *Resolver) warn(format string, args ...any) {
	if r.Warn != nil {
		fmt.Fprintf(r.Warn, "warning: "+format+"\n", args...)
	}
}

// Source is this run's user credentials.
func (r *Resolver) Source() (*Source, error) {
	env := EnvCredentials(r.Getenv)
	var token string
	if env != "" {
		var err error
		if token, err = EnvValue(r.Getenv, env); err != nil {
			return nil, err
		}
	}
	switch env {
	case EnvAccessToken:
		now := r.now()
		rec := &Record{Version: RecordVersion, AccessToken: token, Flow: FlowPKCE,
			ExpiresAt: now.Add(100 * 365 * 24 * time.Hour), UpdatedAt: now}
		return &Source{Profile: r.Profile, Env: env, Now: r.Now, cur: rec, read: true, Grant: refuseEnvAccess}, nil
	case EnvRefreshToken:
		if r.App == nil || r.App.ClientID == "" {
			return nil, &SettingError{Msg: "SPOTCLI_REFRESH_TOKEN is set but SPOTCLI_CLIENT_ID is not: a refresh token can only be used by the app it was issued to"}
		}
		rec := &Record{Version: RecordVersion, RefreshToken: token, ClientID: r.App.ClientID, Flow: r.App.Flow()}
		src := &Source{Profile: r.Profile, Env: env, Now: r.Now, cur: rec, read: true, Grant: r.envRefresh, OnRefresh: r.onEnvRotation}
		if r.SaveRefreshToken != "" {
			src.CheckSave = func() error { return checkSecretFile(r.SaveRefreshToken) }
		}
		return src, nil
	}
	src, err := r.Stored(r.Profile)
	if err != nil {
		return nil, err
	}
	src.OnExpiring = r.OnExpiring
	return src, nil
}

// Stored is the stored login of profile, which need not be the active one.
func (r *Resolver) Stored(profile string) (*Source, error) {
	store, err := r.Store()
	if err != nil {
		return nil, err
	}
	src := &Source{Profile: profile, Store: store, Now: r.Now, Warn: r.Warn}
	if r.App != nil {
		app, onRefused := r.App, r.OnRefused
		src.Grant = func(ctx context.Context, rec *Record) (*Record, error) {
			next, err := app.Refresh(ctx, rec)
			var ln *LoginNeededError
			if onRefused != nil && errors.As(err, &ln) && ln.Refused != "" {
				onRefused(profile, rec, ln)
			}
			return next, err
		}
	}
	if r.Lock != nil {
		src.Lock = r.Lock(profile)
	}
	return src, nil
}

// ForLogin is a source on a record that a login has just made and not yet
// stored: it refreshes the record in memory if its first access token is
// already expired or refused, and Save stores it under the profile's lock.
func (r *Resolver) ForLogin(rec *Record) (*Source, error) {
	src, err := r.Stored(r.Profile)
	if err != nil {
		return nil, err
	}
	c := *rec
	src.cur, src.read, src.login = &c, true, true
	return src, nil
}

// AppProfile is the store key of a profile's app-only token cache: '@'
// cannot occur in a profile name, so it never meets a user login.
func AppProfile(profile string) string { return profile + "@app" }

// AppOnly is an app-only token (Client Credentials), cached until it expires
// in the profile's store under AppProfile, or in memory only with
// credentials from the environment. A cached token of another client ID is
// never used.
func (r *Resolver) AppOnly() (*Source, error) {
	if r.App == nil || r.App.ClientID == "" || r.App.ClientSecret == "" {
		return nil, &SettingError{Msg: "an app-only token (Client Credentials) needs client_id and client_secret: set SPOTCLI_CLIENT_ID and SPOTCLI_CLIENT_SECRET"}
	}
	app := r.App
	src := &Source{Profile: AppProfile(r.Profile), Now: r.Now, Warn: r.Warn, cache: true, clientID: app.ClientID,
		Grant: func(ctx context.Context, _ *Record) (*Record, error) { return app.ClientCredentials(ctx) }}
	if EnvCredentials(r.Getenv) == "" {
		store, err := r.Store()
		if err != nil {
			return nil, err
		}
		src.Store = store
	}
	return src, nil
}

// refuseEnvAccess explains that a token from the environment is used as is.
func refuseEnvAccess(context.Context, *Record) (*Record, error) {
	return nil, &LoginNeededError{
		Reason: "the access token in SPOTCLI_ACCESS_TOKEN was refused or cannot be refreshed",
		Fix:    "replace it, or unset it to use the stored login",
	}
}

// envRefresh names SPOTCLI_REFRESH_TOKEN in the error a refused token gets.
func (r *Resolver) envRefresh(ctx context.Context, rec *Record) (*Record, error) {
	next, err := r.App.Refresh(ctx, rec)
	var ln *LoginNeededError
	if errors.As(err, &ln) {
		return nil, &LoginNeededError{
			Reason: fmt.Sprintf("the refresh token in SPOTCLI_REFRESH_TOKEN is no longer valid (%s)", ln.Reason),
			Fix:    "replace SPOTCLI_REFRESH_TOKEN with a new one from spotcli token --refresh-token after spotcli login (docs/ci.md)",
		}
	}
	return next, err
}

// onEnvRotation tells a CI job that Spotify replaced its refresh token, and
// saves the new one where --save-refresh-token says. A failed save fails the
// run: the job's secret may be dead, and a green job would hide it.
func (r *Resolver) onEnvRotation(old, next *Record) error {
	if next.RefreshToken == "" || next.RefreshToken == old.RefreshToken {
		return nil
	}
	if r.SaveRefreshToken == "" {
		r.warn("Spotify issued a new refresh token and may have invalidated the one in SPOTCLI_REFRESH_TOKEN; use --save-refresh-token FILE to save the new one and store it as the CI secret")
		return nil
	}
	if err := writeSecretFile(r.SaveRefreshToken, []byte(next.RefreshToken+"\n")); err != nil {
		return &RotationError{File: r.SaveRefreshToken, Err: err}
	}
	r.warn("Spotify issued a new refresh token and may have invalidated the one in SPOTCLI_REFRESH_TOKEN; the new one is in %s: store it as the CI secret", r.SaveRefreshToken)
	return nil
}

// RotationError is a refresh token that Spotify rotated and that could not
// be saved to the --save-refresh-token file.
type RotationError struct {
	File string
	Err  error
}

func (e *RotationError) Error() string {
	return fmt.Sprintf("Spotify issued a new refresh token, and saving it to %s failed (%v): the new token was not saved anywhere and is lost when spotcli exits, and the one in SPOTCLI_REFRESH_TOKEN may no longer work: run spotcli login, then store the output of spotcli token --refresh-token as the CI secret", e.File, e.Err)
}

func (e *RotationError) Unwrap() error { return e.Err }
