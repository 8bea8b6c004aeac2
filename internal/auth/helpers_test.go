package auth_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/spotcli/spotcli/internal/auth"
	"github.com/spotcli/spotcli/internal/spotifytest"
)

const (
	pkceID     = "pkce-app"
	secretID   = "secret-app"
	secretKey  = "s3cret-value"
	userID     = "alice"
	callbackV4 = "http://127.0.0.1/callback"
	callbackV6 = "http://[::1]/callback"
	bareV4     = "http://127.0.0.1"
)

var testScopes = []string{"user-read-private", "playlist-read-private"}

// newFake starts the fake accounts service with a PKCE app, a secret app and
// one user, on the real clock.
func newFake(t *testing.T) *spotifytest.Server {
	t.Helper()
	srv := spotifytest.New(spotifytest.Config{})
	t.Cleanup(srv.Close)
	uris := []string{callbackV4, callbackV6, bareV4}
	srv.AddApp(spotifytest.App{ClientID: pkceID, Name: "spotcli", RedirectURIs: uris})
	srv.AddApp(spotifytest.App{ClientID: secretID, ClientSecret: secretKey, Name: "spotcli secret", RedirectURIs: uris})
	srv.AddUser(spotifytest.User{ID: userID, DisplayName: "Alice"})
	return srv
}

// tokenRequest is what a client sent to /api/token.
type tokenRequest struct {
	Authorization string
	Form          url.Values
}

// recorder is an http.RoundTripper that remembers token requests.
type recorder struct {
	tr *http.Transport

	mu   sync.Mutex
	reqs []tokenRequest
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Path == "/api/token" && req.Body != nil {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		form, _ := url.ParseQuery(string(b))
		r.mu.Lock()
		r.reqs = append(r.reqs, tokenRequest{Authorization: req.Header.Get("Authorization"), Form: form})
		r.mu.Unlock()
		req = req.Clone(req.Context())
		req.Body = io.NopCloser(bytes.NewReader(b))
		req.ContentLength = int64(len(b))
	}
	return r.tr.RoundTrip(req)
}

func (r *recorder) requests() []tokenRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]tokenRequest(nil), r.reqs...)
}

// newApp returns an App on the fake with a recording HTTP client.
func newApp(t *testing.T, srv *spotifytest.Server, clientID, secret string) (*auth.App, *recorder) {
	t.Helper()
	rec := &recorder{tr: &http.Transport{}}
	t.Cleanup(rec.tr.CloseIdleConnections)
	return &auth.App{
		ClientID:     clientID,
		ClientSecret: secret,
		AccountsURL:  srv.AccountsURL(),
		HTTPClient:   &http.Client{Transport: rec, Timeout: 10 * time.Second},
	}, rec
}

// testCtx is a context that ends with the test, well before go test's own
// timeout, so that a hung call fails the test instead of the binary.
func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// lockedBuffer is a bytes.Buffer safe for a writer and a reader in two
// goroutines, as Login's paste reader may write after Login returns.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
