package playlists

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/cmd/cmdutil/cmdutiltest"
	"github.com/spotcli/spotcli/internal/spotifytest"
)

const (
	mineID  = "0MinePlaylist000000001"
	bobsID  = "0BobsPlaylist000000002"
	editAll = "playlist-modify-public playlist-modify-private playlist-read-private playlist-read-collaborative"
)

// env is cmdutiltest's fake with alice, who owns "Mine" (public, empty) and
// follows bob's "Bob's", and a catalog of ABBA tracks; every run gets a fresh
// Factory, as every process does.
type env struct {
	t      *testing.T
	fake   *spotifytest.Server
	vars   map[string]string
	tracks []string // the catalog's URIs, in order
	stdin  string
	out    bytes.Buffer
	errb   bytes.Buffer
}

func newEnv(t *testing.T, n int, scopes string) *env {
	t.Helper()
	s := cmdutiltest.WithToken(t, cmdutiltest.Options{DevMode: true, Scopes: strings.Fields(scopes)})
	fake := s.Fake
	fake.AddUser(spotifytest.User{ID: "bob", DisplayName: "Bob"})
	fake.AddPlaylists("alice", spotifytest.Playlist{ID: mineID, Name: "Mine", Public: true})
	fake.AddPlaylists("bob", spotifytest.Playlist{ID: bobsID, Name: "Bob's", Public: true})
	fake.AddPlaylists("alice", spotifytest.Playlist{ID: bobsID, Name: "Bob's", OwnerID: "bob", Public: true})
	e := &env{t: t, fake: fake}
	var ts []spotifytest.Track
	for i := range n {
		id := fmt.Sprintf("0Abba%017d", i)
		ts = append(ts, spotifytest.Track{ID: id, Name: fmt.Sprintf("Song %d", i), Artists: []string{"ABBA"}, Album: "Gold", DurationMS: 180_000})
		e.tracks = append(e.tracks, "spotify:track:"+id)
	}
	fake.AddTracks(ts...)
	e.vars = map[string]string{"SPOTCLI_ACCESS_TOKEN": s.Token, "SPOTCLI_CONFIG_DIR": t.TempDir(), "SPOTCLI_API_URL": fake.APIURL()}
	return e
}

// factory is a fresh Factory on the env's streams, as one run of spotcli.
func (e *env) factory() *cmdutil.Factory {
	e.out.Reset()
	e.errb.Reset()
	f := cmdutil.NewFactory(cmdutil.BuildInfo{Version: "dev"})
	f.In, f.Out, f.Err = strings.NewReader(e.stdin), &e.out, &e.errb
	f.Getenv = func(k string) string { return e.vars[k] }
	f.StdoutTTY = func() bool { return false }
	e.stdin = ""
	return f
}

func (e *env) lines(uris []string) string { return strings.Join(uris, "\n") + "\n" }

func (e *env) add(args []string, unique bool, position *int) error {
	return runAdd(context.Background(), &addOptions{f: e.factory(), Playlist: args[0], Items: args[1:], Unique: unique, Position: position})
}

func (e *env) writes() int {
	st := e.fake.Stats()
	return st.APIRequests["/v1/playlists/"+mineID+"/items"]
}

func TestAddBatches(t *testing.T) {
	for _, tt := range []struct {
		n, requests int
	}{
		{100, 2}, // the length, one POST
		{101, 3}, // the length, 100 + 1
	} {
		t.Run(fmt.Sprint(tt.n), func(t *testing.T) {
			e := newEnv(t, tt.n, editAll)
			e.stdin = e.lines(e.tracks)
			if err := e.add([]string{mineID}, false, nil); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(e.tracks, e.fake.PlaylistURIs(mineID)); diff != "" {
				t.Errorf("playlist (-want +got):\n%s", diff)
			}
			if got := e.writes(); got != tt.requests {
				t.Errorf("%d requests to the playlist, want %d", got, tt.requests)
			}
			if e.out.Len() != 0 || !strings.Contains(e.errb.String(), fmt.Sprintf("added %d items to %s", tt.n, mineID)) {
				t.Errorf("stdout %q, stderr %q", e.out.String(), e.errb.String())
			}
		})
	}
}

func TestAddPositionAndForms(t *testing.T) {
	e := newEnv(t, 6, editAll)
	if err := e.add([]string{"Mine", e.tracks[0], e.tracks[1]}, false, nil); err != nil {
		t.Fatal(err)
	}
	id := strings.TrimPrefix(e.tracks[2], "spotify:track:")
	pos := 1
	// A bare ID, a URL with ?si=, /intl-xx/ and /embed/.
	args := []string{"spotify:playlist:" + mineID, id, "https://open.spotify.com/track/" + strings.TrimPrefix(e.tracks[3], "spotify:track:") + "?si=abc",
		"https://open.spotify.com/intl-de/track/" + strings.TrimPrefix(e.tracks[4], "spotify:track:"),
		"https://open.spotify.com/embed/track/" + strings.TrimPrefix(e.tracks[5], "spotify:track:")}
	if err := e.add(args, false, &pos); err != nil {
		t.Fatal(err)
	}
	want := []string{e.tracks[0], e.tracks[2], e.tracks[3], e.tracks[4], e.tracks[5], e.tracks[1]}
	if diff := cmp.Diff(want, e.fake.PlaylistURIs(mineID)); diff != "" {
		t.Errorf("playlist (-want +got):\n%s", diff)
	}
	pos = 99
	err := e.add([]string{"Mine", e.tracks[0]}, false, &pos)
	var ue *cmdutil.UsageError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "--position 99 is past the end") {
		t.Errorf("position past the end: %v", err)
	}
}

func TestAddUniqueAcrossReruns(t *testing.T) {
	e := newEnv(t, 30, editAll)
	first := slices.Concat(e.tracks[:20], e.tracks[:5]) // repeats in the input
	e.stdin = e.lines(first)
	if err := e.add([]string{"Mine"}, true, nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(e.errb.String(), "added 20 items") || !strings.Contains(e.errb.String(), "skipped 5") {
		t.Errorf("stderr %q", e.errb.String())
	}
	e.stdin = e.lines(e.tracks)
	if err := e.add([]string{"Mine"}, true, nil); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(e.tracks, e.fake.PlaylistURIs(mineID)); diff != "" {
		t.Errorf("playlist (-want +got):\n%s", diff)
	}
}

func TestAddFailureThenRerun(t *testing.T) {
	e := newEnv(t, 1000, editAll)
	input := "# a thousand tracks\n" + e.lines(e.tracks)
	// The fifth write and every one after it fail: 400 items get in.
	e.fake.InjectFault(spotifytest.Fault{Path: "/v1/playlists/" + mineID + "/items", Method: spotifytest.AnyWrite, SkipFirst: 4, Status: 500})
	e.stdin = input
	err := e.add([]string{"Mine"}, false, nil)
	if err == nil {
		t.Fatal("the add succeeded")
	}
	for _, want := range []string{`added 400 of 1000 items to "Mine" (` + mineID + `)`, "the next is line 402", "--unique", "500"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if got := len(e.fake.PlaylistURIs(mineID)); got != 400 {
		t.Fatalf("%d items after the failure, want 400", got)
	}
	e.fake.ClearFaults()
	e.stdin = input
	if err := e.add([]string{"Mine"}, true, nil); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(e.tracks, e.fake.PlaylistURIs(mineID)); diff != "" {
		t.Errorf("playlist after the rerun (-want +got):\n%s", diff)
	}
}

func TestAddUnknownOutcome(t *testing.T) {
	e := newEnv(t, 250, editAll)
	e.fake.InjectFault(spotifytest.Fault{Path: "/v1/playlists/" + mineID + "/items", Method: "POST", SkipFirst: 1, Count: 1, ApplyThenReset: true})
	e.stdin = e.lines(e.tracks)
	if err := e.add([]string{mineID}, false, nil); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(e.tracks, e.fake.PlaylistURIs(mineID)); diff != "" {
		t.Errorf("playlist (-want +got):\n%s", diff)
	}
}

func TestAddBadLines(t *testing.T) {
	e := newEnv(t, 3, editAll)
	e.stdin = e.tracks[0] + "\nnot a track\n\n# fine\nspotify:album:4uLU6hMCjMI75M1A2tKUQC\n" + e.tracks[1] + "\n"
	err := e.add([]string{"Mine"}, false, nil)
	if err == nil || !strings.Contains(err.Error(), `line 2: "not a track" is not a Spotify item`) ||
		!strings.Contains(err.Error(), "line 5: \"spotify:album:4uLU6hMCjMI75M1A2tKUQC\" is an album") || !strings.Contains(err.Error(), "nothing was sent") {
		t.Fatalf("err = %v", err)
	}
	if n := len(e.fake.Stats().APIRequests); n != 0 {
		t.Errorf("requests were sent: %v", e.fake.Stats().APIRequests)
	}
	err = e.add([]string{"Mine", "nope"}, false, nil)
	var ue *cmdutil.UsageError
	if !errors.As(err, &ue) {
		t.Errorf("a bad argument: %v, want a usage error", err)
	}
}

func TestResolvePlaylist(t *testing.T) {
	e := newEnv(t, 1, editAll)
	e.fake.AddPlaylists("alice", spotifytest.Playlist{ID: "0Twin00000000000000001", Name: "Twin"}, spotifytest.Playlist{ID: "0Twin00000000000000002", Name: "Twin"})
	tests := []struct {
		arg, wantID, wantErr string
		usage                bool
	}{
		{arg: "Mine", wantID: mineID},
		{arg: mineID, wantID: mineID},
		{arg: "https://open.spotify.com/playlist/" + mineID + "?si=x", wantID: mineID},
		{arg: "Twin", usage: true, wantErr: "2 of your playlists are named \"Twin\": give the ID of the one you mean:\n  0Twin00000000000000001  Twin\n  0Twin00000000000000002  Twin"},
		{arg: "Bob's", wantErr: "the one in your library (" + bobsID + ") is bob's"},
		{arg: "Nothing", wantErr: `you have no playlist named "Nothing"`},
		{arg: "spotify:playlist:short", usage: true, wantErr: "is not a playlist"},
	}
	for _, tt := range tests {
		t.Run(tt.arg, func(t *testing.T) {
			client, _, err := e.factory().UserClient()
			if err != nil {
				t.Fatal(err)
			}
			got, err := resolvePlaylist(context.Background(), client, tt.arg)
			if tt.wantErr != "" {
				var ue *cmdutil.UsageError
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || errors.As(err, &ue) != tt.usage {
					t.Fatalf("err = %v, want %q (usage %v)", err, tt.wantErr, tt.usage)
				}
				return
			}
			if err != nil || got.ID != tt.wantID {
				t.Fatalf("got %+v, %v", got, err)
			}
		})
	}
}

func TestAddRefusals(t *testing.T) {
	e := newEnv(t, 1, editAll)
	err := e.add([]string{bobsID, e.tracks[0]}, false, nil)
	if err == nil || !strings.Contains(err.Error(), "Spotify answered 403") || !strings.Contains(err.Error(), "Spotify lets only its owner and its collaborators change it") {
		t.Errorf("someone else's playlist: %v", err)
	}
	err = e.add([]string{bobsID, e.tracks[0]}, true, nil)
	if err == nil || !strings.Contains(err.Error(), "read the items of only the playlists you own or collaborate on") {
		t.Errorf("--unique on someone else's playlist: %v", err)
	}
	e = newEnv(t, 1, "playlist-read-private")
	err = e.add([]string{mineID, e.tracks[0]}, false, nil)
	if err == nil || !strings.Contains(err.Error(), "needs the playlist-modify-public or playlist-modify-private scope") ||
		!strings.Contains(err.Error(), "spotcli login --add-scopes playlist-modify-public,playlist-modify-private") {
		t.Errorf("missing scope: %v", err)
	}
}

func TestRemoveAndDedupe(t *testing.T) {
	e := newEnv(t, 10, editAll)
	list := slices.Concat(e.tracks, e.tracks[2:5], e.tracks[:1], e.tracks[9:])
	e.stdin = e.lines(list)
	if err := e.add([]string{"Mine"}, false, nil); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := runDedupe(ctx, &dedupeOptions{f: e.factory(), Playlist: "Mine", DryRun: true}); err != nil {
		t.Fatal(err)
	}
	wantOut := ""
	for i, u := range list[10:] {
		wantOut += fmt.Sprintf("%d\t%s\tSong %d\tABBA\n", 11+i, u, slices.Index(e.tracks, u))
	}
	if diff := cmp.Diff(wantOut, e.out.String()); diff != "" {
		t.Errorf("dry run's stdout (-want +got):\n%s", diff)
	}
	if !strings.Contains(e.errb.String(), "would remove 5 repeated items of 15") {
		t.Errorf("stderr %q", e.errb.String())
	}
	if got := e.fake.PlaylistURIs(mineID); !slices.Equal(got, list) {
		t.Fatalf("the dry run changed the playlist: %v", got)
	}
	if err := runDedupe(ctx, &dedupeOptions{f: e.factory(), Playlist: "Mine"}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(e.tracks, e.fake.PlaylistURIs(mineID)); diff != "" {
		t.Errorf("after dedupe (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantOut, e.out.String()); diff != "" {
		t.Errorf("dedupe's stdout (-want +got):\n%s", diff)
	}

	e.stdin = e.lines(slices.Concat(e.tracks[:3], e.tracks[:1]))
	if err := runRemove(ctx, &removeOptions{f: e.factory(), Playlist: "Mine"}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(e.tracks[3:], e.fake.PlaylistURIs(mineID)); diff != "" {
		t.Errorf("after remove (-want +got):\n%s", diff)
	}
	if !strings.Contains(e.errb.String(), "removed every occurrence of 3 items") {
		t.Errorf("stderr %q", e.errb.String())
	}
}

func TestCreate(t *testing.T) {
	e := newEnv(t, 0, editAll)
	if err := runCreate(context.Background(), &createOptions{f: e.factory(), Name: "Road trip", Description: "d"}); err != nil {
		t.Fatal(err)
	}
	p, ok := e.fake.PlaylistByName("alice", "Road trip")
	if !ok || e.out.String() != p.ID+"\n" || p.Public || p.Description != "d" {
		t.Errorf("stdout %q, playlist %+v", e.out.String(), p)
	}
	e.fake.InjectFault(spotifytest.Fault{Path: "/v1/me/playlists", Method: "POST", ApplyThenReset: true, Count: 1})
	err := runCreate(context.Background(), &createOptions{f: e.factory(), Name: "Again"})
	if err == nil || !strings.Contains(err.Error(), "now holds a playlist of that name") || e.out.Len() != 0 {
		t.Errorf("unknown outcome: %v, stdout %q", err, e.out.String())
	}
	if n := e.fake.Stats().APIRequests["/v1/me/playlists"]; n != 3 { // create, create, the check
		t.Errorf("%d requests to /me/playlists, want 3", n)
	}
}

// exportFile writes a playlist file as spotcli export does.
func exportFile(t *testing.T, dir string, items []string) string {
	doc := map[string]any{
		"playlist": map[string]any{"id": "3cEYpjA9oz9GiPac4AsH4n", "name": "Exported", "description": "from a backup", "public": false},
		"items":    []any{},
	}
	var entries []any
	for _, it := range items {
		switch {
		case it == "null":
			entries = append(entries, map[string]any{"added_at": nil, "item": nil})
		case strings.HasPrefix(it, "spotify:local:"):
			entries = append(entries, map[string]any{"is_local": true, "item": map[string]any{"uri": it, "name": "My Demo", "is_local": true, "artists": []any{map[string]any{"name": "Me"}}}})
		default:
			entries = append(entries, map[string]any{"added_at": "2024-01-01T00:00:00Z", "item": map[string]any{"uri": it, "type": "track", "name": "x"}})
		}
	}
	doc["items"] = entries
	b, _ := json.Marshal(doc)
	file := filepath.Join(dir, "3cEYpjA9oz9GiPac4AsH4n.json")
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

func TestImportExportFile(t *testing.T) {
	e := newEnv(t, 150, editAll)
	items := slices.Concat(e.tracks[:70], []string{"null", "spotify:local:Me:Tapes:My+Demo:120"}, e.tracks[70:], e.tracks[:2])
	file := exportFile(t, t.TempDir(), items)
	ctx := context.Background()
	if err := runImport(ctx, &importOptions{f: e.factory(), File: file, Name: "Restored"}); err != nil {
		t.Fatal(err)
	}
	p, ok := e.fake.PlaylistByName("alice", "Restored")
	want := slices.Concat(e.tracks, e.tracks[:2])
	if !ok || e.out.String() != p.ID+"\n" || p.Description != "from a backup" || p.Public {
		t.Fatalf("stdout %q, playlist %+v", e.out.String(), p)
	}
	if diff := cmp.Diff(want, e.fake.PlaylistURIs(p.ID)); diff != "" {
		t.Errorf("imported (-want +got):\n%s", diff)
	}
	for _, w := range []string{"skipped entry 71: unavailable", `skipped entry 72: local file "My Demo" by Me`, "imported 152 items", "skipped 2"} {
		if !strings.Contains(e.errb.String(), w) {
			t.Errorf("stderr lacks %q:\n%s", w, e.errb.String())
		}
	}

	// An import that fails part way resumes with --into, doubling nothing.
	e.fake.InjectFault(spotifytest.Fault{Path: "/v1/playlists/" + mineID + "/items", Method: spotifytest.AnyWrite, SkipFirst: 1, Status: 403, Body: `{"error":{"status":403,"message":"Forbidden"}}`})
	err := runImport(ctx, &importOptions{f: e.factory(), File: file, Into: "Mine"})
	if err == nil || !strings.Contains(err.Error(), "added 100 of 152 items") || !strings.Contains(err.Error(), "the next is entry 103") || !strings.Contains(err.Error(), "--into "+mineID) {
		t.Fatalf("err = %v", err)
	}
	e.fake.ClearFaults()
	if err := runImport(ctx, &importOptions{f: e.factory(), File: file, Into: "Mine"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(e.errb.String(), "already holds 100 of the items: adding the other 52") {
		t.Errorf("stderr %q", e.errb.String())
	}
	if diff := cmp.Diff(want, e.fake.PlaylistURIs(mineID)); diff != "" {
		t.Errorf("resumed import (-want +got):\n%s", diff)
	}
}

func TestImportExportifyCSV(t *testing.T) {
	e := newEnv(t, 3, editAll)
	csv := "\ufeff\"Track URI\",\"Track Name\",\"Artist Name(s)\",\"Album Name\"\n" +
		"\"" + e.tracks[0] + "\",\"Song 0\",\"ABBA\",\"Gold\"\n" +
		"\"spotify:local:Me:Tapes:My+Demo:120\",\"My Demo\",\"Me\",\"Tapes\"\n" +
		"\"\",\"Gone, \"\"really\"\"\",\"Someone\",\"\"\n" +
		"\"" + e.tracks[2] + "\",\"Line\nbreak\",\"ABBA, Others\",\"Gold\"\n" +
		"\"" + e.tracks[1] + "\",\"Song 1\",\"ABBA\",\"Gold\"\n"
	file := filepath.Join(t.TempDir(), "abba_mix.csv")
	if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := runImport(context.Background(), &importOptions{f: e.factory(), File: file}); err != nil {
		t.Fatal(err)
	}
	p, ok := e.fake.PlaylistByName("alice", "abba_mix")
	if !ok {
		t.Fatalf("no playlist abba_mix; stderr %s", e.errb.String())
	}
	if diff := cmp.Diff([]string{e.tracks[0], e.tracks[2], e.tracks[1]}, e.fake.PlaylistURIs(p.ID)); diff != "" {
		t.Errorf("imported (-want +got):\n%s", diff)
	}
	for _, w := range []string{`skipped line 3: local file "My Demo" by Me`, `skipped line 4: "Gone, \"really\"" by Someone: unavailable`} {
		if !strings.Contains(e.errb.String(), w) {
			t.Errorf("stderr lacks %q:\n%s", w, e.errb.String())
		}
	}

	bad := filepath.Join(t.TempDir(), "bad.csv")
	_ = os.WriteFile(bad, []byte("Track URI\nspotify:track:"+strings.Repeat("x", 22)+"\nspotify:album:4uLU6hMCjMI75M1A2tKUQC\n"), 0o600)
	before := e.fake.Stats().APIRequests["/v1/me/playlists"]
	err := runImport(context.Background(), &importOptions{f: e.factory(), File: bad})
	if err == nil || !strings.Contains(err.Error(), "line 3: \"spotify:album:4uLU6hMCjMI75M1A2tKUQC\" is an album") {
		t.Errorf("bad CSV: %v", err)
	}
	if e.fake.Stats().APIRequests["/v1/me/playlists"] != before {
		t.Error("a playlist was created for a bad file")
	}
	dir := t.TempDir()
	if err := runImport(context.Background(), &importOptions{f: e.factory(), File: dir}); err == nil || !strings.Contains(err.Error(), "is a directory: give one playlist file of it, such as "+filepath.Join(dir, "playlists", "ID.json")) {
		t.Errorf("a directory: %v", err)
	}
	if err := runImport(context.Background(), &importOptions{f: e.factory(), File: filepath.Join(dir, "none.json")}); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("a missing file: %v", err)
	}
	noURI := filepath.Join(t.TempDir(), "x.csv")
	_ = os.WriteFile(noURI, []byte("Name,Artist\na,b\n"), 0o600)
	if err := runImport(context.Background(), &importOptions{f: e.factory(), File: noURI}); err == nil || !strings.Contains(err.Error(), `no "Track URI" column`) {
		t.Errorf("no URI column: %v", err)
	}
}

func TestEditFlags(t *testing.T) {
	f := cmdutil.NewFactory(cmdutil.BuildInfo{Version: "dev"})
	var got *addOptions
	c := newAddCmd(f, func(_ context.Context, o *addOptions) error { got = o; return nil })
	c.SetArgs([]string{"Road trip", "--position", "3", "--unique", "a", "b"})
	c.SetOut(&bytes.Buffer{})
	c.SetErr(&bytes.Buffer{})
	if err := c.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Playlist != "Road trip" || !slices.Equal(got.Items, []string{"a", "b"}) || got.Position == nil || *got.Position != 3 || !got.Unique {
		t.Errorf("options %+v", got)
	}
	for _, args := range [][]string{{"add"}, {"create"}, {"create", "a", "b"}, {"create", "x", "--public", "--collaborative"}, {"dedupe"}, {"import"}, {"import", "f", "--into", "x", "--name", "y"}, {"add", "x", "--position", "-1"}} {
		c := NewPlaylistsCmd(f, nil)
		c.SetArgs(args)
		c.SetOut(&bytes.Buffer{})
		c.SetErr(&bytes.Buffer{})
		c.SilenceErrors, c.SilenceUsage = true, true
		err := c.Execute()
		if cmdutil.ExitCode(context.Background(), err) != cmdutil.ExitUsage {
			t.Errorf("%v: %v, want a usage error", args, err)
		}
	}
}

// TestAddScopeHintStoredLogin: with a stored login, the hint for a missing
// scope names the scopes the endpoint needs and the login command that adds
// them.
func TestAddScopeHintStoredLogin(t *testing.T) {
	e := cmdutiltest.New(t)
	e.SeedFresh("default")
	e.Fake.AddPlaylists("alice", spotifytest.Playlist{ID: mineID, Name: "Mine", Public: true})
	e.Fake.AddTracks(spotifytest.Track{ID: "4uLU6hMCjMI75M1A2tKUQC", Name: "T"})
	r := e.Factory("")
	err := runAdd(context.Background(), &addOptions{f: r.F, Playlist: "Mine", Items: []string{"spotify:track:4uLU6hMCjMI75M1A2tKUQC"}})
	want := "hint: POST /playlists/" + mineID + "/items needs the playlist-modify-public or playlist-modify-private scope, which the login lacks: run spotcli login --add-scopes playlist-modify-public,playlist-modify-private"
	if err == nil || !strings.HasSuffix(err.Error(), want) {
		t.Errorf("err = %v\nwant the hint %s", err, want)
	}
	if n := len(e.Fake.PlaylistURIs(mineID)); n != 0 {
		t.Errorf("%d items added", n)
	}
}

// TestDedupeStopsHalfWay: when Spotify fails between removing the repeated
// items and putting their first copies back, the error gives the commands
// that put them back, and running them restores the deduplicated playlist.
func TestDedupeStopsHalfWay(t *testing.T) {
	e := newEnv(t, 6, editAll)
	list := slices.Concat(e.tracks, e.tracks[1:2], e.tracks[4:5])
	e.stdin = e.lines(list)
	if err := e.add([]string{"Mine"}, false, nil); err != nil {
		t.Fatal(err)
	}
	e.fake.InjectFault(spotifytest.Fault{Path: "/v1/playlists/" + mineID + "/items", Method: "POST", Status: 400,
		Body: `{"error":{"status":400,"message":"Bad request"}}`})
	err := runDedupe(context.Background(), &dedupeOptions{f: e.factory(), Playlist: "Mine"})
	if err == nil {
		t.Fatal("dedupe succeeded")
	}
	e.fake.ClearFaults()
	var cmds []string
	for _, line := range strings.Split(err.Error(), "\n") {
		if l := strings.TrimSpace(line); strings.HasPrefix(l, "spotcli playlists add ") {
			cmds = append(cmds, l)
		}
	}
	if len(cmds) != 2 || !strings.Contains(err.Error(), "2 removed items were not put back") {
		t.Fatalf("err = %v", err)
	}
	for _, c := range cmds {
		f := strings.Fields(c)
		pos := 0
		fmt.Sscan(f[5], &pos)
		if err := e.add(append([]string{f[3]}, f[6:]...), false, &pos); err != nil {
			t.Fatalf("%s: %v", c, err)
		}
	}
	if diff := cmp.Diff(e.tracks, e.fake.PlaylistURIs(mineID)); diff != "" {
		t.Errorf("after putting back (-want +got):\n%s", diff)
	}
}

// TestEmptyInput: a pipeline that found nothing adds nothing, and asks
// Spotify nothing.
func TestEmptyInput(t *testing.T) {
	e := newEnv(t, 1, editAll)
	e.stdin = "# nothing found\n\n"
	if err := e.add([]string{"Mine"}, true, nil); err != nil {
		t.Fatal(err)
	}
	if err := runRemove(context.Background(), &removeOptions{f: e.factory(), Playlist: "Mine"}); err != nil {
		t.Fatal(err)
	}
	if n := len(e.fake.Stats().APIRequests); n != 0 || !strings.Contains(e.errb.String(), "nothing to remove") {
		t.Errorf("requests %v, stderr %q", e.fake.Stats().APIRequests, e.errb.String())
	}
}
