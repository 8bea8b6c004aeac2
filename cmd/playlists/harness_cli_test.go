package playlists_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spotcli/spotcli/cmd/internal/clitest"
	"github.com/spotcli/spotcli/internal/auth"
	"github.com/spotcli/spotcli/internal/spotifytest"
)

// The tests in *_cli_test.go run the whole command tree in-process
// (clitest), with the same harness as the end-to-end tests they came from
// in e2e/: a fake Spotify, a fresh config directory, and an environment of
// their own, so they run in parallel.

const (
	testClientID     = clitest.ClientID
	testSecretClient = clitest.SecretClient
	testClientSecret = clitest.ClientSecret
)

// harness is one isolated world: a fake Spotify and a fresh config dir.
// Tests change env between runs.
type harness struct {
	c    *clitest.Harness
	t    *testing.T
	fake *spotifytest.Server
	dir  string
	env  map[string]string
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	c := clitest.New(t)
	return &harness{c: c, t: t, fake: c.Fake, dir: c.Root, env: c.Env}
}

type result struct {
	stdout, stderr string
	code           int
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
}

// run runs spotcli to the end with stdin.
func (h *harness) run(stdin string, args ...string) result {
	h.t.Helper()
	r := h.c.Run(stdin, args...)
	return result{stdout: r.Stdout, stderr: r.Stderr, code: r.Code}
}

// mustRun runs spotcli and fails the test unless it exits with want.
func (h *harness) mustRun(want int, stdin string, args ...string) result {
	h.t.Helper()
	r := h.run(stdin, args...)
	if r.code != want {
		h.t.Fatalf("spotcli %s: want exit %d, got %s", strings.Join(args, " "), want, r)
	}
	return r
}

func (h *harness) record(profile string) *auth.Record { h.t.Helper(); return h.c.Record(profile) }

func (h *harness) seed(profile string, loginAt, expires time.Time) *auth.Record {
	h.t.Helper()
	h.c.Fake = h.fake // a test may have replaced it
	return h.c.Seed(profile, loginAt, expires)
}

func (h *harness) writeRecord(profile string, rec *auth.Record) {
	h.t.Helper()
	h.c.WriteRecord(profile, rec)
}

// golden compares got with testdata/golden/name.golden (-update rewrites it).
func golden(t *testing.T, name, got string) {
	t.Helper()
	clitest.Golden(t, filepath.Join("testdata", "golden", name+".golden"), got)
}

// normalizeFake replaces the fake's random address, which Spotify's hrefs carry,
// with a fixed one.
func (h *harness) normalizeFake(s string) string {
	return strings.ReplaceAll(s, h.fake.URL(), "http://FAKE")
}

// defaultScopes are the scopes of a default login.
var defaultScopes = []string{"user-read-private", "user-read-email", "playlist-read-private", "playlist-read-collaborative"}

// loginAlice seeds a fresh login of alice for the default profile.
func (h *harness) loginAlice() *auth.Record {
	h.t.Helper()
	now := time.Now()
	return h.seed("default", now.Add(-time.Hour), now.Add(time.Hour))
}

// loginWith seeds a fresh login of alice to the app clientID with scopes, and
// makes that app the configured one.
func (h *harness) loginWith(clientID string, scopes []string) *auth.Record {
	h.t.Helper()
	now := time.Now()
	access, refresh := h.fake.IssueTokens(clientID, "alice", scopes, spotifytest.FlowPKCE, now)
	rec := &auth.Record{
		AccessToken: access, RefreshToken: refresh, TokenType: "Bearer", ExpiresAt: now.Add(time.Hour),
		Scopes: scopes, ClientID: clientID, Flow: auth.FlowPKCE, UserID: "alice", UserName: "Alice Liddell",
		LoggedInAt: now, UpdatedAt: now,
	}
	h.env["SPOTCLI_CLIENT_ID"] = clientID
	h.writeRecord("default", rec)
	return rec
}

const testDevClientID = "e2edevmode000000000000000000000c"

// loginDevMode seeds a login to an app in development mode, which gets
// Spotify's development-mode answers (no email, country, product; playlists
// counting "items").
func (h *harness) loginDevMode() *auth.Record {
	h.t.Helper()
	h.fake.AddApp(spotifytest.App{ClientID: testDevClientID, Name: "spotcli e2e dev", RedirectURIs: []string{"http://127.0.0.1/callback"}, DevMode: true})
	return h.loginWith(testDevClientID, defaultScopes)
}

// loginMode logs alice in to a development-mode app or to the normal one.
func (h *harness) loginMode(devMode bool) *auth.Record {
	h.t.Helper()
	if devMode {
		return h.loginDevMode()
	}
	return h.loginAlice()
}
