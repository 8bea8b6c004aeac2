package spotifytest

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// BenchmarkPlaylistsPage is the fake's own cost of one page of a large
// library: go run ./bench measures spotcli with the fake on the same cores.
func BenchmarkPlaylistsPage(b *testing.B) {
	s := New(Config{})
	defer s.Close()
	s.AddApp(App{ClientID: "c", RedirectURIs: []string{"http://127.0.0.1/cb"}})
	s.AddUser(User{ID: "u"})
	s.GeneratePlaylists("u", 5000)
	at, _ := s.IssueTokens("c", "u", []string{"playlist-read-private"}, FlowPKCE, time.Now())
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest("GET", "http://127.0.0.1:1/v1/me/playlists?limit=50&offset=2500", nil)
		req.Header.Set("Authorization", "Bearer "+at)
		w := httptest.NewRecorder()
		s.serve(w, req)
		if w.Code != http.StatusOK {
			b.Fatal(w.Code)
		}
	}
}

// BenchmarkItemsPage is the fake's cost of one page of 50 playlist entries,
// the page an export asks for most.
func BenchmarkItemsPage(b *testing.B) {
	s := New(Config{})
	defer s.Close()
	s.AddApp(App{ClientID: "c", RedirectURIs: []string{"http://127.0.0.1/cb"}})
	s.AddUser(User{ID: "u"})
	s.AddPlaylists("u", Playlist{ID: "0BenchItems00000000001", Name: "p", Public: true})
	s.GeneratePlaylistItems("0BenchItems00000000001", 250)
	at, _ := s.IssueTokens("c", "u", []string{"playlist-read-private"}, FlowPKCE, time.Now())
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest("GET", "http://127.0.0.1:1/v1/playlists/0BenchItems00000000001/items?limit=50&offset=100", nil)
		req.Header.Set("Authorization", "Bearer "+at)
		w := httptest.NewRecorder()
		s.serve(w, req)
		if w.Code != http.StatusOK {
			b.Fatal(w.Code)
		}
	}
}
