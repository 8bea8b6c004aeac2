package cmdutil

import (
	"fmt"
	"time"

	"github.com/spotcli/spotcli/internal/auth"
	"github.com/spotcli/spotcli/internal/config"
)

// Resolver is internal/auth's answer to "which token, and is it fresh",
// wired to this run's settings, store, lock and flags.
func (f *Factory) Resolver() (*auth.Resolver, error) {
	if f.resolver != nil {
		return f.resolver, nil
	}
	s, err := f.Settings()
	if err != nil {
		return nil, err
	}
	app, err := f.App()
	if err != nil {
		return nil, err
	}
	f.resolver = &auth.Resolver{
		Getenv:  f.Getenv,
		Profile: s.Profile,
		App:     app,
		Store: func() (auth.Store, error) {
			st, err := f.Store()
			return st, err
		},
		Lock:             func(profile string) auth.Locker { return config.FileLock(s.LockPathOf(profile)) },
		Now:              f.Now,
		SaveRefreshToken: f.saveRefreshToken,
		Files:            config.UserFiles{},
		Warn:             f.Err,
		OnRefused: func(profile string, rec *auth.Record, ln *auth.LoginNeededError) {
			if err := s.NoteRefused(profile, rec, ln.Refused, f.Now()); err != nil {
				Warn(f.Err, "could not record that Spotify refused the refresh token: %v", err)
			}
		},
		OnExpiring: func(days int) {
			if s.WarnOnce(s.Profile, "expiry-warned", f.Now().Format(time.DateOnly)) {
				Warn(f.Err, "%s", WithProfile(fmt.Sprintf("refresh token expires in %d days: run spotcli login to renew", days), s.Profile))
			}
		},
	}
	return f.resolver, nil
}

// Credentials is this run's user credentials, resolved once.
func (f *Factory) Credentials() (*auth.Source, error) {
	if f.creds != nil {
		return f.creds, nil
	}
	r, err := f.Resolver()
	if err != nil {
		return nil, err
	}
	if f.creds, err = r.Source(); err != nil {
		return nil, err
	}
	return f.creds, nil
}

// AppCredentials is an app-only token (Client Credentials), cached in the
// profile's store under PROFILE@app.
func (f *Factory) AppCredentials() (*auth.Source, error) {
	if f.appCreds != nil {
		return f.appCreds, nil
	}
	r, err := f.Resolver()
	if err != nil {
		return nil, err
	}
	if f.appCreds, err = r.AppOnly(); err != nil {
		return nil, err
	}
	return f.appCreds, nil
}
