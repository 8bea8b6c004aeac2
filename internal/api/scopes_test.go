package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNeededScopes(t *testing.T) {
	tests := []struct {
		method, path string
		want         []string
	}{
		{"GET", "me/tracks", []string{"user-library-read"}},
		{"GET", "/me/tracks?limit=50&offset=0", []string{"user-library-read"}},
		{"GET", "me/albums", []string{"user-library-read"}},
		{"PUT", "me/library?uris=spotify:track:x", []string{"user-library-modify"}},
		{"DELETE", "me/library", []string{"user-library-modify"}},
		{"GET", "me/library/contains?uris=spotify:track:x", []string{"user-library-read"}},
		{"GET", "me/following?type=artist", []string{"user-follow-read"}},
		{"PUT", "me/following", []string{"user-follow-modify"}},
		{"GET", "me/player", []string{"user-read-playback-state"}},
		{"GET", "me/player/devices", []string{"user-read-playback-state"}},
		{"GET", "me/player/currently-playing", []string{"user-read-currently-playing"}},
		{"GET", "me/player/recently-played", []string{"user-read-recently-played"}},
		{"PUT", "me/player/play", []string{"user-modify-playback-state"}},
		{"PUT", "me/player/pause", []string{"user-modify-playback-state"}},
		{"POST", "me/player/next", []string{"user-modify-playback-state"}},
		{"POST", "me/player/queue?uri=x", []string{"user-modify-playback-state"}},
		{"PUT", "me/player", []string{"user-modify-playback-state"}},
		{"GET", "me/playlists", []string{"playlist-read-private", "playlist-read-collaborative"}},
		{"POST", "me/playlists", []string{"playlist-modify-public", "playlist-modify-private"}},
		{"GET", "playlists/abc/items", []string{"playlist-read-private", "playlist-read-collaborative"}},
		{"POST", "playlists/abc/items", []string{"playlist-modify-public", "playlist-modify-private"}},
		{"DELETE", "playlists/abc/items", []string{"playlist-modify-public", "playlist-modify-private"}},
		{"PUT", "playlists/abc/items", []string{"playlist-modify-public", "playlist-modify-private"}},
		{"PUT", "playlists/abc", []string{"playlist-modify-public", "playlist-modify-private"}},
		{"GET", "me/top/artists", []string{"user-top-read"}},
		{"GET", "search?q=x&type=track", nil},
		{"GET", "tracks/abc", nil},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			got, ok := NeededScopes(tt.method, tt.path)
			if !ok {
				t.Fatal("not in the table")
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	if _, ok := NeededScopes("GET", "a/b/c/d/e"); ok {
		t.Error("an unknown endpoint matched")
	}
	for _, r := range ScopeRules {
		if len(r.Commands) == 0 {
			t.Errorf("rule %s %s names no command", r.Method, r.Path)
		}
	}
}

// A 403 for a missing scope carries the hint naming the scope and the
// login command; other 403s do not.
func TestScopeHintIn403(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(403)
		if strings.HasSuffix(r.URL.Path, "/me/player") {
			_, _ = w.Write([]byte(`{"error":{"status":403,"message":"Player command failed: Premium required","reason":"PREMIUM_REQUIRED"}}`))
			return
		}
		_, _ = w.Write([]byte(`{"error":{"status":403,"message":"Insufficient client scope"}}`))
	}))
	defer srv.Close()
	for _, tt := range []struct {
		name   string
		hint   func(method, path string, need []string) string
		method string
		path   string
		want   string
	}{
		{"default", nil, "GET", "me/tracks?limit=50", "hint: GET /me/tracks needs the user-library-read scope, which the login lacks: run spotcli login --add-scopes user-library-read"},
		{"with flags", func(m, p string, need []string) string { return ScopeHint(m, p, need, " --profile work") }, "PUT", "me/library?uris=a",
			"hint: PUT /me/library needs the user-library-modify scope, which the login lacks: run spotcli login --add-scopes user-library-modify --profile work"},
		{"another 403", nil, "PUT", "me/player", "hint: this needs a Spotify Premium account"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := &Client{BaseURL: srv.URL + "/v1", HTTP: srv.Client(), Tokens: &fakeTokens{current: "t"}, ScopeHint: tt.hint}
			_, err := c.Do(context.Background(), tt.method, tt.path, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}
