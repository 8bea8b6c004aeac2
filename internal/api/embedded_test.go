package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/spotcli/spotcli/internal/spotifytest"
)

// fakeClient is a client of a fresh fake with alice's token for an app in
// development mode or not.
func fakeClient(t *testing.T, devMode bool) (*spotifytest.Server, *Client) {
	t.Helper()
	srv := spotifytest.New(spotifytest.Config{})
	t.Cleanup(srv.Close)
	srv.AddApp(spotifytest.App{ClientID: "app", Name: "app", DevMode: devMode, RedirectURIs: []string{"http://127.0.0.1/callback"}})
	srv.AddUser(spotifytest.User{ID: "alice", DisplayName: "Alice"})
	access, _ := srv.IssueTokens("app", "alice", []string{"playlist-read-private"}, spotifytest.FlowPKCE, time.Now())
	tr := &http.Transport{DisableKeepAlives: true}
	t.Cleanup(tr.CloseIdleConnections)
	return srv, &Client{
		BaseURL: srv.APIURL(), HTTP: &http.Client{Transport: tr}, UserAgent: "spotcli/test",
		Tokens: staticToken(access), MaxWait: time.Minute, Timeout: 5 * time.Second, Attempts: 2,
		Backoff: func(int) time.Duration { return time.Millisecond },
	}
}

// collectFrom runs PaginateFrom on the answer of link and returns the items.
func collectFrom(t *testing.T, c *Client, link string) ([]json.RawMessage, error) {
	t.Helper()
	resp, err := c.Do(context.Background(), http.MethodGet, link, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []json.RawMessage
	err = c.PaginateFrom(context.Background(), link, resp.Body, PageOptions{Concurrency: 8}, func(items []json.RawMessage) error {
		got = append(got, items...)
		return nil
	})
	return got, err
}

// TestPaginateFromEmbeddedPage: a playlist object embeds the first page of
// its entries; the pages after it are top-level answers of /items or
// /tracks (issue 15). A 2026 object embeds it twice, and the "items" one is
// followed: its links lead to /items, which development-mode apps may read.
func TestPaginateFromEmbeddedPage(t *testing.T) {
	const id = "0AlicesPlaylist0000001"
	tests := []struct {
		name       string
		devMode    bool
		transition bool
		endpoint   string // where the pages after the first are fetched
	}{
		{"tracks, before 2026", false, false, "/tracks"},
		{"items, development mode", true, false, "/items"},
		{"both: items is followed", false, true, "/items"},
		{"both, development mode: items, not the refused tracks", true, true, "/items"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c := fakeClient(t, tt.devMode)
			srv.AddPlaylists("alice", spotifytest.Playlist{ID: id, Name: "Long", Public: true})
			srv.GeneratePlaylistItems(id, 250)
			srv.SetTransitionShapes(tt.transition)
			got, err := collectFrom(t, c, "playlists/"+id)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 250 {
				t.Fatalf("%d entries, want 250", len(got))
			}
			for i, raw := range got {
				e, err := Decode[PlaylistEntry](raw)
				if err != nil || e.Item == nil || e.Item.Name() != fmt.Sprintf("Track %04d", i+1) {
					t.Fatalf("entry %d: %s (%v)", i, raw, err)
				}
			}
			st := srv.Stats()
			if n := st.APIRequests["/v1/playlists/"+id+tt.endpoint]; n != 2 {
				t.Errorf("%d requests to %s, want 2 (offsets 100 and 200): %v", n, tt.endpoint, st.APIRequests)
			}
		})
	}
}

// TestPaginateFromRecordedEmbeddedPages replays recorded objects whose
// embedded page goes on at the top level of its own endpoint.
func TestPaginateFromRecordedEmbeddedPages(t *testing.T) {
	tests := []struct {
		name   string
		routes map[string]string // route -> recorded answer
		link   string
		want   int
	}{
		{
			// A show embeds 50 of its 159 episodes; the next page of
			// /shows/{id}/episodes is played by a recorded top-level page
			// of episodes (of another show: no recording has that show's
			// second page), whose next is null.
			name: "show episodes",
			routes: map[string]string{
				"/v1/shows/1Y9ExMgMxoBVrgrfU7u0nD":          "joostlek-python-spotify/show.json",
				"/v1/shows/1Y9ExMgMxoBVrgrfU7u0nD/episodes": "zmb3-spotify/get_show_episodes.json",
			},
			link: "shows/1Y9ExMgMxoBVrgrfU7u0nD",
			want: 50 + 25,
		},
		{
			name:   "2026 playlist with both tracks and items",
			routes: map[string]string{"/v1/playlists/1Cp6VQCKf2VL4sP09jN9oX": "joostlek-python-spotify/playlist_1.json"},
			link:   "playlists/1Cp6VQCKf2VL4sP09jN9oX",
			want:   1,
		},
		{
			name:   "playlist with tracks, non-Latin names",
			routes: map[string]string{"/v1/playlists/1h9q8vXXDl2vHOmwdsuXms": "zmb3-spotify/get_playlist.json"},
			link:   "playlists/1h9q8vXXDl2vHOmwdsuXms",
			want:   4,
		},
		{
			name:   "album tracks",
			routes: map[string]string{"/v1/albums/3IqzqH6ShrRtie9Yd2ODyG": "joostlek-python-spotify/get_album.json"},
			link:   "albums/3IqzqH6ShrRtie9Yd2ODyG",
			want:   11,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, c := fakeClient(t, false)
			for route, name := range tt.routes {
				srv.ServeRecorded(route, name)
			}
			got, err := collectFrom(t, c, tt.link)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tt.want {
				t.Errorf("%d items, want %d", len(got), tt.want)
			}
		})
	}
}

// TestPaginateFromAlbumContinues: an album's embedded tracks go on at
// /albums/{id}/tracks, at the top level.
func TestPaginateFromAlbumContinues(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		base := "http://" + r.Host + "/v1/albums/A/tracks"
		switch {
		case r.URL.Path == "/v1/albums/A":
			writeJSON(w, 200, `{"id":"A","name":"An album","tracks":{"href":"`+base+`?offset=0&limit=2","items":[{"name":"1"},{"name":"2"}],"limit":2,"offset":0,"total":5,"next":"`+base+`?offset=2&limit=2"}}`)
		case r.URL.Path == "/v1/albums/A/tracks" && r.URL.Query().Get("offset") == "2":
			writeJSON(w, 200, `{"href":"x","items":[{"name":"3"},{"name":"4"}],"limit":2,"offset":2,"total":5,"next":"`+base+`?offset=4&limit=2"}`)
		case r.URL.Path == "/v1/albums/A/tracks" && r.URL.Query().Get("offset") == "4":
			writeJSON(w, 200, `{"href":"x","items":[{"name":"5"}],"limit":2,"offset":4,"total":5,"next":null}`)
		default:
			t.Errorf("unexpected request %s", r.URL)
			writeJSON(w, 404, `{"error":{"status":404,"message":"no"}}`)
		}
	})
	c := newClient(t, srv, staticToken("tok"))
	got, err := collectFrom(t, c, "albums/A")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, raw := range got {
		tr, _ := Decode[Track](raw)
		names = append(names, tr.Name)
	}
	if strings.Join(names, ",") != "1,2,3,4,5" {
		t.Errorf("got %v", names)
	}
}
