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
// refused, as Spotify does since 2026. Saving what is saved already keeps
// its date; removing what is not saved does nothing.
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
	if s.saved == nil {
		s.saved = map[string][]savedItem{}
	}
	lib := slices.Clone(s.saved[c.user.ID])
	now := s.now().UTC().Truncate(time.Second)
	for _, uri := range uris {
		i := slices.IndexFunc(lib, func(it savedItem) bool { return it.URI == uri })
		switch {
		case r.Method == http.MethodPut && i < 0:
			lib = append([]savedItem{{URI: uri, AddedAt: now}}, lib...)
		case r.Method == http.MethodDelete && i >= 0:
			lib = slices.Delete(lib, i, i+1)
		}
	}
	s.saved[c.user.ID] = lib
	s.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

// handleLibraryContains serves GET /v1/me/library/contains?uris=: a JSON
// array of booleans, in the order asked.
func (s *Server) handleLibraryContains(w http.ResponseWriter, r *http.Request, c *caller) {
	uris, ok := s.libraryURIs(w, r, c, func(kind string) string { return libraryKinds[kind].read })
	if !ok {
		return
	}
	s.mu.Lock()
	lib := s.saved[c.user.ID]
	out := make([]bool, len(uris))
	for i, uri := range uris {
		out[i] = slices.ContainsFunc(lib, func(it savedItem) bool { return it.URI == uri })
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

// SaveToLibrary puts URIs in a user's library, as if saved in the app, the
// last one newest.
func (s *Server) SaveToLibrary(userID string, uris ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.saved == nil {
		s.saved = map[string][]savedItem{}
	}
	now := s.now().UTC().Truncate(time.Second)
	for _, uri := range uris {
		if !slices.ContainsFunc(s.saved[userID], func(it savedItem) bool { return it.URI == uri }) {
			s.saved[userID] = append([]savedItem{{URI: uri, AddedAt: now}}, s.saved[userID]...)
		}
	}
}

// LibraryURIs lists a user's library, newest first.
func (s *Server) LibraryURIs(userID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, it := range s.saved[userID] {
		out = append(out, it.URI)
	}
	return out
}
