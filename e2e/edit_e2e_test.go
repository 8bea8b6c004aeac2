package e2e

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/spotcli/spotcli/cmd/cmdutil/cmdutiltest"
	"github.com/spotcli/spotcli/internal/spotifytest"
	"github.com/spotcli/spotcli/internal/spotifytest/fixtures"
)

// editScopes are what the edit commands need.
var editScopes = append(slices.Clone(defaultScopes), "playlist-modify-public", "playlist-modify-private", "user-library-modify", "user-library-read", "user-read-currently-playing")

// loginEdit logs alice in with the edit scopes, to a development-mode app or
// the normal one, and gives the catalog n ABBA tracks (and two of someone
// else). It returns the ABBA tracks' URIs in search order.
func (h *harness) loginEdit(devMode bool, n int) []string {
	h.t.Helper()
	client := testClientID
	if devMode {
		client = testDevClientID
		h.fake.AddApp(spotifytest.App{ClientID: testDevClientID, Name: "spotcli e2e dev", RedirectURIs: []string{"http://127.0.0.1/callback"}, DevMode: true})
	}
	h.loginWith(client, editScopes)
	var ts []spotifytest.Track
	var uris []string
	for i := range n {
		id := fmt.Sprintf("0Abba%017d", i)
		ts = append(ts, spotifytest.Track{ID: id, Name: fmt.Sprintf("Song %d", i), Artists: []string{"ABBA"}, Album: "Gold", DurationMS: 200_000 + i})
		uris = append(uris, "spotify:track:"+id)
	}
	ts = append(ts, spotifytest.Track{ID: "0Other0000000000000001", Name: "Other", Artists: []string{"Someone"}},
		spotifytest.Track{ID: "0Other0000000000000002", Name: "Another", Artists: []string{"Someone"}})
	h.fake.AddTracks(ts...)
	return uris
}

// sh runs a shell pipeline of spotcli commands as a user types it; with
// pipefail, any command of the pipeline failing fails it.
func (h *harness) sh(want int, script string) result {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c := exec.CommandContext(ctx, "bash", "-o", "pipefail", "-c", script)
	c.Env = h.environ()
	c.Dir = h.dir
	var out, errb bytes.Buffer
	c.Stdout, c.Stderr = &out, &errb
	err := c.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		h.t.Fatalf("bash -c %q: %v", script, err)
	}
	r := result{stdout: out.String(), stderr: errb.String(), code: code}
	if code != want {
		h.t.Fatalf("%s: want exit %d, got %s", script, want, r)
	}
	return r
}

func lines(s string) []string {
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// TestEditRoundTrip: search → add → items → add --unique → dedupe → remove
// → import of an export file and of an Exportify CSV, through the binary and
// shell pipes, compared item by item, in a development-mode app (search
// pages of at most 10).
func TestEditRoundTrip(t *testing.T) {
	h := newHarness(t)
	abba := h.loginEdit(true, 60)

	id := strings.TrimSpace(h.mustRun(0, "", "playlists", "create", "ABBA mix").stdout)
	if p, ok := h.fake.PlaylistByName("alice", "ABBA mix"); !ok || p.ID != id || p.Public {
		t.Fatalf("create printed %q; the fake has %+v", id, p)
	}

	h.sh(0, `spotcli search 'artist:ABBA' -o uri --limit 30 | spotcli playlists add "ABBA mix"`)
	if diff := cmp.Diff(abba[:30], h.fake.PlaylistURIs(id)); diff != "" {
		t.Fatalf("after search | add (-want +got):\n%s", diff)
	}
	items := h.sh(0, `spotcli playlists items "ABBA mix" -o ndjson | jq -r .item.uri`)
	if diff := cmp.Diff(abba[:30], lines(items.stdout)); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}

	r := h.sh(0, `spotcli search 'artist:ABBA' -o uri --limit 40 | spotcli playlists add "ABBA mix" --unique`)
	if !strings.Contains(r.stderr, "added 10 items") || !strings.Contains(r.stderr, "skipped 30") || r.stdout != "" {
		t.Errorf("add --unique: %s", r)
	}
	h.sh(0, `spotcli search 'artist:ABBA' -o uri --limit 5 | spotcli playlists add "ABBA mix"`)
	if got := h.fake.PlaylistURIs(id); len(got) != 45 {
		t.Fatalf("%d items, want 45", len(got))
	}

	r = h.sh(0, `spotcli playlists dedupe "ABBA mix" --dry-run | cut -f1,2`)
	var want []string
	for i, u := range abba[:5] {
		want = append(want, fmt.Sprintf("%d\t%s", 41+i, u))
	}
	if diff := cmp.Diff(want, lines(r.stdout)); diff != "" {
		t.Errorf("dedupe --dry-run (-want +got):\n%s", diff)
	}
	r = h.mustRun(0, "", "playlists", "dedupe", id)
	if len(lines(r.stdout)) != 5 || !strings.Contains(r.stderr, "removed 5 repeated items of 45") {
		t.Errorf("dedupe: %s", r)
	}
	if diff := cmp.Diff(abba[:40], h.fake.PlaylistURIs(id)); diff != "" {
		t.Fatalf("after dedupe (-want +got):\n%s", diff)
	}

	h.sh(0, `spotcli search 'artist:ABBA' -o uri --limit 10 | spotcli playlists remove "spotify:playlist:`+id+`"`)
	if diff := cmp.Diff(abba[10:40], h.fake.PlaylistURIs(id)); diff != "" {
		t.Fatalf("after remove (-want +got):\n%s", diff)
	}

	// An export file as spotcli export writes it, from what items says.
	var entries []json.RawMessage
	if err := json.Unmarshal([]byte(h.mustRun(0, "", "playlists", "items", id, "-o", "json").stdout), &entries); err != nil {
		t.Fatal(err)
	}
	doc, _ := json.Marshal(map[string]any{"playlist": map[string]any{"id": id, "name": "ABBA mix", "description": "", "public": false}, "items": entries})
	if err := os.MkdirAll(filepath.Join(h.dir, "backup", "playlists"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(h.dir, "backup", "playlists", id+".json"), doc, 0o600); err != nil {
		t.Fatal(err)
	}
	restored := strings.TrimSpace(h.mustRun(0, "", "playlists", "import", "backup/playlists/"+id+".json", "--name", "Restored").stdout)
	if diff := cmp.Diff(h.fake.PlaylistURIs(id), h.fake.PlaylistURIs(restored)); diff != "" {
		t.Errorf("import of the export (-want +got):\n%s", diff)
	}

	// An Exportify CSV, from the tsv of items.
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write([]string{"Track URI", "Track Name", "Artist Name(s)", "Album Name", "Duration (ms)"})
	for _, row := range cmdutiltest.ParseItemsTSV(t, h.mustRun(0, "", "playlists", "items", id).stdout) {
		_ = w.Write([]string{"spotify:track:" + row.ID, row.Name, row.Artists, "Gold", "200000"})
	}
	w.Flush()
	if err := os.WriteFile(filepath.Join(h.dir, "abba_mix.csv"), b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	fromCSV := strings.TrimSpace(h.sh(0, `spotcli playlists import abba_mix.csv`).stdout)
	if p, _ := h.fake.PlaylistByName("alice", "abba_mix"); p.ID != fromCSV {
		t.Errorf("the CSV's playlist is %+v, import printed %q", p, fromCSV)
	}
	if diff := cmp.Diff(h.fake.PlaylistURIs(id), h.fake.PlaylistURIs(fromCSV)); diff != "" {
		t.Errorf("import of the CSV (-want +got):\n%s", diff)
	}
}

// TestEditFailureThenRerun: a 1,000-item add through a pipe fails for good
// in the middle; the error says how far it got, and the rerun with --unique
// finishes it without a duplicate. Then a write Spotify applies but never
// answers is not doubled.
func TestEditFailureThenRerun(t *testing.T) {
	h := newHarness(t)
	abba := h.loginEdit(false, 1000)
	h.fake.AddPlaylists("alice", spotifytest.Playlist{ID: "0Big000000000000000001", Name: "Big", Public: true})
	if err := os.WriteFile(filepath.Join(h.dir, "uris.txt"), []byte(strings.Join(abba, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	h.fake.InjectFault(spotifytest.Fault{Path: "/v1/playlists/0Big000000000000000001/items", Method: spotifytest.AnyWrite, SkipFirst: 6, Status: 503})
	r := h.sh(1, `cat uris.txt | spotcli playlists add Big`)
	if !strings.Contains(r.stderr, `added 600 of 1000 items to "Big" (0Big000000000000000001); the next is line 601`) || !strings.Contains(r.stderr, "--unique") {
		t.Errorf("the error does not say how far it got:\n%s", r)
	}
	h.fake.ClearFaults()
	h.sh(0, `spotcli playlists add Big --unique < uris.txt`)
	if diff := cmp.Diff(abba, h.fake.PlaylistURIs("0Big000000000000000001")); diff != "" {
		t.Errorf("after the rerun (-want +got):\n%s", diff)
	}

	h.fake.AddPlaylists("alice", spotifytest.Playlist{ID: "0Lost00000000000000000", Name: "Lost", Public: true})
	h.fake.InjectFault(spotifytest.Fault{Path: "/v1/playlists/0Lost00000000000000000/items", Method: "POST", SkipFirst: 2, Count: 1, ApplyThenReset: true})
	h.sh(0, `head -n 450 uris.txt | spotcli playlists add Lost`)
	if diff := cmp.Diff(abba[:450], h.fake.PlaylistURIs("0Lost00000000000000000")); diff != "" {
		t.Errorf("after the unknown outcome (-want +got):\n%s", diff)
	}

	r = h.sh(1, `printf '%s\nnot-a-track\n' "`+abba[0]+`" | spotcli playlists add Lost`)
	if !strings.Contains(r.stderr, `line 2: "not-a-track" is not a Spotify item`) || !strings.Contains(r.stderr, "nothing was sent") {
		t.Errorf("bad line: %s", r)
	}
}

// TestEditImportOfExport: what spotcli export writes, spotcli playlists
// import recreates: the JSON file and the CSV, in order, with the local
// file and the entry Spotify no longer has listed on stderr and skipped.
func TestEditImportOfExport(t *testing.T) {
	h := newHarness(t)
	h.loginEdit(false, 0)
	fixtures.AddMixed(h.fake)
	var want []string
	for _, u := range h.fake.PlaylistURIs(fixtures.MixedID) {
		if u != "" && !strings.HasPrefix(u, "spotify:local:") {
			want = append(want, u)
		}
	}
	h.mustRun(0, "", "export", "backup", "--only", "playlists", "--csv")
	for _, tt := range []struct{ file, name, unit string }{
		{"backup/playlists/" + fixtures.MixedID + ".json", "Restored", "entry"},
		{"backup/playlists/" + fixtures.MixedID + ".csv", "From CSV", "line"},
	} {
		r := h.mustRun(0, "", "playlists", "import", tt.file, "--name", tt.name)
		id := strings.TrimSpace(r.stdout)
		if diff := cmp.Diff(want, h.fake.PlaylistURIs(id)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.file, diff)
		}
		if !strings.Contains(r.stderr, "skipped "+tt.unit+" ") || !strings.Contains(r.stderr, `local file "My Demo"`) ||
			!strings.Contains(r.stderr, fmt.Sprintf("imported %d items into %q", len(want), tt.name)) {
			t.Errorf("%s: stderr:\n%s", tt.file, r.stderr)
		}
	}
}
