package e2e

import (
	"bufio"
	"context"
	"io"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/spotcli/spotcli/cmd/cmdutil/cmdutiltest"
	"github.com/spotcli/spotcli/internal/auth"
	goldens "github.com/spotcli/spotcli/internal/golden"
	"github.com/spotcli/spotcli/internal/spotifytest"
	"github.com/spotcli/spotcli/internal/spotifytest/fixtures"
)

// update is -update (internal/golden's flag): it also rewrites the cmp
// files of the CLI sessions.
var update = goldens.Update

// golden compares got with testdata/golden/name.golden, or rewrites the file
// under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	goldens.Assert(t, name+".golden", got)
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
	rec := fixtures.Login(h.fake, clientID, scopes, now, now.Add(time.Hour))
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

// TestPlaylistsOnTerminal: on a terminal the default is the table, cut to the
// terminal's width. util-linux script(1) gives spotcli a terminal.
func TestPlaylistsOnTerminal(t *testing.T) {
	if out, err := exec.Command("script", "--version").CombinedOutput(); err != nil || !strings.Contains(string(out), "util-linux") {
		skipUnlessCI(t, "needs script(1) from util-linux to run spotcli on a terminal")
	}
	h := newHarness(t)
	h.loginAlice()
	fixtures.AddTricky(h.fake)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c := exec.CommandContext(ctx, "script", "-qec", "stty cols 70 rows 50; spotcli playlists", "/dev/null")
	c.Env = h.environ()
	c.Dir = h.dir
	out, err := c.Output()
	if err != nil {
		t.Fatalf("spotcli on a terminal: %v\n%s", err, out)
	}
	got := strings.ReplaceAll(string(out), "\r\n", "\n")
	for i, line := range strings.Split(strings.TrimSuffix(got, "\n"), "\n") {
		if w := cmdutiltest.TermCells(line); w > 70 {
			t.Errorf("line %d is %d columns wide on a 70-column terminal: %q", i+1, w, line)
		}
	}
	golden(t, "playlists_table_terminal70", got)
}

// TestPlaylistsStreams: tsv and ndjson lines of a page are written as soon as
// the page arrives, before the next page has come.
func TestPlaylistsStreams(t *testing.T) {
	for _, format := range []string{"tsv", "ndjson"} {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			h.loginAlice()
			h.fake.GeneratePlaylists("alice", 120)
			// The first page is answered; every later one hangs.
			h.fake.InjectFault(spotifytest.Fault{Path: "/v1/me/playlists", SkipFirst: 1, Hang: true})
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			c := h.command(ctx, "playlists", "-o", format, "--concurrency", "1")
			stdout, err := c.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			var stderr strings.Builder
			c.Stderr = &stderr
			if err := c.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = c.Process.Kill(); _ = c.Wait() })
			got := make(chan []string, 1)
			drained := make(chan struct{})
			go func() {
				defer close(drained)
				var lines []string
				rd := bufio.NewReader(stdout)
				for len(lines) < 50 {
					line, err := rd.ReadString('\n')
					if err != nil {
						break
					}
					lines = append(lines, line)
				}
				got <- lines
				_, _ = io.Copy(io.Discard, rd)
			}()
			var lines []string
			select {
			case lines = <-got:
			case <-time.After(20 * time.Second):
				t.Fatal("the first page was not written while the second was pending")
			}
			if len(lines) != 50 || !strings.Contains(lines[49], "Playlist 0050") {
				t.Fatalf("first page: %d lines: %q", len(lines), lines)
			}
			// Ctrl-C while the second page hangs ends the run as interrupted.
			if err := c.Process.Signal(syscall.SIGINT); err != nil {
				t.Fatal(err)
			}
			<-drained // stdout closes when spotcli exits
			err = c.Wait()
			if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 130 {
				t.Errorf("after SIGINT: %v, want exit 130; stderr:\n%s", err, stderr.String())
			}
		})
	}
}

// TestPlaylistsHeadPipe: `spotcli playlists | head -3` ends quietly. The
// output is larger than a pipe's buffer, so spotcli must meet the closed
// pipe.
func TestPlaylistsHeadPipe(t *testing.T) {
	for _, conc := range []string{"1", "8"} {
		t.Run("concurrency "+conc, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			h.loginAlice()
			const n = 3000
			h.fake.GeneratePlaylists("alice", n)
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			c := exec.CommandContext(ctx, "bash", "-o", "pipefail", "-c", "spotcli playlists -o tsv --concurrency "+conc+" | head -3")
			c.Env = h.environ()
			c.Dir = h.dir
			var stdout, stderr strings.Builder
			c.Stdout, c.Stderr = &stdout, &stderr
			if err := c.Run(); err != nil {
				t.Fatalf("pipeline: %v\nstderr:\n%s", err, stderr.String())
			}
			rows := cmdutiltest.ParsePlaylistsTSV(t, stdout.String())
			if diff := cmp.Diff(fixtures.GeneratedNames(1, 3), cmdutiltest.PlaylistNames(rows)); diff != "" {
				t.Errorf("head -3 (-want +got):\n%s", diff)
			}
			for _, bad := range []string{"broken pipe", "EPIPE", "spotcli:", "signal"} {
				if strings.Contains(stderr.String(), bad) {
					t.Errorf("stderr mentions %q:\n%s", bad, stderr.String())
				}
			}
			if got := h.fake.Stats().APIRequests["/v1/me/playlists"]; got >= n/50 {
				t.Errorf("spotcli fetched all %d pages: it never met the closed pipe, so the test proved nothing", got)
			}
		})
	}
}
