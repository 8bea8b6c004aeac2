package export

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gofrs/flock"
	"github.com/google/go-cmp/cmp"
	"github.com/spotcli/spotcli/internal/api"
	"github.com/spotcli/spotcli/internal/spotifytest"
)

const clientID = "exportclient0000000000000000000"

var scopes = []string{"playlist-read-private", "playlist-read-collaborative", "user-library-read", "user-follow-read"}

type harness struct {
	t     *testing.T
	fake  *spotifytest.Server
	token string
	dir   string
	ids   []string // alice's generated playlists, in order
	// inflight and peak count requests under the budget.
	inflight, peak atomic.Int64
	jitter         time.Duration
}

// newHarness gives alice (of a development-mode app) n playlists of
// 0, 7, 14... generated entries, 120 Liked Songs, 3 albums, 2 shows, 4
// episodes and 60 followed artists.
func newHarness(t *testing.T, n int) *harness {
	t.Helper()
	fake := spotifytest.New(spotifytest.Config{})
	t.Cleanup(fake.Close)
	fake.AddApp(spotifytest.App{ClientID: clientID, RedirectURIs: []string{"http://127.0.0.1/cb"}, DevMode: true})
	fake.AddUser(spotifytest.User{ID: "alice", DisplayName: "Alice"})
	fake.AddUser(spotifytest.User{ID: "bob", DisplayName: "Bob"})
	h := &harness{t: t, fake: fake, dir: filepath.Join(t.TempDir(), "backup")}
	for i := range n {
		id := fmt.Sprintf("0AlicePlaylist%08d", i)
		fake.AddPlaylists("alice", spotifytest.Playlist{ID: id, Name: fmt.Sprintf("Mix %d", i), Public: true})
		fake.GeneratePlaylistItems(id, i*37%160)
		h.ids = append(h.ids, id)
	}
	fake.GenerateLikedSongs("alice", 120)
	fake.GenerateSavedAlbums("alice", 3)
	fake.GenerateSavedShows("alice", 2)
	fake.GenerateSavedEpisodes("alice", 4)
	fake.GenerateFollowedArtists("alice", 60)
	h.token, _ = fake.IssueTokens(clientID, "alice", scopes, spotifytest.FlowPKCE, time.Now())
	return h
}

// client is a fresh client of the fake, as every spotcli run has.
func (h *harness) client() *api.Client {
	return &api.Client{
		BaseURL: h.fake.APIURL(),
		HTTP:    &http.Client{Transport: &probe{h: h, base: http.DefaultTransport}},
		Tokens:  fixedToken(h.token),
		MaxWait: time.Minute,
		Timeout: 10 * time.Second,
		Backoff: func(int) time.Duration { return time.Millisecond },
	}
}

// probe sits under the budget: it counts requests in flight and delays each
// answer by a random part of jitter, so that pages complete out of order.
type probe struct {
	h    *harness
	base http.RoundTripper
}

func (p *probe) RoundTrip(req *http.Request) (*http.Response, error) {
	n := p.h.inflight.Add(1)
	defer p.h.inflight.Add(-1)
	for {
		old := p.h.peak.Load()
		if n <= old || p.h.peak.CompareAndSwap(old, n) {
			break
		}
	}
	resp, err := p.base.RoundTrip(req)
	if p.h.jitter > 0 {
		time.Sleep(time.Duration(rand.Int64N(int64(p.h.jitter))))
	}
	return resp, err
}

type fixedToken string

func (f fixedToken) AccessToken(context.Context) (string, error) { return string(f), nil }
func (f fixedToken) Renew(context.Context, string) (string, bool, error) {
	return "", false, nil
}

func (h *harness) run(o Options) (*Summary, error) {
	h.t.Helper()
	o.Dir = h.dir
	if o.Now == nil {
		o.Now = func() time.Time { return time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC) }
	}
	return Run(context.Background(), h.client(), o)
}

func (h *harness) mustRun(o Options) *Summary {
	h.t.Helper()
	s, err := h.run(o)
	if err != nil {
		h.t.Fatalf("export: %v", err)
	}
	return s
}

func (h *harness) manifest() *Manifest {
	h.t.Helper()
	m, err := readManifest(h.dir)
	if err != nil || m == nil {
		h.t.Fatalf("manifest: %v", err)
	}
	return m
}

type playlistFile struct {
	Playlist struct {
		ID, Name   string
		SnapshotID string `json:"snapshot_id"`
		Items      *struct{ Total int }
	}
	Items []struct {
		Item *struct{ Name string }
	}
}

func (h *harness) playlistFile(id string) playlistFile {
	h.t.Helper()
	b, err := os.ReadFile(filepath.Join(h.dir, "playlists", id+".json"))
	if err != nil {
		h.t.Fatal(err)
	}
	var f playlistFile
	if err := json.Unmarshal(b, &f); err != nil {
		h.t.Fatalf("%s: %v", id, err)
	}
	return f
}

// checkComplete checks every playlist file against what the fake holds: all
// entries, in order, and the manifest's counts.
func (h *harness) checkComplete(ids []string) {
	h.t.Helper()
	m := h.manifest()
	byID := map[string]PlaylistRecord{}
	for _, p := range m.Playlists {
		byID[p.ID] = p
	}
	for _, id := range ids {
		f := h.playlistFile(id)
		want := f.Playlist.Items.Total
		if len(f.Items) != want {
			h.t.Errorf("%s: %d entries, want %d", id, len(f.Items), want)
		}
		for i, it := range f.Items {
			if name := fmt.Sprintf("Track %04d", i+1); it.Item == nil || it.Item.Name != name {
				h.t.Errorf("%s: entry %d is %+v, want %s", id, i, it.Item, name)
				break
			}
		}
		if p := byID[id]; p.Items != want || p.Status != StatusOK || p.File != filepath.Join("playlists", id+".json") || p.SnapshotID != f.Playlist.SnapshotID {
			h.t.Errorf("manifest entry %+v, want %d items, ok", p, want)
		}
	}
}

func TestExportOrderAndCompleteness(t *testing.T) {
	h := newHarness(t, 30)
	h.jitter = 3 * time.Millisecond
	s := h.mustRun(Options{Concurrency: 4})
	h.checkComplete(h.ids)
	if peak := h.peak.Load(); peak > 4 {
		t.Errorf("%d requests in flight at once, the budget is 4", peak)
	}
	if s.Fetched != 30 || s.Playlists != 30 || s.Unchanged != 0 || s.Skipped != 0 {
		t.Errorf("summary %+v", s)
	}
	m := h.manifest()
	if m.Version != Version || m.User != (User{ID: "alice", DisplayName: "Alice"}) || m.ExportedAt != "2026-12-01T10:00:00Z" {
		t.Errorf("manifest header: %+v", m)
	}
	for i, p := range m.Playlists {
		if p.ID != h.ids[i] {
			t.Fatalf("manifest playlist %d is %s, want %s: not the account's order", i, p.ID, h.ids[i])
		}
	}
	wantLib := map[string]int{"tracks": 120, "albums": 3, "shows": 2, "episodes": 4, "artists": 60}
	for kind, n := range wantLib {
		e := m.Library[kind]
		if e.Items != n || e.File != filepath.Join("library", kind+".json") {
			t.Errorf("library %s: %+v, want %d items", kind, e, n)
		}
	}
	// Liked Songs newest first, as Spotify sent them.
	var lib struct {
		Items []struct {
			AddedAt string `json:"added_at"`
			Track   struct {
				Name        string
				ExternalIDs struct{ ISRC string } `json:"external_ids"`
			}
		}
	}
	b, _ := os.ReadFile(filepath.Join(h.dir, "library", "tracks.json"))
	if err := json.Unmarshal(b, &lib); err != nil {
		t.Fatal(err)
	}
	for i, it := range lib.Items {
		if want := fmt.Sprintf("Liked %05d", 120-i); it.Track.Name != want || it.Track.ExternalIDs.ISRC == "" || it.AddedAt == "" {
			t.Fatalf("liked song %d: %+v, want %s with an ISRC and added_at", i, it, want)
		}
	}
	var artists struct{ Items []struct{ Name string } }
	b, _ = os.ReadFile(filepath.Join(h.dir, "library", "artists.json"))
	if err := json.Unmarshal(b, &artists); err != nil || len(artists.Items) != 60 || artists.Items[59].Name != "Followed Artist 0060" {
		t.Errorf("artists: %v, %d items", err, len(artists.Items))
	}
	if left, _ := filepath.Glob(filepath.Join(h.dir, "*", tempPrefix+"*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// entryRequests counts the requests for playlist entries, by playlist.
func entryRequests(st spotifytest.Stats) map[string]int {
	out := map[string]int{}
	for path, n := range st.APIRequests {
		if id, ok := strings.CutPrefix(path, "/v1/playlists/"); ok {
			out[strings.TrimSuffix(id, "/items")] += n
		}
	}
	return out
}

func TestExportIncremental(t *testing.T) {
	h := newHarness(t, 12)
	h.mustRun(Options{})
	before := h.manifest()

	t.Run("unchanged", func(t *testing.T) {
		h.fake.ResetStats()
		s := h.mustRun(Options{})
		st := h.fake.Stats()
		if got := entryRequests(st); len(got) != 0 {
			t.Errorf("entry requests for an unchanged backup: %v", got)
		}
		for _, p := range []string{"/v1/me/tracks", "/v1/me/albums", "/v1/me/shows", "/v1/me/episodes"} {
			if st.APIRequests[p] != 1 {
				t.Errorf("%s: %d requests, want 1 (the first page, unchanged)", p, st.APIRequests[p])
			}
		}
		if s.Unchanged != 12 || s.Fetched != 0 {
			t.Errorf("summary %+v", s)
		}
		after := h.manifest()
		if diff := cmp.Diff(before.Playlists, after.Playlists); diff != "" {
			t.Errorf("manifest changed (-before +after):\n%s", diff)
		}
		if diff := cmp.Diff(before.Library, after.Library); diff != "" {
			t.Errorf("library changed (-before +after):\n%s", diff)
		}
	})

	t.Run("one changed, one removed, one added, a song liked", func(t *testing.T) {
		changed, removed := h.ids[5], h.ids[7]
		h.fake.GeneratePlaylistItems(changed, 3)
		h.fake.RemovePlaylist("alice", removed)
		added := "0AddedPlaylist00000001"
		h.fake.AddPlaylists("alice", spotifytest.Playlist{ID: added, Name: "New", Public: true})
		h.fake.GeneratePlaylistItems(added, 75)
		h.fake.GenerateLikedSongs("alice", 1)
		h.fake.ResetStats()
		removedFile, _ := os.ReadFile(filepath.Join(h.dir, "playlists", removed+".json"))

		s := h.mustRun(Options{Now: func() time.Time { return time.Date(2026, 12, 24, 8, 0, 0, 0, time.UTC) }})
		got := entryRequests(h.fake.Stats())
		want := map[string]int{changed: (h.playlistFile(changed).Playlist.Items.Total + 49) / 50, added: 2}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("entry requests (-want +got):\n%s", diff)
		}
		if s.Fetched != 2 || s.Unchanged != 10 || s.Removed != 1 {
			t.Errorf("summary %+v", s)
		}
		ids := slices.DeleteFunc(slices.Clone(h.ids), func(id string) bool { return id == removed })
		h.checkComplete(append(ids, added))
		m := h.manifest()
		last := m.Playlists[len(m.Playlists)-1]
		if last.ID != removed || last.Status != StatusRemoved || last.RemovedAt != "2026-12-24" || last.File == "" {
			t.Errorf("removed playlist: %+v", last)
		}
		if b, _ := os.ReadFile(filepath.Join(h.dir, "playlists", removed+".json")); string(b) != string(removedFile) {
			t.Errorf("the removed playlist's file changed")
		}
		if m.Library["tracks"].Items != 121 {
			t.Errorf("tracks: %+v", m.Library["tracks"])
		}

		// Still removed a run later, with the date it went.
		h.mustRun(Options{})
		m = h.manifest()
		if last := m.Playlists[len(m.Playlists)-1]; last.RemovedAt != "2026-12-24" {
			t.Errorf("removed_at became %q", last.RemovedAt)
		}
	})
}

func TestExportSkipsForbiddenPlaylists(t *testing.T) {
	h := newHarness(t, 2)
	bobs := "0BobsPlaylist000000001"
	h.fake.AddPlaylists("bob", spotifytest.Playlist{ID: bobs, Name: "Bob's", Public: true})
	h.fake.GeneratePlaylistItems(bobs, 10)
	h.fake.AddPlaylists("alice", spotifytest.Playlist{ID: bobs, Name: "Bob's", OwnerID: "bob", Public: true})
	var warned []string
	s := h.mustRun(Options{Warn: func(m string) { warned = append(warned, m) }})
	if s.Skipped != 1 || s.Fetched != 2 {
		t.Errorf("summary %+v", s)
	}
	m := h.manifest()
	p := m.Playlists[2]
	if p.ID != bobs || p.Status != StatusSkipped || !strings.Contains(p.Reason, "403") || p.File != "" {
		t.Errorf("skipped playlist: %+v", p)
	}
	if _, err := os.Stat(filepath.Join(h.dir, "playlists", bobs+".json")); err == nil {
		t.Errorf("a file for a skipped playlist")
	}
	// Skipped again without asking, while its snapshot stays.
	h.fake.ResetStats()
	h.mustRun(Options{})
	if got := entryRequests(h.fake.Stats()); len(got) != 0 {
		t.Errorf("entry requests: %v", got)
	}
}

func TestExportResumesAfterInterruption(t *testing.T) {
	for round := range 3 {
		t.Run(fmt.Sprint(round), func(t *testing.T) {
			h := newHarness(t, 25)
			h.jitter = 2 * time.Millisecond
			ctx, cancel := context.WithCancel(context.Background())
			stopAt := 3 + rand.IntN(15)
			_, err := Run(ctx, h.client(), Options{Dir: h.dir, Concurrency: 4, Progress: func(p Progress) {
				if p.PlaylistsDone >= stopAt {
					cancel()
				}
			}})
			cancel()
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("interrupted run: %v", err)
			}
			if _, err := os.Stat(filepath.Join(h.dir, manifestName)); err == nil {
				t.Fatalf("an interrupted first run wrote a manifest")
			}
			// What the interrupted run completed is in its files.
			complete := map[string]bool{}
			for _, id := range h.ids {
				if _, err := os.Stat(filepath.Join(h.dir, "playlists", id+".json")); err == nil {
					complete[id] = true
				}
			}
			h.fake.ResetStats()
			s := h.mustRun(Options{})
			for id := range entryRequests(h.fake.Stats()) {
				if complete[id] {
					t.Errorf("%s was complete and was fetched again", id)
				}
			}
			if s.Unchanged != len(complete) {
				t.Errorf("summary %+v, %d complete", s, len(complete))
			}
			h.checkComplete(h.ids)
		})
	}
}

// faultyFS fails every write once `after` bytes were written (a full disk),
// or refuses every file (a read-only one).
type faultyFS struct {
	OSFS
	readOnly bool
	after    int64
	written  atomic.Int64
}

func (f *faultyFS) CreateTemp(dir, pattern string) (File, error) {
	if f.readOnly {
		return nil, &fs.PathError{Op: "open", Path: filepath.Join(dir, pattern), Err: syscall.EROFS}
	}
	file, err := f.OSFS.CreateTemp(dir, pattern)
	if err != nil {
		return nil, err
	}
	return &faultyFile{File: file, fs: f}, nil
}

func (f *faultyFS) MkdirAll(path string, perm fs.FileMode) error {
	if _, err := os.Stat(path); err != nil && f.readOnly {
		return &fs.PathError{Op: "mkdir", Path: path, Err: syscall.EROFS}
	}
	return f.OSFS.MkdirAll(path, perm)
}

type faultyFile struct {
	File
	fs *faultyFS
}

func (f *faultyFile) Write(p []byte) (int, error) {
	if f.fs.written.Add(int64(len(p))) > f.fs.after {
		return 0, &fs.PathError{Op: "write", Path: f.Name(), Err: syscall.ENOSPC}
	}
	return f.File.Write(p)
}

// snapshot reads every file of DIR.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		out[strings.TrimPrefix(path, dir)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestExportFullOrReadOnlyDir(t *testing.T) {
	h := newHarness(t, 6)
	h.mustRun(Options{CSV: true})
	h.fake.GeneratePlaylistItems(h.ids[3], 60)
	h.fake.GenerateLikedSongs("alice", 70)
	before := snapshot(t, h.dir)

	t.Run("full", func(t *testing.T) {
		_, err := h.run(Options{CSV: true, FS: &faultyFS{after: 20_000}})
		var we *WriteError
		if !errors.As(err, &we) || !strings.Contains(err.Error(), "no space left on device: free some space and run again (the previous backup there is intact)") {
			t.Fatalf("err = %v", err)
		}
		if diff := cmp.Diff(before, snapshot(t, h.dir)); diff != "" {
			t.Errorf("the backup changed (-before +after):\n%s", diff)
		}
	})
	t.Run("read-only", func(t *testing.T) {
		h.fake.ResetStats()
		_, err := h.run(Options{FS: &faultyFS{readOnly: true}})
		if err == nil || !strings.Contains(err.Error(), "read-only file system: choose a directory you can write to") {
			t.Fatalf("err = %v", err)
		}
		if n := len(h.fake.Stats().APIRequests); n != 0 {
			t.Errorf("%d requests before finding DIR read-only", n)
		}
		if diff := cmp.Diff(before, snapshot(t, h.dir)); diff != "" {
			t.Errorf("the backup changed (-before +after):\n%s", diff)
		}
	})
	t.Run("not a backup", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, manifestName), []byte(`{"name":"something else"}`), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Run(context.Background(), h.client(), Options{Dir: dir})
		if err == nil || !strings.Contains(err.Error(), "is not a spotcli export manifest") {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestExportOnly(t *testing.T) {
	h := newHarness(t, 3)
	h.mustRun(Options{})
	h.fake.RemovePlaylist("alice", h.ids[0])
	h.fake.ResetStats()
	h.mustRun(Options{Only: []string{"tracks"}})
	st := h.fake.Stats()
	if st.APIRequests["/v1/me/playlists"] != 0 || st.APIRequests["/v1/me/albums"] != 0 {
		t.Errorf("requests outside --only: %v", st.APIRequests)
	}
	m := h.manifest()
	if len(m.Playlists) != 3 || m.Playlists[0].Status != StatusOK || len(m.Library) != 5 {
		t.Errorf("--only tracks changed what it did not export: %+v", m)
	}
	if _, err := h.run(Options{Only: []string{"podcasts"}}); err == nil || !strings.Contains(err.Error(), `unknown part "podcasts"`) {
		t.Errorf("err = %v", err)
	}
}

func TestExportUnderRateWindow(t *testing.T) {
	h := newHarness(t, 10)
	h.fake.SetRateWindow(spotifytest.RateWindow{Requests: 15, Per: time.Second})
	s := h.mustRun(Options{})
	st := h.fake.Stats()
	if st.DuringRetryAfter != 0 {
		t.Errorf("%d requests inside a Retry-After", st.DuringRetryAfter)
	}
	h.checkComplete(h.ids)
	if s.Requests <= 15 {
		t.Errorf("only %d requests: the window was never hit", s.Requests)
	}
}

func TestCSV(t *testing.T) {
	h := newHarness(t, 0)
	id := "0TrickyPlaylist0000001"
	h.fake.AddPlaylists("alice", spotifytest.Playlist{ID: id, Name: "Tricky", Public: true})
	h.fake.AddPlaylistItems(id,
		spotifytest.PlaylistItem{Track: &spotifytest.Track{Name: `Say "Hi", then go`, Artists: []string{"Crosby, Stills & Nash", "Ünïcødé"}, Album: "Line\nbreak", DurationMS: 1000}, AddedAt: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)},
		spotifytest.PlaylistItem{Track: nil},
		spotifytest.PlaylistItem{Track: &spotifytest.Track{Name: "東京", Artists: []string{"アーティスト"}, Album: "アルバム", DurationMS: 2000}},
		spotifytest.PlaylistItem{Track: &spotifytest.Track{Name: "Episode 1", Show: "A Show", Episode: true, DurationMS: 3000}},
	)
	h.mustRun(Options{CSV: true})
	b, err := os.ReadFile(filepath.Join(h.dir, "playlists", id+".csv"))
	if err != nil {
		t.Fatal(err)
	}
	header := `"Track URI","Track Name","Artist URI(s)","Artist Name(s)","Album URI","Album Name","Album Artist URI(s)","Album Artist Name(s)","Album Release Date","Album Image URL","Disc Number","Track Number","Track Duration (ms)","Explicit","ISRC","Added By","Added At"` + "\n"
	if !strings.HasPrefix(string(b), header) {
		t.Fatalf("header:\n%s", strings.SplitN(string(b), "\n", 2)[0])
	}
	rows, err := csv.NewReader(strings.NewReader(string(b))).ReadAll()
	if err != nil {
		t.Fatalf("not valid CSV: %v", err)
	}
	if len(rows) != 4 { // header, 3 entries: the null one has no row
		t.Fatalf("%d rows: %q", len(rows), rows)
	}
	first := rows[1]
	if first[1] != `Say "Hi", then go` || first[3] != `Crosby\, Stills & Nash, Ünïcødé` || first[5] != "Line\nbreak" ||
		first[12] != "1000" || first[16] != "2025-01-02T03:04:05Z" || first[15] != "spotify:user:alice" || len(first[14]) != 12 {
		t.Errorf("first row %q", first)
	}
	if rows[2][1] != "東京" || rows[2][3] != "アーティスト" {
		t.Errorf("second row %q", rows[2])
	}
	if !strings.HasPrefix(rows[3][0], "spotify:episode:") || rows[3][12] != "3000" {
		t.Errorf("episode row %q", rows[3])
	}
	for kind, cols := range map[string][]string{"tracks": TrackColumns, "albums": AlbumColumns, "shows": ShowColumns, "episodes": EpisodeColumns, "artists": ArtistColumns} {
		f, err := os.Open(filepath.Join(h.dir, "library", kind+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil || len(rows) < 2 {
			t.Fatalf("%s: %v, %d rows", kind, err, len(rows))
		}
		if diff := cmp.Diff(cols, rows[0]); diff != "" {
			t.Errorf("%s header (-want +got):\n%s", kind, diff)
		}
		for _, r := range rows[1:] {
			if r[0] == "" || r[1] == "" {
				t.Errorf("%s: row without URI or name: %q", kind, r)
			}
		}
	}
	// --csv on a backup made without it writes the CSVs from the files,
	// without a request for entries.
	os.Remove(filepath.Join(h.dir, "playlists", id+".csv"))
	h.fake.ResetStats()
	h.mustRun(Options{CSV: true})
	if got := entryRequests(h.fake.Stats()); len(got) != 0 {
		t.Errorf("entry requests: %v", got)
	}
	if again, _ := os.ReadFile(filepath.Join(h.dir, "playlists", id+".csv")); string(again) != string(b) {
		t.Errorf("the CSV written from the file differs")
	}
}

// TestExportConcurrentRuns is a sanity check of the shared state under
// -race: two exports, each of its own fake and DIR, at once, both complete.
func TestExportConcurrentRuns(t *testing.T) {
	var wg sync.WaitGroup
	hs := []*harness{newHarness(t, 5), newHarness(t, 5)}
	errs := make([]error, len(hs))
	for i, h := range hs {
		wg.Go(func() { _, errs[i] = h.run(Options{Concurrency: 3}) }) // t.Fatal only on the test's goroutine
	}
	wg.Wait()
	for i, h := range hs {
		if errs[i] != nil {
			t.Fatalf("export %d: %v", i, errs[i])
		}
		h.checkComplete(h.ids)
	}
}

// TestExportNullsAndFailures: a playlist listed as null is left out with a
// warning; one whose entries fail after the retries is reported, the rest is
// written with the manifest, and the next run fetches only it.
func TestExportNullsAndFailures(t *testing.T) {
	h := newHarness(t, 4)
	h.fake.AddPlaylists("alice", spotifytest.Playlist{Null: true})
	broken := h.ids[2]
	h.fake.InjectFault(spotifytest.Fault{Path: "/v1/playlists/" + broken + "/items", Status: 500})
	var warned []string
	s, err := h.run(Options{Warn: func(m string) { warned = append(warned, m) }})
	var fe *FailedError
	if !errors.As(err, &fe) || len(fe.Failures) != 1 || !strings.Contains(err.Error(), "1 part of the export could not be fetched: playlist "+broken) {
		t.Fatalf("err = %v", err)
	}
	if s.Failed != 1 || s.Fetched != 3 {
		t.Errorf("summary %+v", s)
	}
	if !slices.Contains(warned, "1 playlist that Spotify lists as null (deleted or unavailable) left out") {
		t.Errorf("warnings %q", warned)
	}
	m := h.manifest()
	if len(m.Playlists) != 3 {
		t.Errorf("manifest playlists: %+v", m.Playlists)
	}
	h.fake.ClearFaults()
	h.fake.ResetStats()
	h.mustRun(Options{})
	if diff := cmp.Diff(map[string]int{broken: (h.playlistFile(broken).Playlist.Items.Total + 49) / 50}, entryRequests(h.fake.Stats())); diff != "" {
		t.Errorf("entry requests of the rerun (-want +got):\n%s", diff)
	}
	h.checkComplete(h.ids)
}

func TestExportRefusesASecondExportIntoTheSameDir(t *testing.T) {
	h := newHarness(t, 2)
	h.mustRun(Options{})
	lock := flock.New(filepath.Join(h.dir, lockName))
	if ok, err := lock.TryLock(); !ok || err != nil {
		t.Fatalf("lock: %v %v", ok, err)
	}
	before := snapshot(t, h.dir)
	_, err := h.run(Options{})
	if err == nil || !strings.Contains(err.Error(), "another spotcli export is writing to "+h.dir) {
		t.Errorf("err = %v", err)
	}
	if diff := cmp.Diff(before, snapshot(t, h.dir)); diff != "" {
		t.Errorf("the backup changed (-before +after):\n%s", diff)
	}
	_ = lock.Unlock()
	h.mustRun(Options{})
}
