// Package spotifytest is a fake of Spotify's accounts service and Web API on
// net/http/httptest that enforces Spotify's real OAuth and API rules, so that a
// client bug makes a test fail instead of passing against a lenient stub.
package spotifytest

import (
	"html/template"
	"maps"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Config tunes a Server. The zero value is a fast server on the real clock.
type Config struct {
	// Latency is added before answering every request, to make benchmarks
	// resemble a real network round trip.
	Latency time.Duration
	// Now is the clock for token, code and login lifetimes; nil means
	// time.Now. Tests inject a fake clock to cross the 1 h, 10 min and
	// 6 month limits without waiting.
	Now func() time.Time
	// AccessTokenTTL is the access token lifetime; 0 means one hour, which
	// Spotify announces as expires_in 3600.
	AccessTokenTTL time.Duration
	// InFlightGrace is how long after a 429 a request to another URL may
	// still arrive without counting in Stats.DuringRetryAfter: it was sent
	// before the client could have read the 429. 0 means
	// DefaultInFlightGrace.
	InFlightGrace time.Duration
	// RateWindow, when Requests > 0, limits each app to that many API
	// requests in any rolling Per (library.go; SetRateWindow).
	RateWindow RateWindow
}

// Stats counts what clients did, so tests can assert on client behaviour
// (how often it refreshed, whether it honoured Retry-After) and not only on
// its output.
type Stats struct {
	TokenRequests map[string]int // by grant_type ("" if absent), counted even when refused
	Refreshes     int            // successful refresh_token grants
	APIRequests   map[string]int // by path, every request under /v1
	// DuringRetryAfter counts API requests that arrived while a Retry-After
	// window announced by this server was still open: after a 429 with
	// Retry-After N, a well-behaved client sends nothing for N seconds.
	// A request arriving within InFlightGrace of the 429 may have been sent
	// before the client could read it (concurrent requests are in flight),
	// so it counts only when it repeats the URL that got the 429
	// (Config.InFlightGrace).
	DuringRetryAfter  int
	AuthorizeRequests int // GET /authorize, whatever the outcome
	// RateLimited counts API requests answered 429 by SetRateLimit or the
	// rolling window (RateWindow), not by injected faults.
	RateLimited int
}

// Server is a running fake. All methods are safe for concurrent use.
type Server struct {
	short   *shortLinks // shortlink.go; guarded by mu
	srv     *httptest.Server
	pages   *template.Template
	now     func() time.Time
	latency time.Duration
	ttl     time.Duration
	grace   time.Duration

	// done is closed by Close so that hung and delayed requests let go;
	// httptest.Server.Close would otherwise wait for them forever.
	done      chan struct{}
	closeOnce sync.Once

	mu             sync.Mutex
	apps           map[string]App
	users          map[string]User
	firstUser      string
	currentUser    string
	consent        ConsentMode
	rotation       bool
	lastShowDialog bool
	pending        map[string]*authRequest // consent pages awaiting Agree/Cancel
	codes          map[string]*authCode
	accessTokens   map[string]*accessToken
	refreshTokens  map[string]*refreshToken
	playlists      map[string][]Playlist    // by the user whose library lists them
	content        *content                 // playlist items and the catalog (items.go), made on first use
	transition     bool                     // SetTransitionShapes
	recorded       map[string]recordedRoute // answers recorded from the real API, by route (recorded.go)
	players        *players                 // the player (player.go), made on first use
	saved          map[string][]savedItem   // the users' libraries (savedlib.go), newest first
	faults         []*activeFault
	rateEvery      int
	rateRetryAfter int // seconds
	rateCount      int
	// retryUntil is the end of the latest Retry-After window, on the wall
	// clock: clients sleep in real time, whatever Config.Now says.
	retryUntil time.Time
	retryFrom  time.Time           // when the latest window opened
	limited    map[string]struct{} // URLs answered 429 in the open window
	stats      Stats
	verifiers  []string               // PKCE verifiers received, for Secrets
	lib        map[string]*library    // saved items and followed artists, by user (library.go)
	window     RateWindow             // the rolling rate-limit window (library.go)
	windowLog  map[string][]time.Time // answered requests in the window, by app
}

// Secrets lists every secret the fake has issued or received: access and
// refresh tokens, authorization codes, PKCE verifiers and client secrets.
// Tests assert that none of them leaks into output or logs.
func (s *Server) Secrets() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for k := range s.accessTokens {
		out = append(out, k)
	}
	for k := range s.refreshTokens {
		out = append(out, k)
	}
	for k := range s.codes {
		out = append(out, k)
	}
	for _, a := range s.apps {
		if a.ClientSecret != "" {
			out = append(out, a.ClientSecret)
		}
	}
	return append(out, s.verifiers...)
}

// New starts a fake server. Call Close when done.
func New(cfg Config) *Server {
	s := &Server{
		now:           cfg.Now,
		latency:       cfg.Latency,
		ttl:           cfg.AccessTokenTTL,
		done:          make(chan struct{}),
		apps:          make(map[string]App),
		users:         make(map[string]User),
		pending:       make(map[string]*authRequest),
		codes:         make(map[string]*authCode),
		accessTokens:  make(map[string]*accessToken),
		refreshTokens: make(map[string]*refreshToken),
		playlists:     make(map[string][]Playlist),
		stats:         newStats(),
		pages:         template.Must(template.New("pages").Parse(pageTemplates)),
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.ttl <= 0 {
		s.ttl = time.Hour
	}
	s.window = cfg.RateWindow
	if s.window.Per <= 0 {
		s.window.Per = 30 * time.Second
	}
	s.grace = cfg.InFlightGrace
	if s.grace <= 0 {
		s.grace = DefaultInFlightGrace
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// Close releases hung requests and shuts the server down.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.done)
		s.srv.Close()
	})
}

// URL is the base URL, e.g. http://127.0.0.1:PORT.
func (s *Server) URL() string { return s.srv.URL }

// AccountsURL is the accounts service base; /authorize and /api/token are
// below it, as on accounts.spotify.com.
func (s *Server) AccountsURL() string { return s.srv.URL }

// APIURL is the Web API base, the counterpart of https://api.spotify.com/v1.
func (s *Server) APIURL() string { return s.srv.URL + "/v1" }

// SetCurrentUser chooses the user "signed in to the browser", who is the one
// approving /authorize. Until it is called, the first user added approves.
func (s *Server) SetCurrentUser(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.currentUser = id
}

// SetConsent chooses how /authorize answers.
func (s *Server) SetConsent(m ConsentMode) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.consent = m
}

// SetRotation chooses refresh token rotation. On: every refresh returns a new
// refresh_token and invalidates the old one at once. Off (the default):
// refresh responses carry no refresh_token and the old one stays valid.
func (s *Server) SetRotation(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rotation = on
}

// SetTransitionShapes chooses the shapes Spotify sent while it moved to its
// 2026 names, as recorded in testdata/recorded/joostlek-python-spotify: on,
// every playlist object carries both "tracks" and "items" (counts in a list,
// the first page of entries in a single playlist), and every entry both
// "track" and "item". Off (the default), development-mode apps get only the
// new names and other apps only the old ones.
func (s *Server) SetTransitionShapes(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.transition = on
}

func (s *Server) transitionShapes() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.transition
}

// LastShowDialog reports whether the latest /authorize request carried
// show_dialog=true.
func (s *Server) LastShowDialog() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastShowDialog
}

// Stats returns a copy of the counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.TokenRequests = maps.Clone(s.stats.TokenRequests)
	st.APIRequests = maps.Clone(s.stats.APIRequests)
	return st
}

// ResetStats zeroes the counters. An open Retry-After window stays open: the
// client is still bound by it.
func (s *Server) ResetStats() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stats = newStats()
}

func newStats() Stats {
	return Stats{TokenRequests: map[string]int{}, APIRequests: map[string]int{}}
}

// serve is the single entry point: it counts the request, applies latency,
// faults and rate limiting, in that order, and only then routes it.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	isAPI := path == "/v1" || strings.HasPrefix(path, "/v1/")
	limited, retryAfter := s.admit(r, isAPI)

	if !s.wait(r, s.latency) {
		return
	}
	if f := s.takeFault(r); f != nil {
		s.serveFault(w, r, f, isAPI)
		return
	}
	if limited {
		s.writeRateLimited(w, r, strconv.Itoa(retryAfter), retryAfter)
		return
	}
	s.route(w, r)
}

// route answers a request that passed latency, faults and rate limiting.
func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	isAPI := path == "/v1" || strings.HasPrefix(path, "/v1/")
	switch {
	case path == "/authorize":
		s.handleAuthorize(w, r)
	case path == consentPath:
		s.handleConsent(w, r)
	case path == "/api/token":
		s.handleToken(w, r)
	case strings.HasPrefix(path, "/share/"):
		s.handleShortLink(w, r)
	case isAPI:
		s.handleAPI(w, r)
	default:
		http.NotFound(w, r)
	}
}

// admit records the request in the stats on arrival, before latency or
// faults, so that what the client sent is counted even when refused. For API
// requests it also takes a rate-limit slot and reports whether this one is
// the every-th.
func (s *Server) admit(r *http.Request, isAPI bool) (limited bool, retryAfter int) {
	var grantType string
	if r.URL.Path == "/api/token" {
		// ParseForm reads the body once; handleToken uses r.PostForm later.
		_ = r.ParseForm()
		grantType = r.PostForm.Get("grant_type")
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case r.URL.Path == "/authorize":
		s.stats.AuthorizeRequests++
	case r.URL.Path == "/api/token":
		s.stats.TokenRequests[grantType]++
	case isAPI:
		s.stats.APIRequests[r.URL.Path]++
		if now := time.Now(); now.Before(s.retryUntil) {
			_, repeat := s.limited[r.URL.RequestURI()]
			if repeat || !now.Before(s.retryFrom.Add(s.grace)) {
				s.stats.DuringRetryAfter++
			}
		}
		if s.rateEvery > 0 {
			s.rateCount++
			if s.rateCount%s.rateEvery == 0 {
				s.stats.RateLimited++
				return true, s.rateRetryAfter
			}
		}
		limited, retryAfter = s.windowLocked(r, time.Now())
		if limited {
			s.stats.RateLimited++
		}
		return limited, retryAfter
	}
	return false, 0
}

// wait sleeps for d unless the client gives up or the server closes first,
// and reports whether the request should still be answered.
func (s *Server) wait(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	case <-s.done:
		return false
	}
}

// openRetryWindow records that a 429 announcing Retry-After seconds is about
// to be sent. It must run before the answer is written, so that a client
// reacting instantly is already inside the window.
func (s *Server) openRetryWindow(uri string, seconds int) {
	if seconds <= 0 {
		return
	}
	now := time.Now()
	until := now.Add(time.Duration(seconds) * time.Second)
	s.mu.Lock()
	defer s.mu.Unlock()
	if !now.Before(s.retryUntil) {
		s.limited = map[string]struct{}{}
	}
	s.limited[uri] = struct{}{}
	s.retryFrom = now
	// An earlier, longer window is still binding on the client.
	if until.After(s.retryUntil) {
		s.retryUntil = until
	}
}

// DefaultInFlightGrace is Config.InFlightGrace when unset.
const DefaultInFlightGrace = 200 * time.Millisecond
