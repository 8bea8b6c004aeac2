package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestIsShortLink(t *testing.T) {
	for s, want := range map[string]bool{
		"https://spotify.link/AbCdEfGhIjK":                         true,
		"spotify.link/AbCdEfGhIjK":                                 true,
		"http://SPOTIFY.LINK/x":                                    true,
		"https://spotify.link/":                                    false,
		"https://open.spotify.com/playlist/3cEYpjA9oz9GiPac4AsH4n": false,
		"https://spotify.link.evil.example/x":                      false,
		"3cEYpjA9oz9GiPac4AsH4n":                                   false,
	} {
		if got := IsShortLink(s); got != want {
			t.Errorf("IsShortLink(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestShortLinksResolve: one request without a token, and only a redirect
// to open.spotify.com is an answer.
func TestShortLinksResolve(t *testing.T) {
	var auth []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth = append(auth, r.Header.Get("Authorization")+r.Header.Get("Cookie"))
		switch r.URL.Path {
		case "/good":
			http.Redirect(w, r, "https://open.spotify.com/playlist/3cEYpjA9oz9GiPac4AsH4n?si=abc&utm_source=copy-link", http.StatusTemporaryRedirect)
		case "/elsewhere":
			http.Redirect(w, r, "https://evil.example/steal", http.StatusFound)
		case "/page":
			w.Write([]byte("<html>"))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	r := &ShortLinks{Base: srv.URL, HTTP: srv.Client()}
	got, err := r.Resolve(context.Background(), "https://spotify.link/good")
	if err != nil || got != "https://open.spotify.com/playlist/3cEYpjA9oz9GiPac4AsH4n?si=abc&utm_source=copy-link" {
		t.Errorf("Resolve = %q, %v", got, err)
	}
	for link, want := range map[string]string{
		"https://spotify.link/elsewhere": "leads to https://evil.example, not to open.spotify.com",
		"https://spotify.link/page":      "did not lead anywhere",
		"https://spotify.link/gone":      "does not exist",
		"https://example.com/good":       "is not a spotify.link share link",
	} {
		if _, err := r.Resolve(context.Background(), link); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Resolve(%q) = %v, want %q", link, err, want)
		}
	}
	for _, a := range auth {
		if a != "" {
			t.Errorf("the short link got credentials: %q", a)
		}
	}
	if len(auth) != 4 {
		t.Errorf("%d requests, want 4 (one a link, none for a foreign host)", len(auth))
	}
}
