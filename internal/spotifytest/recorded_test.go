package spotifytest

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestRewritePagingLinks(t *testing.T) {
	const base = "http://127.0.0.1:5555/v1"
	tests := []struct{ name, in, want string }{
		{"next, Spotify's spacing", `"next" : "https://api.spotify.com/v1/me/tracks?offset=20&limit=20"`, `"next" : "http://127.0.0.1:5555/v1/me/tracks?offset=20&limit=20"`},
		{"previous, compact", `"previous":"https://api.spotify.com/v1/me/playlists?offset=0&limit=5"`, `"previous":"http://127.0.0.1:5555/v1/me/playlists?offset=0&limit=5"`},
		{"indented", "\"next\": \"https://api.spotify.com/v1/search?query=x&offset=2\"", "\"next\": \"http://127.0.0.1:5555/v1/search?query=x&offset=2\""},
		{"null next stays", `"next" : null`, `"next" : null`},
		{"href stays", `"href" : "https://api.spotify.com/v1/playlists/x/tracks?offset=0"`, `"href" : "https://api.spotify.com/v1/playlists/x/tracks?offset=0"`},
		{"other hosts stay", `"next" : "https://api.spotify.com.evil/v1/x"`, `"next" : "https://api.spotify.com.evil/v1/x"`},
		{"a name holding a link stays", `"name" : "\"next\" : \"https://api.spotify.com/v1/x\""`, `"name" : "\"next\" : \"https://api.spotify.com/v1/x\""`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(RewritePagingLinks([]byte(tt.in), base)); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestRecordedFilesAreJSON(t *testing.T) {
	for _, name := range []string{
		"zmb3-spotify/current_users_playlists.json",
		"joostlek-python-spotify/playlist_1.json",
		"watsonbox-exportify/playlist_tracks_local_files.json",
	} {
		b, err := Recorded(name)
		if err != nil {
			t.Fatal(err)
		}
		if !json.Valid(b) {
			t.Errorf("%s is not JSON", name)
		}
	}
	if _, err := Recorded("no/such.json"); err == nil {
		t.Error("Recorded of a missing file: no error")
	}
}

func TestServeRecorded(t *testing.T) {
	f := newFixture(t)
	f.srv.ServeRecorded("/v1/me/playlists", "zmb3-spotify/current_users_playlists.json")
	f.srv.ServeRecorded("/v1/me/playlists?offset=25", "joostlek-python-spotify/current_user_playlist_null_entry.json")
	tok := f.userToken(appID)

	get := func(path, tok string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, f.srv.APIURL()+path, nil)
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		resp, err := f.hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	raw, _ := Recorded("zmb3-spotify/current_users_playlists.json")
	status, body := get("/me/playlists?limit=5", tok)
	if status != 200 || body != string(RewritePagingLinks(raw, f.srv.APIURL())) {
		t.Fatalf("%d %.200s", status, body)
	}
	if !strings.Contains(body, `"next" : "`+f.srv.APIURL()+`/users/1123408718/playlists?offset=25&limit=5"`) ||
		!strings.Contains(body, `"href" : "https://api.spotify.com/v1/playlists/3sPyrAW9PVUMxL9i6QFbaV"`) {
		t.Errorf("links: %.600s", body)
	}
	if status, body := get("/me/playlists?offset=25&limit=5", tok); status != 200 || !strings.Contains(body, "      null,") {
		t.Errorf("the route with an offset: %d %.200s", status, body)
	}
	if status, _ := get("/me/playlists", ""); status != 401 {
		t.Errorf("no token: %d, want 401", status)
	}
	if status, body := get("/me", tok); status != 200 || !strings.Contains(body, `"alice"`) {
		t.Errorf("other routes stay the fake's: %d %s", status, body)
	}
}

func TestNullPlaylistEntries(t *testing.T) {
	f := newFixture(t)
	f.srv.AddPlaylists("alice",
		Playlist{Name: "One", Public: true},
		Playlist{Null: true},
		Playlist{Name: "Three", Public: true},
	)
	tok := f.userToken(appID)
	status, page := f.get("/me/playlists?limit=2", tok)
	if status != 200 {
		t.Fatal(status, page)
	}
	items, _ := page["items"].([]any)
	if page["total"] != float64(3) || len(items) != 2 || items[1] != nil || items[0] == nil {
		t.Fatalf("first page %v", page)
	}
	_, page = f.get(page["next"].(string), tok)
	if items, _ := page["items"].([]any); len(items) != 1 || items[0].(map[string]any)["name"] != "Three" {
		t.Fatalf("second page %v", page)
	}
}

// TestPlaylistObject checks GET /v1/playlists/{id} against the recorded
// shapes: the first page of entries embedded, its next link continuing at
// the top level of /items or /tracks.
func TestPlaylistObject(t *testing.T) {
	tests := []struct {
		name       string
		client     string
		transition bool
		playlist   string
		keys       []string // the members holding an embedded page
		entryKeys  []string // the members of an entry holding what it plays
	}{
		{"before 2026", appID, false, alicesID, []string{"tracks"}, []string{"track"}},
		{"development mode", devID, false, alicesID, []string{"items"}, []string{"item"}},
		{"transition", appID, true, alicesID, []string{"items", "tracks"}, []string{"item", "track"}},
		{"transition, development mode", devID, true, alicesID, []string{"items", "tracks"}, []string{"item", "track"}},
		{"someone else's, development mode: no entries", devID, false, bobsID, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := itemsFixture(t)
			f.srv.GeneratePlaylistItems(alicesID, 247) // 250 with the fixture's 3
			f.srv.SetTransitionShapes(tt.transition)
			tok := f.userToken(tt.client, "playlist-read-private")
			status, obj := f.get("/playlists/"+tt.playlist+"?additional_types=track,episode", tok)
			if status != 200 {
				t.Fatal(status, obj)
			}
			for _, k := range []string{"items", "tracks"} {
				_, has := obj[k]
				if want := slicesHas(tt.keys, k); has != want {
					t.Errorf("%q present: %v, want %v", k, has, want)
				}
			}
			for _, k := range tt.keys {
				page := obj[k].(map[string]any)
				items := page["items"].([]any)
				if len(items) != 100 || page["total"] != float64(250) || page["limit"] != float64(100) {
					t.Fatalf("%s: %d items, total %v limit %v", k, len(items), page["total"], page["limit"])
				}
				for _, ek := range []string{"item", "track"} {
					_, has := items[0].(map[string]any)[ek]
					if want := slicesHas(tt.entryKeys, ek); has != want {
						t.Errorf("%s: entry has %q: %v, want %v", k, ek, has, want)
					}
				}
				next := page["next"].(string)
				if !strings.HasPrefix(next, f.srv.APIURL()+"/playlists/"+alicesID+"/"+k+"?") || !strings.Contains(next, "offset=100") {
					t.Errorf("%s: next %s", k, next)
				}
				// The page after an embedded one is an answer of its own,
				// at the top level; /tracks refuses development-mode apps.
				status, cont := f.get(next, tok)
				if k == "tracks" && tt.client == devID {
					wantAPIError(t, status, cont, 403, "Forbidden")
					continue
				}
				if status != 200 || len(cont["items"].([]any)) != 100 || cont["offset"] != float64(100) {
					t.Errorf("%s: continuation %d offset %v", k, status, cont["offset"])
				}
			}
		})
	}
}
