package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/spotcli/spotcli/internal/spotifytest"
)

const (
	ownID   = "0OwnPlaylist0000000001"
	bobsID  = "0BobsPlaylist000000002"
	allEdit = "playlist-modify-public playlist-modify-private playlist-read-private user-library-modify user-library-read"
)

// editFake is the fake with alice, who owns an empty public playlist, bob's
// playlist, and a catalog of n tracks.
type editFake struct {
	srv    *spotifytest.Server
	client *Client
	tracks []string // the catalog's track URIs
}

func newEditFake(t *testing.T, n int, devMode bool) *editFake {
	t.Helper()
	srv := spotifytest.New(spotifytest.Config{})
	t.Cleanup(srv.Close)
	srv.AddApp(spotifytest.App{ClientID: "cli", Name: "spotcli", DevMode: devMode, RedirectURIs: []string{"http://127.0.0.1/cb"}})
	srv.AddUser(spotifytest.User{ID: "alice", DisplayName: "Alice"})
	srv.AddUser(spotifytest.User{ID: "bob", DisplayName: "Bob"})
	srv.AddPlaylists("alice", spotifytest.Playlist{ID: ownID, Name: "Mine", Public: true})
	srv.AddPlaylists("bob", spotifytest.Playlist{ID: bobsID, Name: "Bob's", Public: true})
	srv.AddPlaylists("alice", spotifytest.Playlist{ID: bobsID, Name: "Bob's", OwnerID: "bob", Public: true})
	f := &editFake{srv: srv}
	var ts []spotifytest.Track
	for i := range n {
		ts = append(ts, spotifytest.Track{ID: fmt.Sprintf("0Track%016d", i), Name: fmt.Sprintf("Song %d", i), Artists: []string{"ABBA"}})
		f.tracks = append(f.tracks, fmt.Sprintf("spotify:track:0Track%016d", i))
	}
	srv.AddTracks(ts...)
	tok, _ := srv.IssueTokens("cli", "alice", strings.Fields(allEdit), spotifytest.FlowPKCE, time.Now())
	tr := &http.Transport{DisableKeepAlives: true}
	t.Cleanup(tr.CloseIdleConnections)
	f.client = &Client{
		BaseURL: srv.APIURL(), HTTP: &http.Client{Transport: tr}, Tokens: staticToken(tok),
		MaxWait: time.Minute, Timeout: 5 * time.Second, Attempts: 4,
		Backoff: func(int) time.Duration { return time.Millisecond },
	}
	return f
}

// itemRequests counts requests to the own playlist's items, of any method.
func (f *editFake) itemRequests() int {
	return f.srv.Stats().APIRequests["/v1/playlists/"+ownID+"/items"]
}

func TestWriteRetryRules(t *testing.T) {
	tests := []struct {
		name         string
		serve        func(t *testing.T, w http.ResponseWriter, n int)
		wantRequests int
		wantUnknown  bool
		wantErr      string
	}{
		{name: "answered 503 is retried", serve: func(t *testing.T, w http.ResponseWriter, n int) {
			if n == 1 {
				writeJSON(w, 503, `{"error":{"status":503,"message":"Service unavailable"}}`)
				return
			}
			writeJSON(w, 201, `{"snapshot_id":"s"}`)
		}, wantRequests: 2},
		{name: "429 is retried", serve: func(t *testing.T, w http.ResponseWriter, n int) {
			if n == 1 {
				w.Header().Set("Retry-After", "0")
				writeJSON(w, 429, `{"error":{"status":429,"message":"API rate limit exceeded"}}`)
				return
			}
			writeJSON(w, 201, `{"snapshot_id":"s"}`)
		}, wantRequests: 2},
		{name: "a dropped connection is an unknown outcome, not resent", serve: func(t *testing.T, w http.ResponseWriter, n int) {
			hangUp(t, w)
		}, wantRequests: 1, wantUnknown: true},
		{name: "400 is final", serve: func(t *testing.T, w http.ResponseWriter, n int) {
			writeJSON(w, 400, `{"error":{"status":400,"message":"Invalid base62 id"}}`)
		}, wantRequests: 1, wantErr: "Invalid base62 id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rec recorder
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) { tt.serve(t, w, rec.add(r)) })
			c := newClient(t, srv, staticToken("tok"))
			_, err := c.Write(context.Background(), "POST", "playlists/x/items", []byte(`{"uris":[]}`))
			if got := rec.count(); got != tt.wantRequests {
				t.Errorf("%d requests, want %d", got, tt.wantRequests)
			}
			var unknown *UnknownOutcomeError
			if errors.As(err, &unknown) != tt.wantUnknown {
				t.Errorf("err = %v, unknown outcome: %v", err, !tt.wantUnknown)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("err = %v, want %q", err, tt.wantErr)
			}
			if tt.wantErr == "" && !tt.wantUnknown && err != nil {
				t.Errorf("err = %v", err)
			}
		})
	}
}

func TestWriteTimeoutIsUnknownOutcome(t *testing.T) {
	release := make(chan struct{})
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) { <-release })
	defer close(release)
	c := newClient(t, srv, staticToken("tok"))
	c.Timeout = 100 * time.Millisecond
	_, err := c.Write(context.Background(), "PUT", "me/library?uris=spotify:track:x", nil)
	var unknown *UnknownOutcomeError
	if !errors.As(err, &unknown) || !strings.Contains(err.Error(), "no answer within 100ms") {
		t.Fatalf("err = %v, want an unknown outcome after the timeout", err)
	}
}

func TestWriteNotSentIsRetried(t *testing.T) {
	srv := newServer(t, func(http.ResponseWriter, *http.Request) {})
	c := newClient(t, srv, staticToken("tok"))
	srv.Close() // nothing listens: the request never leaves
	_, err := c.Write(context.Background(), "POST", "me/playlists", []byte(`{}`))
	var unknown *UnknownOutcomeError
	if err == nil || errors.As(err, &unknown) || !strings.Contains(err.Error(), "gave up after 4 attempts") {
		t.Fatalf("err = %v, want 4 attempts and a known failure", err)
	}
}

func TestAddPlaylistItemsBatches(t *testing.T) {
	for _, tt := range []struct {
		n, posts int
	}{{1, 1}, {100, 1}, {101, 2}, {250, 3}} {
		t.Run(fmt.Sprint(tt.n), func(t *testing.T) {
			f := newEditFake(t, tt.n, true)
			var progress []int
			snap, err := f.client.AddPlaylistItems(context.Background(), ownID, f.tracks, AddOptions{Progress: func(d int) { progress = append(progress, d) }})
			if err != nil || snap == "" {
				t.Fatalf("add: %q %v", snap, err)
			}
			if diff := cmp.Diff(f.tracks, f.srv.PlaylistURIs(ownID)); diff != "" {
				t.Errorf("playlist (-want +got):\n%s", diff)
			}
			// One read for the length, then one POST a batch.
			if got := f.itemRequests(); got != tt.posts+1 {
				t.Errorf("%d requests, want %d", got, tt.posts+1)
			}
			if len(progress) != tt.posts || progress[len(progress)-1] != tt.n {
				t.Errorf("progress %v", progress)
			}
		})
	}
}

func TestAddPlaylistItemsAtPosition(t *testing.T) {
	f := newEditFake(t, 150, false)
	ctx := context.Background()
	if _, err := f.client.AddPlaylistItems(ctx, ownID, f.tracks[:10], AddOptions{}); err != nil {
		t.Fatal(err)
	}
	pos, n := 5, 10
	if _, err := f.client.AddPlaylistItems(ctx, ownID, f.tracks[10:], AddOptions{Position: &pos, Length: &n}); err != nil {
		t.Fatal(err)
	}
	want := slices.Concat(f.tracks[:5], f.tracks[10:], f.tracks[5:10])
	if diff := cmp.Diff(want, f.srv.PlaylistURIs(ownID)); diff != "" {
		t.Errorf("playlist (-want +got):\n%s", diff)
	}
}

func TestAddPlaylistItemsUnknownOutcome(t *testing.T) {
	for _, applied := range []bool{true, false} {
		t.Run(fmt.Sprintf("applied=%v", applied), func(t *testing.T) {
			f := newEditFake(t, 300, true)
			fault := spotifytest.Fault{Path: "/v1/playlists/" + ownID + "/items", Method: "POST", SkipFirst: 1, Count: 1}
			if applied {
				fault.ApplyThenReset = true
			} else {
				fault.Reset = true
			}
			f.srv.InjectFault(fault)
			if _, err := f.client.AddPlaylistItems(context.Background(), ownID, f.tracks, AddOptions{}); err != nil {
				t.Fatalf("add: %v", err)
			}
			if diff := cmp.Diff(f.tracks, f.srv.PlaylistURIs(ownID)); diff != "" {
				t.Errorf("playlist (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAddPlaylistItemsFailsForGood(t *testing.T) {
	f := newEditFake(t, 1000, true)
	f.srv.InjectFault(spotifytest.Fault{Path: "/v1/playlists/" + ownID + "/items", Method: spotifytest.AnyWrite, SkipFirst: 4, Status: 500})
	_, err := f.client.AddPlaylistItems(context.Background(), ownID, f.tracks, AddOptions{})
	var be *BatchError
	if !errors.As(err, &be) || be.Done != 400 || be.Total != 1000 || !strings.Contains(err.Error(), "gave up after 4 attempts") {
		t.Fatalf("err = %#v (%v), want 400 of 1000 done", err, err)
	}
	if diff := cmp.Diff(f.tracks[:400], f.srv.PlaylistURIs(ownID)); diff != "" {
		t.Errorf("playlist (-want +got):\n%s", diff)
	}
}

func TestAddPlaylistItemsChangedMeanwhile(t *testing.T) {
	f := newEditFake(t, 10, true)
	f.srv.InjectFault(spotifytest.Fault{Path: "/v1/playlists/" + ownID + "/items", Method: "POST", ApplyThenReset: true, Count: 1})
	n := 3 // wrong on purpose: the playlist is empty
	_, err := f.client.AddPlaylistItems(context.Background(), ownID, f.tracks, AddOptions{Length: &n})
	var be *BatchError
	if !errors.As(err, &be) || be.Done != 0 || !errors.Is(err, ErrPlaylistChanged) {
		t.Fatalf("err = %v, want ErrPlaylistChanged", err)
	}
	if got := len(f.srv.PlaylistURIs(ownID)); got != 10 {
		t.Errorf("%d entries, want the 10 of the one write", got)
	}
}

func TestRemovePlaylistItems(t *testing.T) {
	f := newEditFake(t, 150, true)
	ctx := context.Background()
	list := slices.Concat(f.tracks, f.tracks[:20])
	if _, err := f.client.AddPlaylistItems(ctx, ownID, list, AddOptions{}); err != nil {
		t.Fatal(err)
	}
	f.srv.InjectFault(spotifytest.Fault{Path: "/v1/playlists/" + ownID + "/items", Method: "DELETE", ApplyThenReset: true, Count: 1})
	// 120 distinct URIs, the first 20 twice: two DELETEs of 100 and 20.
	gone := slices.Concat(f.tracks[:120], f.tracks[:20])
	if _, err := f.client.RemovePlaylistItems(ctx, ownID, gone, nil); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(f.tracks[120:], f.srv.PlaylistURIs(ownID)); diff != "" {
		t.Errorf("playlist (-want +got):\n%s", diff)
	}
}

func TestLibraryWrites(t *testing.T) {
	f := newEditFake(t, 100, true)
	ctx := context.Background()
	f.srv.InjectFault(spotifytest.Fault{Path: "/v1/me/library", Method: "PUT", ApplyThenReset: true, SkipFirst: 1, Count: 1})
	var progress []int
	if err := f.client.SaveToLibrary(ctx, f.tracks, func(d int) { progress = append(progress, d) }); err != nil {
		t.Fatal(err)
	}
	st := f.srv.Stats()
	if st.APIRequests["/v1/me/library"] != 3 || st.APIRequests["/v1/me/library/contains"] != 1 {
		t.Errorf("requests %v, want 3 saves of 40, 40, 20 and one check", st.APIRequests)
	}
	if !slices.Equal(progress, []int{40, 80, 100}) {
		t.Errorf("progress %v", progress)
	}
	got, err := f.client.LibraryContains(ctx, slices.Concat(f.tracks[:50], []string{"spotify:album:0AnAlbum00000000000001"}))
	if err != nil || len(got) != 51 || slices.Contains(got[:50], false) || got[50] {
		t.Fatalf("contains: %v %v", got, err)
	}
	if err := f.client.RemoveFromLibrary(ctx, f.tracks[:45], nil); err != nil {
		t.Fatal(err)
	}
	if n := len(f.srv.LibraryURIs("alice")); n != 55 {
		t.Errorf("%d saved, want 55", n)
	}
	f.srv.InjectFault(spotifytest.Fault{Path: "/v1/me/library", Method: "DELETE", SkipFirst: 1, Status: 403, Body: `{"error":{"status":403,"message":"Insufficient client scope"}}`})
	err = f.client.RemoveFromLibrary(ctx, f.tracks[45:], nil)
	var be *BatchError
	if !errors.As(err, &be) || be.Done != 40 || !IsScopeError(err) {
		t.Fatalf("err = %v, want 40 done and a scope error", err)
	}
}

func TestPlanDedupe(t *testing.T) {
	dups, steps := PlanDedupe([]string{"a", "b", "a", "", "c", "b", "", "a", "d", "spotify:local:x", "spotify:local:x"})
	wantDups := []Duplicate{{2, "a"}, {5, "b"}, {7, "a"}}
	if diff := cmp.Diff(wantDups, dups); diff != "" {
		t.Errorf("duplicates (-want +got):\n%s", diff)
	}
	wantSteps := []DedupeStep{{Remove: []string{"a", "b"}, Inserts: []Insert{{0, []string{"a", "b"}}}, Left: 6}}
	if diff := cmp.Diff(wantSteps, steps); diff != "" {
		t.Errorf("steps (-want +got):\n%s", diff)
	}
	if d, s := PlanDedupe([]string{"a", "b"}); d != nil || s != nil {
		t.Errorf("nothing to do: %v %v", d, s)
	}
}

func TestApplyDedupe(t *testing.T) {
	f := newEditFake(t, 300, true)
	ctx := context.Background()
	// 300 tracks, then 130 of them again, in another order, then one more
	// of the first: 131 duplicates over two steps.
	var again []string
	for i := 299; i >= 170; i-- {
		again = append(again, f.tracks[i])
	}
	list := slices.Concat(f.tracks[:150], again, f.tracks[150:], f.tracks[:1])
	if _, err := f.client.AddPlaylistItems(ctx, ownID, list, AddOptions{}); err != nil {
		t.Fatal(err)
	}
	dups, steps := PlanDedupe(f.srv.PlaylistURIs(ownID))
	if len(dups) != 131 || len(steps) != 2 {
		t.Fatalf("%d duplicates in %d steps", len(dups), len(steps))
	}
	if err := f.client.ApplyDedupe(ctx, ownID, steps); err != nil {
		t.Fatal(err)
	}
	want := slices.Concat(f.tracks[:150], again, f.tracks[150:170])
	if diff := cmp.Diff(want, f.srv.PlaylistURIs(ownID)); diff != "" {
		t.Errorf("playlist (-want +got):\n%s", diff)
	}
}

func TestSearchLimitFallback(t *testing.T) {
	for _, dev := range []bool{true, false} {
		t.Run(fmt.Sprintf("devmode=%v", dev), func(t *testing.T) {
			f := newEditFake(t, 60, dev)
			var got []string
			emit := func(items []json.RawMessage) error {
				for _, raw := range items {
					var tr struct{ URI string }
					_ = json.Unmarshal(raw, &tr)
					got = append(got, tr.URI)
				}
				return nil
			}
			if err := f.client.Search(context.Background(), "abba", SearchOptions{Type: "track", Limit: 30}, emit); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(f.tracks[:30], got); diff != "" {
				t.Errorf("results (-want +got):\n%s", diff)
			}
			want := 1 // one page of 30
			if dev {
				want = 4 // refused, then three pages of 10
			}
			if n := f.srv.Stats().APIRequests["/v1/search"]; n != want {
				t.Errorf("%d requests, want %d", n, want)
			}
			// The next search remembers the page size.
			got = nil
			if err := f.client.Search(context.Background(), "abba", SearchOptions{Type: "track", Limit: 15}, emit); err != nil || len(got) != 15 {
				t.Fatal(err, len(got))
			}
			want += 1
			if dev {
				want += 1 // 10 + 5
			}
			if n := f.srv.Stats().APIRequests["/v1/search"]; n != want {
				t.Errorf("%d requests after the second search, want %d", n, want)
			}
		})
	}
}

func TestCreatePlaylist(t *testing.T) {
	f := newEditFake(t, 0, true)
	id, err := f.client.CreatePlaylist(context.Background(), "New", "d", false, false)
	if err != nil {
		t.Fatal(err)
	}
	if p, ok := f.srv.PlaylistByName("alice", "New"); !ok || p.ID != id || p.Public {
		t.Errorf("created %q: %+v %v", id, p, ok)
	}
}

// TestAddPlaylistItemsGatewayError: a 502 or 504 may come after Spotify's
// service applied the write: the batch is checked before it is sent again.
func TestAddPlaylistItemsGatewayError(t *testing.T) {
	for _, tt := range []struct {
		status  int
		applied bool
	}{{502, true}, {504, false}, {502, false}} {
		t.Run(fmt.Sprintf("%d applied=%v", tt.status, tt.applied), func(t *testing.T) {
			f := newEditFake(t, 250, true)
			path := "/v1/playlists/" + ownID + "/items"
			f.srv.InjectFault(spotifytest.Fault{Path: path, Method: "POST", SkipFirst: 1, Count: 1, Status: tt.status, Apply: tt.applied})
			if _, err := f.client.AddPlaylistItems(context.Background(), ownID, f.tracks, AddOptions{}); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(f.tracks, f.srv.PlaylistURIs(ownID)); diff != "" {
				t.Errorf("playlist (-want +got):\n%s", diff)
			}
		})
	}
	// Write itself: a 502 is an unknown outcome, a 503 is retried.
	var rec recorder
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if rec.add(r) == 1 {
			writeJSON(w, 502, `{"error":{"status":502,"message":"Bad gateway"}}`)
			return
		}
		writeJSON(w, 201, `{}`)
	})
	c := newClient(t, srv, staticToken("tok"))
	_, err := c.Write(context.Background(), "POST", "playlists/x/items", []byte(`{}`))
	var unknown *UnknownOutcomeError
	if !errors.As(err, &unknown) || rec.count() != 1 || !strings.Contains(err.Error(), "502") {
		t.Errorf("502: %v after %d requests", err, rec.count())
	}
}
