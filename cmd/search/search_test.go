package search

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/cobra"
	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/cmd/cmdutil/cmdutiltest"
	"github.com/spotcli/spotcli/internal/spotifytest"
)

func newFake(t *testing.T, devMode bool, n int) (*spotifytest.Server, map[string]string) {
	s := cmdutiltest.WithToken(t, cmdutiltest.Options{DevMode: devMode})
	var ts []spotifytest.Track
	for i := range n {
		ts = append(ts, spotifytest.Track{ID: fmt.Sprintf("0Abba%017d", i), Name: fmt.Sprintf("Song %d", i), Artists: []string{"ABBA", "Guest"}, Album: "Gold", DurationMS: 185_000})
	}
	ts = append(ts, spotifytest.Track{ID: "0Other0000000000000001", Name: "Other", Artists: []string{"Someone"}})
	s.Fake.AddTracks(ts...)
	return s.Fake, map[string]string{"SPOTCLI_ACCESS_TOKEN": s.Token, "SPOTCLI_CONFIG_DIR": t.TempDir(), "SPOTCLI_API_URL": s.Fake.APIURL()}
}

func run(t *testing.T, vars map[string]string, o *searchOptions) string {
	t.Helper()
	return runOn(t, vars, o, false)
}

// runOn is run with stdout a terminal when tty is set.
func runOn(t *testing.T, vars map[string]string, o *searchOptions, tty bool) string {
	t.Helper()
	var out, errb bytes.Buffer
	f := cmdutil.NewFactory(cmdutil.BuildInfo{Version: "dev"})
	f.In, f.Out, f.Err = strings.NewReader(""), &out, &errb
	f.Getenv = func(k string) string { return vars[k] }
	f.StdoutTTY = func() bool { return tty }
	o.f = f
	if o.Type == "" {
		o.Type = "track"
	}
	if err := runSearch(context.Background(), o); err != nil {
		t.Fatalf("%v: %s", err, errb.String())
	}
	return out.String()
}

// TestSearchLimits: a development-mode app is refused pages above 10 and
// gets its results in pages of 10; an app with extended quota in pages of
// up to 50. Neither needs a setting.
func TestSearchLimits(t *testing.T) {
	for _, tt := range []struct {
		dev            bool
		limit, results int
		requests       int
	}{
		{dev: true, limit: 30, results: 30, requests: 4}, // 50 refused, then 3 × 10
		{dev: true, limit: 10, results: 10, requests: 1},
		{dev: true, limit: 25, results: 25, requests: 4}, // refused, 10 + 10 + 5
		{dev: false, limit: 30, results: 30, requests: 1},
		{dev: false, limit: 120, results: 100, requests: 2}, // 50 + 50: there are 100
	} {
		t.Run(fmt.Sprintf("dev=%v,limit=%d", tt.dev, tt.limit), func(t *testing.T) {
			fake, vars := newFake(t, tt.dev, 100)
			out := run(t, vars, &searchOptions{Query: "artist:ABBA", Limit: tt.limit, Output: cmdutil.FormatURI})
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			if len(lines) != tt.results || lines[0] != "spotify:track:0Abba00000000000000000" {
				t.Errorf("%d results, want %d: %q", len(lines), tt.results, out)
			}
			if n := fake.Stats().APIRequests["/v1/search"]; n != tt.requests {
				t.Errorf("%d requests, want %d", n, tt.requests)
			}
		})
	}
}

func TestSearchFormats(t *testing.T) {
	_, vars := newFake(t, true, 2)
	got := run(t, vars, &searchOptions{Query: "abba", Limit: 5, Output: cmdutil.FormatTSV})
	want := "0Abba00000000000000000\tSong 0\tABBA, Guest\tGold\t3:05\tspotify:track:0Abba00000000000000000\n" +
		"0Abba00000000000000001\tSong 1\tABBA, Guest\tGold\t3:05\tspotify:track:0Abba00000000000000001\n"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tsv (-want +got):\n%s", diff)
	}
	got = run(t, vars, &searchOptions{Query: "abba", Limit: 5, Output: cmdutil.FormatNDJSON})
	if strings.Count(got, "\n") != 2 || !strings.Contains(got, `"type":"track"`) {
		t.Errorf("ndjson:\n%s", got)
	}
	got = run(t, vars, &searchOptions{Query: "abba", Limit: 5, Output: cmdutil.FormatTable})
	if !strings.HasPrefix(got, "NAME    ARTISTS      ALBUM  DURATION  ID\n") {
		t.Errorf("table:\n%s", got)
	}
	if got := run(t, vars, &searchOptions{Query: "abba", Type: "album", Output: cmdutil.FormatURI}); got != "" {
		t.Errorf("albums: %q", got)
	}
}

// TestSearchJSONOnATerminal: --json is indented when the Factory says stdout
// is a terminal and compact in a pipe, as every other --json.
func TestSearchJSONOnATerminal(t *testing.T) {
	_, vars := newFake(t, true, 2)
	for _, tty := range []bool{false, true} {
		got := runOn(t, vars, &searchOptions{Query: "abba", Limit: 5, Output: cmdutil.FormatJSON}, tty)
		indented := strings.Contains(got, "\n  ")
		if lines := strings.Count(got, "\n"); indented != tty || !tty && lines != 1 {
			t.Errorf("tty %v: %d lines, indented %v:\n%s", tty, lines, indented, got)
		}
	}
}

func TestSearchFlags(t *testing.T) {
	f := cmdutil.NewFactory(cmdutil.BuildInfo{Version: "dev"})
	var got *searchOptions
	c := NewSearchCmd(f, func(_ context.Context, o *searchOptions) error { got = o; return nil })
	c.SetArgs([]string{"artist:ABBA", "--type", "album", "--limit", "30", "-o", "uri"})
	if err := c.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Query != "artist:ABBA" || got.Type != "album" || got.Limit != 30 || got.Output != "uri" {
		t.Errorf("options %+v", got)
	}
	for _, args := range [][]string{{}, {"a", "b"}, {"x", "--type", "song"}, {"x", "--limit", "0"}, {"x", "--limit", "1001"}, {"x", "-o", "uri", "--json"}, {"x", "-o", "csv"}} {
		c := NewSearchCmd(f, func(context.Context, *searchOptions) error { return nil })
		c.SetArgs(args)
		c.SetOut(&bytes.Buffer{})
		c.SetErr(&bytes.Buffer{})
		c.SilenceErrors, c.SilenceUsage = true, true
		c.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &cmdutil.UsageError{Err: err} })
		if err := c.Execute(); cmdutil.ExitCode(context.Background(), err) != cmdutil.ExitUsage {
			t.Errorf("%v: %v, want a usage error", args, err)
		}
	}
}

func TestColumns(t *testing.T) {
	tests := []struct {
		kind, raw string
		tsv       []string
	}{
		{"album", `{"id":"a","name":"Gold","uri":"spotify:album:a","release_date":"1992","total_tracks":19,"artists":[{"name":"ABBA"}]}`, []string{"a", "Gold", "ABBA", "1992", "19", "spotify:album:a"}},
		{"artist", `{"id":"r","name":"ABBA","uri":"spotify:artist:r","genres":["pop","disco"]}`, []string{"r", "ABBA", "pop, disco", "spotify:artist:r"}},
		{"playlist", `{"id":"p","name":"Hits","uri":"spotify:playlist:p","owner":{"id":"bob"},"items":{"total":7}}`, []string{"p", "Hits", "bob", "7", "spotify:playlist:p"}},
		{"playlist", `{"id":"p","name":"Hits","uri":"spotify:playlist:p","owner":{"id":"bob"},"tracks":{"href":"x"}}`, []string{"p", "Hits", "bob", "", "spotify:playlist:p"}},
		{"show", `{"id":"s","name":"Pod","uri":"spotify:show:s","publisher":"Me"}`, []string{"s", "Pod", "Me", "spotify:show:s"}},
		{"episode", `{"id":"e","name":"Ep 1","uri":"spotify:episode:e","release_date":"2024-01-01","duration_ms":61000}`, []string{"e", "Ep 1", "2024-01-01", "1:01", "spotify:episode:e"}},
		{"track", `{"id":"t","name":"SOS","uri":"spotify:track:t","artists":[{"name":"ABBA"}],"album":{"name":"Gold"},"duration_ms":200000}`, []string{"t", "SOS", "ABBA", "Gold", "3:20", "spotify:track:t"}},
	}
	for _, tt := range tests {
		uri, tsv, _, ok, err := columns(tt.kind, []byte(tt.raw))
		if err != nil || !ok || uri != tt.tsv[len(tt.tsv)-1] {
			t.Errorf("%s: %q %v %v", tt.kind, uri, ok, err)
		}
		if diff := cmp.Diff(tt.tsv, tsv); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.kind, diff)
		}
	}
	for _, kind := range Types {
		if _, _, _, ok, err := columns(kind, []byte("null")); ok || err != nil {
			t.Errorf("%s: a null result: %v %v", kind, ok, err)
		}
	}
	if _, _, _, _, err := columns("album", []byte(`{"name":1}`)); err == nil {
		t.Error("a bad album decoded")
	}
}
