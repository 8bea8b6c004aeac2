package spotifytest

import (
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"time"
)

// Fault makes requests to one path fail, to test a client's error handling.
// Faults are tried in the order injected; the first that applies answers.
type Fault struct {
	Path       string // exact request path, e.g. "/api/token" or "/v1/me/playlists"
	Status     int    // e.g. 500, 429, 401
	Count      int    // how many matching requests get it (0 = every one, until ClearFaults)
	RetryAfter string // Retry-After header value, for 429
	Body       string // raw body; "" = Spotify's standard error body for that status and path
	Hang       bool   // never answer (until the client gives up or the server closes)
	Reset      bool   // close the connection without an answer
	SkipFirst  int    // let this many matching requests pass first
	// Method limits the fault to requests of one method ("" is any;
	// AnyWrite is every method but GET and HEAD), so that a test can fail
	// the Nth write to a path its reads share.
	Method string
	// ApplyThenReset serves the request normally (a write takes effect)
	// and then closes the connection without an answer: the client cannot
	// know whether its write happened.
	ApplyThenReset bool
	// Apply serves the request normally first (a write takes effect), and
	// then answers with the fault's Status, Reset or Hang: a gateway's 502
	// after the service did the work.
	Apply bool
}

// AnyWrite is a Fault.Method matching every method that changes something.
const AnyWrite = "WRITE"

func (f *Fault) matches(r *http.Request) bool {
	if f.Path != r.URL.Path {
		return false
	}
	switch f.Method {
	case "":
		return true
	case AnyWrite:
		return r.Method != http.MethodGet && r.Method != http.MethodHead
	}
	return f.Method == r.Method
}

// activeFault is a Fault with its counters.
type activeFault struct {
	Fault
	seen   int // matching requests so far, including skipped ones
	served int // requests that got the fault
}

// InjectFault adds a fault. It panics on a fault that would answer nothing
// meaningful (no Status, Hang or Reset), which is a bug in the test.
func (s *Server) InjectFault(f Fault) {
	if f.Status == 0 && !f.Hang && !f.Reset && !f.ApplyThenReset {
		panic(fmt.Sprintf("spotifytest: fault on %q needs a Status, Hang, Reset or ApplyThenReset", f.Path))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &activeFault{Fault: f})
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// SetRateLimit makes every every-th API request (under /v1, counting from the
// first one after this call) get 429 with Retry-After: retryAfter, rounded up
// to whole seconds as Spotify sends it. every = 0 turns it off.
func (s *Server) SetRateLimit(every int, retryAfter time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rateEvery = every
	s.rateRetryAfter = int(math.Ceil(retryAfter.Seconds()))
	s.rateCount = 0
}

// takeFault returns the fault that applies to this request, if any, and
// counts it as served.
func (s *Server) takeFault(r *http.Request) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.faults {
		if !f.matches(r) {
			continue
		}
		f.seen++
		if f.seen <= f.SkipFirst {
			continue
		}
		if f.Count > 0 && f.served >= f.Count {
			continue
		}
		f.served++
		fault := f.Fault
		return &fault
	}
	return nil
}

func (s *Server) serveFault(w http.ResponseWriter, r *http.Request, f *Fault, isAPI bool) {
	if f.Apply && !f.ApplyThenReset {
		s.route(httptest.NewRecorder(), r)
	}
	switch {
	case f.Reset:
		resetConn(w)
		return
	case f.ApplyThenReset:
		// The handler writes into a recorder nobody reads; what it
		// changed stays changed.
		s.route(httptest.NewRecorder(), r)
		resetConn(w)
		return
	case f.Hang:
		select {
		case <-r.Context().Done():
			// The client gave up; nobody is listening any more.
		case <-s.done:
			// Drop the connection so that Close does not wait for us.
			resetConn(w)
		}
		return
	}

	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	if isAPI && f.Status == http.StatusTooManyRequests {
		// A non-numeric Retry-After (an HTTP date) announces no window the
		// fake can measure; Spotify only ever sends seconds.
		if secs, err := strconv.Atoi(strings.TrimSpace(f.RetryAfter)); err == nil {
			s.openRetryWindow(r.URL.RequestURI(), secs)
		}
	}

	if f.Body != "" {
		ctype := "text/plain; charset=utf-8"
		if strings.HasPrefix(strings.TrimSpace(f.Body), "{") {
			ctype = "application/json"
		}
		w.Header().Set("Content-Type", ctype)
		w.WriteHeader(f.Status)
		_, _ = w.Write([]byte(f.Body))
		return
	}
	switch {
	case isAPI:
		writeAPIError(w, f.Status, standardAPIMessage(f.Status))
	case r.URL.Path == "/api/token":
		writeOAuthError(w, &oauthError{status: f.Status, code: standardOAuthCode(f.Status), desc: http.StatusText(f.Status)})
	default:
		s.writePage(w, f.Status, http.StatusText(f.Status), "")
	}
}

// writeRateLimited answers 429 the way Spotify's Web API does.
func (s *Server) writeRateLimited(w http.ResponseWriter, r *http.Request, header string, seconds int) {
	s.openRetryWindow(r.URL.RequestURI(), seconds)
	w.Header().Set("Retry-After", header)
	writeAPIError(w, http.StatusTooManyRequests, "API rate limit exceeded")
}

// resetConn closes the connection without writing a response, as a crashed
// proxy or a network failure would.
func resetConn(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// Not hijackable (never the case for httptest's HTTP/1.1 server):
		// aborting the handler drops the connection just the same.
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

// standardAPIMessage is the message Spotify's Web API puts in its error body
// for a status.
func standardAPIMessage(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "Bad request"
	case http.StatusUnauthorized:
		return msgInvalidToken
	case http.StatusForbidden:
		return "Forbidden"
	case http.StatusNotFound:
		return msgNotFound
	case http.StatusTooManyRequests:
		return "API rate limit exceeded"
	case http.StatusInternalServerError:
		return "Server error"
	case http.StatusBadGateway:
		return "Bad gateway"
	case http.StatusServiceUnavailable:
		return "Service unavailable"
	}
	return http.StatusText(status)
}

// standardOAuthCode is the RFC 6749 error code that fits an HTTP status on
// the token endpoint.
func standardOAuthCode(status int) string {
	switch {
	case status == http.StatusUnauthorized:
		return "invalid_client"
	case status == http.StatusServiceUnavailable || status == http.StatusTooManyRequests:
		return "temporarily_unavailable"
	case status >= 500:
		return "server_error"
	}
	return "invalid_request"
}
