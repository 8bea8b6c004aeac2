package playlists

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/cmd/cmdutil/cmdutiltest"
	"github.com/spotcli/spotcli/internal/golden"
	"github.com/spotcli/spotcli/internal/spotifytest"
)

func TestNewPlaylistsCmd(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    []string
		want    cmdutil.ListOptions
		wantErr string
	}{
		{name: "defaults", want: cmdutil.ListOptions{Concurrency: 8}},
		{name: "every flag", args: []string{"-o", "ndjson", "--limit", "5", "--concurrency", "16"}, want: cmdutil.ListOptions{Output: "ndjson", Limit: 5, Concurrency: 16}},
		{name: "--json", args: []string{"--json"}, want: cmdutil.ListOptions{Output: "json", JSON: true, Concurrency: 8}},
		{name: "--json, --limit and --concurrency", args: []string{"--json", "--limit", "3", "--concurrency", "2"}, want: cmdutil.ListOptions{Output: "json", JSON: true, Limit: 3, Concurrency: 2}},
		{name: "--json with -o json", args: []string{"--json", "-o", "json"}, want: cmdutil.ListOptions{Output: "json", JSON: true, Concurrency: 8}},
		{name: "--json with -o tsv", args: []string{"--json", "-o", "tsv"}, wantErr: "--json and -o tsv contradict each other"},
		{name: "an unknown format", args: []string{"-o", "xml"}, wantErr: `invalid argument "xml" for "-o, --output" flag: must be one of table, tsv, json, ndjson`},
		{name: "--limit 0", args: []string{"--limit", "0"}, wantErr: "must be a whole number of 1 or more"},
		{name: "--concurrency 17", args: []string{"--concurrency", "17"}, wantErr: "must be a whole number from 1 to 16"},
		{name: "an argument", args: []string{"mine"}, wantErr: `spotcli playlists takes no arguments, got "mine"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *playlistsOptions
			err := cmdutiltest.Parse(t, NewPlaylistsCmd(&cmdutil.Factory{}, func(_ context.Context, o *playlistsOptions) error { got = o; return nil }), tt.args...)
			if tt.wantErr != "" {
				cmdutiltest.WantError(t, err, tt.wantErr, cmdutil.ExitUsage)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got.ListOptions); diff != "" {
				t.Errorf("options (-want +got):\n%s", diff)
			}
		})
	}
}

var library = []spotifytest.Playlist{
	{ID: "0TrickyTab000000000001", Name: "Tab\there", Public: true, Tracks: 12},
	{ID: "0TrickyCollab000000009", Name: "Collab with Bob", OwnerID: "bob", Collaborative: true, Tracks: 1000},
	{ID: "0TrickyQuotes000000005", Name: `"Quoted" & private`, Tracks: 42},
}

func newLibrary(t *testing.T) *cmdutiltest.Env {
	e := cmdutiltest.New(t)
	e.SeedFresh("default")
	e.Fake.AddUser(spotifytest.User{ID: "bob", DisplayName: "Bob"})
	e.Fake.AddPlaylists("alice", library...)
	return e
}

func TestRunPlaylists(t *testing.T) {
	t.Parallel()
	tsv := "0TrickyTab000000000001\tTab\\there\t12\talice\tpublic\n" +
		"0TrickyCollab000000009\tCollab with Bob\t1000\tbob\tcollaborative\n" +
		"0TrickyQuotes000000005\t\"Quoted\" & private\t42\talice\tprivate\n"
	table := "NAME                ID                      TRACKS  OWNER  VISIBILITY\n" +
		"Tab here            0TrickyTab000000000001  12      alice  public\n" +
		"Collab with Bob     0TrickyCollab000000009  1000    bob    collaborative\n" +
		"\"Quoted\" & private  0TrickyQuotes000000005  42      alice  private\n"
	tests := []struct {
		name string
		opts cmdutil.ListOptions
		tty  bool
		want string
	}{
		{"tsv", cmdutil.ListOptions{Output: "tsv"}, false, tsv},
		{"tsv is the default in a pipe", cmdutil.ListOptions{}, false, tsv},
		{"table", cmdutil.ListOptions{Output: "table"}, false, table},
		{"table is the default on a terminal", cmdutil.ListOptions{}, true, table},
		{"--limit", cmdutil.ListOptions{Output: "tsv", Limit: 1}, false, strings.SplitAfter(tsv, "\n")[0]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newLibrary(t)
			r := e.Factory("")
			r.F.StdoutTTY = func() bool { return tt.tty }
			tt.opts.Concurrency = 8
			if err := runPlaylists(context.Background(), &playlistsOptions{f: r.F, ListOptions: tt.opts}); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, r.Out.String()); diff != "" {
				t.Errorf("stdout (-want +got):\n%s", diff)
			}
			if r.Err.Len() != 0 {
				t.Errorf("stderr %q", r.Err)
			}
		})
	}
}

func TestRunPlaylistsJSON(t *testing.T) {
	t.Parallel()
	for _, format := range []string{"json", "ndjson"} {
		t.Run(format, func(t *testing.T) {
			e := newLibrary(t)
			r := e.Factory("")
			if err := runPlaylists(context.Background(), &playlistsOptions{f: r.F, ListOptions: cmdutil.ListOptions{Output: format, Concurrency: 8}}); err != nil {
				t.Fatal(err)
			}
			var got []map[string]any
			if format == "json" {
				if err := json.Unmarshal(r.Out.Bytes(), &got); err != nil {
					t.Fatalf("%v: %s", err, r.Out)
				}
			} else {
				for _, line := range strings.Split(strings.TrimSuffix(r.Out.String(), "\n"), "\n") {
					var m map[string]any
					if err := json.Unmarshal([]byte(line), &m); err != nil {
						t.Fatalf("%v: %q", err, line)
					}
					got = append(got, m)
				}
			}
			if len(got) != len(library) {
				t.Fatalf("%d objects:\n%s", len(got), r.Out)
			}
			for i, p := range library {
				if got[i]["id"] != p.ID || got[i]["name"] != p.Name {
					t.Errorf("object %d: %v", i, got[i])
				}
			}
		})
	}
}

// Every page, fetched concurrently, comes out once and in order.
func TestRunPlaylistsPages(t *testing.T) {
	t.Parallel()
	e := cmdutiltest.New(t)
	e.SeedFresh("default")
	e.Fake.GeneratePlaylists("alice", 523)
	r := e.Factory("")
	if err := runPlaylists(context.Background(), &playlistsOptions{f: r.F, ListOptions: cmdutil.ListOptions{Output: "tsv", Concurrency: 4}}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(r.Out.String(), "\n"), "\n")
	if len(lines) != 523 {
		t.Fatalf("%d lines", len(lines))
	}
	for i, l := range lines {
		if f := strings.Split(l, "\t"); len(f) != 5 || f[1] != fmt.Sprintf("Playlist %04d", i+1) {
			t.Fatalf("line %d: %q", i+1, l)
		}
	}
}

func TestRunPlaylistsNotLoggedIn(t *testing.T) {
	t.Parallel()
	e := cmdutiltest.New(t)
	r := e.Factory("")
	err := runPlaylists(context.Background(), &playlistsOptions{f: r.F, ListOptions: cmdutil.ListOptions{Concurrency: 8}})
	cmdutiltest.WantCode(t, err, cmdutil.ExitLogin)
	if r.Out.Len() != 0 {
		t.Errorf("stdout %q", r.Out)
	}
}

func listOpts(e *cmdutiltest.Session, output string, limit int) *playlistsOptions {
	o := &playlistsOptions{f: e.F}
	o.Output, o.Limit, o.Concurrency = output, limit, 4
	return o
}

// TestRunPlaylistsNullEntries: a playlist Spotify sends as null is left out
// of tsv and table, with a word on stderr, and kept in json and ndjson
// (issue 15). No row says "private" for it.
func TestRunPlaylistsNullEntries(t *testing.T) {
	tests := []struct {
		output string
		want   string
		stderr string
	}{
		{"tsv", "", "warning: 2 playlists that Spotify sent as null (deleted or unavailable) left out; -o json shows them as null\n"},
		{"table", "", "warning: 2 playlists that Spotify sent as null (deleted or unavailable) left out; -o json shows them as null\n"},
		{"json", "", ""},
		{"ndjson", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.output, func(t *testing.T) {
			e := cmdutiltest.WithToken(t, cmdutiltest.Options{Scopes: []string{"playlist-read-private"}})
			e.Fake.AddPlaylists("alice",
				spotifytest.Playlist{ID: "0000000000000000000One", Name: "One", Public: true, Tracks: 3},
				spotifytest.Playlist{Null: true},
				spotifytest.Playlist{ID: "000000000000000000Three", Name: "Three", Tracks: 1},
				spotifytest.Playlist{Null: true},
			)
			if err := runPlaylists(context.Background(), listOpts(e, tt.output, 0)); err != nil {
				t.Fatal(err)
			}
			if e.Err.String() != tt.stderr {
				t.Errorf("stderr %q, want %q", e.Err, tt.stderr)
			}
			out := e.Out.String()
			switch tt.output {
			case "tsv":
				want := "0000000000000000000One\tOne\t3\talice\tpublic\n000000000000000000Three\tThree\t1\talice\tprivate\n"
				if out != want {
					t.Errorf("tsv:\n%s\nwant:\n%s", out, want)
				}
			case "table":
				if strings.Count(out, "\n") != 3 || strings.Count(out, "private") != 1 {
					t.Errorf("table:\n%s", out)
				}
			case "json":
				var items []json.RawMessage
				if err := json.Unmarshal([]byte(out), &items); err != nil || len(items) != 4 || string(items[1]) != "null" || string(items[3]) != "null" {
					t.Errorf("json keeps the nulls where Spotify sent them: %s (%v)", out, err)
				}
			case "ndjson":
				lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
				if len(lines) != 4 || lines[1] != "null" || lines[3] != "null" {
					t.Errorf("ndjson: %q", lines)
				}
			}
		})
	}
}

// recordedPlaylists are recorded /me/playlists pages, replayed up to their
// last item (--limit) so that no page after them is asked for.
var recordedPlaylists = []struct {
	file  string
	items int
}{
	{"zmb3-spotify/current_users_playlists.json", 5},
	{"zmb3-spotify/playlists_for_user.json", 7},                           // non-Latin names
	{"joostlek-python-spotify/current_user_playlist_1.json", 48},          // 2026: tracks and items
	{"joostlek-python-spotify/current_user_playlist_null_entry.json", 19}, // a null entry
}

// TestRunPlaylistsRecorded replays recorded /me/playlists pages: tsv matches
// the golden file, json is what Spotify sent.
func TestRunPlaylistsRecorded(t *testing.T) {
	var all strings.Builder
	for _, r := range recordedPlaylists {
		t.Run(r.file, func(t *testing.T) {
			e := cmdutiltest.WithToken(t, cmdutiltest.Options{Scopes: []string{"playlist-read-private"}})
			e.Fake.ServeRecorded("/v1/me/playlists", r.file)
			if err := runPlaylists(context.Background(), listOpts(e, "tsv", r.items)); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&all, "== %s\n%s", r.file, e.Out.String())
			if e.Err.Len() > 0 {
				fmt.Fprintf(&all, "stderr: %s", e.Err.String())
			}

			e.Out.Reset()
			if err := runPlaylists(context.Background(), listOpts(e, "json", r.items)); err != nil {
				t.Fatal(err)
			}
			raw, _ := spotifytest.Recorded(r.file)
			var page struct{ Items []json.RawMessage }
			if err := json.Unmarshal(raw, &page); err != nil {
				t.Fatal(err)
			}
			var got []json.RawMessage
			if err := json.Unmarshal(e.Out.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			if len(got) != len(page.Items) {
				t.Fatalf("%d objects, want %d", len(got), len(page.Items))
			}
			for i := range got {
				if !jsonEqual(t, got[i], page.Items[i]) {
					t.Errorf("object %d is not as Spotify sent it:\n%s\nwant\n%s", i, got[i], page.Items[i])
				}
			}
		})
	}
	golden.Assert(t, "playlists_recorded.tsv", all.String())
}

// jsonEqual compares two JSON texts, ignoring insignificant space.
func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return cmp.Equal(x, y)
}
