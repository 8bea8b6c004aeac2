package cmd_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/spotcli/spotcli/cmd/internal/clitest"
	"github.com/spotcli/spotcli/internal/spotifytest"
)

// The tests in *_cli_test.go run the whole command tree in-process
// (clitest), with the same harness as the end-to-end tests they came from
// in e2e/: a fake Spotify, a fresh config directory, and an environment of
// their own, so they run in parallel.

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
