package e2e

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/spotcli/spotcli/cmd/cmdutil/cmdutiltest"
	"github.com/spotcli/spotcli/internal/spotifytest"
	"github.com/spotcli/spotcli/internal/spotifytest/fixtures"
)

// onTerminal runs a shell command line on a terminal of cols columns (a
// real pty, from util-linux script(1)), and returns what it showed.
func (h *harness) onTerminal(t *testing.T, cols int, line string) string {
	t.Helper()
	if out, err := exec.Command("script", "--version").CombinedOutput(); err != nil || !strings.Contains(string(out), "util-linux") {
		skipUnlessCI(t, "needs script(1) from util-linux to run spotcli on a terminal")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c := exec.CommandContext(ctx, "script", "-qec", fmt.Sprintf("stty cols %d rows 50; %s", cols, line), "/dev/null")
	c.Env = h.environ()
	c.Dir = h.dir
	out, err := c.Output()
	if err != nil {
		t.Fatalf("%s on a terminal: %v\n%s", line, err, out)
	}
	return strings.ReplaceAll(string(out), "\r\n", "\n")
}

// TestTablesFitTheTerminal: on terminals of 40, 60, 80 and 120 columns the
// tables of playlists and playlists items fit the width: the least useful
// columns go first (VISIBILITY, OWNER, TRACKS; the items' ID, DURATION,
// ARTISTS), the name is cut last, and no line wraps. Golden files show each.
func TestTablesFitTheTerminal(t *testing.T) {
	const pl = "0TableItems00000000001"
	h := newHarness(t)
	h.loginAlice()
	fixtures.AddTricky(h.fake)
	h.fake.AddPlaylists("alice", spotifytest.Playlist{ID: pl, Name: "Items", Public: true})
	h.fake.AddPlaylistItems(pl,
		spotifytest.PlaylistItem{Track: &spotifytest.Track{ID: "0TableTrack00000000001", Name: "Bohemian Rhapsody - Remastered 2011", Artists: []string{"Queen"}, DurationMS: 354000}},
		spotifytest.PlaylistItem{Track: &spotifytest.Track{ID: "0TableTrack00000000002", Name: "Under Pressure", Artists: []string{"Queen", "David Bowie"}, DurationMS: 248000}},
		spotifytest.PlaylistItem{Track: &spotifytest.Track{ID: "0TableTrack00000000003", Name: "夜に駆ける", Artists: []string{"YOASOBI"}, DurationMS: 261000}},
		spotifytest.PlaylistItem{Track: &spotifytest.Track{ID: "0TableTrack00000000004", Name: "A", Artists: []string{"Somebody With A Very Long Artist Name", "Another One"}, DurationMS: 5000}},
	)
	for _, cols := range []int{40, 60, 80, 120} {
		for name, line := range map[string]string{"playlists": "spotcli playlists", "items": "spotcli playlists items " + pl} {
			t.Run(fmt.Sprintf("%s %d", name, cols), func(t *testing.T) {
				got := h.onTerminal(t, cols, line)
				lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
				for i, l := range lines {
					if w := cmdutiltest.TermCells(l); w > cols {
						t.Errorf("line %d is %d columns wide on a %d-column terminal: %q", i+1, w, cols, l)
					}
					if strings.HasSuffix(l, " ") {
						t.Errorf("line %d ends in a space: %q", i+1, l)
					}
				}
				if !strings.HasPrefix(lines[0], map[string]string{"playlists": "NAME", "items": "#  NAME"}[name]) {
					t.Errorf("header %q", lines[0])
				}
				golden(t, fmt.Sprintf("%s_table_terminal%d", name, cols), got)
			})
		}
	}
}
