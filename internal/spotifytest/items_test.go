package spotifytest

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

const (
	alicesID   = "0AlicesPlaylist0000001"
	alicesPriv = "0AlicesPrivate00000002"
	bobsID     = "0BobsPlaylist000000003"
	bobsCol    = "0BobsCollab00000000004"
)

// itemsFixture gives alice a public and a private playlist, and bob a public
// and a collaborative one that alice follows, three items each.
func itemsFixture(t *testing.T) *fixture {
	f := newFixture(t)
	f.srv.AddPlaylists("alice",
		Playlist{ID: alicesID, Name: "Mine", Public: true},
		Playlist{ID: alicesPriv, Name: "Private"},
		Playlist{ID: bobsCol, Name: "Shared", OwnerID: "bob", Collaborative: true},
	)
	f.srv.AddPlaylists("bob",
		Playlist{ID: bobsID, Name: "Bob's", Public: true},
		Playlist{ID: bobsCol, Name: "Shared", Collaborative: true},
	)
	for _, id := range []string{alicesID, alicesPriv, bobsID, bobsCol} {
		f.srv.GeneratePlaylistItems(id, 3)
	}
	return f
}

func (f *fixture) userToken(client string, scopes ...string) string {
	access, _ := f.srv.IssueTokens(client, "alice", scopes, FlowPKCE, f.clock.Now())
	return access
}

func TestPlaylistItemsAccess(t *testing.T) {
	f := itemsFixture(t)
	appTok, _ := f.srv.IssueTokens(appID, "", nil, FlowClientCredentials, f.clock.Now())
	tests := []struct {
		name    string
		client  string
		scopes  []string
		app     bool
		path    string
		status  int
		message string
		key     string // where the item is, on success
	}{
		{name: "own public", client: appID, path: "/playlists/" + alicesID + "/items", status: 200, key: "item"},
		{name: "own private with the scope", client: appID, scopes: []string{"playlist-read-private"}, path: "/playlists/" + alicesPriv + "/items", status: 200, key: "item"},
		{name: "own private without it", client: appID, path: "/playlists/" + alicesPriv + "/items", status: 403, message: "Insufficient client scope"},
		{name: "someone's public", client: appID, path: "/playlists/" + bobsID + "/items", status: 200, key: "item"},
		{name: "someone's public, development mode", client: devID, path: "/playlists/" + bobsID + "/items", status: 403, message: "Forbidden"},
		{name: "collaborative, development mode", client: devID, scopes: []string{"playlist-read-collaborative"}, path: "/playlists/" + bobsCol + "/items", status: 200, key: "item"},
		{name: "collaborative without the scope", client: devID, path: "/playlists/" + bobsCol + "/items", status: 403, message: "Insufficient client scope"},
		{name: "the old endpoint", client: appID, path: "/playlists/" + alicesID + "/tracks", status: 200, key: "track"},
		{name: "the old endpoint, development mode", client: devID, path: "/playlists/" + alicesID + "/tracks", status: 403, message: "Forbidden"},
		{name: "app token, public", app: true, path: "/playlists/" + bobsID + "/items", status: 200, key: "item"},
		{name: "app token, private", app: true, path: "/playlists/" + alicesPriv + "/items", status: 404, message: msgResourceNotFound},
		{name: "unknown", client: appID, path: "/playlists/0NoSuchPlaylist0000000/items", status: 404, message: msgResourceNotFound},
		{name: "bad id", client: appID, path: "/playlists/nope/items", status: 400, message: "Invalid base62 id"},
		// Recorded answers page playlist entries by 100 (the next link of an
		// embedded page asks for that), beyond the documented 50.
		{name: "limit 100", client: appID, path: "/playlists/" + alicesID + "/items?limit=100", status: 200, key: "item"},
		{name: "bad limit", client: appID, path: "/playlists/" + alicesID + "/items?limit=101", status: 400, message: "Invalid limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := appTok
			if !tt.app {
				tok = f.userToken(tt.client, tt.scopes...)
			}
			status, body := f.get(tt.path, tok)
			if tt.status != 200 {
				wantAPIError(t, status, body, tt.status, tt.message)
				return
			}
			items, _ := body["items"].([]any)
			if status != 200 || len(items) != 3 || body["total"] != float64(3) {
				t.Fatalf("got %d %v", status, body)
			}
			it := items[0].(map[string]any)
			if _, ok := it[tt.key]; !ok {
				t.Errorf("the item is not under %q: %v", tt.key, it)
			}
		})
	}
}

func TestPlaylistItemsShapes(t *testing.T) {
	f := newFixture(t)
	f.srv.AddPlaylists("alice", Playlist{ID: alicesID, Name: "Mine", Public: true})
	added := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	f.srv.AddPlaylistItems(alicesID,
		PlaylistItem{Track: &Track{Name: "T", Artists: []string{"A"}, DurationMS: 1000}, AddedAt: added},
		PlaylistItem{Track: &Track{Name: "E", Show: "S", Episode: true}, OldShape: true, AddedBy: "bob"},
		PlaylistItem{Track: &Track{Name: "L", Artists: []string{"Me Too"}, Album: "A/B", DurationMS: 61_500, Local: true}},
		PlaylistItem{},
	)
	status, body := f.get("/playlists/"+alicesID+"/items", f.userToken(appID))
	if status != 200 {
		t.Fatalf("%d %v", status, body)
	}
	items := body["items"].([]any)
	track := items[0].(map[string]any)
	if track["added_at"] != "2024-05-06T07:08:09Z" || track["item"].(map[string]any)["type"] != "track" {
		t.Errorf("track: %v", track)
	}
	if by := track["added_by"].(map[string]any); by["id"] != "alice" {
		t.Errorf("added_by defaults to the owner: %v", by)
	}
	ep := items[1].(map[string]any)
	if ep["added_at"] != nil || ep["track"].(map[string]any)["type"] != "episode" || ep["track"].(map[string]any)["show"].(map[string]any)["name"] != "S" {
		t.Errorf("episode: %v", ep)
	}
	local := items[2].(map[string]any)
	lt := local["item"].(map[string]any)
	if local["is_local"] != true || lt["id"] != nil || lt["uri"] != "spotify:local:Me+Too:A%2FB:L:61" {
		t.Errorf("local file: %v", local)
	}
	if gone, ok := items[3].(map[string]any)["item"]; !ok || gone != nil {
		t.Errorf("removed track: %v", items[3])
	}
	// The count in the library follows the items.
	_, lib := f.get("/me/playlists", f.userToken(appID))
	if n := lib["items"].([]any)[0].(map[string]any)["tracks"].(map[string]any)["total"]; n != float64(4) {
		t.Errorf("tracks.total = %v, want 4", n)
	}
}

func TestCreatePlaylistAndAddItems(t *testing.T) {
	f := itemsFixture(t)
	post := func(path, tok, body string) (int, map[string]any) {
		req, _ := http.NewRequest(http.MethodPost, f.srv.APIURL()+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		return f.do(req)
	}
	pub := f.userToken(appID, "playlist-modify-public")
	status, body := post("/me/playlists", pub, `{"name":"New"}`)
	if status != 201 || body["name"] != "New" || body["public"] != true {
		t.Fatalf("create: %d %v", status, body)
	}
	newID := body["id"].(string)
	for _, e := range []struct {
		path, tok, body string
		status          int
		message         string
	}{
		{"/me/playlists", pub, `{"name":"P","public":false}`, 403, "Insufficient client scope"},
		{"/me/playlists", pub, `{"public":true}`, 400, "Missing required field: name"},
		{"/me/playlists", pub, `{"name":`, 400, "Error parsing JSON."},
		{"/me/playlists", pub, `{"name":"C","collaborative":true}`, 400, "Collaborative playlists can only be private."},
	} {
		status, body := post(e.path, e.tok, e.body)
		wantAPIError(t, status, body, e.status, e.message)
	}

	_, lib := f.get("/me/playlists", pub)
	if got := lib["items"].([]any)[0].(map[string]any)["id"]; got != newID {
		t.Errorf("the new playlist is not first in the library: %v", got)
	}

	_, src := f.get("/playlists/"+bobsID+"/items", pub)
	uri := src["items"].([]any)[0].(map[string]any)["item"].(map[string]any)["uri"].(string)
	status, body = post("/playlists/"+newID+"/items", pub, `{"uris":["`+uri+`","`+uri+`"]}`)
	if status != 201 || body["snapshot_id"] == nil {
		t.Fatalf("add: %d %v", status, body)
	}
	_, items := f.get("/playlists/"+newID+"/items", pub)
	if items["total"] != float64(2) {
		t.Errorf("after adding: %v", items)
	}
	for _, e := range []struct {
		path, tok, body string
		status          int
		message         string
	}{
		{"/playlists/" + bobsID + "/items", pub, `{"uris":["` + uri + `"]}`, 403, msgNotOwner},
		{"/playlists/" + newID + "/items", pub, `{"uris":["spotify:track:0NoSuchTrack0000000000"]}`, 400, "Invalid base62 id"},
		{"/playlists/" + newID + "/items", pub, `{"uris":["` + uri + `"],"position":"1"}`, 400, "Error parsing JSON."},
		{"/playlists/" + newID + "/items", pub, `{"uris":["` + uri + `"],"position":9}`, 400, "Index out of bounds"},
	} {
		status, body := post(e.path, e.tok, e.body)
		wantAPIError(t, status, body, e.status, e.message)
	}
}

func TestTrackAndSearch(t *testing.T) {
	f := newFixture(t)
	var tracks []Track
	for _, n := range []string{"Alpha Song", "Beta", "Gamma Song", "Delta"} {
		tracks = append(tracks, Track{Name: n, Artists: []string{"Band"}, DurationMS: 1})
	}
	tracks = append(tracks, Track{Name: "Songs of Nothing", Show: "Pod", Episode: true})
	f.srv.AddTracks(tracks...)
	appTok, _ := f.srv.IssueTokens(appID, "", nil, FlowClientCredentials, f.clock.Now())
	devTok, _ := f.srv.IssueTokens(devID, "", nil, FlowClientCredentials, f.clock.Now())

	status, body := f.get("/search?q=song&type=track&limit=1", appTok)
	page, _ := body["tracks"].(map[string]any)
	if status != 200 || page["total"] != float64(2) || page["next"] == nil {
		t.Fatalf("search: %d %v", status, body)
	}
	status, body = f.get(page["next"].(string), appTok)
	page = body["tracks"].(map[string]any)
	if status != 200 || page["next"] != nil || page["items"].([]any)[0].(map[string]any)["name"] != "Gamma Song" {
		t.Fatalf("second page: %d %v", status, body)
	}
	id := page["items"].([]any)[0].(map[string]any)["id"].(string)
	status, body = f.get("/tracks/"+id, appTok)
	if status != 200 || body["name"] != "Gamma Song" {
		t.Errorf("track: %d %v", status, body)
	}

	_, body = f.get("/search?q=song&type=track,album", appTok)
	if _, ok := body["albums"]; !ok {
		t.Errorf("no albums page: %v", body)
	}
	_, body = f.get("/search?q=x&type=track", devTok)
	if body["tracks"].(map[string]any)["limit"] != float64(5) {
		t.Errorf("development mode's default limit is 5: %v", body)
	}
	{
		s, b := f.get("/search?q=x&type=track&limit=11", devTok)
		wantAPIError(t, s, b, 400, "Invalid limit")
	}
	if status, body := f.get("/search?q=x&type=track&limit=50", appTok); status != 200 {
		t.Errorf("limit 50 outside development mode: %d %v", status, body)
	}
}
