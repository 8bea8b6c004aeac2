package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Batch sizes of Spotify's write endpoints.
const (
	PlaylistBatch = 100 // URIs per POST or DELETE /playlists/{id}/items
	LibraryBatch  = 40  // URIs per PUT or DELETE /me/library
)

// BatchError is a batched write that stopped part way. The first Done items
// of the input are written for sure, and nothing after them was sent, except
// for the batch whose outcome is unknown when Err is an
// *UnknownOutcomeError that reading could not settle.
type BatchError struct {
	Done, Total int
	Err         error
}

func (e *BatchError) Error() string {
	return fmt.Sprintf("%d of %d written: %v", e.Done, e.Total, e.Err)
}

func (e *BatchError) Unwrap() error { return e.Err }

// IsScopeError reports whether err is Spotify's 403 for a missing scope
// (whose hint the client has set from ScopeRules).
func IsScopeError(err error) bool {
	var e *Error
	return errors.As(err, &e) && missingScope(e)
}

// Progress is told how many items of the input are written, after each batch.
type Progress func(done int)

// CreatePlaylist makes a playlist in the current user's library with
// POST /me/playlists (which replaced /users/{id}/playlists in 2026). A
// creation whose outcome is unknown is not repeated: the error says so, and
// the caller looks for the playlist by name.
func (c *Client) CreatePlaylist(ctx context.Context, name, description string, public, collaborative bool) (id string, err error) {
	body, _ := json.Marshal(map[string]any{
		"name": name, "description": description, "public": public, "collaborative": collaborative,
	})
	resp, err := c.Write(ctx, http.MethodPost, "me/playlists", body)
	if err != nil {
		return "", err
	}
	var p struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(resp.Body, &p) != nil || p.ID == "" {
		return "", fmt.Errorf("unexpected answer from POST /me/playlists: %s", firstLine(string(resp.Body), 120))
	}
	return p.ID, nil
}

// AddOptions control AddPlaylistItems.
type AddOptions struct {
	// Position is where the first item goes (0 is the top); nil appends.
	Position *int
	// Length is the playlist's number of entries before the add, if the
	// caller knows it; otherwise one read asks. It is how an unknown
	// outcome is settled: a batch happened when the playlist grew by it and
	// holds it where it was to go.
	Length   *int
	Progress Progress
}

// AddPlaylistItems adds uris to a playlist in their order, in batches of
// PlaylistBatch. A batch whose outcome is unknown is checked by reading the
// playlist before anything else is sent: if it landed the add goes on, if it
// did not it is sent again, and if the playlist changed in another way the
// add stops. It returns the last snapshot_id; on failure a *BatchError.
func (c *Client) AddPlaylistItems(ctx context.Context, playlistID string, uris []string, o AddOptions) (string, error) {
	if len(uris) == 0 {
		return "", nil
	}
	var length int
	if o.Length != nil {
		length = *o.Length
	} else {
		n, err := c.playlistLength(ctx, playlistID)
		if err != nil {
			return "", &BatchError{Total: len(uris), Err: err}
		}
		length = n
	}
	path := "playlists/" + url.PathEscape(playlistID) + "/items"
	snapshot := ""
	for done := 0; done < len(uris); {
		batch := uris[done:min(done+PlaylistBatch, len(uris))]
		at := length + done
		if o.Position != nil {
			at = *o.Position + done
		}
		req := map[string]any{"uris": batch}
		if o.Position != nil {
			req["position"] = at
		}
		body, _ := json.Marshal(req)
		for try := 1; ; try++ {
			resp, err := c.Write(ctx, http.MethodPost, path, body)
			if err == nil {
				snapshot = snapshotOf(resp)
				break
			}
			var unknown *UnknownOutcomeError
			if !errors.As(err, &unknown) || try >= 3 {
				return snapshot, &BatchError{Done: done, Total: len(uris), Err: err}
			}
			// A write that timed out may still be under way at Spotify:
			// give it a moment before reading.
			if err := sleep(ctx, c.backoff(try)); err != nil {
				return snapshot, &BatchError{Done: done, Total: len(uris), Err: err}
			}
			landed, verr := c.batchLanded(ctx, playlistID, length+done, at, batch)
			if verr != nil {
				return snapshot, &BatchError{Done: done, Total: len(uris), Err: fmt.Errorf("%w; checking the playlist: %w", err, verr)}
			}
			if landed {
				break
			}
		}
		done += len(batch)
		if o.Progress != nil {
			o.Progress(done)
		}
	}
	return snapshot, nil
}

// ErrPlaylistChanged is an unknown outcome that reading could not settle:
// the playlist neither holds the batch where it was to go nor is unchanged.
var ErrPlaylistChanged = errors.New("the playlist changed in another way meanwhile")

// batchLanded reads whether a batch added at position at happened: the
// playlist had before entries before it.
func (c *Client) batchLanded(ctx context.Context, playlistID string, before, at int, batch []string) (bool, error) {
	total, window, err := c.playlistWindow(ctx, playlistID, at, len(batch))
	switch {
	case err != nil:
		return false, err
	case total == before:
		return false, nil
	case total == before+len(batch) && slices.Equal(window, batch):
		return true, nil
	}
	return false, ErrPlaylistChanged
}

// playlistLength is a playlist's number of entries, in one small read.
func (c *Client) playlistLength(ctx context.Context, playlistID string) (int, error) {
	total, _, err := c.playlistWindow(ctx, playlistID, 0, 0)
	return total, err
}

// playlistWindow reads a playlist's total and the URIs of n entries from
// offset ("" for an entry without one).
func (c *Client) playlistWindow(ctx context.Context, playlistID string, offset, n int) (int, []string, error) {
	var uris []string
	for {
		limit := min(max(n-len(uris), 1), 50)
		b, err := c.Get(ctx, fmt.Sprintf("playlists/%s/items?additional_types=track%%2Cepisode&offset=%d&limit=%d",
			url.PathEscape(playlistID), offset+len(uris), limit))
		if err != nil {
			return 0, nil, err
		}
		p, err := decodePage(b, "")
		if err != nil {
			return 0, nil, err
		}
		if p.Total == nil {
			return 0, nil, fmt.Errorf("unexpected page from Spotify: no total")
		}
		for _, raw := range p.Items {
			uris = append(uris, EntryURI(raw))
		}
		if len(uris) >= n || len(p.Items) == 0 {
			return *p.Total, uris[:min(n, len(uris))], nil
		}
	}
}

// PlaylistURIs reads what every entry of a playlist plays: one URI each, ""
// for an entry without one (null), in order.
func (c *Client) PlaylistURIs(ctx context.Context, playlistID string) ([]string, error) {
	var uris []string
	err := c.Paginate(ctx, "playlists/"+url.PathEscape(playlistID)+"/items?additional_types=track%2Cepisode",
		PageOptions{PageSize: 50, Concurrency: 4}, func(items []json.RawMessage) error {
			for _, raw := range items {
				uris = append(uris, EntryURI(raw))
			}
			return nil
		})
	return uris, err
}

// EntryURI is the URI of what a playlist entry plays, under "item" (since
// 2026) or "track"; "" when it has none.
func EntryURI(raw json.RawMessage) string {
	e, err := Decode[PlaylistEntry](raw)
	if err != nil || e == nil || e.Item == nil {
		return ""
	}
	return e.Item.URI()
}

func snapshotOf(resp *Response) string {
	var s struct {
		SnapshotID string `json:"snapshot_id"`
	}
	_ = json.Unmarshal(resp.Body, &s)
	return s.SnapshotID
}

// RemovePlaylistItems removes every occurrence of each URI from a playlist,
// in batches of PlaylistBatch distinct URIs. A batch whose outcome is
// unknown is checked by reading the playlist first; removing is idempotent,
// so a batch that did not happen is sent again. Done counts distinct URIs.
func (c *Client) RemovePlaylistItems(ctx context.Context, playlistID string, uris []string, progress Progress) (string, error) {
	uris = distinct(uris)
	path := "playlists/" + url.PathEscape(playlistID) + "/items"
	snapshot := ""
	for done := 0; done < len(uris); {
		batch := uris[done:min(done+PlaylistBatch, len(uris))]
		objs := make([]map[string]string, len(batch))
		for i, u := range batch {
			objs[i] = map[string]string{"uri": u}
		}
		body, _ := json.Marshal(map[string]any{"items": objs})
		for try := 1; ; try++ {
			resp, err := c.Write(ctx, http.MethodDelete, path, body)
			if err == nil {
				snapshot = snapshotOf(resp)
				break
			}
			var unknown *UnknownOutcomeError
			if !errors.As(err, &unknown) || try >= 3 {
				return snapshot, &BatchError{Done: done, Total: len(uris), Err: err}
			}
			if err := sleep(ctx, c.backoff(try)); err != nil {
				return snapshot, &BatchError{Done: done, Total: len(uris), Err: err}
			}
			now, verr := c.PlaylistURIs(ctx, playlistID)
			if verr != nil {
				return snapshot, &BatchError{Done: done, Total: len(uris), Err: fmt.Errorf("%w; checking the playlist: %w", err, verr)}
			}
			if !slices.ContainsFunc(now, func(u string) bool { return slices.Contains(batch, u) }) {
				break
			}
		}
		done += len(batch)
		if progress != nil {
			progress(done)
		}
	}
	return snapshot, nil
}

// SaveToLibrary saves URIs (tracks, albums, episodes, shows, audiobooks...)
// with PUT /me/library?uris=, in batches of LibraryBatch. A batch whose
// outcome is unknown is checked with /me/library/contains before anything
// else is sent.
func (c *Client) SaveToLibrary(ctx context.Context, uris []string, progress Progress) error {
	return c.libraryWrite(ctx, http.MethodPut, uris, progress)
}

// RemoveFromLibrary removes URIs from the library, as SaveToLibrary saves.
func (c *Client) RemoveFromLibrary(ctx context.Context, uris []string, progress Progress) error {
	return c.libraryWrite(ctx, http.MethodDelete, uris, progress)
}

func (c *Client) libraryWrite(ctx context.Context, method string, uris []string, progress Progress) error {
	for done := 0; done < len(uris); {
		batch := uris[done:min(done+LibraryBatch, len(uris))]
		for try := 1; ; try++ {
			_, err := c.Write(ctx, method, "me/library?uris="+joinURIs(batch), nil)
			if err == nil {
				break
			}
			var unknown *UnknownOutcomeError
			if !errors.As(err, &unknown) || try >= 3 {
				return &BatchError{Done: done, Total: len(uris), Err: err}
			}
			if err := sleep(ctx, c.backoff(try)); err != nil {
				return &BatchError{Done: done, Total: len(uris), Err: err}
			}
			saved, verr := c.LibraryContains(ctx, batch)
			if verr != nil {
				return &BatchError{Done: done, Total: len(uris), Err: fmt.Errorf("%w; checking the library: %w", err, verr)}
			}
			want := method == http.MethodPut
			if !slices.ContainsFunc(saved, func(s bool) bool { return s != want }) {
				break
			}
		}
		done += len(batch)
		if progress != nil {
			progress(done)
		}
	}
	return nil
}

// LibraryContains says for each URI whether it is in the user's library,
// with GET /me/library/contains, LibraryBatch URIs a request.
func (c *Client) LibraryContains(ctx context.Context, uris []string) ([]bool, error) {
	out := make([]bool, 0, len(uris))
	for done := 0; done < len(uris); done += LibraryBatch {
		batch := uris[done:min(done+LibraryBatch, len(uris))]
		b, err := c.Get(ctx, "me/library/contains?uris="+joinURIs(batch))
		if err != nil {
			return nil, err
		}
		var got []bool
		if json.Unmarshal(b, &got) != nil || len(got) != len(batch) {
			return nil, fmt.Errorf("unexpected answer from /me/library/contains: %s", firstLine(string(b), 120))
		}
		out = append(out, got...)
	}
	return out, nil
}

func joinURIs(uris []string) string {
	esc := make([]string, len(uris))
	for i, u := range uris {
		esc[i] = url.QueryEscape(u)
	}
	return strings.Join(esc, ",")
}

func distinct(uris []string) []string {
	seen := make(map[string]bool, len(uris))
	out := make([]string, 0, len(uris))
	for _, u := range uris {
		if !seen[u] {
			seen[u] = true
			out = append(out, u)
		}
	}
	return out
}

// Insert is one add of a plan: URIs at Position (0-based).
type Insert struct {
	Position int
	URIs     []string
}

// DedupeStep removes every occurrence of Remove, then puts back the first
// occurrence of each with Inserts, in order.
type DedupeStep struct {
	Remove  []string
	Inserts []Insert
	Left    int // entries left after the removal
}

// Duplicate is a later occurrence of an item, at Position (0-based) of the
// playlist as it was.
type Duplicate struct {
	Position int
	URI      string
}

// PlanDedupe works out how to keep only the first occurrence of each URI of
// a playlist with Spotify's writes, which remove every occurrence of a URI:
// in steps of at most PlaylistBatch URIs, remove them all and put the first
// occurrence back where it was. Entries without a URI ("") and local files
// (which the Web API cannot add back) are left alone.
func PlanDedupe(list []string) (dups []Duplicate, steps []DedupeStep) {
	count := map[string]int{}
	var repeated []string
	for i, u := range list {
		if u == "" || strings.HasPrefix(u, "spotify:local:") {
			continue
		}
		count[u]++
		if count[u] == 2 {
			repeated = append(repeated, u)
		}
		if count[u] > 1 {
			dups = append(dups, Duplicate{Position: i, URI: u})
		}
	}
	cur := slices.Clone(list)
	for done := 0; done < len(repeated); done += PlaylistBatch {
		batch := repeated[done:min(done+PlaylistBatch, len(repeated))]
		in := make(map[string]bool, len(batch))
		for _, u := range batch {
			in[u] = true
		}
		// The list this step leaves: cur with only the first occurrence of
		// the batch's URIs.
		seen := map[string]bool{}
		var target []string
		for _, u := range cur {
			if in[u] {
				if seen[u] {
					continue
				}
				seen[u] = true
			}
			target = append(target, u)
		}
		step := DedupeStep{Remove: batch, Left: len(target) - len(batch)}
		for k, u := range target {
			if !in[u] {
				continue
			}
			if n := len(step.Inserts); n > 0 {
				last := &step.Inserts[n-1]
				if last.Position+len(last.URIs) == k && len(last.URIs) < PlaylistBatch {
					last.URIs = append(last.URIs, u)
					continue
				}
			}
			step.Inserts = append(step.Inserts, Insert{Position: k, URIs: []string{u}})
		}
		steps = append(steps, step)
		cur = target
	}
	return dups, steps
}

// DedupeError is a dedupe that stopped after removing some items and
// before putting their first occurrence back: Missing are the inserts still
// to do, in order, at positions of the playlist as it now is.
type DedupeError struct {
	Missing []Insert
	Err     error
}

func (e *DedupeError) Error() string {
	n := 0
	for _, in := range e.Missing {
		n += len(in.URIs)
	}
	return fmt.Sprintf("%v: %d removed items were not put back", e.Err, n)
}

func (e *DedupeError) Unwrap() error { return e.Err }

// ApplyDedupe carries out PlanDedupe's steps on a playlist. When it stops
// after a removal, the *DedupeError lists what to put back.
func (c *Client) ApplyDedupe(ctx context.Context, playlistID string, steps []DedupeStep) error {
	for _, st := range steps {
		if _, err := c.RemovePlaylistItems(ctx, playlistID, st.Remove, nil); err != nil {
			var unknown *UnknownOutcomeError
			if !errors.As(err, &unknown) {
				return err // a step removes one batch: nothing of it happened
			}
			var be *BatchError
			if errors.As(err, &be) {
				err = be.Err
			}
			// The removal may have happened: its first occurrences may be
			// gone.
			return &DedupeError{Missing: st.Inserts, Err: err}
		}
		length := st.Left
		for i, in := range st.Inserts {
			pos := in.Position
			n := length
			if _, err := c.AddPlaylistItems(ctx, playlistID, in.URIs, AddOptions{Position: &pos, Length: &n}); err != nil {
				missing := slices.Clone(st.Inserts[i:])
				var be *BatchError
				if errors.As(err, &be) {
					missing[0].Position += be.Done
					missing[0].URIs = missing[0].URIs[be.Done:]
					err = be.Err
				}
				return &DedupeError{Missing: missing, Err: err}
			}
			length += len(in.URIs)
		}
	}
	return nil
}
