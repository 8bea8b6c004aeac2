package spotifytest

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

const playerScopes = "user-read-playback-state user-modify-playback-state user-read-currently-playing user-read-recently-played"

var (
	songA = Track{Name: "Song A", Artists: []string{"Artist"}, Album: "Album", DurationMS: 10_000}
	songB = Track{Name: "Song B", Artists: []string{"Artist"}, Album: "Album", DurationMS: 20_000}
	songC = Track{Name: "Song C", Artists: []string{"Other"}, Album: "Else", DurationMS: 30_000}
	ep    = Track{Name: "Episode 1", Show: "The Show", Episode: true, DurationMS: 60_000}
)

type playerFixture struct {
	*fixture
	access string
}

func newPlayerFixture(t *testing.T, scopes string) *playerFixture {
	t.Helper()
	f := newFixture(t)
	access, _ := f.srv.IssueTokens(appID, "alice", strings.Fields(scopes), FlowPKCE, f.clock.Now())
	f.srv.SetDevices("alice",
		Device{ID: "laptop", Name: "Laptop", Volume: 50},
		Device{ID: "phone", Name: "Phone", Type: "Smartphone", Volume: 80},
		Device{ID: "tv", Name: "TV", Restricted: true},
		Device{ID: "speaker", Name: "Speaker", NoVolume: true},
	)
	return &playerFixture{fixture: f, access: access}
}

// call sends a request and returns the status and the decoded body (nil for
// an empty one).
func (f *playerFixture) call(method, target, body string) (int, map[string]any) {
	f.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, f.srv.APIURL()+target, rd)
	req.Header.Set("Authorization", "Bearer "+f.access)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := f.hc.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if len(b) == 0 {
		return resp.StatusCode, nil
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		f.t.Fatalf("%s %s: %v: %s", method, target, err, b)
	}
	return resp.StatusCode, m
}

func wantReason(t *testing.T, status int, body map[string]any, wantStatus int, reason string) {
	t.Helper()
	e, _ := body["error"].(map[string]any)
	if status != wantStatus || e == nil || (e["reason"] != nil || reason != "") && e["reason"] != reason {
		t.Fatalf("got %d %v, want %d reason %q", status, body, wantStatus, reason)
	}
}

func TestPlayerNothingPlaying(t *testing.T) {
	f := newPlayerFixture(t, playerScopes)
	for _, path := range []string{"/me/player", "/me/player/currently-playing"} {
		if st, body := f.call("GET", path, ""); st != http.StatusNoContent || body != nil {
			t.Errorf("GET %s: %d %v, want 204 and no body", path, st, body)
		}
	}
	for _, c := range []struct{ method, path string }{
		{"PUT", "/me/player/pause"}, {"POST", "/me/player/next"}, {"POST", "/me/player/previous"},
		{"PUT", "/me/player/seek?position_ms=0"}, {"PUT", "/me/player/volume?volume_percent=5"},
		{"PUT", "/me/player/shuffle?state=true"}, {"PUT", "/me/player/repeat?state=off"},
		{"PUT", "/me/player/play"},
	} {
		st, body := f.call(c.method, c.path, "")
		wantReason(t, st, body, http.StatusNotFound, "NO_ACTIVE_DEVICE")
	}
	st, body := f.call("GET", "/me/player/devices", "")
	if devs, _ := body["devices"].([]any); st != 200 || len(devs) != 4 {
		t.Fatalf("devices: %d %v", st, body)
	}
	d := body["devices"].([]any)[3].(map[string]any)
	if d["volume_percent"] != nil || d["supports_volume"] != false || d["is_active"] != false {
		t.Errorf("speaker: %v", d)
	}
}

func TestPlayerStateAndClock(t *testing.T) {
	f := newPlayerFixture(t, playerScopes)
	f.srv.SetPlayback("alice", Playback{DeviceID: "laptop", Items: []Track{songA, songB}, Context: "spotify:album:x"})
	st, body := f.call("GET", "/me/player", "")
	if st != 200 || body["is_playing"] != true || body["progress_ms"] != 0.0 || body["repeat_state"] != "off" {
		t.Fatalf("state: %d %v", st, body)
	}
	if body["item"].(map[string]any)["name"] != "Song A" || body["device"].(map[string]any)["id"] != "laptop" {
		t.Fatalf("state: %v", body)
	}
	f.clock.Advance(4 * time.Second)
	_, body = f.call("GET", "/me/player/currently-playing", "")
	if body["progress_ms"] != 4000.0 || body["device"] != nil {
		t.Fatalf("currently-playing after 4 s: %v", body)
	}
	// Song A ends at 10 s; 2 s into Song B.
	f.clock.Advance(8 * time.Second)
	if got := f.srv.Player("alice"); got.Item != "spotify:track:"+trackIDByName(f.srv, "Song B") || got.Progress != 2*time.Second {
		t.Fatalf("after 12 s: %+v", got)
	}
	// The list ends: paused on the last item.
	f.clock.Advance(time.Minute)
	if got := f.srv.Player("alice"); got.Playing || got.Progress != 20*time.Second {
		t.Fatalf("after the end: %+v", got)
	}
	_, body = f.call("GET", "/me/player/recently-played", "")
	items := body["items"].([]any)
	if len(items) != 2 || items[0].(map[string]any)["track"].(map[string]any)["name"] != "Song B" {
		t.Fatalf("recently played: %v", body)
	}
	if items[1].(map[string]any)["played_at"] != "2026-03-01T12:00:10.000Z" {
		t.Errorf("played_at: %v", items[1])
	}
}

func trackIDByName(s *Server, name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, t := range s.contentLocked().tracks {
		if t.Name == name {
			return id
		}
	}
	return ""
}

func TestPlayerEpisodeNeedsAdditionalTypes(t *testing.T) {
	f := newPlayerFixture(t, playerScopes)
	f.srv.SetPlayback("alice", Playback{Items: []Track{ep}})
	_, body := f.call("GET", "/me/player", "")
	if body["item"] != nil || body["currently_playing_type"] != "episode" {
		t.Fatalf("without additional_types: %v", body)
	}
	_, body = f.call("GET", "/me/player?additional_types=track,episode", "")
	if item, _ := body["item"].(map[string]any); item["type"] != "episode" {
		t.Fatalf("with additional_types: %v", body)
	}
}

func TestPlayerControl(t *testing.T) {
	f := newPlayerFixture(t, playerScopes)
	f.srv.AddTracks(songA, songB, songC)
	a, b, c := "spotify:track:"+trackIDByName(f.srv, "Song A"), "spotify:track:"+trackIDByName(f.srv, "Song B"), "spotify:track:"+trackIDByName(f.srv, "Song C")

	// device_id targets an inactive device and activates it.
	if st, body := f.call("PUT", "/me/player/play?device_id=phone", `{"uris":["`+a+`","`+b+`"]}`); st != 204 {
		t.Fatalf("play: %d %v", st, body)
	}
	got := f.srv.Player("alice")
	if got.DeviceID != "phone" || got.Item != a || !got.Playing {
		t.Fatalf("after play: %+v", got)
	}
	if st, body := f.call("PUT", "/me/player/play", ""); st != 403 {
		t.Fatalf("resume while playing: %d %v, want 403", st, body)
	}
	f.call("PUT", "/me/player/pause", "")
	st, body := f.call("PUT", "/me/player/pause", "")
	wantReason(t, st, body, http.StatusForbidden, "UNKNOWN")
	if st, _ := f.call("PUT", "/me/player/play", ""); st != 204 || !f.srv.Player("alice").Playing {
		t.Fatalf("resume: %d", st)
	}
	f.call("POST", "/me/player/queue?uri="+c, "")
	if got := f.srv.Player("alice"); len(got.Queue) != 1 || got.Queue[0] != c {
		t.Fatalf("queue: %+v", got)
	}
	_, body = f.call("GET", "/me/player/queue", "")
	if q := body["queue"].([]any); len(q) != 2 || q[0].(map[string]any)["uri"] != c || q[1].(map[string]any)["uri"] != b {
		t.Fatalf("GET queue: %v", body)
	}
	f.call("POST", "/me/player/next", "")
	if got := f.srv.Player("alice"); got.Item != c {
		t.Fatalf("next plays the queue first: %+v", got)
	}
	f.call("POST", "/me/player/next", "")
	if got := f.srv.Player("alice"); got.Item != b {
		t.Fatalf("then the list: %+v", got)
	}
	f.clock.Advance(time.Second)
	f.call("POST", "/me/player/previous", "")
	if got := f.srv.Player("alice"); got.Item != a {
		t.Fatalf("previous: %+v", got)
	}
	f.call("PUT", "/me/player/seek?position_ms=5000", "")
	f.clock.Advance(time.Second)
	f.call("POST", "/me/player/previous", "")
	if got := f.srv.Player("alice"); got.Item != a || got.Progress != 0 {
		t.Fatalf("previous past 3 s restarts: %+v", got)
	}
	f.call("PUT", "/me/player/volume?volume_percent=33", "")
	f.call("PUT", "/me/player/shuffle?state=true", "")
	f.call("PUT", "/me/player/repeat?state=track", "")
	if got := f.srv.Player("alice"); got.Volume != 33 || !got.Shuffle || got.Repeat != "track" {
		t.Fatalf("modes: %+v", got)
	}
	for _, bad := range []string{"/me/player/volume?volume_percent=101", "/me/player/shuffle?state=yes", "/me/player/repeat?state=all", "/me/player/seek?position_ms=-1"} {
		if st, _ := f.call("PUT", bad, ""); st != 400 {
			t.Errorf("PUT %s: %d, want 400", bad, st)
		}
	}
	st, body = f.call("PUT", "/me/player/volume?volume_percent=5&device_id=speaker", "")
	wantReason(t, st, body, http.StatusForbidden, "VOLUME_CONTROL_DISALLOW")
	st, body = f.call("POST", "/me/player/next?device_id=tv", "")
	wantReason(t, st, body, http.StatusForbidden, "UNKNOWN")
	st, body = f.call("POST", "/me/player/next?device_id=nope", "")
	wantAPIError(t, st, body, http.StatusNotFound, msgNoDevice)

	// Transfer keeps the play state unless play is true.
	f.call("PUT", "/me/player/pause", "")
	if st, body := f.call("PUT", "/me/player", `{"device_ids":["laptop"]}`); st != 204 {
		t.Fatalf("transfer: %d %v", st, body)
	}
	if got := f.srv.Player("alice"); got.DeviceID != "laptop" || got.Playing {
		t.Fatalf("after transfer: %+v", got)
	}
	f.call("PUT", "/me/player", `{"device_ids":["phone"],"play":true}`)
	if got := f.srv.Player("alice"); got.DeviceID != "phone" || !got.Playing {
		t.Fatalf("after transfer --play: %+v", got)
	}
	st, body = f.call("PUT", "/me/player", `{"device_ids":["phone","laptop"]}`)
	wantAPIError(t, st, body, http.StatusBadRequest, "Only a single device_id is currently supported")
}

func TestPlayerContexts(t *testing.T) {
	f := newPlayerFixture(t, playerScopes)
	f.srv.AddPlaylists("alice", Playlist{ID: "pl000000000000000000ab", Name: "Mix"})
	f.srv.AddPlaylistItems("pl000000000000000000ab", PlaylistItem{Track: &songC}, PlaylistItem{Track: &songA})
	f.srv.AddTracks(ep)
	album := "spotify:album:" + spotifyID("album", "Album", "Artist")
	for _, c := range []struct {
		uri, first string
	}{
		{"spotify:playlist:pl000000000000000000ab", "Song C"},
		{album, "Song A"},
		{"spotify:artist:" + spotifyID("artist", "Other"), "Song C"},
		{"spotify:show:" + spotifyID("show", "The Show"), "Episode 1"},
	} {
		if st, body := f.call("PUT", "/me/player/play?device_id=laptop", `{"context_uri":"`+c.uri+`"}`); st != 204 {
			t.Fatalf("play %s: %d %v", c.uri, st, body)
		}
		_, body := f.call("GET", "/me/player?additional_types=episode", "")
		if body["item"].(map[string]any)["name"] != c.first || body["context"].(map[string]any)["uri"] != c.uri {
			t.Errorf("play %s: %v", c.uri, body)
		}
	}
	if st, _ := f.call("PUT", "/me/player/play", `{"context_uri":"spotify:album:nothere"}`); st != 404 {
		t.Errorf("unknown context: %d", st)
	}
	if st, _ := f.call("PUT", "/me/player/play", `{"uris":["spotify:track:nothere"]}`); st != 400 {
		t.Errorf("unknown track: %d", st)
	}
}

func TestPlayerPremiumAndScopes(t *testing.T) {
	f := newPlayerFixture(t, playerScopes)
	// carol is on the free plan: she can read, not control.
	f.srv.AddUser(User{ID: "carol", Product: "free"})
	f.srv.SetDevices("carol", Device{ID: "web", Name: "Web Player", Active: true})
	f.srv.SetPlayback("carol", Playback{Items: []Track{songA}})
	f.access, _ = f.srv.IssueTokens(appID, "carol", strings.Fields(playerScopes), FlowPKCE, f.clock.Now())
	if st, _ := f.call("GET", "/me/player", ""); st != 200 {
		t.Fatalf("free user reads: %d", st)
	}
	st, body := f.call("PUT", "/me/player/pause", "")
	wantReason(t, st, body, http.StatusForbidden, "PREMIUM_REQUIRED")
	st, body = f.call("PUT", "/me/player", `{"device_ids":["web"]}`)
	wantReason(t, st, body, http.StatusForbidden, "PREMIUM_REQUIRED")

	for _, c := range []struct{ scopes, method, path string }{
		{"user-read-currently-playing", "GET", "/me/player"},
		{"user-read-currently-playing", "GET", "/me/player/devices"},
		{"user-read-playback-state", "PUT", "/me/player/pause"},
		{"user-read-playback-state", "GET", "/me/player/recently-played"},
		{"user-read-recently-played", "GET", "/me/player/currently-playing"},
	} {
		f.access, _ = f.srv.IssueTokens(appID, "alice", []string{c.scopes}, FlowPKCE, f.clock.Now())
		st, body := f.call(c.method, c.path, "")
		wantAPIError(t, st, body, http.StatusForbidden, msgScope)
	}
}

func TestPlayerStaleAfterNext(t *testing.T) {
	f := newPlayerFixture(t, playerScopes)
	f.srv.SetPlayback("alice", Playback{DeviceID: "laptop", Items: []Track{songA, songB}})
	f.srv.SetPlayerStaleness(500 * time.Millisecond)
	f.call("POST", "/me/player/next", "")
	_, body := f.call("GET", "/me/player/currently-playing", "")
	if body["item"].(map[string]any)["name"] != "Song A" {
		t.Fatalf("within the window: %v", body["item"])
	}
	f.clock.Advance(500 * time.Millisecond)
	_, body = f.call("GET", "/me/player/currently-playing", "")
	if body["item"].(map[string]any)["name"] != "Song B" {
		t.Fatalf("after the window: %v", body["item"])
	}
}

func TestPlayerRecentlyPlayedCursors(t *testing.T) {
	f := newPlayerFixture(t, playerScopes)
	start := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	var tracks []Track
	for i := range 5 {
		tracks = append(tracks, Track{Name: "T" + string(rune('0'+i)), Artists: []string{"X"}, DurationMS: 1000})
	}
	f.srv.AddRecentlyPlayed("alice", start, time.Minute, tracks...)
	_, body := f.call("GET", "/me/player/recently-played?limit=2", "")
	names := func(b map[string]any) (out []string) {
		for _, it := range b["items"].([]any) {
			out = append(out, it.(map[string]any)["track"].(map[string]any)["name"].(string))
		}
		return out
	}
	if got := strings.Join(names(body), ","); got != "T4,T3" || body["next"] == nil {
		t.Fatalf("first page: %s %v", got, body["next"])
	}
	_, body = f.get(body["next"].(string), f.access)
	if got := strings.Join(names(body), ","); got != "T2,T1" {
		t.Fatalf("second page: %s", got)
	}
	if st, _ := f.call("GET", "/me/player/recently-played?after=1&before=2", ""); st != 400 {
		t.Errorf("after and before: %d", st)
	}
	if st, _ := f.call("GET", "/me/player/recently-played?limit=51", ""); st != 400 {
		t.Errorf("limit 51: %d", st)
	}
}

func TestPlayerRequestsLogged(t *testing.T) {
	f := newPlayerFixture(t, playerScopes)
	f.call("PUT", "/me/player", `{"device_ids":["laptop"]}`)
	log := f.srv.PlayerRequests()
	if len(log) != 1 || log[0].Method != "PUT" || log[0].Body != `{"device_ids":["laptop"]}` || log[0].Status != 204 {
		t.Fatalf("log: %+v", log)
	}
}

func TestPlayerEndLag(t *testing.T) {
	f := newPlayerFixture(t, playerScopes)
	f.srv.SetPlayback("alice", Playback{DeviceID: "laptop", Items: []Track{songA, songB}})
	f.srv.SetPlayerEndLag(time.Second)
	f.clock.Advance(10_500 * time.Millisecond) // A ended at 10 s
	_, body := f.call("GET", "/me/player", "")
	if body["item"].(map[string]any)["name"] != "Song A" || body["progress_ms"] != 10_000.0 || body["is_playing"] != true {
		t.Fatalf("within the lag: %v %v", body["item"].(map[string]any)["name"], body["progress_ms"])
	}
	if got := f.srv.Player("alice"); got.Progress != 500*time.Millisecond {
		t.Errorf("the player itself is on B: %+v", got)
	}
	f.clock.Advance(500 * time.Millisecond)
	_, body = f.call("GET", "/me/player", "")
	if body["item"].(map[string]any)["name"] != "Song B" || body["progress_ms"] != 1000.0 {
		t.Fatalf("after the lag: %v %v", body["item"].(map[string]any)["name"], body["progress_ms"])
	}
}
