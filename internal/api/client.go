// Package api is spotcli's client of the Spotify Web API: typed calls, paging,
// Spotify's error bodies, retries and the shared Retry-After gate.
package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spotcli/spotcli/internal/auth"
)

// TokenSource gives the client its access token, and a new one when Spotify
// refuses the old one. It is the one name for a thing that gives and renews
// tokens; internal/auth's Source is the implementation.
type TokenSource interface {
	AccessToken(ctx context.Context) (string, error)
	// Renew returns a replacement for a refused token; ok is false when the
	// source cannot renew (a token from the environment, say).
	Renew(ctx context.Context, refused string) (token string, ok bool, err error)
}

// Client calls the Web API.
type Client struct {
	BaseURL   string // api_url, e.g. https://api.spotify.com/v1
	HTTP      *http.Client
	UserAgent string
	// Header is sent with every request, pages included, over spotcli's
	// own Accept, Content-Type and User-Agent (never over Authorization).
	Header http.Header
	Tokens TokenSource
	// MaxWait is the longest Retry-After the client waits out; a longer one
	// fails at once with a RateLimitError.
	MaxWait time.Duration
	// Timeout bounds every request, body included.
	Timeout time.Duration
	// Attempts bounds tries of a GET that fails with 5xx or a connection error.
	Attempts int
	// Backoff is the delay before retry n (1, 2, ...); nil means exponential
	// with full jitter from 250 ms.
	Backoff func(n int) time.Duration

	// ScopeHint, when set, writes the hint of a 403 for a missing scope
	// from the scopes the request needs (ScopeRules); nil uses ScopeHint
	// with no login flags.
	ScopeHint func(method, path string, need []string) string

	gate Gate
	// searchPage is the largest search page Spotify granted this run: 0
	// until a search asked, then 50, or 10 once Spotify answered
	// "Invalid limit" (a development-mode app).
	searchPage atomic.Int32
}

// Response is a complete answer of the API.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Gate holds back every request of a process while a Retry-After is pending,
// so concurrent workers wait out one window together.
type Gate struct {
	mu    sync.Mutex
	until time.Time
}

// Block closes the gate until t (or later, if already closed longer).
func (g *Gate) Block(t time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if t.After(g.until) {
		g.until = t
	}
}

// Wait returns when the gate is open.
func (g *Gate) Wait(ctx context.Context) error {
	for {
		g.mu.Lock()
		d := time.Until(g.until)
		g.mu.Unlock()
		if d <= 0 {
			return nil
		}
		if err := sleep(ctx, d); err != nil {
			return err
		}
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (c *Client) backoff(n int) time.Duration {
	if c.Backoff != nil {
		return c.Backoff(n)
	}
	max := 250 * time.Millisecond << (n - 1)
	return time.Duration(rand.Int64N(int64(max))) + 50*time.Millisecond
}

// URL resolves a path relative to BaseURL ("me", "/me") or checks that an
// absolute URL (a "next" link) has BaseURL's origin, so that the token is never
// sent to another host.
func (c *Client) URL(pathOrURL string) (*url.URL, error) {
	base, err := url.Parse(c.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("api_url %q: %v", c.BaseURL, err)
	}
	if strings.HasPrefix(pathOrURL, "http://") || strings.HasPrefix(pathOrURL, "https://") {
		u, err := url.Parse(pathOrURL)
		if err != nil {
			return nil, fmt.Errorf("invalid URL %q: %v", pathOrURL, err)
		}
		if u.Scheme != base.Scheme || u.Host != base.Host {
			return nil, &OriginError{URL: u.Scheme + "://" + u.Host, Want: base.Scheme + "://" + base.Host}
		}
		return u, nil
	}
	rel, err := url.Parse(strings.TrimPrefix(pathOrURL, "/"))
	if err != nil {
		return nil, fmt.Errorf("invalid path %q: %v", pathOrURL, err)
	}
	if rel.Host != "" || rel.Scheme != "" {
		return nil, fmt.Errorf("invalid path %q", pathOrURL)
	}
	u := *base
	u.Path = strings.TrimRight(base.Path, "/") + "/" + rel.Path
	u.RawPath = ""
	u.RawQuery = rel.RawQuery
	return &u, nil
}

// OriginError refuses a URL outside api_url's origin.
type OriginError struct{ URL, Want string }

func (e *OriginError) Error() string {
	return fmt.Sprintf("refusing to send the access token to %s: only %s (api_url) is allowed", e.URL, e.Want)
}

// Do sends one API request, with the retries of the Web API's rules: a 401
// renews the token once, a 429 closes the gate for Retry-After, and a GET is
// retried on 5xx and connection errors.
func (c *Client) Do(ctx context.Context, method, pathOrURL string, body []byte) (*Response, error) {
	idempotent := method == http.MethodGet || method == http.MethodHead
	return c.do(ctx, method, pathOrURL, body, retryPolicy{answered: idempotent, sent: idempotent})
}

// Write sends a request that changes something. It is retried as a GET is
// when Spotify answered 429, 500 or 503 (nothing was done) or when it failed
// before any of it was sent; when it failed after it was sent (a dropped
// connection, no answer in time) or a gateway answered 502 or 504 (the
// service behind it may have acted) it is not sent again: the error is an
// *UnknownOutcomeError, and the caller checks by reading what the write
// would have changed, then sends it again if it did not happen.
func (c *Client) Write(ctx context.Context, method, pathOrURL string, body []byte) (*Response, error) {
	return c.do(ctx, method, pathOrURL, body, retryPolicy{answered: true, unsent: true})
}

// retryPolicy says which failures of a request are retried (429 always is).
type retryPolicy struct {
	answered bool // a 500, 502, 503 or 504 answer
	sent     bool // a connection error after the request was sent
	unsent   bool // a connection error before any of it was sent
}

// UnknownOutcomeError is a write that was sent but never answered: Spotify
// may or may not have applied it.
type UnknownOutcomeError struct {
	Method, URL string
	Err         error
}

func (e *UnknownOutcomeError) Error() string {
	return fmt.Sprintf("%s %s: %v: Spotify may or may not have applied it", e.Method, e.URL, e.Err)
}

func (e *UnknownOutcomeError) Unwrap() error { return e.Err }

func (c *Client) do(ctx context.Context, method, pathOrURL string, body []byte, policy retryPolicy) (*Response, error) {
	u, err := c.URL(pathOrURL)
	if err != nil {
		return nil, err
	}
	attempts := c.Attempts
	if attempts <= 0 {
		attempts = 4
	}
	renewed := false
	fresh := "" // the token Renew handed back
	failures := 0
	rateLimited := 0
	var lastErr error
	for {
		if err := c.gate.Wait(ctx); err != nil {
			return nil, err
		}
		tok := fresh
		if tok == "" {
			if tok, err = c.Tokens.AccessToken(ctx); err != nil {
				return nil, err
			}
		}
		resp, sent, err := c.send(ctx, method, u, tok, body)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			var tl *TooLargeError
			if errors.As(err, &tl) {
				return nil, err // the same answer again would be as large
			}
			if sent && !policy.sent && policy.unsent {
				return nil, &UnknownOutcomeError{Method: method, URL: redactURL(u), Err: err}
			}
			lastErr = fmt.Errorf("%s %s: %w", method, redactURL(u), err)
			failures++
			if (policy.sent || !sent && policy.unsent) && failures < attempts {
				if err := sleep(ctx, c.backoff(failures)); err != nil {
					return nil, err
				}
				continue
			}
			if failures > 1 {
				return nil, fmt.Errorf("%w (gave up after %d attempts)", lastErr, failures)
			}
			return nil, lastErr
		}
		switch s := resp.Status; {
		case s == http.StatusUnauthorized:
			if !renewed {
				// Retry with the token Renew hands back: the source need
				// not return it from AccessToken.
				if next, ok, err := c.Tokens.Renew(ctx, tok); err != nil {
					return nil, err
				} else if ok {
					renewed, fresh = true, next
					continue
				}
			}
			e := parseError(resp)
			return nil, &auth.LoginNeededError{Reason: fmt.Sprintf("Spotify refused the access token (%s)", e.Message)}
		case s == http.StatusTooManyRequests:
			now := time.Now()
			wait := retryAfter(resp.Header.Get("Retry-After"), now)
			e := parseError(resp)
			rateLimited++
			if wait > c.MaxWait || rateLimited > 20 {
				return nil, &RateLimitError{RetryAfter: wait, Reason: e.Reason, Until: now.Add(wait)}
			}
			c.gate.Block(time.Now().Add(wait))
			continue
		case policy.unsent && !policy.sent && (s == 502 || s == 504):
			// A gateway answered, not Spotify's service: the write may have
			// been applied behind it. The caller checks before resending.
			return nil, &UnknownOutcomeError{Method: method, URL: redactURL(u), Err: parseError(resp)}
		case policy.answered && (s == 500 || s == 502 || s == 503 || s == 504):
			failures++
			lastErr = parseError(resp)
			if failures < attempts {
				if err := sleep(ctx, c.backoff(failures)); err != nil {
					return nil, err
				}
				continue
			}
			return nil, fmt.Errorf("%w (gave up after %d attempts)", lastErr, failures)
		case s >= 400:
			e := parseError(resp)
			c.scopeHint(e, method, u)
			return resp, e
		}
		return resp, nil
	}
}

// send makes one attempt; sent reports whether any of the request reached
// the connection, which is when a failed write's outcome is unknown.
func (c *Client) send(ctx context.Context, method string, u *url.URL, token string, body []byte) (_ *Response, sent bool, _ error) {
	resp, err := c.attempt(ctx, method, u, token, body, &sent)
	return resp, sent, err
}

func (c *Client) attempt(ctx context.Context, method string, u *url.URL, token string, body []byte, sent *bool) (*Response, error) {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var wrote atomic.Bool
	defer func() { *sent = wrote.Load() }()
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		// Headers may reach Spotify before the connection fails: from
		// here on, a write may have been applied.
		WroteHeaderField: func(string, []string) { wrote.Store(true) },
		WroteHeaders:     func() { wrote.Store(true) },
	})
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.UserAgent != "" {
		req.Header.Set("User-Agent", c.UserAgent)
	}
	// The client's headers win over the defaults above.
	for k, vs := range c.Header {
		req.Header.Del(k)
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	req.Header.Set("Authorization", "Bearer "+token)
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	res, err := hc.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil {
			return nil, fmt.Errorf("no answer within %s", timeout)
		}
		// *url.Error quotes the URL with its secret query values; Do names
		// the request itself, redacted.
		var ue *url.Error
		if errors.As(err, &ue) {
			return nil, ue.Err
		}
		return nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, MaxBody+1))
	if err != nil {
		return nil, fmt.Errorf("read answer: %w", err)
	}
	if len(b) > MaxBody {
		// Cut, it would pass for a complete answer (broken JSON, or worse,
		// valid JSON missing its end).
		return nil, &TooLargeError{Method: method, URL: redactURL(u)}
	}
	return &Response{Status: res.StatusCode, Header: res.Header, Body: b}, nil
}

// MaxBody bounds an answer read into memory. No answer of the Web API comes
// near it (a page of 50 full playlists is under 1 MiB).
const MaxBody = 64 << 20

// TooLargeError is an answer over MaxBody: it is refused whole rather than
// handed on cut.
type TooLargeError struct{ Method, URL string }

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("the answer to %s %s is larger than %d MiB, more than spotcli reads: nothing of it was used (ask for less, e.g. a smaller limit)", e.Method, e.URL, MaxBody>>20)
}

// Get is Do for a GET whose body the caller decodes.
func (c *Client) Get(ctx context.Context, pathOrURL string) ([]byte, error) {
	resp, err := c.Do(ctx, http.MethodGet, pathOrURL, nil)
	if err != nil {
		return nil, err
	}
	return resp.Body, nil
}

// scopeHint names, in a 403 for a missing scope, the scopes that the
// request needs and the command that grants them.
func (c *Client) scopeHint(e *Error, method string, u *url.URL) {
	if !missingScope(e) {
		return
	}
	path := u.Path
	if base, err := url.Parse(c.BaseURL); err == nil {
		path = strings.TrimPrefix(path, strings.TrimRight(base.Path, "/"))
	}
	need, ok := NeededScopes(method, path)
	if !ok || len(need) == 0 {
		return
	}
	if c.ScopeHint != nil {
		e.Hint = c.ScopeHint(method, path, need)
	} else {
		e.Hint = ScopeHint(method, path, need, "")
	}
}
