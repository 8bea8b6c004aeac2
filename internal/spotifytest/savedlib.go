package spotifytest

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

// savedItem is one thing a user saved (or followed) in their library.
type savedItem struct {
	URI     string
	AddedAt time.Time
}

// libraryMax is how many URIs one request to /v1/me/library may name.
const libraryMax = 40

// libraryKinds are the URI types /v1/me/library takes since 2026, and the
// scopes saving one and checking one need.
var libraryKinds = map[string]struct{ modify, read string }{
	"track":     {"user-library-modify", "user-library-read"},
	"album":     {"user-library-modify", "user-library-read"},
	"episode":   {"user-library-modify", "user-library-read"},
	"show":      {"user-library-modify", "user-library-read"},
	"audiobook": {"user-library-modify", "user-library-read"},
	"artist":    {"user-follow-modify", "user-follow-read"},
	"user":      {"user-follow-modify", "user-follow-read"},
	"playlist":  {"playlist-modify-public", "playlist-read-private"},
}

// savedLibraryRoute routes PUT and DELETE /v1/me/library and
// GET /v1/me/library/contains.
func (s *Server) savedLibraryRoute(path, method string) (func(http.ResponseWriter, *http.Request, *caller), string) {
	switch {
	case path == "/v1/me/library" && (method == http.MethodPut || method == http.MethodDelete):
		return s.handleLibraryWrite, method
	case path == "/v1/me/library":
		return s.handleLibraryWrite, http.MethodPut
	case path == "/v1/me/library/contains":
		return s.handleLibraryContains, http.MethodGet
	}
	return nil, ""
}

// libraryURIs reads ?uris= as Spotify's library endpoints do: 1 to 40
// comma-separated URIs of the kinds above, each needing scope(kind). It
// answers the error itself.
func (s *Server) libraryURIs(w http.ResponseWriter, r *http.Request, c *caller, scope func(kind string) string) ([]string, bool) {
	if !c.hasUser {
		writeAPIError(w, http.StatusUnauthorized, msgUserRequired)
		return nil, false
	}
	raw := r.URL.Query().Get("uris")
	if raw == "" {
		writeAPIError(w, http.StatusBadRequest, "Missing required parameter: uris")
		return nil, false
	}
	uris := strings.Split(raw, ",")
	if len(uris) > libraryMax {
		writeAPIError(w, http.StatusBadRequest, "Too many ids requested")
		return nil, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, uri := range uris {
		kind, id, ok := strings.Cut(strings.TrimPrefix(uri, "spotify:"), ":")
		if _, known := libraryKinds[kind]; !ok || !strings.HasPrefix(uri, "spotify:") || !known {
			writeAPIError(w, http.StatusBadRequest, "Unsupported URI: "+uri)
			return nil, false
		}
		if kind != "user" && !validID(id) {
			writeAPIError(w, http.StatusBadRequest, msgInvalidBase62)
			return nil, false
		}
		if kind == "track" || kind == "episode" {
			if _, ok := s.playableLocked(uri); !ok {
				writeAPIError(w, http.StatusBadRequest, msgInvalidBase62)
				return nil, false
			}
		}
		if !c.can(scope(kind)) {
			writeAPIError(w, http.StatusForbidden, msgScope)
			return nil, false
		}
	}
	return uris, true
}

// handleLibraryWrite serves PUT (save) and DELETE (remove)
// /v1/me/library?uris=: the URIs go in the query; a request with a body is
// refused, as Spotify does since 2026. Tracks, episodes, albums and shows go
// to the lists /v1/me/{tracks,episodes,albums,shows} serve (library.go),
// artists to /v1/me/following; playlists, users and audiobooks are kept
// here. Saving what is saved already keeps its date; removing what is not
// saved does nothing.
func (s *Server) handleLibraryWrite(w http.ResponseWriter, r *http.Request, c *caller) {
	if r.ContentLength > 0 || r.Header.Get("Content-Type") != "" {
		writeAPIError(w, http.StatusBadRequest, "Request body is not supported: pass the URIs in the uris query parameter")
		return
	}
	uris, ok := s.libraryURIs(w, r, c, func(kind string) string { return libraryKinds[kind].modify })
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now().UTC().Truncate(time.Second)
	for _, uri := range uris {
		if r.Method == http.MethodPut {
			s.saveLocked(c.user.ID, uri, now)
		} else {
			s.unsaveLocked(c.user.ID, uri)
		}
	}
	w.WriteHeader(http.StatusOK)
}

// savedLocked reports whether a user's library holds uri; s.mu must be held.
func (s *Server) savedLocked(userID, uri string) bool {
	l := s.libraryLocked(userID)
	kind, id, _ := strings.Cut(strings.TrimPrefix(uri, "spotify:"), ":")
	is := func(it Saved) bool { return savedURI(it) == uri }
	switch kind {
	case "track":
		return slices.ContainsFunc(l.tracks, is)
	case "episode":
		return slices.ContainsFunc(l.episodes, is)
	case "album":
		return slices.ContainsFunc(l.albums, is)
	case "show":
		return slices.ContainsFunc(l.shows, is)
	case "artist":
		return slices.ContainsFunc(l.artists, func(a Artist) bool { return a.ID == id })
	}
	return slices.ContainsFunc(s.saved[userID], func(it savedItem) bool { return it.URI == uri })
}

// saveLocked saves one URI (validated) at now, unless it is saved already;
// s.mu must be held. Lists are replaced, not written into.
func (s *Server) saveLocked(userID, uri string, now time.Time) {
	if s.savedLocked(userID, uri) {
		return
	}
	l := s.libraryLocked(userID)
	kind, id, _ := strings.Cut(strings.TrimPrefix(uri, "spotify:"), ":")
	ct := s.contentLocked()
	front := func(list []Saved, it Saved) []Saved { return append([]Saved{it}, list...) }
	switch kind {
	case "track", "episode":
		t := ct.tracks[id]
		if kind == "track" {
			l.tracks = front(l.tracks, Saved{Track: &t, AddedAt: now})
		} else {
			l.episodes = front(l.episodes, Saved{Track: &t, AddedAt: now})
		}
	case "album":
		a := Album{ID: id}
		for _, t := range ct.tracks {
			if spotifyID("album", t.Album, strings.Join(t.Artists, ",")) == id {
				a.Name, a.Artists = t.Album, slices.Clone(t.Artists)
				break
			}
		}
		l.albums = front(l.albums, Saved{Album: &a, AddedAt: now})
	case "show":
		sh := Show{ID: id}
		for _, t := range ct.tracks {
			if t.Episode && spotifyID("show", t.Show) == id {
				sh.Name = t.Show
				break
			}
		}
		l.shows = front(l.shows, Saved{Show: &sh, AddedAt: now})
	case "artist":
		a := Artist{ID: id}
		for _, t := range ct.tracks {
			for _, name := range t.Artists {
				if spotifyID("artist", name) == id {
					a.Name = name
				}
			}
		}
		l.artists = append(slices.Clone(l.artists), a)
	default:
		if s.saved == nil {
			s.saved = map[string][]savedItem{}
		}
		s.saved[userID] = append([]savedItem{{URI: uri, AddedAt: now}}, s.saved[userID]...)
	}
}

// unsaveLocked removes one URI from a user's library; s.mu must be held.
func (s *Server) unsaveLocked(userID, uri string) {
	l := s.libraryLocked(userID)
	drop := func(list []Saved) []Saved {
		return slices.DeleteFunc(slices.Clone(list), func(it Saved) bool { return savedURI(it) == uri })
	}
	l.tracks, l.albums, l.shows, l.episodes = drop(l.tracks), drop(l.albums), drop(l.shows), drop(l.episodes)
	_, id, _ := strings.Cut(strings.TrimPrefix(uri, "spotify:"), ":")
	if strings.HasPrefix(uri, "spotify:artist:") {
		l.artists = slices.DeleteFunc(slices.Clone(l.artists), func(a Artist) bool { return a.ID == id })
	}
	if s.saved != nil {
		s.saved[userID] = slices.DeleteFunc(slices.Clone(s.saved[userID]), func(it savedItem) bool { return it.URI == uri })
	}
}

// handleLibraryContains serves GET /v1/me/library/contains?uris=: a JSON
// array of booleans, in the order asked.
func (s *Server) handleLibraryContains(w http.ResponseWriter, r *http.Request, c *caller) {
	uris, ok := s.libraryURIs(w, r, c, func(kind string) string { return libraryKinds[kind].read })
	if !ok {
		return
	}
	s.mu.Lock()
	out := make([]bool, len(uris))
	for i, uri := range uris {
		out[i] = s.savedLocked(c.user.ID, uri)
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

// SaveToLibrary puts URIs in a user's library, as if saved in the app, the
// last one newest. Tracks and episodes must be in the catalog.
func (s *Server) SaveToLibrary(userID string, uris ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now().UTC().Truncate(time.Second)
	for _, uri := range uris {
		s.saveLocked(userID, uri, now)
	}
}

// LibraryURIs lists a user's library: saved tracks, episodes, albums and
// shows (each newest first), followed artists, then the rest, newest first.
func (s *Server) LibraryURIs(userID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.libraryLocked(userID)
	var out []string
	for _, list := range [][]Saved{l.tracks, l.episodes, l.albums, l.shows} {
		for _, it := range list {
			out = append(out, savedURI(it))
		}
	}
	for _, a := range l.artists {
		out = append(out, "spotify:artist:"+a.ID)
	}
	for _, it := range s.saved[userID] {
		out = append(out, it.URI)
	}
	return out
}
