package apicmd

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/spotcli/spotcli/cmd/cmdutil/cmdutiltest"
	"github.com/spotcli/spotcli/internal/api"
	"github.com/spotcli/spotcli/internal/spotifytest"
)

const longPlaylist = "0AlicesPlaylist0000001"

// TestRunAPIPaginateEmbeddedPage: --paginate on a playlist object prints
// every entry, the pages after the embedded one being top-level answers of
// /items or /tracks; a 2026 object with both is paged by items (issue 15).
func TestRunAPIPaginateEmbeddedPage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                string
		devMode, transition bool
		slurp               bool
	}{
		{name: "tracks"},
		{name: "items, development mode", devMode: true},
		{name: "tracks and items", transition: true},
		{name: "tracks and items, development mode", devMode: true, transition: true},
		{name: "--slurp", transition: true, slurp: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdutiltest.WithToken(t, cmdutiltest.Options{DevMode: tt.devMode, Scopes: []string{"playlist-read-private"}})
			e.Fake.AddPlaylists("alice", spotifytest.Playlist{ID: longPlaylist, Name: "Long", Public: true})
			e.Fake.GeneratePlaylistItems(longPlaylist, 250)
			e.Fake.SetTransitionShapes(tt.transition)
			err := runAPI(context.Background(), &apiOptions{f: e.F, Path: "playlists/" + longPlaylist, Paginate: true, Slurp: tt.slurp})
			if err != nil {
				t.Fatalf("%v: %s", err, e.Err)
			}
			var entries []json.RawMessage
			if tt.slurp {
				if err := json.Unmarshal(e.Out.Bytes(), &entries); err != nil {
					t.Fatal(err)
				}
			} else {
				for _, l := range strings.Split(strings.TrimSuffix(e.Out.String(), "\n"), "\n") {
					entries = append(entries, json.RawMessage(l))
				}
			}
			if len(entries) != 250 {
				t.Fatalf("%d entries, want 250", len(entries))
			}
			for i, raw := range entries {
				en, err := api.Decode[api.PlaylistEntry](raw)
				if err != nil || en.Item == nil || en.Item.Name() != fmt.Sprintf("Track %04d", i+1) {
					t.Fatalf("entry %d: %.200s (%v)", i, raw, err)
				}
			}
		})
	}
}

// TestRunAPIPaginateRecorded replays recorded objects and pages.
func TestRunAPIPaginateRecorded(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		routes  map[string]string
		path    string
		want    int
		wantErr string
	}{
		{name: "show: embedded episodes go on at /shows/{id}/episodes", path: "shows/1Y9ExMgMxoBVrgrfU7u0nD", want: 75, routes: map[string]string{
			"/v1/shows/1Y9ExMgMxoBVrgrfU7u0nD":          "joostlek-python-spotify/show.json",
			"/v1/shows/1Y9ExMgMxoBVrgrfU7u0nD/episodes": "zmb3-spotify/get_show_episodes.json",
		}},
		{name: "2026 playlist with tracks and items", path: "playlists/1Cp6VQCKf2VL4sP09jN9oX", want: 1,
			routes: map[string]string{"/v1/playlists/1Cp6VQCKf2VL4sP09jN9oX": "joostlek-python-spotify/playlist_1.json"}},
		{name: "playlist with a local file", path: "playlists/3toMXYM91T55pKzuysH5Ph", want: 2,
			routes: map[string]string{"/v1/playlists/3toMXYM91T55pKzuysH5Ph": "joostlek-python-spotify/playlist_2.json"}},
		{name: "album", path: "albums/3IqzqH6ShrRtie9Yd2ODyG", want: 11,
			routes: map[string]string{"/v1/albums/3IqzqH6ShrRtie9Yd2ODyG": "joostlek-python-spotify/get_album.json"}},
		{name: "a top-level page", path: "playlists/x/items", want: 4,
			routes: map[string]string{"/v1/playlists/x/items": "zmb3-spotify/playlist_items_episodes_and_tracks.json"}},
		{name: "search for two types: ask for one", path: "search", wantErr: "it holds 2 pages (playlists, tracks): ask for one",
			routes: map[string]string{"/v1/search": "zmb3-spotify/search_trackplaylist.json"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdutiltest.WithToken(t, cmdutiltest.Options{})
			for route, file := range tt.routes {
				e.Fake.ServeRecorded(route, file)
			}
			err := runAPI(context.Background(), &apiOptions{f: e.F, Path: tt.path, Paginate: true})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("%v: %s", err, e.Err)
			}
			if n := strings.Count(e.Out.String(), "\n"); n != tt.want {
				t.Errorf("%d lines, want %d", n, tt.want)
			}
		})
	}
}

// TestRunAPIPaginateNullEntries: --paginate prints a null entry as Spotify
// sent it.
func TestRunAPIPaginateNullEntries(t *testing.T) {
	t.Parallel()
	e := cmdutiltest.WithToken(t, cmdutiltest.Options{})
	e.Fake.AddPlaylists("alice", spotifytest.Playlist{Name: "One", Public: true}, spotifytest.Playlist{Null: true})
	if err := runAPI(context.Background(), &apiOptions{f: e.F, Path: "me/playlists", Paginate: true}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(e.Out.String(), "\n"), "\n")
	if len(lines) != 2 || lines[1] != "null" || !strings.Contains(lines[0], `"name":"One"`) {
		t.Errorf("got %q", lines)
	}
}
