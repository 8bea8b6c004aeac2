// Package clitest runs spotcli's whole command tree in-process, as the
// binary would run it (cmd.Main: global flags, the error line, the exit
// code), against the fake Spotify and a fresh config directory. Each run's
// environment is the Harness's own map, never the process's, so tests that
// use it run in parallel. Only what needs real processes (pipes, signals,
// kill -9, lock races, the OS keyring, a browser) stays in package e2e.
// Only tests import it.
package clitest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spotcli/spotcli/cmd"
	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/cmd/cmdutil/cmdutiltest"
	"github.com/spotcli/spotcli/internal/auth"
	"github.com/spotcli/spotcli/internal/golden"
	"github.com/spotcli/spotcli/internal/spotifytest"
	"github.com/spotcli/spotcli/internal/spotifytest/fixtures"
)

// The fake's apps: a PKCE one (the default) and one with a client secret.
const (
	ClientID     = cmdutiltest.ClientID
	SecretClient = cmdutiltest.SecretClient
	ClientSecret = cmdutiltest.ClientSecret
)

// Scopes are the scopes of a seeded login.
var Scopes = cmdutiltest.Scopes

// Harness is one isolated world: the fake Spotify with user alice ("Alice
// Liddell") and the two apps, a temporary directory, and the environment
// every run sees. Tests change Env between runs.
type Harness struct {
	T    *testing.T
	Fake *spotifytest.Server
	Root string // the temporary directory; the config directory is under it
	Env  map[string]string
	// Keyring is the runs' keyring, in memory and shared by them; it is
	// unavailable unless Env has DBUS_SESSION_BUS_ADDRESS, as the real one.
	Keyring *cmdutiltest.Keyring

	mu        sync.Mutex // Env, for runs in goroutines; the browser's visit
	visit     *Visit
	visitDone chan struct{}
}

// New starts the fake and points every SPOTCLI_* setting at it, with the file
// token store; no login is stored.
func New(t *testing.T) *Harness {
	t.Helper()
	fake := spotifytest.New(spotifytest.Config{})
	t.Cleanup(fake.Close)
	redirects := []string{"http://127.0.0.1/callback", "http://[::1]/callback"}
	fake.AddApp(spotifytest.App{ClientID: ClientID, Name: "spotcli test", RedirectURIs: redirects})
	fake.AddApp(spotifytest.App{ClientID: SecretClient, ClientSecret: ClientSecret, Name: "spotcli test secret", RedirectURIs: redirects})
	fake.AddUser(spotifytest.User{ID: "alice", DisplayName: "Alice Liddell", Email: "alice@example.com", Country: "GB", Product: "premium"})
	fake.SetCurrentUser("alice")
	dir := t.TempDir()
	return &Harness{T: t, Fake: fake, Root: dir, Keyring: &cmdutiltest.Keyring{}, Env: map[string]string{
		"HOME":                 filepath.Join(dir, "home"),
		"XDG_CONFIG_HOME":      filepath.Join(dir, "xdg"),
		"SPOTCLI_CONFIG_DIR":   filepath.Join(dir, "config"),
		"SPOTCLI_ACCOUNTS_URL": fake.AccountsURL(),
		"SPOTCLI_API_URL":      fake.APIURL(),
		"SPOTCLI_CLIENT_ID":    ClientID,
		"SPOTCLI_REDIRECT_URI": "http://127.0.0.1:0/callback",
		"SPOTCLI_TOKEN_STORE":  "file",
	}}
}

// Getenv is the runs' environment.
func (h *Harness) Getenv(k string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.Env[k]
}

// Result is how a run ended.
type Result struct {
	Stdout, Stderr string
	Code           int
}

func (r Result) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", r.Code, r.Stdout, r.Stderr)
}

// MustRun runs spotcli and fails the test unless it exits with want.
func (h *Harness) MustRun(want int, stdin string, args ...string) Result {
	h.T.Helper()
	r := h.Run(stdin, args...)
	if r.Code != want {
		h.T.Fatalf("spotcli %s: want exit %d, got %s", strings.Join(args, " "), want, r)
	}
	return r
}

// Run runs spotcli with args to the end, reading stdin, its stdout a pipe
// (not a terminal) COLUMNS wide or 80.
func (h *Harness) Run(stdin string, args ...string) Result {
	h.T.Helper()
	return h.RunContext(context.Background(), stdin, args...)
}

// RunContext is Run under ctx (cancel it for a Ctrl-C).
func (h *Harness) RunContext(ctx context.Context, stdin string, args ...string) Result {
	h.T.Helper()
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	var out, errb bytes.Buffer
	f := &cmdutil.Factory{
		In: strings.NewReader(stdin), Out: &out, Err: &errb,
		Build:     cmdutil.BuildInfo{Version: "dev"},
		Getenv:    h.Getenv,
		Now:       time.Now,
		StdoutTTY: func() bool { return false },
		TermWidth: func() int {
			if w, err := strconv.Atoi(h.Getenv("COLUMNS")); err == nil && w > 0 {
				return w
			}
			return 80
		},
		Keyring:     h.Keyring,
		OpenBrowser: h.browse,
		// The fake serves spotify.link's share links.
		ShortLinkBase: h.Fake.ShortLinkBase(),
	}
	code := cmd.Main(ctx, f, args)
	return Result{Stdout: out.String(), Stderr: errb.String(), Code: code}
}

// Visit is what the browser saw at the end of a login.
type Visit struct {
	URL          string // the callback it was sent to
	Status       int    // the loopback server's answer
	Header       http.Header
	Body         string
	StrayStatus  int // FAKEBROWSER_MODE=stray: the answer to the forged callback
	StrayBody    string
	AuthorizeURL string
}

// browse is the user's browser at the fake, as e2e's fake browser process
// is: it loads the authorize URL (the fake answers at once, as
// SetConsent says), and follows the redirect into spotcli's loopback
// server. FAKEBROWSER_MODE=stray first sends a callback with a forged state,
// as a hostile page could; stray-only sends only that one.
func (h *Harness) browse(authorize string) error {
	mode := h.Getenv("FAKEBROWSER_MODE")
	done := make(chan struct{})
	h.mu.Lock()
	h.visit, h.visitDone = nil, done
	h.mu.Unlock()
	go func() {
		defer close(done)
		v := &Visit{AuthorizeURL: authorize}
		noFollow := &http.Client{Timeout: 20 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		get := func(u string) (int, http.Header, string, error) {
			res, err := noFollow.Get(u)
			if err != nil {
				return 0, nil, "", err
			}
			defer res.Body.Close()
			b, err := io.ReadAll(res.Body)
			return res.StatusCode, res.Header, string(b), err
		}
		_, hdr, _, err := get(authorize)
		if err != nil || hdr.Get("Location") == "" {
			return
		}
		loc := hdr.Get("Location")
		forge := func(state string) string {
			u, err := url.Parse(loc)
			if err != nil {
				return loc
			}
			q := u.Query()
			q.Set("state", state)
			if mode == "stray" {
				q.Set("code", "forged-code")
			}
			u.RawQuery = q.Encode()
			return u.String()
		}
		switch mode {
		case "stray":
			if u, _ := url.Parse(loc); u != nil {
				v.StrayStatus, _, v.StrayBody, _ = get(forge("forged-" + u.Query().Get("state")))
			}
		case "stray-only":
			loc = forge("forged")
		}
		v.URL = loc
		v.Status, v.Header, v.Body, _ = get(loc)
		h.mu.Lock()
		h.visit = v
		h.mu.Unlock()
	}()
	return nil
}

// BrowserVisit waits for the browser of the last login to finish, and
// fails the test if it saw no page.
func (h *Harness) BrowserVisit() Visit {
	h.T.Helper()
	h.mu.Lock()
	done := h.visitDone
	h.mu.Unlock()
	if done == nil {
		h.T.Fatal("no browser was opened")
	}
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		h.T.Fatal("the browser did not finish in 20 s")
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.visit == nil {
		h.T.Fatal("the browser saw no page")
	}
	return *h.visit
}

// TokenPath is the file store's file of a profile.
func (h *Harness) TokenPath(profile string) string {
	return fixtures.TokenFile(h.Getenv("SPOTCLI_CONFIG_DIR"), profile)
}

// Record reads the file store's record of a profile, failing the test when
// there is none.
func (h *Harness) Record(profile string) *auth.Record {
	h.T.Helper()
	rec := fixtures.ReadRecord(h.T, h.Getenv("SPOTCLI_CONFIG_DIR"), profile)
	if rec == nil {
		h.T.Fatalf("read stored record: no record for profile %q", profile)
	}
	return rec
}

// WriteRecord stores rec for profile in the file store.
func (h *Harness) WriteRecord(profile string, rec *auth.Record) {
	h.T.Helper()
	fixtures.WriteRecord(h.T, h.Getenv("SPOTCLI_CONFIG_DIR"), profile, rec)
}

// NoRecord fails the test if a record is stored for profile.
func (h *Harness) NoRecord(profile string) {
	h.T.Helper()
	if _, err := os.Stat(h.TokenPath(profile)); !os.IsNotExist(err) {
		h.T.Fatalf("a record was stored for profile %q (stat: %v)", profile, err)
	}
}

// Seed stores a login of alice for profile, made at loginAt, whose access
// token expires at expires.
func (h *Harness) Seed(profile string, loginAt, expires time.Time) *auth.Record {
	h.T.Helper()
	rec := fixtures.Login(h.Fake, ClientID, Scopes, loginAt, expires)
	h.WriteRecord(profile, rec)
	return rec
}

// Golden compares got with testdata/golden/name.golden, or rewrites it
// under -update (internal/golden's flag).
func Golden(t *testing.T, name, got string) {
	t.Helper()
	golden.Assert(t, name+".golden", got)
}

// NormalizeFake replaces the fake's random address, which Spotify's hrefs
// carry, with a fixed one.
func (h *Harness) NormalizeFake(s string) string {
	return strings.ReplaceAll(s, h.Fake.URL(), "http://FAKE")
}

// UseSecretApp makes the app with a client secret the configured one, so
// that --app can get app-only tokens.
func (h *Harness) UseSecretApp() {
	h.Setenv("SPOTCLI_CLIENT_ID", SecretClient)
	h.Setenv("SPOTCLI_CLIENT_SECRET", ClientSecret)
}

// Setenv sets a variable of the runs' environment.
func (h *Harness) Setenv(k, v string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.Env[k] = v
}

// LoginAlice seeds a fresh login of alice for the default profile.
func (h *Harness) LoginAlice() *auth.Record {
	h.T.Helper()
	now := time.Now()
	return h.Seed("default", now.Add(-time.Hour), now.Add(time.Hour))
}

// LoginWith seeds a fresh login of alice to the app clientID with scopes,
// and makes that app the configured one.
func (h *Harness) LoginWith(clientID string, scopes []string) *auth.Record {
	h.T.Helper()
	now := time.Now()
	rec := fixtures.Login(h.Fake, clientID, scopes, now, now.Add(time.Hour))
	h.Setenv("SPOTCLI_CLIENT_ID", clientID)
	h.WriteRecord("default", rec)
	return rec
}

// DevClientID is the app in development mode that LoginDevMode adds.
const DevClientID = "e2edevmode000000000000000000000c"

// LoginDevMode seeds a login to an app in development mode, which gets
// Spotify's development-mode answers (no email, country, product; playlists
// counting "items").
func (h *Harness) LoginDevMode() *auth.Record {
	h.T.Helper()
	h.Fake.AddApp(spotifytest.App{ClientID: DevClientID, Name: "spotcli e2e dev", RedirectURIs: []string{"http://127.0.0.1/callback"}, DevMode: true})
	return h.LoginWith(DevClientID, Scopes)
}

// LoginMode logs alice in to a development-mode app or to the normal one.
func (h *Harness) LoginMode(devMode bool) *auth.Record {
	h.T.Helper()
	if devMode {
		return h.LoginDevMode()
	}
	return h.LoginAlice()
}
