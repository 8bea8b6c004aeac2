package spotifytest

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
)

// RecordedDir is the repository's testdata/recorded: answers that other
// public projects recorded from the real Web API (SOURCES.md there names
// each source, commit and license).
func RecordedDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "recorded")
}

// Recorded reads a recorded answer, name relative to RecordedDir (such as
// "zmb3-spotify/get_playlist.json"), as it is stored: its links still point
// at api.spotify.com.
func Recorded(name string) ([]byte, error) {
	b, err := os.ReadFile(filepath.Join(RecordedDir(), filepath.FromSlash(name)))
	if err != nil {
		return nil, fmt.Errorf("recorded answer: %w", err)
	}
	return b, nil
}

// pagingLink matches the start of a "next" or "previous" link to the real
// Web API, in either of the spacings recordings use ("next" : "..." from
// Spotify itself, "next": "..." from re-indented files).
var pagingLink = regexp.MustCompile(`("(?:next|previous)"\s*:\s*")https://api\.spotify\.com/v1([/?"])`)

// RewritePagingLinks points the "next" and "previous" links of a recorded
// answer at base (a Web API base such as Server.APIURL()). Nothing else in
// the answer changes: its "href"s and every other byte stay as recorded.
func RewritePagingLinks(body []byte, base string) []byte {
	base = strings.TrimSuffix(base, "/")
	return pagingLink.ReplaceAll(body, []byte("${1}"+strings.ReplaceAll(base, "$", "$$")+"${2}"))
}

// recordedRoute is an answer ServeRecorded set up.
type recordedRoute struct {
	name string
	body []byte
}

// ServeRecorded makes the Web API answer GET route with the recorded answer
// name (see Recorded), its paging links rewritten to this server as the
// answer is sent (RewritePagingLinks). The caller's token is checked as for
// any other request. route is a path such as "/v1/me/playlists", or a path
// with an offset, "/v1/shows/ID/episodes?offset=50", which answers only
// requests with that offset and wins over the plain path. A route set up
// here hides the fake's own handler of that path. It panics when the file
// cannot be read, a bug in the test.
func (s *Server) ServeRecorded(route, name string) {
	b, err := Recorded(name)
	if err != nil {
		panic("spotifytest: ServeRecorded: " + err.Error())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.recorded == nil {
		s.recorded = map[string]recordedRoute{}
	}
	s.recorded[route] = recordedRoute{name: name, body: b}
}

// recordedFor finds the recorded answer of a request, if one was set up.
func (s *Server) recordedFor(r *http.Request) (recordedRoute, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.recorded) == 0 {
		return recordedRoute{}, false
	}
	if off := r.URL.Query().Get("offset"); off != "" {
		if rr, ok := s.recorded[r.URL.Path+"?offset="+off]; ok {
			return rr, true
		}
	}
	rr, ok := s.recorded[r.URL.Path]
	return rr, ok
}

// handleRecorded answers with a recorded answer once the token is checked.
func (s *Server) handleRecorded(w http.ResponseWriter, r *http.Request, rr recordedRoute) {
	if r.Method != http.MethodGet {
		writeAPIError(w, http.StatusMethodNotAllowed, "Method not allowed")
		return
	}
	if _, aerr := s.authenticate(r); aerr != nil {
		writeAPIError(w, aerr.status, aerr.message)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(RewritePagingLinks(rr.body, apiBase(r)))
}
