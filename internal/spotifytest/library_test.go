package spotifytest

import (
	"net/http"
	"strconv"
	"testing"
	"time"
)

func TestLibrarySavedPages(t *testing.T) {
	f := newFixture(t)
	f.srv.GenerateLikedSongs("alice", 45)
	f.srv.GenerateSavedAlbums("alice", 3)
	f.srv.GenerateSavedShows("alice", 2)
	f.srv.GenerateSavedEpisodes("alice", 4)
	tok := f.userToken(appID, "user-library-read")

	// Liked Songs: offset pages, newest first, every track with its ISRC.
	var names []string
	var last time.Time
	for off := 0; off < 45; off += 20 {
		status, body := f.get("/me/tracks?limit=20&offset="+strconv.Itoa(off), tok)
		if status != 200 {
			t.Fatalf("offset %d: %d %v", off, status, body)
		}
		if body["total"].(float64) != 45 {
			t.Errorf("total = %v, want 45", body["total"])
		}
		for _, it := range body["items"].([]any) {
			m := it.(map[string]any)
			at, err := time.Parse(time.RFC3339, m["added_at"].(string))
			if err != nil {
				t.Fatal(err)
			}
			if !last.IsZero() && at.After(last) {
				t.Errorf("added_at %s after %s: not newest first", at, last)
			}
			last = at
			tr := m["track"].(map[string]any)
			names = append(names, tr["name"].(string))
			if isrc, _ := tr["external_ids"].(map[string]any)["isrc"].(string); len(isrc) != 12 {
				t.Errorf("ISRC %q", isrc)
			}
		}
		if off == 40 && body["next"] != nil {
			t.Errorf("last page has next %v", body["next"])
		}
	}
	if len(names) != 45 || names[0] != "Liked 00045" || names[44] != "Liked 00001" {
		t.Errorf("got %d tracks, first %q last %q", len(names), names[0], names[len(names)-1])
	}

	for _, tt := range []struct{ path, key, typ string }{
		{"/me/albums", "album", "album"}, {"/me/shows", "show", "show"}, {"/me/episodes", "episode", "episode"},
	} {
		status, body := f.get(tt.path, tok)
		if status != 200 {
			t.Fatalf("%s: %d %v", tt.path, status, body)
		}
		items := body["items"].([]any)
		if len(items) == 0 {
			t.Fatalf("%s: no items", tt.path)
		}
		obj := items[0].(map[string]any)[tt.key].(map[string]any)
		if obj["type"] != tt.typ {
			t.Errorf("%s: type %v", tt.path, obj["type"])
		}
	}

	// Scope and development mode.
	status, body := f.get("/me/tracks", f.userToken(appID, "user-read-private"))
	wantAPIError(t, status, body, http.StatusForbidden, "Insufficient client scope")
	_, body = f.get("/me/albums", f.userToken(devID, "user-library-read"))
	album := body["items"].([]any)[0].(map[string]any)["album"].(map[string]any)
	if _, ok := album["label"]; ok {
		t.Errorf("development mode: album has a label")
	}
	_, body = f.get("/me/albums", tok)
	album = body["items"].([]any)[0].(map[string]any)["album"].(map[string]any)
	if _, ok := album["label"]; !ok {
		t.Errorf("extended quota: album has no label")
	}

	// Unsave.
	first := body["items"].([]any)[0].(map[string]any)["album"].(map[string]any)["uri"].(string)
	f.srv.Unsave("alice", first)
	_, body = f.get("/me/albums", tok)
	if body["total"].(float64) != 2 {
		t.Errorf("after Unsave: total %v", body["total"])
	}
}

func TestLibraryFollowingCursor(t *testing.T) {
	f := newFixture(t)
	f.srv.GenerateFollowedArtists("alice", 7)
	tok := f.userToken(appID, "user-follow-read")
	var got []string
	link := "/me/following?type=artist&limit=3"
	for pages := 0; link != ""; pages++ {
		if pages > 5 {
			t.Fatal("too many pages")
		}
		status, body := f.get(link, tok)
		if status != 200 {
			t.Fatalf("%s: %d %v", link, status, body)
		}
		page := body["artists"].(map[string]any)
		if page["total"].(float64) != 7 {
			t.Errorf("total %v", page["total"])
		}
		if _, ok := page["offset"]; ok {
			t.Errorf("a cursor page has an offset")
		}
		for _, it := range page["items"].([]any) {
			got = append(got, it.(map[string]any)["name"].(string))
		}
		link, _ = page["next"].(string)
		if after := page["cursors"].(map[string]any)["after"]; (after == nil) != (link == "") {
			t.Errorf("cursors.after %v with next %q", after, link)
		}
	}
	if len(got) != 7 || got[0] != "Followed Artist 0001" || got[6] != "Followed Artist 0007" {
		t.Errorf("got %v", got)
	}

	status, body := f.get("/me/following?type=user", tok)
	wantAPIError(t, status, body, http.StatusBadRequest, "Bad type field, only artist is supported")
	status, body = f.get("/me/following?type=artist&after=nosuchartist", tok)
	wantAPIError(t, status, body, http.StatusBadRequest, "Invalid after cursor")
	status, body = f.get("/me/following?type=artist", f.userToken(appID, "user-library-read"))
	wantAPIError(t, status, body, http.StatusForbidden, "Insufficient client scope")
}

func TestRateWindow(t *testing.T) {
	f := newFixture(t)
	f.srv.GenerateLikedSongs("alice", 5)
	tok := f.userToken(appID, "user-library-read")
	other := f.userToken(otherID, "user-library-read")
	f.srv.SetRateWindow(RateWindow{Requests: 3, Per: 1500 * time.Millisecond})
	for i := range 3 {
		if status, body := f.get("/me/tracks", tok); status != 200 {
			t.Fatalf("request %d: %d %v", i+1, status, body)
		}
	}
	// Another app has its own window.
	if status, _ := f.get("/me/tracks", other); status != 200 {
		t.Errorf("another app: %d", status)
	}
	req, _ := http.NewRequest(http.MethodGet, f.srv.APIURL()+"/me/tracks", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := f.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "2" {
		t.Fatalf("4th request: %d Retry-After %q, want 429 and 2", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	// A request inside the announced Retry-After is counted.
	f.get("/me/tracks", tok)
	if st := f.srv.Stats(); st.DuringRetryAfter != 1 || st.RateLimited != 2 {
		t.Errorf("DuringRetryAfter = %d, RateLimited = %d; want 1 and 2", st.DuringRetryAfter, st.RateLimited)
	}
	time.Sleep(2 * time.Second)
	if status, _ := f.get("/me/tracks", tok); status != 200 {
		t.Errorf("after the window: %d", status)
	}
}

func TestRemoveAndRenamePlaylist(t *testing.T) {
	f := newFixture(t)
	f.srv.GeneratePlaylists("alice", 3)
	tok := f.userToken(appID)
	_, body := f.get("/me/playlists", tok)
	items := body["items"].([]any)
	id := items[1].(map[string]any)["id"].(string)
	snap := items[0].(map[string]any)["snapshot_id"].(string)
	f.srv.RemovePlaylist("alice", id)
	f.srv.RenamePlaylist(items[0].(map[string]any)["id"].(string), "New name")
	_, body = f.get("/me/playlists", tok)
	items = body["items"].([]any)
	if len(items) != 2 || items[1].(map[string]any)["id"] == id {
		t.Errorf("after RemovePlaylist: %v", items)
	}
	if items[0].(map[string]any)["snapshot_id"] == snap || items[0].(map[string]any)["name"] != "New name" {
		t.Errorf("RenamePlaylist kept the snapshot_id or the name")
	}
}
