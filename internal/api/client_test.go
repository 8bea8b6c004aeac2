package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/spotcli/spotcli/internal/auth"
)

// fakeTokens is a TokenSource whose renewals are scripted.
type fakeTokens struct {
	mu       sync.Mutex
	current  string
	renewTo  string
	renewOK  bool
	renewErr error
	// follow makes AccessToken hand out the renewed token afterwards, as
	// auth.Source does; without it only Renew's answer carries the new token.
	follow     bool
	renewCalls int
	refused    []string
}

func (f *fakeTokens) AccessToken(context.Context) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.current, nil
}

func (f *fakeTokens) Renew(_ context.Context, refused string) (string, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.renewCalls++
	f.refused = append(f.refused, refused)
	if f.renewErr != nil {
		return "", false, f.renewErr
	}
	if f.renewOK && f.follow {
		f.current = f.renewTo
	}
	return f.renewTo, f.renewOK, nil
}

func staticToken(tok string) *fakeTokens { return &fakeTokens{current: tok} }

// hit is one request as the test server saw it.
type hit struct {
	at     time.Time
	method string
	uri    string
	header http.Header
	body   string
}

// recorder counts and keeps the requests reaching a test server.
type recorder struct {
	mu   sync.Mutex
	hits []hit
}

// add records r and returns how many requests arrived, r included.
func (rec *recorder) add(r *http.Request) int {
	b, _ := io.ReadAll(r.Body)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.hits = append(rec.hits, hit{at: time.Now(), method: r.Method, uri: r.URL.RequestURI(), header: r.Header.Clone(), body: string(b)})
	return len(rec.hits)
}

func (rec *recorder) all() []hit {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]hit(nil), rec.hits...)
}

func (rec *recorder) count() int {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return len(rec.hits)
}

func newServer(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// newClient is a client of srv that never waits long. Keep-alives are off so
// that net/http never retries a request on a reused connection by itself,
// which would blur request counts.
func newClient(t *testing.T, srv *httptest.Server, tokens TokenSource) *Client {
	t.Helper()
	tr := &http.Transport{DisableKeepAlives: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &Client{
		BaseURL:   srv.URL + "/v1",
		HTTP:      &http.Client{Transport: tr},
		UserAgent: "spotcli/test",
		Tokens:    tokens,
		MaxWait:   2 * time.Minute,
		Timeout:   5 * time.Second,
		Attempts:  4,
		Backoff:   func(int) time.Duration { return time.Millisecond },
	}
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// hangUp closes the connection without an answer.
func hangUp(t *testing.T, w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	_ = conn.Close()
}

// gateUntil waits until c's gate is closed and returns the end of its window.
func gateUntil(t *testing.T, c *Client) time.Time {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		c.gate.mu.Lock()
		until := c.gate.until
		c.gate.mu.Unlock()
		if !until.IsZero() {
			return until
		}
		if time.Now().After(deadline) {
			t.Fatal("the gate was never closed")
		}
		time.Sleep(time.Millisecond)
	}
}

func TestURL(t *testing.T) {
	t.Parallel()
	const base = "https://api.spotify.test:8443/v1"
	tests := []struct {
		name       string
		base       string
		in         string
		want       string
		wantOrigin *OriginError
	}{
		{name: "relative", in: "me", want: base + "/me"},
		{name: "leading slash", in: "/me", want: base + "/me"},
		{name: "nested with query", in: "me/playlists?limit=5&offset=10", want: base + "/me/playlists?limit=5&offset=10"},
		{name: "leading slash with query", in: "/me/top/tracks?time_range=short_term", want: base + "/me/top/tracks?time_range=short_term"},
		{name: "base with trailing slash", base: base + "/", in: "/me", want: base + "/me"},
		{name: "base without path", base: "https://api.spotify.test:8443", in: "me", want: "https://api.spotify.test:8443/me"},
		{name: "same origin", in: base + "/me/playlists?offset=50&limit=50", want: base + "/me/playlists?offset=50&limit=50"},
		{
			name:       "other host",
			in:         "https://evil.test:8443/v1/me",
			wantOrigin: &OriginError{URL: "https://evil.test:8443", Want: "https://api.spotify.test:8443"},
		},
		{
			name:       "other scheme",
			in:         "http://api.spotify.test:8443/v1/me",
			wantOrigin: &OriginError{URL: "http://api.spotify.test:8443", Want: "https://api.spotify.test:8443"},
		},
		{
			name:       "other port",
			in:         "https://api.spotify.test:9443/v1/me",
			wantOrigin: &OriginError{URL: "https://api.spotify.test:9443", Want: "https://api.spotify.test:8443"},
		},
		{
			name:       "default port",
			in:         "https://api.spotify.test/v1/me",
			wantOrigin: &OriginError{URL: "https://api.spotify.test", Want: "https://api.spotify.test:8443"},
		},
		{
			name:       "host as prefix",
			in:         "https://api.spotify.test.evil.test:8443/v1/me",
			wantOrigin: &OriginError{URL: "https://api.spotify.test.evil.test:8443", Want: "https://api.spotify.test:8443"},
		},
		{
			name:       "origin as user info",
			in:         "https://api.spotify.test:8443@evil.test/v1/me",
			wantOrigin: &OriginError{URL: "https://evil.test", Want: "https://api.spotify.test:8443"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := tt.base
			if b == "" {
				b = base
			}
			c := &Client{BaseURL: b}
			u, err := c.URL(tt.in)
			if tt.wantOrigin != nil {
				var oe *OriginError
				if !errors.As(err, &oe) {
					t.Fatalf("URL(%q) = %v, %v; want *OriginError", tt.in, u, err)
				}
				if diff := cmp.Diff(tt.wantOrigin, oe); diff != "" {
					t.Errorf("OriginError (-want +got):\n%s", diff)
				}
				if !strings.Contains(err.Error(), "refusing to send the access token") {
					t.Errorf("error %q does not say the token is withheld", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("URL(%q): %v", tt.in, err)
			}
			if got := u.String(); got != tt.want {
				t.Errorf("URL(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestDoRefusesOtherOrigin(t *testing.T) {
	t.Parallel()
	var rec recorder
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		writeJSON(w, 200, `{}`)
	})
	other := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		writeJSON(w, 200, `{}`)
	})
	c := newClient(t, srv, staticToken("tok"))
	_, err := c.Do(context.Background(), http.MethodGet, other.URL+"/v1/me", nil)
	var oe *OriginError
	if !errors.As(err, &oe) {
		t.Fatalf("Do to another port = %v, want *OriginError", err)
	}
	if n := rec.count(); n != 0 {
		t.Errorf("%d requests were sent, want 0", n)
	}
}

func TestDoHeaders(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		method   string
		body     []byte
		header   http.Header
		wantCT   string
		wantBody string
	}{
		{name: "GET", method: http.MethodGet},
		{name: "POST with body", method: http.MethodPost, body: []byte(`{"name":"x"}`), wantCT: "application/json", wantBody: `{"name":"x"}`},
		{
			name:   "caller's Authorization is overridden",
			method: http.MethodGet,
			header: http.Header{"Authorization": {"Bearer other"}, "X-Extra": {"1"}},
		},
		{
			name:     "caller's Content-Type is kept",
			method:   http.MethodPut,
			body:     []byte("AAAA"),
			header:   http.Header{"Content-Type": {"image/jpeg"}},
			wantCT:   "image/jpeg",
			wantBody: "AAAA",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var rec recorder
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				rec.add(r)
				writeJSON(w, 200, `{"ok":true}`)
			})
			c := newClient(t, srv, staticToken("tok-123"))
			c.Header = tt.header
			resp, err := c.Do(context.Background(), tt.method, "me", tt.body)
			if err != nil {
				t.Fatal(err)
			}
			if resp.Status != 200 || string(resp.Body) != `{"ok":true}` {
				t.Errorf("response = %d %q", resp.Status, resp.Body)
			}
			hits := rec.all()
			if len(hits) != 1 {
				t.Fatalf("%d requests, want 1", len(hits))
			}
			h := hits[0]
			got := map[string]string{
				"method":        h.method,
				"uri":           h.uri,
				"Authorization": strings.Join(h.header.Values("Authorization"), ","),
				"User-Agent":    h.header.Get("User-Agent"),
				"Accept":        h.header.Get("Accept"),
				"Content-Type":  h.header.Get("Content-Type"),
				"body":          h.body,
			}
			want := map[string]string{
				"method":        tt.method,
				"uri":           "/v1/me",
				"Authorization": "Bearer tok-123",
				"User-Agent":    "spotcli/test",
				"Accept":        "application/json",
				"Content-Type":  tt.wantCT,
				"body":          tt.wantBody,
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("request (-want +got):\n%s", diff)
			}
			for k := range tt.header {
				if k != "Authorization" && k != "Content-Type" && h.header.Get(k) != tt.header.Get(k) {
					t.Errorf("header %s = %q, want %q", k, h.header.Get(k), tt.header.Get(k))
				}
			}
		})
	}
}

func TestDoRenew(t *testing.T) {
	t.Parallel()
	errStore := errors.New("keyring locked")
	tests := []struct {
		name         string
		tokens       *fakeTokens
		refuseAll    bool // 401 for the renewed token too
		wantRequests []string
		wantLogin    bool
		wantErr      error
	}{
		{
			name:         "renewed token from the source",
			tokens:       &fakeTokens{current: "old", renewTo: "new", renewOK: true, follow: true},
			wantRequests: []string{"Bearer old", "Bearer new"},
		},
		{
			name:         "renewed token from Renew's answer",
			tokens:       &fakeTokens{current: "old", renewTo: "new", renewOK: true},
			wantRequests: []string{"Bearer old", "Bearer new"},
		},
		{
			name:         "401 twice",
			tokens:       &fakeTokens{current: "old", renewTo: "new", renewOK: true, follow: true},
			refuseAll:    true,
			wantRequests: []string{"Bearer old", "Bearer new"},
			wantLogin:    true,
		},
		{
			name:         "source cannot renew",
			tokens:       &fakeTokens{current: "old"},
			wantRequests: []string{"Bearer old"},
			wantLogin:    true,
		},
		{
			name:         "renewal fails",
			tokens:       &fakeTokens{current: "old", renewErr: errStore},
			wantRequests: []string{"Bearer old"},
			wantErr:      errStore,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var rec recorder
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				rec.add(r)
				if r.Header.Get("Authorization") == "Bearer old" || tt.refuseAll {
					writeJSON(w, 401, `{"error":{"status":401,"message":"The access token expired"}}`)
					return
				}
				writeJSON(w, 200, `{"id":"u1"}`)
			})
			c := newClient(t, srv, tt.tokens)
			resp, err := c.Do(context.Background(), http.MethodGet, "me", nil)
			var got []string
			for _, h := range rec.all() {
				got = append(got, h.header.Get("Authorization"))
			}
			if diff := cmp.Diff(tt.wantRequests, got); diff != "" {
				t.Errorf("requests' Authorization (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{"old"}, tt.tokens.refused); diff != "" {
				t.Errorf("Renew calls (-want +got):\n%s", diff)
			}
			switch {
			case tt.wantLogin:
				var le *auth.LoginNeededError
				if !errors.As(err, &le) {
					t.Fatalf("err = %v, want *auth.LoginNeededError", err)
				}
				for _, s := range []string{"The access token expired", "spotcli login"} {
					if !strings.Contains(le.Error(), s) {
						t.Errorf("message %q lacks %q", le.Error(), s)
					}
				}
			case tt.wantErr != nil:
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
			default:
				if err != nil {
					t.Fatal(err)
				}
				if string(resp.Body) != `{"id":"u1"}` {
					t.Errorf("body = %q", resp.Body)
				}
			}
		})
	}
}

func TestDoRateLimitWaits(t *testing.T) {
	t.Parallel()
	var rec recorder
	var limitedAt atomic.Int64 // UnixNano of the 429
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if rec.add(r) == 1 {
			limitedAt.Store(time.Now().UnixNano())
			w.Header().Set("Retry-After", "1")
			writeJSON(w, 429, `{"error":{"status":429,"message":"API rate limit exceeded"}}`)
			return
		}
		writeJSON(w, 200, `{"ok":true}`)
	})
	c := newClient(t, srv, staticToken("tok"))
	resp, err := c.Do(context.Background(), http.MethodGet, "me", nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != 200 {
		t.Errorf("status = %d, want 200", resp.Status)
	}
	hits := rec.all()
	if len(hits) != 2 {
		t.Fatalf("%d requests, want 2", len(hits))
	}
	end := time.Unix(0, limitedAt.Load()).Add(time.Second)
	early := 0
	for _, h := range hits[1:] {
		if h.at.Before(end) {
			early++
		}
	}
	if early != 0 {
		t.Errorf("%d requests arrived before Retry-After ended", early)
	}
}

func TestDoRateLimitTooLong(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		maxWait    time.Duration
		retryAfter string
		body       string
		want       *RateLimitError
		wantMsg    []string
	}{
		{
			name:       "an hour",
			maxWait:    2 * time.Minute,
			retryAfter: "3600",
			body:       `{"error":{"status":429,"message":"API rate limit exceeded","reason":"QUOTA_EXCEEDED"}}`,
			want:       &RateLimitError{RetryAfter: time.Hour, Reason: "QUOTA_EXCEEDED"},
			wantMsg:    []string{"rate limited by Spotify for 1h, until ", " UTC (QUOTA_EXCEEDED)", "--max-wait"},
		},
		{
			name:       "no body",
			maxWait:    2 * time.Minute,
			retryAfter: "3600",
			want:       &RateLimitError{RetryAfter: time.Hour},
			wantMsg:    []string{"rate limited by Spotify for 1h, until ", " UTC: try again then (--max-wait"},
		},
		{
			name:       "no waiting allowed",
			retryAfter: "1",
			want:       &RateLimitError{RetryAfter: time.Second},
			wantMsg:    []string{"rate limited by Spotify for 1s, until "},
		},
		{
			name:       "beyond int64",
			maxWait:    2 * time.Minute,
			retryAfter: "99999999999999999999",
			want:       &RateLimitError{RetryAfter: time.Duration(1<<31) * time.Second},
			wantMsg:    []string{"rate limited by Spotify for 24855d4h, until 2094-"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var rec recorder
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				rec.add(r)
				w.Header().Set("Retry-After", tt.retryAfter)
				writeJSON(w, 429, tt.body)
			})
			c := newClient(t, srv, staticToken("tok"))
			c.MaxWait = tt.maxWait
			start := time.Now()
			_, err := c.Do(context.Background(), http.MethodGet, "me", nil)
			var rl *RateLimitError
			if !errors.As(err, &rl) {
				t.Fatalf("err = %v, want *RateLimitError", err)
			}
			if diff := cmp.Diff(tt.want, rl, cmpopts.IgnoreFields(RateLimitError{}, "Until")); diff != "" {
				t.Errorf("RateLimitError (-want +got):\n%s", diff)
			}
			if d := rl.Until.Sub(start.Add(tt.want.RetryAfter)); d < 0 || d > 10*time.Second {
				t.Errorf("Until is %s, want the answer's time plus %s", rl.Until, tt.want.RetryAfter)
			}
			for _, s := range tt.wantMsg {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q lacks %q", err, s)
				}
			}
			if n := rec.count(); n != 1 {
				t.Errorf("%d requests, want 1", n)
			}
			// One request means no retry; for the long windows, also check
			// that nothing sat out any part of the window.
			if took := time.Since(start); tt.want.RetryAfter >= time.Hour && took > 10*time.Second {
				t.Errorf("took %s, want no waiting", took)
			}
		})
	}
}

func TestDoCanceledWhileRateLimited(t *testing.T) {
	t.Parallel()
	var rec recorder
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		w.Header().Set("Retry-After", "1")
		writeJSON(w, 429, "")
	})
	c := newClient(t, srv, staticToken("tok"))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errc := make(chan error, 1)
	go func() {
		_, err := c.Do(ctx, http.MethodGet, "me", nil)
		errc <- err
	}()
	gateUntil(t, c)
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if n := rec.count(); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

// TestGateShared has several goroutines share a client. One gets a 429 while
// the others have requests in flight; once the gate is closed, none of their
// next requests may reach the server before the window ends.
func TestGateShared(t *testing.T) {
	t.Parallel()
	const others = 5
	var (
		rec       recorder
		arrived   = make(chan struct{}, others)
		release   = make(chan struct{})
		limitedAt atomic.Int64
		aCalls    atomic.Int32
	)
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		switch {
		case r.URL.Path == "/v1/a" && aCalls.Add(1) == 1:
			// Answer 429 only once every other goroutine has a request in flight.
			for range others {
				select {
				case <-arrived:
				case <-r.Context().Done():
					return
				}
			}
			limitedAt.Store(time.Now().UnixNano())
			w.Header().Set("Retry-After", "1")
			writeJSON(w, 429, "")
		case r.URL.Query().Get("n") == "1":
			arrived <- struct{}{}
			select {
			case <-release:
			case <-r.Context().Done():
				return
			}
			writeJSON(w, 200, `{}`)
		default:
			writeJSON(w, 200, `{}`)
		}
	})
	c := newClient(t, srv, staticToken("tok"))
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 2*others+1)
	wg.Go(func() {
		_, err := c.Do(ctx, http.MethodGet, "a", nil)
		errs <- err
	})
	for g := range others {
		wg.Go(func() {
			for n := 1; n <= 2; n++ {
				_, err := c.Do(ctx, http.MethodGet, "b?g="+strconv.Itoa(g)+"&n="+strconv.Itoa(n), nil)
				errs <- err
			}
		})
	}
	until := gateUntil(t, c)
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	limited := time.Unix(0, limitedAt.Load())
	if end := limited.Add(time.Second); until.Before(end) {
		t.Errorf("gate open at %s, before the 429's window ends at %s", until, end)
	}
	hits := rec.all()
	if len(hits) != 2+2*others {
		t.Errorf("%d requests, want %d", len(hits), 2+2*others)
	}
	early := 0
	for _, h := range hits {
		if h.at.After(limited) && h.at.Before(limited.Add(time.Second)) {
			early++
			t.Logf("request %s arrived %s after the 429", h.uri, h.at.Sub(limited))
		}
	}
	if early != 0 {
		t.Errorf("%d requests reached the server during the Retry-After window", early)
	}
}

func TestDoServerErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		method       string
		attempts     int
		statuses     []int // answered in turn; the last one repeats
		wantRequests int
		wantStatus   int // of the *Error; 0 means success
		wantGaveUp   bool
	}{
		{name: "GET 500", method: "GET", statuses: []int{500}, wantRequests: 4, wantStatus: 500, wantGaveUp: true},
		{name: "GET 502", method: "GET", statuses: []int{502}, wantRequests: 4, wantStatus: 502, wantGaveUp: true},
		{name: "GET 503", method: "GET", statuses: []int{503}, wantRequests: 4, wantStatus: 503, wantGaveUp: true},
		{name: "GET 504", method: "GET", statuses: []int{504}, wantRequests: 4, wantStatus: 504, wantGaveUp: true},
		{name: "GET names the last status", method: "GET", statuses: []int{500, 502, 503, 504}, wantRequests: 4, wantStatus: 504, wantGaveUp: true},
		{name: "GET recovers", method: "GET", statuses: []int{503, 502, 200}, wantRequests: 3},
		{name: "HEAD 503", method: "HEAD", statuses: []int{503}, wantRequests: 4, wantStatus: 503, wantGaveUp: true},
		{name: "GET with 2 attempts", method: "GET", attempts: 2, statuses: []int{500}, wantRequests: 2, wantStatus: 500, wantGaveUp: true},
		{name: "GET 501 is final", method: "GET", statuses: []int{501}, wantRequests: 1, wantStatus: 501},
		{name: "POST 500", method: "POST", statuses: []int{500}, wantRequests: 1, wantStatus: 500},
		{name: "PUT 503", method: "PUT", statuses: []int{503}, wantRequests: 1, wantStatus: 503},
		{name: "DELETE 502", method: "DELETE", statuses: []int{502}, wantRequests: 1, wantStatus: 502},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var rec recorder
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				n := rec.add(r)
				s := tt.statuses[min(n, len(tt.statuses))-1]
				if s == 200 {
					writeJSON(w, 200, `{"ok":true}`)
					return
				}
				writeJSON(w, s, `{"error":{"status":`+strconv.Itoa(s)+`,"message":"attempt `+strconv.Itoa(n)+`"}}`)
			})
			c := newClient(t, srv, staticToken("tok"))
			if tt.attempts != 0 {
				c.Attempts = tt.attempts
			}
			var body []byte
			if tt.method == "POST" || tt.method == "PUT" {
				body = []byte(`{}`)
			}
			_, err := c.Do(context.Background(), tt.method, "me", body)
			if n := rec.count(); n != tt.wantRequests {
				t.Errorf("%d requests, want %d", n, tt.wantRequests)
			}
			if tt.wantStatus == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want *Error", err)
			}
			if e.Status != tt.wantStatus {
				t.Errorf("status = %d, want %d", e.Status, tt.wantStatus)
			}
			if !strings.Contains(err.Error(), strconv.Itoa(tt.wantStatus)) {
				t.Errorf("error %q does not name status %d", err, tt.wantStatus)
			}
			gaveUp := "gave up after " + strconv.Itoa(tt.wantRequests) + " attempts"
			if got := strings.Contains(err.Error(), gaveUp); got != tt.wantGaveUp {
				t.Errorf("error %q: contains %q = %v, want %v", err, gaveUp, got, tt.wantGaveUp)
			}
		})
	}
}

func TestDoConnectionErrors(t *testing.T) {
	t.Parallel()
	const secret = "S3CRET-QUERY"
	tests := []struct {
		name         string
		method       string
		drops        int // connections closed before answering; -1 means all
		wantRequests int
		wantErr      string
	}{
		{name: "GET recovers", method: "GET", drops: 2, wantRequests: 3},
		{name: "GET gives up", method: "GET", drops: -1, wantRequests: 4, wantErr: "gave up after 4 attempts"},
		{name: "POST is not retried", method: "POST", drops: -1, wantRequests: 1, wantErr: "POST "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var rec recorder
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				if n := rec.add(r); tt.drops < 0 || n <= tt.drops {
					hangUp(t, w)
					return
				}
				writeJSON(w, 200, `{"ok":true}`)
			})
			c := newClient(t, srv, staticToken("tok"))
			resp, err := c.Do(context.Background(), tt.method, "search?q=x&access_token="+secret, nil)
			if n := rec.count(); n != tt.wantRequests {
				t.Errorf("%d requests, want %d", n, tt.wantRequests)
			}
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if resp.Status != 200 {
					t.Errorf("status = %d", resp.Status)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q lacks %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error %q shows a secret query value", err)
			}
		})
	}
}

func TestDoTimeout(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		method       string
		attempts     int
		timeout      time.Duration // 200ms unless set
		partial      bool          // send the headers and part of the body, then stall
		wantRequests int
		wantErr      []string
	}{
		{name: "GET", method: "GET", attempts: 1, wantRequests: 1, wantErr: []string{"no answer within 200ms"}},
		{name: "GET retried", method: "GET", attempts: 2, wantRequests: 2, wantErr: []string{"no answer within 200ms", "gave up after 2 attempts"}},
		{name: "POST", method: "POST", wantRequests: 1, wantErr: []string{"no answer within 200ms"}},
		// A longer timeout, so that the headers surely arrive within it.
		{name: "body stalls", method: "GET", attempts: 1, timeout: 500 * time.Millisecond, partial: true, wantRequests: 1, wantErr: []string{"read answer"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var rec recorder
			release := make(chan struct{})
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				rec.add(r)
				if tt.partial {
					w.Header().Set("Content-Length", "100")
					w.WriteHeader(200)
					_, _ = io.WriteString(w, `{"items":[`)
					w.(http.Flusher).Flush()
				}
				select {
				case <-r.Context().Done():
				case <-release:
				}
			})
			t.Cleanup(func() { close(release) }) // before srv.Close
			c := newClient(t, srv, staticToken("tok"))
			c.Timeout = 200 * time.Millisecond
			if tt.timeout != 0 {
				c.Timeout = tt.timeout
			}
			if tt.attempts != 0 {
				c.Attempts = tt.attempts
			}
			_, err := c.Do(context.Background(), tt.method, "me", nil)
			if err == nil {
				t.Fatal("no error")
			}
			for _, s := range tt.wantErr {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q lacks %q", err, s)
				}
			}
			if n := rec.count(); n != tt.wantRequests {
				t.Errorf("%d requests, want %d", n, tt.wantRequests)
			}
		})
	}
}

func TestDoContextCanceled(t *testing.T) {
	t.Parallel()
	t.Run("in flight", func(t *testing.T) {
		t.Parallel()
		var rec recorder
		arrived := make(chan struct{})
		release := make(chan struct{})
		srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
			if rec.add(r) == 1 {
				close(arrived)
			}
			select {
			case <-r.Context().Done():
			case <-release:
			}
		})
		t.Cleanup(func() { close(release) })
		c := newClient(t, srv, staticToken("tok"))
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			<-arrived
			cancel()
		}()
		_, err := c.Do(ctx, http.MethodGet, "me", nil)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		if n := rec.count(); n != 1 {
			t.Errorf("%d requests, want 1", n)
		}
	})
	t.Run("before", func(t *testing.T) {
		t.Parallel()
		var rec recorder
		srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
			rec.add(r)
			writeJSON(w, 200, `{}`)
		})
		c := newClient(t, srv, staticToken("tok"))
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := c.Do(ctx, http.MethodGet, "me", nil)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		if n := rec.count(); n != 0 {
			t.Errorf("%d requests, want 0", n)
		}
	})
}

func TestMe(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		body    string
		want    *User
		wantErr string
	}{
		{
			name: "user",
			body: `{"id":"u1","display_name":"Ann","email":"ann@example.com","country":"SE","product":"premium","type":"user"}`,
			want: &User{ID: "u1", DisplayName: "Ann", Email: "ann@example.com", Country: "SE", Product: "premium"},
		},
		{name: "no id", body: `{"display_name":"Ann"}`, wantErr: `unexpected answer from /me: {"display_name":"Ann"}`},
		{name: "not JSON", body: "<html>\nhello", wantErr: "unexpected answer from /me: <html>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/v1/me" {
					writeJSON(w, 404, `{"error":{"status":404,"message":"Service not found"}}`)
					return
				}
				writeJSON(w, 200, tt.body)
			})
			c := newClient(t, srv, staticToken("tok"))
			u, err := c.Me(context.Background())
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(u.Raw) != tt.body {
				t.Errorf("Raw = %s, want the body", u.Raw)
			}
			u.Raw = nil
			if diff := cmp.Diff(tt.want, u); diff != "" {
				t.Errorf("user (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDefaultBackoff(t *testing.T) {
	t.Parallel()
	c := &Client{}
	for n := 1; n <= 4; n++ {
		lo, hi := 50*time.Millisecond, 50*time.Millisecond+250*time.Millisecond<<(n-1)
		for range 100 {
			if d := c.backoff(n); d < lo || d >= hi {
				t.Fatalf("backoff(%d) = %s, want within [%s, %s)", n, d, lo, hi)
			}
		}
	}
}

// Client.Header reaches every request, the pages of Paginate included, over
// the client's own Accept and User-Agent, but never over Authorization.
func TestClientHeader(t *testing.T) {
	var mu sync.Mutex
	var seen []http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Clone())
		mu.Unlock()
		off := r.URL.Query().Get("offset")
		next := "null"
		if off == "0" {
			next = `"` + "http://" + r.Host + "/v1/things?offset=1&limit=1" + `"`
		}
		fmt.Fprintf(w, `{"items":[{"n":%q}],"total":2,"offset":%s,"limit":1,"next":%s}`, off, off, next)
	}))
	defer srv.Close()
	c := newClient(t, srv, &fakeTokens{current: "tok"})
	c.Header = http.Header{"Accept": {"application/x-test"}, "User-Agent": {"mine"}, "X-Extra": {"1"}, "Authorization": {"Bearer stolen"}}
	n := 0
	err := c.Paginate(context.Background(), "things", PageOptions{PageSize: 1, Concurrency: 1}, func(items []json.RawMessage) error {
		n += len(items)
		return nil
	})
	if err != nil || n != 2 || len(seen) != 2 {
		t.Fatalf("Paginate: %v, %d items, %d requests", err, n, len(seen))
	}
	for i, h := range seen {
		for k, want := range map[string]string{"Accept": "application/x-test", "User-Agent": "mine", "X-Extra": "1", "Authorization": "Bearer tok"} {
			if got := h.Values(k); len(got) != 1 || got[0] != want {
				t.Errorf("request %d: %s = %q, want %q", i+1, k, got, want)
			}
		}
	}
}
