package export

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/cmd/cmdutil/cmdutiltest"
	engine "github.com/spotcli/spotcli/internal/export"
	"github.com/spotcli/spotcli/internal/spotifytest"
)

func TestExportFlags(t *testing.T) {
	var got *exportOptions
	runF := func(_ context.Context, o *exportOptions) error { got = o; return nil }
	if err := cmdutiltest.Parse(t, NewExportCmd(&cmdutil.Factory{}, runF), "backup", "--only", "tracks, playlists,tracks", "--csv", "--concurrency", "3", "-q"); err != nil {
		t.Fatal(err)
	}
	want := &exportOptions{Dir: "backup", Only: []string{"tracks", "playlists"}, CSV: true, Concurrency: 3, Quiet: true}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(exportOptions{}), cmp.FilterPath(func(p cmp.Path) bool { return p.String() == "f" }, cmp.Ignore())); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if err := cmdutiltest.Parse(t, NewExportCmd(&cmdutil.Factory{}, runF), "backup"); err != nil || got.Concurrency != 8 || got.Only != nil {
		t.Errorf("defaults: %v %+v", err, got)
	}
	for _, args := range [][]string{{}, {"a", "b"}, {""}, {"d", "--only", "podcasts"}, {"d", "--only", ","}, {"d", "--concurrency", "0"}, {"d", "--concurrency", "17"}} {
		err := cmdutiltest.Parse(t, NewExportCmd(&cmdutil.Factory{}, runF), args...)
		if code := cmdutil.ExitCode(context.Background(), err); code != cmdutil.ExitUsage {
			t.Errorf("%q: exit %d (%v), want a usage error", args, code, err)
		}
	}
}

func TestSummaryLine(t *testing.T) {
	tests := []struct {
		s    engine.Summary
		want string
	}{
		{engine.Summary{Playlists: 1, Fetched: 1, Entries: 1, Library: map[string]int{}, Requests: 1, Elapsed: 1234 * time.Millisecond},
			"exported 1 playlist to d (1 fetched), 1 entry; 1 request in 1.2s"},
		{engine.Summary{Playlists: 1200, Fetched: 2, Unchanged: 1197, Skipped: 1, Removed: 3, Entries: 1234567, Library: map[string]int{"artists": 70, "tracks": 2000}, Requests: 40, Elapsed: time.Second},
			"exported 1,200 playlists to d (2 fetched, 1,197 unchanged, 1 skipped, 3 removed), 1,234,567 entries; library: tracks 2,000, artists 70; 40 requests in 1s; 1 playlist skipped: Spotify refuses their entries (see manifest.json)"},
		{engine.Summary{Library: map[string]int{"albums": 0}}, "exported 0 playlists to d, 0 entries; library: albums 0; 0 requests in 0s"},
	}
	for _, tt := range tests {
		if got := summaryLine("d", &tt.s); got != tt.want {
			t.Errorf("got  %q\nwant %q", got, tt.want)
		}
	}
}

func TestProgressLine(t *testing.T) {
	for _, tt := range []struct {
		p    engine.Progress
		want string
	}{
		{engine.Progress{PlaylistsTotal: 200, Elapsed: 500 * time.Millisecond}, "exporting: 0 of 200 playlists, 0 entries, 0:01 elapsed"},
		{engine.Progress{PlaylistsDone: 50, PlaylistsTotal: 200, Entries: 12500, Elapsed: 10 * time.Second}, "exporting: 50 of 200 playlists, 12,500 entries, 0:10 elapsed, about 0:30 left"},
		{engine.Progress{PlaylistsDone: 200, PlaylistsTotal: 200, Entries: 1, Elapsed: 75 * time.Second}, "exporting: 200 of 200 playlists, 1 entry, 1:15 elapsed"},
	} {
		if got := progressLine(tt.p); got != tt.want {
			t.Errorf("got  %q\nwant %q", got, tt.want)
		}
	}
	var b bytes.Buffer
	p := &progress{w: &b, raw: &b, live: false}
	p.update(engine.Progress{PlaylistsDone: 1, PlaylistsTotal: 2})
	p.clear()
	if b.Len() != 0 {
		t.Errorf("not a terminal, yet: %q", b.String())
	}
	p = &progress{w: &b, raw: &b, live: true}
	p.update(engine.Progress{PlaylistsDone: 1, PlaylistsTotal: 2})
	p.warn("careful")
	if want := "\r\x1b[Kexporting: 1 of 2 playlists, 0 entries, 0:00 elapsed, about 0:00 left\r\x1b[Kwarning: careful\n"; b.String() != want {
		t.Errorf("got %q\nwant %q", b.String(), want)
	}
}

func TestRunExport(t *testing.T) {
	for _, tt := range []struct {
		name       string
		tty, quiet bool
	}{{"pipe", false, false}, {"quiet", false, true}, {"terminal", true, false}} {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdutiltest.WithToken(t, cmdutiltest.Options{Scopes: []string{"playlist-read-private", "user-library-read", "user-follow-read"}})
			for i := range 3 {
				id := fmt.Sprintf("0CmdPlaylist%010d", i)
				e.Fake.AddPlaylists("alice", spotifytest.Playlist{ID: id, Name: "P", Public: true})
				e.Fake.GeneratePlaylistItems(id, 60)
			}
			e.Fake.GenerateLikedSongs("alice", 3)
			e.F.StderrTTY = func() bool { return tt.tty }
			// As Main wraps stderr: the line's control sequences pass, a
			// name's would not.
			e.F.Err = cmdutil.SafeWriter{W: e.Err}
			dir := filepath.Join(t.TempDir(), "b")
			o := &exportOptions{f: e.F, Dir: dir, Concurrency: 2, Quiet: tt.quiet}
			if err := runExport(context.Background(), o); err != nil {
				t.Fatal(err)
			}
			got := e.Err.String()
			summary := "exported 3 playlists to " + dir + " (3 fetched), 180 entries; library: tracks 3, albums 0, shows 0, episodes 0, artists 0; "
			switch {
			case e.Out.Len() > 0:
				t.Errorf("stdout: %q", e.Out)
			case tt.quiet && got != "":
				t.Errorf("--quiet: %q", got)
			case !tt.quiet && !tt.tty && (!strings.HasPrefix(got, summary) || strings.Count(got, "\n") != 1 || strings.Contains(got, "\r")):
				t.Errorf("pipe: %q", got)
			case tt.tty && (!strings.HasPrefix(got, "\r\x1b[Kexporting: ") || !strings.Contains(got, "\r\x1b[K"+summary)):
				t.Errorf("terminal: %q", got)
			}
		})
	}
}

func TestCompleteSections(t *testing.T) {
	for in, want := range map[string][]string{
		"":                {"playlists", "tracks", "albums", "shows", "episodes", "artists"},
		"a":               {"albums", "artists"},
		"playlists,":      {"playlists,tracks", "playlists,albums", "playlists,shows", "playlists,episodes", "playlists,artists"},
		"tracks,albums,s": {"tracks,albums,shows"},
		"x":               nil,
	} {
		got, _ := completeSections(nil, nil, in)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%q (-want +got):\n%s", in, diff)
		}
	}
}
