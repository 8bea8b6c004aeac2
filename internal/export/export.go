// Package export writes a complete, incremental backup of a Spotify account
// to a directory: every playlist with its entries, the saved library, and a
// manifest naming them, each file replaced atomically and the manifest last.
package export

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofrs/flock"
	"github.com/spotcli/spotcli/internal/api"
)

// Kinds are the library kinds, in the order exported.
var Kinds = []string{"tracks", "albums", "shows", "episodes", "artists"}

// Sections are what --only can name: playlists and every library kind.
var Sections = append([]string{"playlists"}, Kinds...)

// libraryPaths are the endpoints of the library kinds; artists page by
// cursor, under "artists".
var libraryPaths = map[string]string{
	"tracks":   "me/tracks",
	"albums":   "me/albums",
	"shows":    "me/shows",
	"episodes": "me/episodes",
	"artists":  "me/following?type=artist",
}

// Options control Run.
type Options struct {
	Dir string
	// Only narrows the export to these Sections; empty means all. What is
	// not exported keeps its place in the manifest as it was.
	Only []string
	// CSV also writes DIR/playlists/<id>.csv and DIR/library/<kind>.csv.
	CSV bool
	// Concurrency is the budget of requests in flight for the whole
	// export (8 if 0).
	Concurrency int
	// Now is the clock of exported_at and removed_at (time.Now if nil).
	Now func() time.Time
	// FS is the disk (OSFS if nil).
	FS FS
	// Progress, if set, is called after every page and every playlist,
	// one call at a time.
	Progress func(Progress)
	// Warn, if set, is told of what goes wrong without stopping the export.
	Warn func(string)
}

// Progress is how far an export is.
type Progress struct {
	PlaylistsDone, PlaylistsTotal int
	Entries                       int // entries and library items written or kept so far
	Elapsed                       time.Duration
}

// Summary is what a run did.
type Summary struct {
	Playlists int // in the account (exported this run)
	Fetched   int // playlists whose entries were fetched
	Unchanged int // playlists kept as they were: same snapshot_id
	Skipped   int
	Removed   int // in the backup, gone from the account (this run or before)
	Failed    int
	Entries   int            // playlist entries in the backup of this run's playlists
	Library   map[string]int // items per kind exported this run
	Requests  int64          // Web API requests sent
	Elapsed   time.Duration
}

// FailedError is an export that finished with some playlists or kinds that
// could not be fetched; everything else was written, and the manifest too.
type FailedError struct {
	Failures []string
}

func (e *FailedError) Error() string {
	more := ""
	if len(e.Failures) > 1 {
		more = fmt.Sprintf(" (and %d more)", len(e.Failures)-1)
	}
	what := "parts of the export"
	if len(e.Failures) == 1 {
		what = "part of the export"
	}
	return fmt.Sprintf("%d %s could not be fetched: %s%s; the rest is written, run again to retry", len(e.Failures), what, e.Failures[0], more)
}

// run is one export in progress.
type run struct {
	c     *api.Client
	o     Options
	fsys  FS
	old   *Manifest
	start time.Time
	conc  int

	mu        sync.Mutex // guards what follows, and Progress calls
	progress  Progress
	playlists []*PlaylistRecord // this run's, in the account's order
	library   map[string]LibraryEntry
	failures  []string
	sum       Summary
	fatal     error    // a write error: the run stops
	written   []string // files renamed into place by this run
	listedIDs map[string]bool
	nulls     int // playlists listed as null
}

func (r *run) wrote(path string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.written = append(r.written, path)
}

// Run exports the account c is signed in to into o.Dir. It bounds c's
// requests in flight to o.Concurrency by wrapping c.HTTP, for the rest of
// c's life.
func Run(ctx context.Context, c *api.Client, o Options) (*Summary, error) {
	r := &run{c: c, o: o, fsys: o.FS, conc: o.Concurrency, library: map[string]LibraryEntry{}, listedIDs: map[string]bool{}, start: time.Now()}
	if r.fsys == nil {
		r.fsys = OSFS{}
	}
	if r.conc <= 0 {
		r.conc = 8
	}
	if r.o.Now == nil {
		r.o.Now = time.Now
	}
	for _, s := range o.Only {
		if !slices.Contains(Sections, s) {
			return nil, fmt.Errorf("unknown part %q: choose from %s", s, strings.Join(Sections, ", "))
		}
	}
	counter := limit(c, r.conc)

	unlock, err := r.prepare()
	if err != nil {
		return nil, err
	}
	defer unlock()
	me, err := c.Me(ctx)
	if err != nil {
		return nil, err
	}
	if r.old != nil && r.old.User.ID != "" && r.old.User.ID != me.ID {
		return nil, fmt.Errorf("%s holds the backup of Spotify user %q, and you are signed in as %q: choose another directory", o.Dir, r.old.User.ID, me.ID)
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan func(context.Context), r.conc)
	var wg sync.WaitGroup
	for range r.conc {
		wg.Go(func() {
			for job := range jobs {
				if ctx.Err() == nil {
					job(ctx)
				}
			}
		})
	}
	var listErr error
	for _, kind := range Kinds {
		if r.wants(kind) {
			jobs <- func(ctx context.Context) { r.exportKind(ctx, cancel, kind) }
		}
	}
	if r.wants("playlists") {
		listErr = c.Paginate(ctx, "me/playlists", api.PageOptions{PageSize: 50, Concurrency: r.conc}, func(items []json.RawMessage) error {
			for _, raw := range items {
				rec, err := r.listed(raw)
				if err != nil {
					return err
				}
				if rec == nil {
					continue
				}
				jobs <- func(ctx context.Context) { r.exportPlaylist(ctx, cancel, rec, raw) }
			}
			return nil
		})
	}
	close(jobs)
	wg.Wait()
	if r.nulls > 0 && r.o.Warn != nil && ctx.Err() == nil {
		if r.nulls == 1 {
			r.o.Warn("1 playlist that Spotify lists as null (deleted or unavailable) left out")
		} else {
			r.o.Warn(fmt.Sprintf("%d playlists that Spotify lists as null (deleted or unavailable) left out", r.nulls))
		}
	}

	r.sum.Requests = counter.Load()
	r.sum.Elapsed = time.Since(r.start)
	switch {
	case r.fatal != nil:
		return &r.sum, r.fatal
	case ctx.Err() != nil && listErr == nil:
		return &r.sum, ctx.Err()
	case listErr != nil:
		return &r.sum, fmt.Errorf("list playlists: %w", listErr)
	}
	if err := r.writeManifest(me); err != nil {
		return &r.sum, err
	}
	if len(r.failures) > 0 {
		return &r.sum, &FailedError{Failures: r.failures}
	}
	return &r.sum, nil
}

func (r *run) wants(section string) bool {
	return len(r.o.Only) == 0 || slices.Contains(r.o.Only, section)
}

// prepare makes DIR's folders, takes DIR's lock, checks that DIR takes
// files before a single request is sent, reads the previous manifest and
// clears what a killed run left. unlock releases the lock.
func (r *run) prepare() (unlock func(), err error) {
	dir := r.o.Dir
	for _, d := range []string{dir, filepath.Join(dir, "playlists"), filepath.Join(dir, "library")} {
		if err := r.fsys.MkdirAll(d, 0o755); err != nil {
			return nil, writeError(d, err)
		}
	}
	// Two exports into one DIR would clear each other's temporary files.
	// The kernel drops the lock of a killed process.
	lock := flock.New(filepath.Join(dir, lockName))
	ok, err := lock.TryLock()
	if err != nil {
		return nil, writeError(filepath.Join(dir, lockName), err)
	}
	if !ok {
		return nil, fmt.Errorf("another spotcli export is writing to %s: wait for it to finish", dir)
	}
	release := func() { _ = lock.Unlock() }
	defer func() {
		if err != nil {
			release()
		}
	}()
	old, err := readManifest(dir)
	if err != nil {
		return nil, err
	}
	r.old = old
	for _, d := range []string{dir, filepath.Join(dir, "playlists"), filepath.Join(dir, "library")} {
		removeStale(r.fsys, d)
		probe, err := createAtomic(r.fsys, filepath.Join(d, ".probe"))
		if err != nil {
			return nil, err
		}
		probe.abort()
	}
	return release, nil
}

// lockName is DIR's lock file, held while an export writes there.
const lockName = ".spotcli-export.lock"

// listed records a playlist of the account's listing.
func (r *run) listed(raw json.RawMessage) (*PlaylistRecord, error) {
	if t := bytes.TrimSpace(raw); len(t) == 0 || string(t) == "null" {
		// Spotify lists a playlist it no longer has as null: nothing to
		// back up, and nothing to mark removed.
		r.mu.Lock()
		r.nulls++
		r.mu.Unlock()
		return nil, nil
	}
	var p struct {
		ID         string `json:"id"`
		Name       string `json:"name"`
		SnapshotID string `json:"snapshot_id"`
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, fmt.Errorf("unexpected playlist object from Spotify: %v", err)
	}
	rec := &PlaylistRecord{ID: p.ID, Name: p.Name, SnapshotID: p.SnapshotID}
	r.mu.Lock()
	if r.listedIDs[p.ID] {
		// Listed twice (a page boundary moved while paging): once is enough.
		r.mu.Unlock()
		return nil, nil
	}
	r.listedIDs[p.ID] = true
	r.playlists = append(r.playlists, rec)
	r.progress.PlaylistsTotal = len(r.playlists)
	r.mu.Unlock()
	return rec, nil
}

func (r *run) oldPlaylist(id string) *PlaylistRecord {
	if r.old == nil {
		return nil
	}
	for i := range r.old.Playlists {
		if r.old.Playlists[i].ID == id {
			return &r.old.Playlists[i]
		}
	}
	return nil
}

// exportPlaylist brings one playlist's file up to date: kept when its
// snapshot_id is the one the file holds, fetched otherwise.
func (r *run) exportPlaylist(ctx context.Context, cancel func(), rec *PlaylistRecord, raw json.RawMessage) {
	if !validID(rec.ID) {
		r.fail(fmt.Sprintf("playlist %q: Spotify sent an invalid ID", rec.ID))
		r.playlistDone(0, false)
		return
	}
	rel := filepath.Join("playlists", rec.ID+".json")
	path := filepath.Join(r.o.Dir, rel)
	old := r.oldPlaylist(rec.ID)
	keepOld := func() {
		// Whatever the backup held stays as it was.
		if old != nil {
			*rec = *old
			if rec.Status == StatusRemoved {
				rec.Status, rec.RemovedAt = StatusOK, ""
			}
		}
	}

	// Skipped last time with the same snapshot: Spotify would refuse again.
	if old != nil && old.Status == StatusSkipped && old.SnapshotID == rec.SnapshotID && rec.SnapshotID != "" {
		keepOld()
		r.count(func(s *Summary) { s.Skipped++ })
		r.playlistDone(0, false)
		return
	}

	// Unchanged since the last run, or completed by a run that was killed
	// before its manifest: the file says which snapshot it holds.
	if n, ok := r.current(path, rec.SnapshotID, old); ok {
		rec.File, rec.Items, rec.Status = rel, n, StatusOK
		if r.o.CSV {
			if err := r.csvFromFile(path, "playlist"); err != nil {
				r.fatalf(cancel, err)
				return
			}
			rec.CSV = strings.TrimSuffix(rel, ".json") + ".csv"
		}
		r.count(func(s *Summary) { s.Unchanged++ })
		r.playlistDone(n, true)
		return
	}

	// additional_types asks for episodes as episodes, not as tracks.
	link := "playlists/" + rec.ID + "/items?additional_types=track%2Cepisode"
	n, err := r.fetchToFile(ctx, path, raw, "playlist", func(emit func([]json.RawMessage) error) error {
		return r.c.Paginate(ctx, link, api.PageOptions{PageSize: 50, Concurrency: r.conc}, emit)
	})
	var ae *api.Error
	var we *WriteError
	switch {
	case errors.As(err, &we):
		r.fatalf(cancel, err)
		return
	case errors.As(err, &ae) && ae.Status == http.StatusForbidden:
		keepOld()
		rec.Name, rec.Status = displayName(rec.Name, old), StatusSkipped
		rec.Reason = "Spotify answered 403 for its entries: " + ae.Message + " (development-mode apps may read only the playlists the user owns or collaborates on)"
		if _, statErr := os.Stat(path); statErr != nil {
			rec.File, rec.CSV = "", ""
		} else {
			rec.File = rel
		}
		r.count(func(s *Summary) { s.Skipped++ })
		r.playlistDone(0, false)
		return
	case err != nil:
		if ctx.Err() != nil {
			return
		}
		keepOld()
		r.fail(fmt.Sprintf("playlist %s (%s): %v", rec.ID, rec.Name, err))
		r.playlistDone(0, false)
		return
	}
	rec.File, rec.Items, rec.Status = rel, n, StatusOK
	if r.o.CSV {
		rec.CSV = strings.TrimSuffix(rel, ".json") + ".csv"
	}
	r.count(func(s *Summary) { s.Fetched++ })
	r.playlistDone(n, false)
}

func displayName(name string, old *PlaylistRecord) string {
	if name == "" && old != nil {
		return old.Name
	}
	return name
}

// current reports whether the file at path is complete and holds snapshot,
// and how many entries it holds: from the previous manifest when it vouches
// for the file, else by reading the file (a run killed before its manifest).
func (r *run) current(path, snapshot string, old *PlaylistRecord) (int, bool) {
	if snapshot == "" {
		return 0, false
	}
	if old != nil && old.Status == StatusOK && old.SnapshotID == snapshot && old.File != "" {
		s, err := scanFile(path, 0, false)
		if err == nil && s.snapshotID == snapshot {
			return old.Items, true
		}
	}
	s, err := scanFile(path, 0, true)
	if err != nil || s.snapshotID != snapshot {
		return 0, false
	}
	return s.items, true
}

// fetchToFile streams what fetch emits into path (and its CSV), replacing
// them only once complete.
func (r *run) fetchToFile(ctx context.Context, path string, playlist json.RawMessage, kind string, fetch func(emit func([]json.RawMessage) error) error) (int, error) {
	f, err := createAtomic(r.fsys, path)
	if err != nil {
		return 0, err
	}
	var cf *atomicFile
	var cw *csvWriter
	if r.o.CSV {
		csvPath := strings.TrimSuffix(path, ".json") + ".csv"
		if cf, err = createAtomic(r.fsys, csvPath); err != nil {
			f.abort()
			return 0, err
		}
		cw = &csvWriter{w: cf}
		_ = cw.row(columnsOf(kind)...)
	}
	abort := func() {
		f.abort()
		if cf != nil {
			cf.abort()
		}
	}
	iw, err := startItems(f, playlist)
	if err != nil {
		abort()
		return 0, err
	}
	err = fetch(func(items []json.RawMessage) error {
		for _, it := range items {
			if err := iw.add(it); err != nil {
				return err
			}
			if cw != nil {
				if row, ok := csvRow(kind, it); ok {
					if err := cw.row(row...); err != nil {
						return err
					}
				}
			}
		}
		r.entries(len(items))
		return nil
	})
	if err == nil {
		err = iw.end()
	}
	if err != nil {
		abort()
		return 0, err
	}
	if cf != nil {
		// The CSV first: the JSON file is what says the job is done.
		if err := cf.commit(); err != nil {
			f.abort()
			return 0, err
		}
	}
	if err := f.commit(); err != nil {
		return 0, err
	}
	r.wrote(path)
	if cf != nil {
		r.wrote(cf.final)
	}
	return iw.n, nil
}

// csvFromFile writes the CSV of a backup file that is already complete,
// unless it exists, without a request.
func (r *run) csvFromFile(path, kind string) error {
	csvPath := strings.TrimSuffix(path, ".json") + ".csv"
	if _, err := os.Stat(csvPath); err == nil {
		return nil
	}
	in, err := os.Open(path)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := createAtomic(r.fsys, csvPath)
	if err != nil {
		return err
	}
	cw := &csvWriter{w: out}
	_ = cw.row(columnsOf(kind)...)
	if err := eachItem(in, func(raw json.RawMessage) error {
		if row, ok := csvRow(kind, raw); ok {
			return cw.row(row...)
		}
		return nil
	}); err != nil {
		out.abort()
		return err
	}
	if err := out.commit(); err != nil {
		return err
	}
	r.wrote(csvPath)
	return nil
}

// eachItem streams the items of a backup file.
func eachItem(rd io.Reader, fn func(json.RawMessage) error) error {
	dec := json.NewDecoder(rd)
	if err := expectDelim(dec, '{'); err != nil {
		return err
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if tok != "items" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return err
			}
			continue
		}
		if err := expectDelim(dec, '['); err != nil {
			return err
		}
		for dec.More() {
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return err
			}
			if err := fn(raw); err != nil {
				return err
			}
		}
		return expectDelim(dec, ']')
	}
	return errors.New("no items")
}

// exportKind brings one library kind's file up to date. Saved items come
// newest first, so a list whose total and first page are what the file
// holds has not changed (a save adds to the top, a removal lowers the
// total): then only the first page is requested.
func (r *run) exportKind(ctx context.Context, cancel func(), kind string) {
	rel := filepath.Join("library", kind+".json")
	path := filepath.Join(r.o.Dir, rel)
	entry := LibraryEntry{File: rel}
	if r.o.CSV {
		entry.CSV = filepath.Join("library", kind+".csv")
	}
	var n int
	var err error
	if kind == "artists" {
		n, err = r.fetchToFile(ctx, path, nil, kind, func(emit func([]json.RawMessage) error) error {
			return r.c.PaginateCursor(ctx, libraryPaths[kind], "artists", api.PageOptions{PageSize: 50}, emit)
		})
	} else {
		n, err = r.exportSaved(ctx, path, kind)
	}
	var we *WriteError
	switch {
	case errors.As(err, &we):
		r.fatalf(cancel, err)
		return
	case err != nil:
		if ctx.Err() != nil {
			return
		}
		r.fail(fmt.Sprintf("library %s: %v", kind, err))
		if r.old != nil {
			if e, ok := r.old.Library[kind]; ok {
				r.mu.Lock()
				r.library[kind] = e
				r.mu.Unlock()
			}
		}
		return
	}
	entry.Items = n
	r.mu.Lock()
	r.library[kind] = entry
	if r.sum.Library == nil {
		r.sum.Library = map[string]int{}
	}
	r.sum.Library[kind] = n
	r.mu.Unlock()
}

func (r *run) exportSaved(ctx context.Context, path, kind string) (int, error) {
	first, err := r.c.URL(libraryPaths[kind] + "?limit=50&offset=0")
	if err != nil {
		return 0, err
	}
	link := first.String()
	body, err := r.c.Get(ctx, link)
	if err != nil {
		return 0, err
	}
	var page struct {
		Items []json.RawMessage `json:"items"`
		Total *int              `json:"total"`
	}
	if err := json.Unmarshal(body, &page); err != nil {
		return 0, fmt.Errorf("unexpected page from Spotify: %v", err)
	}
	if page.Total != nil && r.unchangedKind(path, kind, *page.Total, page.Items) {
		if r.o.CSV {
			if err := r.csvFromFile(path, kind); err != nil {
				return 0, err
			}
		}
		r.entries(*page.Total)
		return *page.Total, nil
	}
	return r.fetchToFile(ctx, path, nil, kind, func(emit func([]json.RawMessage) error) error {
		return r.c.PaginateFrom(ctx, link, body, api.PageOptions{Concurrency: r.conc}, emit)
	})
}

func (r *run) unchangedKind(path, kind string, total int, firstPage []json.RawMessage) bool {
	if len(firstPage) < min(total, 50) {
		return false
	}
	var known int
	var s *scanned
	var err error
	if e, ok := r.oldKind(kind); ok && e.Items == total {
		known = total
		s, err = scanFile(path, len(firstPage), false)
	} else {
		s, err = scanFile(path, len(firstPage), true)
		if s != nil {
			known = s.items
		}
	}
	return err == nil && known == total && sameItems(s.first, firstPage)
}

func (r *run) oldKind(kind string) (LibraryEntry, bool) {
	if r.old == nil {
		return LibraryEntry{}, false
	}
	e, ok := r.old.Library[kind]
	return e, ok
}

func (r *run) fail(msg string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failures = append(r.failures, msg)
	r.sum.Failed++
	if r.o.Warn != nil {
		r.o.Warn(msg)
	}
}

// fatalf stops the run on the first error that is not Spotify's: a file that
// cannot be written.
func (r *run) fatalf(cancel func(), err error) {
	r.mu.Lock()
	if r.fatal == nil {
		r.fatal = err
	}
	r.mu.Unlock()
	cancel()
}

func (r *run) count(fn func(*Summary)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fn(&r.sum)
}

func (r *run) entries(n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.progress.Entries += n
	r.report()
}

// playlistDone counts a playlist as done, with n entries; kept says they
// were not fetched (and so not yet counted as progress).
func (r *run) playlistDone(n int, kept bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.progress.PlaylistsDone++
	if kept {
		r.progress.Entries += n
	}
	r.sum.Entries += n
	r.report()
}

// report calls Progress; r.mu must be held.
func (r *run) report() {
	if r.o.Progress == nil {
		return
	}
	p := r.progress
	p.Elapsed = time.Since(r.start)
	r.o.Progress(p)
}

// writeManifest writes the manifest of this run: this run's playlists in the
// account's order, then those the backup holds and the account no longer
// does, marked removed; sections not exported this run as they were.
func (r *run) writeManifest(me *api.User) error {
	m := Manifest{
		Version:    Version,
		ExportedAt: r.o.Now().UTC().Format(time.RFC3339),
		User:       User{ID: me.ID, DisplayName: me.DisplayName},
		Playlists:  []PlaylistRecord{},
		Library:    map[string]LibraryEntry{},
	}
	today := r.o.Now().UTC().Format(time.DateOnly)
	if r.wants("playlists") {
		seen := map[string]bool{}
		for _, p := range r.playlists {
			if p.Status == "" {
				continue // interrupted: not part of this manifest
			}
			m.Playlists = append(m.Playlists, *p)
			seen[p.ID] = true
		}
		if r.old != nil {
			for _, p := range r.old.Playlists {
				if seen[p.ID] {
					continue
				}
				if p.Status != StatusRemoved {
					p.Status, p.Reason, p.RemovedAt = StatusRemoved, "", today
				}
				if p.File == "" {
					continue // nothing of it was ever kept
				}
				m.Playlists = append(m.Playlists, p)
				r.sum.Removed++
			}
		}
	} else if r.old != nil {
		m.Playlists = append(m.Playlists, r.old.Playlists...)
	}
	if r.old != nil {
		for k, e := range r.old.Library {
			if !r.wants(k) {
				m.Library[k] = e
			}
		}
	}
	for k, e := range r.library {
		m.Library[k] = e
	}
	r.sum.Playlists = len(r.playlists)

	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	durable(r.o.Dir, r.written)
	f, err := createAtomic(r.fsys, filepath.Join(r.o.Dir, manifestName))
	if err != nil {
		return err
	}
	f.sync = true
	_, _ = f.Write(append(b, '\n'))
	if err := f.commit(); err != nil {
		return err
	}
	syncDir(r.o.Dir)
	return nil
}

// syncDir makes the renames in dir durable, where the system allows it.
func syncDir(dir string) {
	for _, d := range []string{filepath.Join(dir, "playlists"), filepath.Join(dir, "library"), dir} {
		if f, err := os.Open(d); err == nil {
			_ = f.Sync()
			_ = f.Close()
		}
	}
}

// limit makes c send at most n requests at a time, whoever sends them, and
// counts them.
func limit(c *api.Client, n int) *atomic.Int64 {
	hc := http.DefaultClient
	if c.HTTP != nil {
		hc = c.HTTP
	}
	cp := *hc
	base := cp.Transport
	if base == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = n
		base = tr
	}
	b := &budget{base: base, slots: make(chan struct{}, n)}
	cp.Transport = b
	c.HTTP = &cp
	return &b.sent
}

// budget is an http.RoundTripper with n slots: a request holds one from
// when it is sent until its body is closed.
type budget struct {
	base  http.RoundTripper
	slots chan struct{}
	sent  atomic.Int64
}

func (b *budget) RoundTrip(req *http.Request) (*http.Response, error) {
	select {
	case b.slots <- struct{}{}:
	case <-req.Context().Done():
		return nil, req.Context().Err()
	}
	b.sent.Add(1)
	resp, err := b.base.RoundTrip(req)
	if err != nil {
		<-b.slots
		return nil, err
	}
	resp.Body = &releasingBody{ReadCloser: resp.Body, release: sync.OnceFunc(func() { <-b.slots })}
	return resp, nil
}

type releasingBody struct {
	io.ReadCloser
	release func()
}

func (r *releasingBody) Close() error {
	err := r.ReadCloser.Close()
	r.release()
	return err
}

// validID reports whether id is a Spotify ID (22 base62 characters), and so
// safe as a file name.
func validID(id string) bool {
	if len(id) != 22 {
		return false
	}
	for _, c := range id {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}
