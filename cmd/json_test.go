package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/cmd/cmdutil/cmdutiltest"
	"github.com/spotcli/spotcli/internal/spotifytest"
)

// TestJSONOutputsAgree: every --json output (and api's answer) is indented
// on a terminal and compact, one line, in a pipe, whatever the command.
func TestJSONOutputsAgree(t *testing.T) {
	const pl = "jsonplaylist0000000001"
	commands := [][]string{
		{"status", "--json"},
		{"status", "--all", "--json"},
		{"whoami", "--json"},
		{"refresh", "--json"},
		{"playlists", "--json"},
		{"playlists", "-o", "json"},
		{"playlists", "items", pl, "--json"},
		{"api", "me"},
		{"api", "me/playlists", "--paginate", "--slurp"},
	}
	for _, args := range commands {
		for _, tty := range []bool{false, true} {
			name := strings.Join(args, " ") + map[bool]string{false: " | cat", true: " on a terminal"}[tty]
			t.Run(name, func(t *testing.T) {
				e := cmdutiltest.New(t)
				e.Seed("default", time.Now().Add(-24*time.Hour), time.Now().Add(time.Hour))
				e.Fake.AddPlaylists("alice", spotifytest.Playlist{ID: pl, Name: "Mix", Public: true, Tracks: 2})
				e.Fake.GeneratePlaylistItems(pl, 2)
				r := e.Factory("")
				r.F.StdoutTTY = func() bool { return tty }
				if code := Main(context.Background(), r.F, args); code != cmdutil.ExitOK {
					t.Fatalf("exit %d: %s", code, r.Err)
				}
				out := r.Out.Bytes()
				if !json.Valid(out) {
					t.Fatalf("not one JSON value:\n%s", out)
				}
				lines := bytes.Count(out, []byte("\n"))
				if !tty && lines != 1 {
					t.Errorf("in a pipe: %d lines, want 1 (compact):\n%s", lines, out)
				}
				if tty && (lines < 3 || !bytes.Contains(out, []byte("\n  "))) {
					t.Errorf("on a terminal: not indented:\n%s", out)
				}
				var compact bytes.Buffer
				if err := json.Compact(&compact, out); err != nil || !bytes.Equal(bytes.TrimSpace(out), compact.Bytes()) && !tty {
					t.Errorf("in a pipe the output is not compact JSON:\n%s", out)
				}
			})
		}
	}
}
