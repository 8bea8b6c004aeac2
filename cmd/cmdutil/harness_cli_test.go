package cmdutil_test

import (
	"fmt"
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
