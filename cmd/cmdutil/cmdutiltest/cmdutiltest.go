// Package cmdutiltest sets up in-process tests of the commands: the fake
// Spotify, and a Factory on buffers wired to it. New gives a fresh config
// directory with the file token store and stored logins (Seed); WithToken a
// lighter world whose credentials are an access token from the environment.
// Only tests import it.
package cmdutiltest

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/internal/auth"
	"github.com/spotcli/spotcli/internal/spotifytest"
	"github.com/spotcli/spotcli/internal/spotifytest/fixtures"
	"github.com/zalando/go-keyring"
)

// The fake's apps: a PKCE one (the default), one with a client secret, and
// one in development mode (Spotify's February 2026 rules).
const (
	ClientID     = "cmdtestclient00000000000000000a"
	SecretClient = "cmdtestsecret00000000000000000b"
	ClientSecret = "s3cr3t-client-secret-value-cmd"
	DevClient    = "cmdtestdevmode0000000000000000c"
)

// Scopes are the scopes of a seeded login.
var Scopes = []string{"user-read-private", "user-read-email", "playlist-read-private", "playlist-read-collaborative"}

// Env is one isolated world. Its Factories read their environment (every
// SPOTCLI_* setting, HOME, BROWSER...) from Env alone, never from the
// process's, so tests that use it can run in parallel.
type Env struct {
	t    *testing.T
	mu   sync.Mutex
	vars map[string]string
	Fake *spotifytest.Server
	Dir  string // SPOTCLI_CONFIG_DIR
	// Keyring is the Factory's keyring, in memory: the tests use the file
	// store, and logout, which clears every store, must not reach the OS's.
	Keyring *Keyring

	clientID string // the app of seeded logins
}

// New starts the fake with user alice ("Alice Liddell") and the two apps,
// and points every SPOTCLI_* setting at it; no login is stored.
func New(t *testing.T) *Env {
	t.Helper()
	fake := spotifytest.New(spotifytest.Config{})
	t.Cleanup(fake.Close)
	redirects := []string{"http://127.0.0.1/callback"}
	fake.AddApp(spotifytest.App{ClientID: ClientID, Name: "spotcli test", RedirectURIs: redirects})
	fake.AddApp(spotifytest.App{ClientID: SecretClient, ClientSecret: ClientSecret, Name: "spotcli test secret", RedirectURIs: redirects})
	fake.AddApp(spotifytest.App{ClientID: DevClient, Name: "spotcli test dev", RedirectURIs: redirects, DevMode: true})
	fake.AddUser(spotifytest.User{ID: "alice", DisplayName: "Alice Liddell", Email: "alice@example.com", Country: "GB", Product: "premium"})
	fake.SetCurrentUser("alice")
	dir := t.TempDir()
	e := &Env{t: t, Fake: fake, Dir: filepath.Join(dir, "config"), Keyring: &Keyring{}, clientID: ClientID}
	e.vars = map[string]string{
		"HOME":                  filepath.Join(dir, "home"),
		"XDG_CONFIG_HOME":       filepath.Join(dir, "xdg"),
		"SPOTCLI_CONFIG_DIR":    e.Dir,
		"SPOTCLI_ACCOUNTS_URL":  fake.AccountsURL(),
		"SPOTCLI_API_URL":       fake.APIURL(),
		"SPOTCLI_CLIENT_ID":     ClientID,
		"SPOTCLI_CLIENT_SECRET": "",
		"SPOTCLI_REDIRECT_URI":  "http://127.0.0.1:0/callback",
		"SPOTCLI_TOKEN_STORE":   "file",
		"SPOTCLI_ACCESS_TOKEN":  "",
		"SPOTCLI_REFRESH_TOKEN": "",
		"SPOTCLI_PROFILE":       "",
		"SPOTCLI_SCOPES":        "",
		"SPOTCLI_MAX_WAIT":      "",
		"SPOTCLI_HTTP_TIMEOUT":  "",
		"BROWSER":               "",
		// The Factory's keyring is Env.Keyring, in memory; the store only
		// asks that a session bus seem to exist.
		"DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent/cmdutiltest",
	}
	return e
}

// Setenv sets a variable of the world for the rest of the test.
func (e *Env) Setenv(k, v string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.vars[k] = v
}

// Getenv is the world's environment, the Factories' Getenv.
func (e *Env) Getenv(k string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.vars[k]
}

// UseSecretApp makes the app the one with a client secret.
func (e *Env) UseSecretApp() {
	e.Setenv("SPOTCLI_CLIENT_ID", SecretClient)
	e.Setenv("SPOTCLI_CLIENT_SECRET", ClientSecret)
}

// UseDevApp makes the app, and that of later seeded logins, the one in
// development mode.
func (e *Env) UseDevApp() {
	e.Setenv("SPOTCLI_CLIENT_ID", DevClient)
	e.clientID = DevClient
}

// Run is one command's streams, as a fresh process would have them.
type Run struct {
	F        *cmdutil.Factory
	Out, Err *bytes.Buffer
}

// Factory is a fresh Factory (the Factory caches settings and credentials
// for one run) reading stdin from in, on the real clock.
func (e *Env) Factory(in string) *Run {
	r := &Run{Out: &bytes.Buffer{}, Err: &bytes.Buffer{}}
	r.F = &cmdutil.Factory{
		In: strings.NewReader(in), Out: r.Out, Err: r.Err,
		Build:     cmdutil.BuildInfo{Version: "dev"},
		Getenv:    e.Getenv,
		Now:       time.Now,
		StdoutTTY: func() bool { return false },
		TermWidth: func() int { return 80 },
		Keyring:   e.Keyring,
		OpenBrowser: func(string) error {
			return errors.New("no browser in this test")
		},
	}
	return r
}

// TokenPath is the file store's file of a profile.
func (e *Env) TokenPath(profile string) string {
	return fixtures.TokenFile(e.Dir, profile)
}

// Seed stores a login of alice for profile, made at loginAt, whose access
// token expires at expires (the fake honours it until then, or for an hour).
func (e *Env) Seed(profile string, loginAt, expires time.Time) *auth.Record {
	e.t.Helper()
	rec := fixtures.Login(e.Fake, e.clientID, Scopes, loginAt, expires)
	e.WriteRecord(profile, rec)
	return rec
}

// SeedFresh stores a login made a day ago whose access token is good for
// an hour.
func (e *Env) SeedFresh(profile string) *auth.Record {
	now := time.Now()
	return e.Seed(profile, now.Add(-24*time.Hour), now.Add(time.Hour))
}

// WriteRecord stores rec for profile in the file store.
func (e *Env) WriteRecord(profile string, rec *auth.Record) {
	e.t.Helper()
	fixtures.WriteRecord(e.t, e.Dir, profile, rec)
}

// Record reads the file store's record of a profile; nil when none.
func (e *Env) Record(profile string) *auth.Record {
	e.t.Helper()
	return fixtures.ReadRecord(e.t, e.Dir, profile)
}

// Keyring is an in-memory config.KeyringBackend.
type Keyring struct {
	mu sync.Mutex
	m  map[string]string
}

func (k *Keyring) Get(service, user string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	v, ok := k.m[service+"\x00"+user]
	if !ok {
		return "", keyring.ErrNotFound
	}
	return v, nil
}

func (k *Keyring) Set(service, user, secret string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.m == nil {
		k.m = map[string]string{}
	}
	k.m[service+"\x00"+user] = secret
	return nil
}

func (k *Keyring) Delete(service, user string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, ok := k.m[service+"\x00"+user]; !ok {
		return keyring.ErrNotFound
	}
	delete(k.m, service+"\x00"+user)
	return nil
}
