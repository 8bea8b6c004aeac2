package e2e

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/spotcli/spotcli/internal/api"
	"github.com/spotcli/spotcli/internal/auth"
	"github.com/spotcli/spotcli/internal/spotifytest"
)

const (
	kitchenID = "0d1e2f3a4b5c6d7e8f900d1e2f3a4b5c6d7e8f90"
	laptopID  = "9f8e7d6c5b4a39281706f5e4d3c2b1a098f7e6d5"
)

// newPlayerHarness is a harness whose login has the player's scopes, with
// alice's Kitchen speaker active and a laptop.
func newPlayerHarness(t *testing.T) *harness {
	t.Helper()
	h := newHarness(t)
	now := time.Now()
	access, refresh := h.fake.IssueTokens(testClientID, "alice", api.PlayerScopes, spotifytest.FlowPKCE, now)
	h.writeRecord("default", &auth.Record{AccessToken: access, RefreshToken: refresh, TokenType: "Bearer",
		ExpiresAt: now.Add(time.Hour), Scopes: api.PlayerScopes, ClientID: testClientID, Flow: auth.FlowPKCE,
		UserID: "alice", LoggedInAt: now, UpdatedAt: now})
	h.fake.SetDevices("alice",
		spotifytest.Device{ID: kitchenID, Name: "Kitchen", Type: "Speaker", Volume: 50, Active: true},
		spotifytest.Device{ID: laptopID, Name: "Laptop", Volume: 70})
	return h
}

// shell runs a bash command line in the harness's environment, where
// spotcli is on PATH.
func (h *harness) shell(ctx context.Context, line string) (result, time.Duration) {
	h.t.Helper()
	c := exec.CommandContext(ctx, "bash", "-c", line)
	c.Env, c.Dir = h.environ(), h.dir
	var out, errb bytes.Buffer
	c.Stdout, c.Stderr = &out, &errb
	start := time.Now()
	err := c.Run()
	took := time.Since(start)
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		h.t.Fatalf("sh -c %q: %v", line, err)
	}
	return result{stdout: out.String(), stderr: errb.String(), code: code}, took
}

func quickTracks(n, ms int) []spotifytest.Track {
	var out []spotifytest.Track
	for i := range n {
		out = append(out, spotifytest.Track{Name: "Quick " + string(rune('A'+i)), Artists: []string{"Band"}, DurationMS: ms})
	}
	return out
}

// TestNowFollowHead: spotcli now --follow | head -2 prints two lines and
// ends quietly soon after head exits, at its next line.
func TestNowFollowHead(t *testing.T) {
	h := newPlayerHarness(t)
	h.fake.SetPlayback("alice", spotifytest.Playback{DeviceID: kitchenID, Items: quickTracks(4, 1000)})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// pipefail: the pipeline's status is spotcli's too, which must be 0.
	r, took := h.shell(ctx, "set -o pipefail; spotcli now --follow --interval 1m | head -2")
	// The second line is B, unless the machine was so slow that B went by
	// between two polls.
	if r.code != 0 || !regexp.MustCompile(`^Band – Quick A\nBand – Quick [B-D]\n$`).MatchString(r.stdout) {
		t.Fatalf("got %s", r)
	}
	if strings.Contains(r.stderr, "spotcli:") || strings.Contains(r.stderr, "broken pipe") {
		t.Errorf("stderr: %q", r.stderr)
	}
	// A: 1 s, B to 2 s, the write of C at 2.3 s finds the pipe closed.
	if took > 10*time.Second {
		t.Errorf("took %s", took)
	}
}

// TestNowFollowInterrupt: Ctrl-C ends --follow with 130 and no message.
func TestNowFollowInterrupt(t *testing.T) {
	h := newPlayerHarness(t)
	h.fake.SetPlayback("alice", spotifytest.Playback{DeviceID: kitchenID, Items: quickTracks(1, 600_000)})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c := h.command(ctx, "now", "--follow")
	stdout, err := c.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var errb bytes.Buffer
	c.Stderr = &errb
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "Band – Quick A\n" {
		t.Fatalf("first line %q, %v", line, err)
	}
	_ = c.Process.Signal(syscall.SIGINT)
	err = c.Wait()
	ee, _ := err.(*exec.ExitError)
	if ee == nil || ee.ExitCode() != 130 || errb.Len() != 0 {
		t.Errorf("after SIGINT: %v, stderr %q", err, errb.String())
	}
}

// TestNextThenNow: separate processes, as a script runs them; Spotify's
// state lags the next, and now still prints the new item.
func TestNextThenNow(t *testing.T) {
	h := newPlayerHarness(t)
	h.fake.SetPlayback("alice", spotifytest.Playback{DeviceID: kitchenID, Items: quickTracks(3, 600_000)})
	h.fake.SetPlayerStaleness(time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if r, _ := h.shell(ctx, "spotcli player next && spotcli now"); r.code != 0 || r.stdout != "Band – Quick B\n" {
		t.Fatalf("got %s", r)
	}
	h.fake.StopPlayback("alice")
	if r, _ := h.shell(ctx, "spotcli now || echo idle"); r.stdout != "idle\n" || r.stderr != "" {
		t.Fatalf("idle: %s", r)
	}
}

// TestPlayerDocExamples runs every spotcli now and spotcli player example
// of docs/player.md and of the command reference, as written, against a
// fresh player each.
func TestPlayerDocExamples(t *testing.T) {
	var lines []string
	doc, err := os.ReadFile(filepath.Join("..", "docs", "player.md"))
	if err != nil {
		t.Fatal(err)
	}
	inBlock := false
	for _, l := range strings.Split(string(doc), "\n") {
		switch {
		case strings.HasPrefix(l, "```"):
			inBlock = strings.TrimPrefix(l, "```") == "sh"
		case inBlock && strings.HasPrefix(l, "spotcli ") && !strings.HasPrefix(l, "spotcli login"):
			lines = append(lines, l)
		}
	}
	ref, err := filepath.Glob(filepath.Join("..", "docs", "commands", "spotcli_*.md"))
	if err != nil {
		t.Fatal(err)
	}
	example := regexp.MustCompile(`^  (spotcli (now|player) .*)$`)
	for _, p := range ref {
		if !strings.Contains(p, "spotcli_now") && !strings.Contains(p, "spotcli_player") {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(string(b), "\n") {
			if m := example.FindStringSubmatch(l); m != nil {
				lines = append(lines, m[1])
			}
		}
	}
	if len(lines) < 20 {
		t.Fatalf("found only %d examples: %q", len(lines), lines)
	}
	h := newPlayerHarness(t)
	h.fake.AddPlaylists("alice", spotifytest.Playlist{ID: "3cEYpjA9oz9GiPac4AsH4n", Name: "Road trip"})
	tracks := []spotifytest.Track{rickTrack, floydTrack}
	for i := range tracks {
		h.fake.AddPlaylistItems("3cEYpjA9oz9GiPac4AsH4n", spotifytest.PlaylistItem{Track: &tracks[i]})
	}
	h.fake.AddRecentlyPlayed("alice", time.Now().Add(-time.Hour), time.Minute, tracks...)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for _, l := range lines {
		h.fake.SetDevices("alice",
			spotifytest.Device{ID: kitchenID, Name: "Kitchen", Type: "Speaker", Volume: 50},
			spotifytest.Device{ID: laptopID, Name: "Laptop", Volume: 70})
		h.fake.SetPlayback("alice", spotifytest.Playback{DeviceID: kitchenID, Items: tracks, Context: "spotify:playlist:3cEYpjA9oz9GiPac4AsH4n", Progress: 30 * time.Second})
		cmdline := l
		if strings.Contains(l, "--follow") {
			cmdline += " | head -1"
		}
		r, _ := h.shell(ctx, cmdline)
		if r.code != 0 || r.stdout == "" && !strings.Contains(l, " player ") || strings.Contains(r.stderr, "spotcli:") {
			t.Errorf("%s: %s", l, r)
		}
	}
}

// Tracks of the scripts' player and of the doc examples, with real IDs.
var (
	rickTrack  = spotifytest.Track{ID: "4uLU6hMCjMI75M1A2tKUQC", Name: "Never Gonna Give You Up", Artists: []string{"Rick Astley"}, Album: "Whenever You Need Somebody", DurationMS: 213_000}
	floydTrack = spotifytest.Track{ID: "6rqhFgbbKwnb9MLmUQDhG6", Name: "Speak to Me", Artists: []string{"Pink Floyd"}, Album: "The Dark Side of the Moon", DurationMS: 90_000}
)

// scriptPlayer is the scripts' fake player and fake idle.
func scriptPlayer(ts *testscript.TestScript, fake *spotifytest.Server, verb string) {
	fake.SetDevices("alice",
		spotifytest.Device{ID: kitchenID, Name: "Kitchen", Type: "Speaker", Volume: 50},
		spotifytest.Device{ID: laptopID, Name: "Laptop", Volume: 70})
	if verb == "idle" {
		fake.StopPlayback("alice")
		return
	}
	fake.SetPlayback("alice", spotifytest.Playback{DeviceID: kitchenID, Items: []spotifytest.Track{rickTrack, floydTrack},
		Context: "spotify:playlist:3cEYpjA9oz9GiPac4AsH4n", Progress: 30 * time.Second})
}
