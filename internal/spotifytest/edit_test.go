package spotifytest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// send makes a request with an optional JSON body and decodes a JSON answer
// (an empty answer is a nil map).
func (f *fixture) send(method, path, tok, body string) (int, map[string]any) {
	f.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, f.srv.APIURL()+path, rd)
	req.Header.Set("Authorization", "Bearer "+tok)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := f.hc.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if len(b) > 0 {
		if err := json.Unmarshal(b, &m); err != nil {
			f.t.Fatalf("%s %s: %v: %s", method, path, err, b)
		}
	}
	return resp.StatusCode, m
}

func uriList(uris ...string) string {
	b, _ := json.Marshal(uris)
	return `{"uris":` + string(b) + `}`
}

func removeBody(uris ...string) string {
	var objs []map[string]string
	for _, u := range uris {
		objs = append(objs, map[string]string{"uri": u})
	}
	b, _ := json.Marshal(map[string]any{"items": objs, "snapshot_id": "x"})
	return string(b)
}

func TestPlaylistWrites(t *testing.T) {
	f := itemsFixture(t)
	tok := f.userToken(appID, "playlist-modify-public", "playlist-modify-private")
	a, b, c := f.srv.PlaylistURIs(alicesID)[0], f.srv.PlaylistURIs(alicesID)[1], f.srv.PlaylistURIs(alicesID)[2]
	path := "/playlists/" + alicesID + "/items"

	status, body := f.send("POST", path, tok, `{"uris":["`+a+`","`+b+`"],"position":1}`)
	if status != 201 || body["snapshot_id"] == nil {
		t.Fatalf("add: %d %v", status, body)
	}
	snap := body["snapshot_id"]
	if got, want := f.srv.PlaylistURIs(alicesID), []string{a, a, b, b, c}; !slices.Equal(got, want) {
		t.Fatalf("after add at 1: %v, want %v", got, want)
	}
	status, body = f.send("DELETE", path, tok, removeBody(a, "spotify:track:0NotInThePlaylist00000"))
	if status != 200 || body["snapshot_id"] == nil || body["snapshot_id"] == snap {
		t.Fatalf("remove: %d %v (a new snapshot each change)", status, body)
	}
	if got, want := f.srv.PlaylistURIs(alicesID), []string{b, b, c}; !slices.Equal(got, want) {
		t.Fatalf("remove takes every occurrence: %v, want %v", got, want)
	}
	if status, body := f.send("PUT", path, tok, `{"range_start":2,"insert_before":0}`); status != 200 {
		t.Fatalf("reorder: %d %v", status, body)
	}
	if got, want := f.srv.PlaylistURIs(alicesID), []string{c, b, b}; !slices.Equal(got, want) {
		t.Fatalf("after reorder: %v, want %v", got, want)
	}
	if status, body := f.send("PUT", path, tok, `{"range_start":0,"insert_before":3}`); status != 200 {
		t.Fatalf("reorder: %d %v", status, body)
	}
	if got, want := f.srv.PlaylistURIs(alicesID), []string{b, b, c}; !slices.Equal(got, want) {
		t.Fatalf("after moving to the end: %v, want %v", got, want)
	}
	if status, body := f.send("PUT", path, tok, uriList(a)); status != 200 {
		t.Fatalf("replace: %d %v", status, body)
	}
	if got := f.srv.PlaylistURIs(alicesID); !slices.Equal(got, []string{a}) {
		t.Fatalf("after replace: %v", got)
	}
	// The query form of add.
	if status, body := f.send("POST", path+"?uris="+b+","+c+"&position=0", tok, ""); status != 201 {
		t.Fatalf("add by query: %d %v", status, body)
	}
	if got := f.srv.PlaylistURIs(alicesID); !slices.Equal(got, []string{b, c, a}) {
		t.Fatalf("after add by query: %v", got)
	}

	var hundred, hundredOne []string
	for i := range 101 {
		if i < 100 {
			hundred = append(hundred, a)
		}
		hundredOne = append(hundredOne, a)
	}
	pubOnly := f.userToken(appID, "playlist-modify-public")
	noScope := f.userToken(appID)
	for _, e := range []struct {
		name, method, path, tok, body string
		status                        int
		message                       string
	}{
		{"add 101", "POST", path, tok, uriList(hundredOne...), 400, msgItemsLimit},
		{"add none", "POST", path, tok, uriList(), 400, msgItemsLimit},
		{"remove 101", "DELETE", path, tok, removeBody(hundredOne...), 400, msgRemoveLimit},
		{"remove, old body", "DELETE", path, tok, `{"tracks":[{"uri":"` + a + `"}]}`, 400, msgRemoveLimit},
		{"replace 101", "PUT", path, tok, uriList(hundredOne...), 400, msgItemsLimit},
		{"reorder out of range", "PUT", path, tok, `{"range_start":5,"insert_before":0}`, 400, "Index out of bounds"},
		{"put nothing", "PUT", path, tok, `{}`, 400, "Missing required field: uris or range_start and insert_before"},
		{"someone's playlist, add", "POST", "/playlists/" + bobsID + "/items", tok, uriList(a), 403, msgNotOwner},
		{"someone's playlist, remove", "DELETE", "/playlists/" + bobsID + "/items", tok, removeBody(a), 403, msgNotOwner},
		{"someone's playlist, replace", "PUT", "/playlists/" + bobsID + "/items", tok, uriList(a), 403, msgNotOwner},
		{"public without the scope", "POST", path, noScope, uriList(a), 403, msgScope},
		{"private with the public scope", "POST", "/playlists/" + alicesPriv + "/items", pubOnly, uriList(a), 403, msgScope},
		{"collaborative with the public scope", "POST", "/playlists/" + bobsCol + "/items", pubOnly, uriList(a), 403, msgScope},
		{"bad playlist id", "POST", "/playlists/nope/items", tok, uriList(a), 400, msgInvalidBase62},
		{"unknown playlist", "DELETE", "/playlists/0NoSuchPlaylist0000000/items", tok, removeBody(a), 404, msgResourceNotFound},
		{"remove a bad uri", "DELETE", path, tok, removeBody("spotify:album:x"), 400, msgInvalidBase62},
		{"no JSON", "DELETE", path, tok, `{"items":`, 400, "Error parsing JSON."},
	} {
		t.Run(e.name, func(t *testing.T) {
			status, body := f.send(e.method, e.path, e.tok, e.body)
			wantAPIError(t, status, body, e.status, e.message)
		})
	}
	if status, body := f.send("POST", path, tok, uriList(hundred...)); status != 201 {
		t.Fatalf("add 100: %d %v", status, body)
	}
	if n := len(f.srv.PlaylistURIs(alicesID)); n != 103 {
		t.Errorf("after adding 100: %d entries, want 103", n)
	}
	// A collaborator may change a collaborative playlist.
	if status, body := f.send("POST", "/playlists/"+bobsCol+"/items", tok, uriList(a)); status != 201 {
		t.Errorf("collaborator: %d %v", status, body)
	}
}

func TestUserPlaylistsEndpointsAreGone(t *testing.T) {
	f := itemsFixture(t)
	tok := f.userToken(appID, "playlist-modify-public")
	for _, m := range []string{"GET", "POST"} {
		status, body := f.send(m, "/users/alice/playlists", tok, map[string]string{"GET": "", "POST": `{"name":"x"}`}[m])
		wantAPIError(t, status, body, 404, msgNotFound)
	}
}

func TestLibraryWrites(t *testing.T) {
	f := itemsFixture(t)
	uris := f.srv.PlaylistURIs(alicesID)
	tok := f.userToken(appID, "user-library-modify", "user-library-read")
	q := func(u ...string) string { return "?uris=" + strings.Join(u, ",") }

	if status, body := f.send("PUT", "/me/library"+q(uris[0], uris[1], "spotify:album:0AnAlbum00000000000001"), tok, ""); status != 200 || body != nil {
		t.Fatalf("save: %d %v", status, body)
	}
	if status, body := f.send("PUT", "/me/library"+q(uris[0]), tok, ""); status != 200 {
		t.Fatalf("saving again: %d %v", status, body)
	}
	if got, want := f.srv.LibraryURIs("alice"), []string{uris[1], uris[0], "spotify:album:0AnAlbum00000000000001"}; !slices.Equal(got, want) {
		t.Fatalf("library %v, want %v (tracks newest first, then albums; no duplicate)", got, want)
	}
	_, tracks := f.get("/me/tracks", tok)
	if items := tracks["items"].([]any); len(items) != 2 || items[0].(map[string]any)["track"].(map[string]any)["uri"] != uris[1] {
		t.Errorf("/me/tracks after saving: %v", tracks)
	}
	if status, body := f.send("DELETE", "/me/library"+q(uris[1], uris[2]), tok, ""); status != 200 {
		t.Fatalf("remove: %d %v", status, body)
	}
	req, _ := http.NewRequest("GET", f.srv.APIURL()+"/me/library/contains"+q(uris[0], uris[1], uris[2]), nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := f.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var got []bool
	_ = json.NewDecoder(resp.Body).Decode(&got)
	resp.Body.Close()
	if !slices.Equal(got, []bool{true, false, false}) {
		t.Errorf("contains: %v", got)
	}

	var forty []string
	for i := range 41 {
		forty = append(forty, fmt.Sprintf("spotify:album:%022d", i))
	}
	readOnly := f.userToken(appID, "user-library-read")
	writeOnly := f.userToken(appID, "user-library-modify")
	for _, e := range []struct {
		name, method, path, tok, body string
		status                        int
		message                       string
	}{
		{"41 URIs", "PUT", "/me/library" + q(forty...), tok, "", 400, "Too many ids requested"},
		{"a JSON body", "PUT", "/me/library", tok, uriList(uris[0]), 400, "Request body is not supported: pass the URIs in the uris query parameter"},
		{"a JSON body on delete", "DELETE", "/me/library" + q(uris[0]), tok, uriList(uris[0]), 400, "Request body is not supported: pass the URIs in the uris query parameter"},
		{"no uris", "PUT", "/me/library", tok, "", 400, "Missing required parameter: uris"},
		{"an ID, not a URI", "PUT", "/me/library?uris=0AnAlbum00000000000001", tok, "", 400, "Unsupported URI: 0AnAlbum00000000000001"},
		{"a local file", "PUT", "/me/library?uris=spotify:local:a:b:c:1", tok, "", 400, "Unsupported URI: spotify:local:a:b:c:1"},
		{"an unknown track", "PUT", "/me/library?uris=spotify:track:0NoSuchTrack0000000000", tok, "", 400, msgInvalidBase62},
		{"save without the scope", "PUT", "/me/library" + q(uris[0]), readOnly, "", 403, msgScope},
		{"contains without the scope", "GET", "/me/library/contains" + q(uris[0]), writeOnly, "", 403, msgScope},
		{"follow an artist without its scope", "PUT", "/me/library?uris=spotify:artist:0AnArtist0000000000001", tok, "", 403, msgScope},
		{"41 in contains", "GET", "/me/library/contains" + q(forty...), tok, "", 400, "Too many ids requested"},
		{"POST", "POST", "/me/library" + q(uris[0]), tok, "", 405, "Method not allowed"},
	} {
		t.Run(e.name, func(t *testing.T) {
			status, body := f.send(e.method, e.path, e.tok, e.body)
			wantAPIError(t, status, body, e.status, e.message)
		})
	}
	if got := len(f.srv.LibraryURIs("alice")); got != 2 {
		t.Errorf("refused writes changed the library: %d items", got)
	}
}

func TestFaultMethodAndApplyThenReset(t *testing.T) {
	f := itemsFixture(t)
	tok := f.userToken(appID, "playlist-modify-public")
	path := "/playlists/" + alicesID + "/items"
	a := f.srv.PlaylistURIs(alicesID)[0]
	// The second write fails; reads of the same path pass.
	f.srv.InjectFault(Fault{Path: "/v1" + path, Method: AnyWrite, SkipFirst: 1, Count: 1, Status: 500})
	if status, _ := f.send("POST", path, tok, uriList(a)); status != 201 {
		t.Fatalf("first write: %d", status)
	}
	if status, _ := f.get(path, tok); status != 200 {
		t.Fatalf("read between: %d", status)
	}
	if status, body := f.send("POST", path, tok, uriList(a)); status != 500 {
		t.Fatalf("second write: %d %v", status, body)
	}
	if n := len(f.srv.PlaylistURIs(alicesID)); n != 4 {
		t.Fatalf("the failed write changed the playlist: %d entries", n)
	}
	f.srv.ClearFaults()

	f.srv.InjectFault(Fault{Path: "/v1" + path, Method: "POST", ApplyThenReset: true, Count: 1})
	req, _ := http.NewRequest("POST", f.srv.APIURL()+path, strings.NewReader(uriList(a)))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	if resp, err := f.hc.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("got an answer %d, want a dropped connection", resp.StatusCode)
	}
	if n := len(f.srv.PlaylistURIs(alicesID)); n != 5 {
		t.Fatalf("the write was not applied before the connection dropped: %d entries", n)
	}
}

func TestSearchEpisodes(t *testing.T) {
	f := newFixture(t)
	f.srv.AddTracks(Track{Name: "Talk", Show: "Pod", Episode: true}, Track{Name: "Talk Song", Artists: []string{"ABBA"}})
	tok, _ := f.srv.IssueTokens(appID, "", nil, FlowClientCredentials, f.clock.Now())
	_, body := f.get("/search?q=talk&type=episode,track", tok)
	eps := body["episodes"].(map[string]any)["items"].([]any)
	tracks := body["tracks"].(map[string]any)["items"].([]any)
	if len(eps) != 1 || eps[0].(map[string]any)["type"] != "episode" || len(tracks) != 1 {
		t.Errorf("search: %v", body)
	}
	_, body = f.get("/search?q=artist:abba&type=track", tok)
	if n := len(body["tracks"].(map[string]any)["items"].([]any)); n != 1 {
		t.Errorf("artist: search found %d", n)
	}
}

func TestFaultApply(t *testing.T) {
	f := itemsFixture(t)
	tok := f.userToken(appID, "playlist-modify-public")
	path := "/playlists/" + alicesID + "/items"
	a := f.srv.PlaylistURIs(alicesID)[0]
	f.srv.InjectFault(Fault{Path: "/v1" + path, Method: "POST", Apply: true, Status: 502, Count: 1})
	status, body := f.send("POST", path, tok, uriList(a))
	wantAPIError(t, status, body, 502, "Bad gateway")
	if n := len(f.srv.PlaylistURIs(alicesID)); n != 4 {
		t.Errorf("%d entries: the write was not applied before the 502", n)
	}
}
