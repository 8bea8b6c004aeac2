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
			err := parse(t, NewPlaylistsCmd(&cmdutil.Factory{}, func(_ context.Context, o *playlistsOptions) error { got = o; return nil }), tt.args...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				wantCode(t, err, cmdutil.ExitUsage)
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
	wantCode(t, err, cmdutil.ExitLogin)
	if r.Out.Len() != 0 {
		t.Errorf("stdout %q", r.Out)
	}
}
