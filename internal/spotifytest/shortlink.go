package spotifytest

import (
	"net/http"
	"strings"
	"sync"
)

// Share links: spotify.link/CODE redirects to an open.spotify.com URL. The
// fake serves them under /share/CODE (ShortLinkBase), as spotify.link
// answers a client that is not a browser: 307 with a Location.

// shortLinks are the fake's share links, and how many requests for them
// carried credentials.
type shortLinks struct {
	mu       sync.Mutex
	targets  map[string]string
	withAuth int
	hits     int
}

func (s *Server) links() *shortLinks {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.short == nil {
		s.short = &shortLinks{targets: map[string]string{}}
	}
	return s.short
}

// AddShortLink makes spotify.link/code redirect to target.
func (s *Server) AddShortLink(code, target string) {
	l := s.links()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.targets[code] = target
}

// ShortLinkBase is the base that stands for https://spotify.link.
func (s *Server) ShortLinkBase() string { return s.srv.URL + "/share" }

// ShortLinkStats says how many share-link requests arrived, and how many
// carried an Authorization header or a cookie (none should).
func (s *Server) ShortLinkStats() (hits, withAuth int) {
	l := s.links()
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.hits, l.withAuth
}

func (s *Server) handleShortLink(w http.ResponseWriter, r *http.Request) {
	l := s.links()
	l.mu.Lock()
	l.hits++
	if r.Header.Get("Authorization") != "" || r.Header.Get("Cookie") != "" {
		l.withAuth++
	}
	target, ok := l.targets[strings.TrimPrefix(r.URL.Path, "/share/")]
	l.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	http.Redirect(w, r, target, http.StatusTemporaryRedirect)
}
