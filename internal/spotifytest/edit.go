package spotifytest

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Messages of the Web API's playlist writes.
const (
	msgNotOwner      = "You cannot change a playlist you don't own."
	msgItemsLimit    = "You can add between 1 and 100 items at once"
	msgRemoveLimit   = "You can remove between 1 and 100 items at once"
	msgInvalidBase62 = "Invalid base62 id"
)

// editRoute routes the playlist writes: POST (add), DELETE (remove) and PUT
// (replace or reorder) on /v1/playlists/{id}/items. It returns nil for any
// other path or method.
func (s *Server) editRoute(path, method string) (func(http.ResponseWriter, *http.Request, *caller), string) {
	parts := strings.Split(strings.TrimPrefix(path, "/v1/"), "/")
	if len(parts) != 3 || parts[0] != "playlists" || parts[2] != "items" {
		return nil, ""
	}
	id := parts[1]
	switch method {
	case http.MethodPost:
		return func(w http.ResponseWriter, r *http.Request, c *caller) { s.handleAddPlaylistItems(w, r, c, id) }, method
	case http.MethodDelete:
		return func(w http.ResponseWriter, r *http.Request, c *caller) { s.handleRemovePlaylistItems(w, r, c, id) }, method
	case http.MethodPut:
		return func(w http.ResponseWriter, r *http.Request, c *caller) { s.handleUpdatePlaylistItems(w, r, c, id) }, method
	}
	return nil, ""
}

// writablePlaylist finds a playlist the caller wants to change and checks
// that it may: Spotify lets only the owner and collaborators write, with
// playlist-modify-public for a public playlist and playlist-modify-private for
// a private or collaborative one. It answers the error itself.
func (s *Server) writablePlaylist(w http.ResponseWriter, c *caller, id string) (*playlistAccess, bool) {
	if !c.hasUser {
		writeAPIError(w, http.StatusUnauthorized, msgUserRequired)
		return nil, false
	}
	if !validID(id) {
		writeAPIError(w, http.StatusBadRequest, msgInvalidBase62)
		return nil, false
	}
	a, ok := s.lookupPlaylist(c, id)
	if !ok || !a.owner && !a.collab && !a.pl.Public {
		writeAPIError(w, http.StatusNotFound, msgResourceNotFound)
		return nil, false
	}
	scope := "playlist-modify-private"
	if a.pl.Public && !a.pl.Collaborative {
		scope = "playlist-modify-public"
	}
	switch {
	case !a.owner && !a.collab:
		writeAPIError(w, http.StatusForbidden, msgNotOwner)
		return nil, false
	case !c.can(scope):
		writeAPIError(w, http.StatusForbidden, msgScope)
		return nil, false
	}
	return a, true
}

// playableLocked finds the catalog track or episode a spotify:track: or
// spotify:episode: URI names; s.mu must be held.
func (s *Server) playableLocked(uri string) (Track, bool) {
	kind, id, ok := strings.Cut(strings.TrimPrefix(uri, "spotify:"), ":")
	if !ok || !strings.HasPrefix(uri, "spotify:") || kind != "track" && kind != "episode" {
		return Track{}, false
	}
	t, ok := s.contentLocked().tracks[id]
	return t, ok && (kind == "episode") == t.Episode
}

// uriOf is the Spotify URI of what an entry plays ("" for a null entry).
func uriOf(it PlaylistItem) string {
	switch {
	case it.Track == nil:
		return ""
	case it.Track.Local:
		return "spotify:local:" + it.Track.Name
	case it.Track.Episode:
		return "spotify:episode:" + it.Track.ID
	}
	return "spotify:track:" + it.Track.ID
}

// snapshotLocked is a playlist's snapshot ID: it changes whenever its
// entries do; s.mu must be held.
func (s *Server) snapshotLocked(id string) string {
	var b strings.Builder
	for _, it := range s.contentLocked().items[id] {
		b.WriteString(uriOf(it))
		b.WriteByte('\n')
	}
	return spotifyID("snapshot", id, b.String()) + spotifyID("snapshot2", id, strconv.Itoa(b.Len()))
}

// writeSnapshot answers a playlist write with its new snapshot ID.
func (s *Server) writeSnapshot(w http.ResponseWriter, status int, id string) {
	s.mu.Lock()
	snap := s.snapshotLocked(id)
	s.mu.Unlock()
	writeJSON(w, status, map[string]string{"snapshot_id": snap})
}

// handleRemovePlaylistItems serves DELETE /v1/playlists/{id}/items:
// {"items": [{"uri": ...}, ...], "snapshot_id": ...}, at most 100 objects.
// Every occurrence of each URI goes; URIs the playlist does not hold are
// ignored, as Spotify does.
func (s *Server) handleRemovePlaylistItems(w http.ResponseWriter, r *http.Request, c *caller, id string) {
	var body struct {
		Items []struct {
			URI string `json:"uri"`
		} `json:"items"`
		SnapshotID *string `json:"snapshot_id"`
	}
	if !jsonBody(w, r, &body) {
		return
	}
	if _, ok := s.writablePlaylist(w, c, id); !ok {
		return
	}
	if len(body.Items) == 0 || len(body.Items) > 100 {
		writeAPIError(w, http.StatusBadRequest, msgRemoveLimit)
		return
	}
	drop := map[string]bool{}
	s.mu.Lock()
	for _, it := range body.Items {
		if _, ok := s.playableLocked(it.URI); !ok && !validPlayableURI(it.URI) {
			s.mu.Unlock()
			writeAPIError(w, http.StatusBadRequest, msgInvalidBase62)
			return
		}
		drop[it.URI] = true
	}
	ct := s.contentLocked()
	ct.items[id] = slices.DeleteFunc(slices.Clone(ct.items[id]), func(it PlaylistItem) bool { return drop[uriOf(it)] })
	s.setTrackCountLocked(id, len(ct.items[id]))
	s.mu.Unlock()
	s.writeSnapshot(w, http.StatusOK, id)
}

// validPlayableURI reports whether uri is a well-formed track or episode URI
// (the catalog need not know it).
func validPlayableURI(uri string) bool {
	kind, id, ok := strings.Cut(strings.TrimPrefix(uri, "spotify:"), ":")
	return ok && strings.HasPrefix(uri, "spotify:") && (kind == "track" || kind == "episode") && validID(id)
}

// handleUpdatePlaylistItems serves PUT /v1/playlists/{id}/items: with
// "uris" (at most 100) it replaces every entry; with "range_start",
// "insert_before" and optional "range_length" it moves entries.
func (s *Server) handleUpdatePlaylistItems(w http.ResponseWriter, r *http.Request, c *caller, id string) {
	var body struct {
		URIs         *[]string `json:"uris"`
		RangeStart   *int      `json:"range_start"`
		InsertBefore *int      `json:"insert_before"`
		RangeLength  *int      `json:"range_length"`
		SnapshotID   *string   `json:"snapshot_id"`
	}
	if !jsonBody(w, r, &body) {
		return
	}
	if _, ok := s.writablePlaylist(w, c, id); !ok {
		return
	}
	s.mu.Lock()
	ct := s.contentLocked()
	cur := ct.items[id]
	switch {
	case body.URIs != nil:
		if len(*body.URIs) > 100 {
			s.mu.Unlock()
			writeAPIError(w, http.StatusBadRequest, msgItemsLimit)
			return
		}
		var next []PlaylistItem
		for _, uri := range *body.URIs {
			t, ok := s.playableLocked(uri)
			if !ok {
				s.mu.Unlock()
				writeAPIError(w, http.StatusBadRequest, msgInvalidBase62)
				return
			}
			next = append(next, PlaylistItem{Track: &t, AddedAt: s.now().UTC().Truncate(time.Second), AddedBy: c.user.ID})
		}
		ct.items[id] = next
	case body.RangeStart != nil && body.InsertBefore != nil:
		n := 1
		if body.RangeLength != nil {
			n = *body.RangeLength
		}
		start, before := *body.RangeStart, *body.InsertBefore
		if n < 1 || start < 0 || start+n > len(cur) || before < 0 || before > len(cur) {
			s.mu.Unlock()
			writeAPIError(w, http.StatusBadRequest, "Index out of bounds")
			return
		}
		moved := slices.Clone(cur[start : start+n])
		rest := slices.Concat(cur[:start], cur[start+n:])
		at := before
		if before > start {
			at = max(before-n, start)
		}
		ct.items[id] = slices.Concat(rest[:at], moved, rest[at:])
	default:
		s.mu.Unlock()
		writeAPIError(w, http.StatusBadRequest, "Missing required field: uris or range_start and insert_before")
		return
	}
	s.setTrackCountLocked(id, len(ct.items[id]))
	s.mu.Unlock()
	s.writeSnapshot(w, http.StatusOK, id)
}

// PlaylistURIs lists what a playlist's entries play, in order: a Spotify
// URI each, "" for a null entry. Tests compare a playlist with their input
// through it.
func (s *Server) PlaylistURIs(id string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, it := range s.contentLocked().items[id] {
		out = append(out, uriOf(it))
	}
	return out
}

// PlaylistByName finds a playlist of userID's library by name, for tests
// that create one through the client.
func (s *Server) PlaylistByName(userID, name string) (Playlist, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.playlists[userID] {
		if p.Name == name {
			return p, true
		}
	}
	return Playlist{}, false
}
