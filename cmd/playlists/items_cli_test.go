package playlists_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spotcli/spotcli/cmd/cmdutil/cmdutiltest"
	"github.com/spotcli/spotcli/cmd/internal/clitest"
	"github.com/spotcli/spotcli/internal/spotifytest"
	"github.com/spotcli/spotcli/internal/spotifytest/fixtures"
)

func TestItemsGolden(t *testing.T) {
	t.Parallel()
	testOutputGolden(t, []string{"playlists", "items", fixtures.MixedID}, fixtures.AddMixed, outputCases("items"))
}

// TestItemsFields: the tsv says what the items are, whichever shape Spotify
// sent them in; json and ndjson pass Spotify's objects through whole.
func TestItemsFields(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.LoginAlice()
	fixtures.AddMixed(h.Fake)
	r := h.MustRun(0, "", "playlists", "items", fixtures.MixedID)
	if diff := cmp.Diff(cmdutiltest.WantMixed, cmdutiltest.ParseItemsTSV(t, r.Stdout)); diff != "" {
		t.Errorf("tsv (-want +got):\n%s", diff)
	}

	nd := h.MustRun(0, "", "playlists", "items", fixtures.MixedID, "-o", "ndjson")
	lines := strings.Split(strings.TrimSuffix(nd.Stdout, "\n"), "\n")
	if len(lines) != len(fixtures.MixedItems) {
		t.Fatalf("%d ndjson lines for %d items", len(lines), len(fixtures.MixedItems))
	}
	for i, line := range lines {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal([]byte(line), &obj); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		want, gone := "item", "track"
		if fixtures.MixedItems[i].OldShape {
			want, gone = gone, want
		}
		if _, ok := obj[want]; !ok {
			t.Errorf("item %d lacks %q: %s", i+1, want, line)
		}
		if _, ok := obj[gone]; ok {
			t.Errorf("item %d has %q, which Spotify did not send", i+1, gone)
		}
		for _, k := range []string{"added_by", "is_local", "primary_color", "video_thumbnail"} {
			if _, ok := obj[k]; !ok {
				t.Errorf("item %d lost %q", i+1, k)
			}
		}
	}
	if !strings.Contains(lines[3], `"uri":"spotify:local:Me+Myself:Tapes:My+Demo:120"`) || !strings.Contains(lines[3], `"is_local":true`) {
		t.Errorf("the local file's line lost its URI: %s", lines[3])
	}
	if !strings.Contains(lines[4], `"item":null`) {
		t.Errorf("the removed track is not null: %s", lines[4])
	}
}

func TestItemsIDForms(t *testing.T) {
	t.Parallel()
	accepted := []string{
		fixtures.MixedID,
		"spotify:playlist:" + fixtures.MixedID,
		"spotify:user:alice:playlist:" + fixtures.MixedID,
		"https://open.spotify.com/playlist/" + fixtures.MixedID,
		"https://open.spotify.com/playlist/" + fixtures.MixedID + "?si=abc123def456",
		"https://open.spotify.com/intl-de/playlist/" + fixtures.MixedID,
		"http://open.spotify.com/playlist/" + fixtures.MixedID + "/",
		"open.spotify.com/playlist/" + fixtures.MixedID,
		" " + fixtures.MixedID + "\n",
	}
	// Since the edit commands, a word that is no ID is a playlist's name.
	accepted = append(accepted, "Mixed", " Mixed ")
	for _, name := range []string{"short", fixtures.MixedID + "x", "0Mixed-Items0000000001"} {
		t.Run("looks up the name "+name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			h.LoginAlice()
			fixtures.AddMixed(h.Fake)
			r := h.MustRun(1, "", "playlists", "items", name)
			if !strings.Contains(r.Stderr, `you have no playlist named "`+name+`"`) || r.Stdout != "" {
				t.Errorf("stderr:\n%s", r)
			}
		})
	}
	for _, arg := range accepted {
		t.Run("accepts "+arg, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			h.LoginAlice()
			fixtures.AddMixed(h.Fake)
			r := h.MustRun(0, "", "playlists", "items", arg)
			if diff := cmp.Diff(cmdutiltest.WantMixed, cmdutiltest.ParseItemsTSV(t, r.Stdout)); diff != "" {
				t.Errorf("tsv (-want +got):\n%s", diff)
			}
		})
	}
	rejected := []struct {
		args []string
		want string
	}{
		{[]string{"https://open.spotify.com/playlist/short"}, "22 letters and digits"},
		{[]string{"spotify:playlist:" + fixtures.MixedID + "x"}, "spotify:playlist:ID URI"},
		{[]string{"spotify:track:" + fixtures.MixedID}, "is not a playlist"},
		{[]string{"spotify:playlist:"}, "is not a playlist"},
		{[]string{"https://open.spotify.com/album/" + fixtures.MixedID}, "open.spotify.com/playlist/ID URL"},
		{[]string{"https://evil.example/playlist/" + fixtures.MixedID}, "is not a playlist"},
		{[]string{"https://open.spotify.com/playlist/" + fixtures.MixedID + "/items"}, "is not a playlist"},
		{[]string{""}, "is not a playlist"},
		{nil, "takes one playlist"},
		{[]string{fixtures.MixedID, fixtures.MixedID}, "takes one playlist"},
		{[]string{fixtures.MixedID, "--limit", "0"}, "must be a whole number of 1 or more"},
		{[]string{fixtures.MixedID, "-o", "xml"}, "must be one of table, tsv, json, ndjson"},
		{[]string{fixtures.MixedID, "--json", "-o", "tsv"}, "--json and -o tsv contradict each other"},
		{[]string{fixtures.MixedID, "--concurrency", "17"}, "must be a whole number from 1 to 16"},
	}
	for _, tt := range rejected {
		t.Run(fmt.Sprintf("rejects %q", tt.args), func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			h.LoginAlice()
			fixtures.AddMixed(h.Fake)
			r := h.MustRun(2, "", append([]string{"playlists", "items"}, tt.args...)...)
			if !strings.Contains(r.Stderr, tt.want) || r.Stdout != "" {
				t.Errorf("stderr does not say %q:\n%s", tt.want, r)
			}
			if n := len(h.Fake.Stats().APIRequests); n != 0 {
				t.Errorf("a usage error reached Spotify: %v", h.Fake.Stats().APIRequests)
			}
		})
	}
}

// itemsRequests counts the page requests of a playlist's items.
func itemsRequests(h *harness, id string) int {
	return h.Fake.Stats().APIRequests["/v1/playlists/"+id+"/items"]
}

func TestItemsPaging(t *testing.T) {
	t.Parallel()
	const id = "0BigPlaylist0000000001"
	tests := []struct {
		n, limit, pages int
	}{
		{0, 0, 1}, {1, 0, 1}, {50, 0, 1}, {51, 0, 2}, {237, 0, 5},
		{237, 1, 1}, {237, 51, 2}, {237, 120, 3}, {237, 1000, 5},
	}
	for _, tt := range tests {
		for _, conc := range []string{"1", "8"} {
			t.Run(fmt.Sprintf("%d items limit %d concurrency %s", tt.n, tt.limit, conc), func(t *testing.T) {
				t.Parallel()
				h := newHarness(t)
				h.LoginAlice()
				h.Fake.AddPlaylists("alice", spotifytest.Playlist{ID: id, Name: "Big", Public: true})
				h.Fake.GeneratePlaylistItems(id, tt.n)
				args := []string{"playlists", "items", "spotify:playlist:" + id, "--concurrency", conc}
				want := tt.n
				if tt.limit > 0 {
					args = append(args, "--limit", strconv.Itoa(tt.limit))
					want = min(tt.n, tt.limit)
				}
				r := h.MustRun(0, "", args...)
				rows := cmdutiltest.ParseItemsTSV(t, r.Stdout)
				if len(rows) != want {
					t.Fatalf("%d rows, want %d", len(rows), want)
				}
				for i, row := range rows {
					if row.Pos != strconv.Itoa(i+1) || row.Name != fmt.Sprintf("Track %04d", i+1) || len(row.ID) != 22 {
						t.Errorf("row %d: %+v", i+1, row)
					}
				}
				if got := itemsRequests(h, id); got != tt.pages {
					t.Errorf("%d requests, want %d", got, tt.pages)
				}
			})
		}
	}
}

func TestItemsAccess(t *testing.T) {
	t.Parallel()
	const (
		bobsID    = "0BobsPlaylist000000001"
		collabID  = "0BobsCollab00000000002"
		privateID = "0BobsPrivate0000000003"
		unknownID = "0NoSuchPlaylist0000004"
	)
	tests := []struct {
		name    string
		devMode bool
		id      string
		code    int
		want    []string
	}{
		{"someone else's public playlist", false, bobsID, 0, nil},
		{"someone else's public playlist in development mode", true, bobsID, 1,
			[]string{"Spotify answered 403 Forbidden: Forbidden", "hint: Spotify only returns the items of playlists the user owns or collaborates on"}},
		{"a collaborative playlist in development mode", true, collabID, 0, nil},
		{"someone else's private playlist", false, privateID, 1, []string{"Spotify answered 404 Not Found: Resource not found"}},
		{"an unknown playlist", false, unknownID, 1, []string{"Spotify answered 404 Not Found: Resource not found", "check the id"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			if tt.devMode {
				h.LoginDevMode()
			} else {
				h.LoginAlice()
			}
			h.Fake.AddUser(spotifytest.User{ID: "bob", DisplayName: "Bob"})
			h.Fake.AddPlaylists("bob",
				spotifytest.Playlist{ID: bobsID, Name: "Bob's", Public: true},
				spotifytest.Playlist{ID: collabID, Name: "Shared", Collaborative: true},
				spotifytest.Playlist{ID: privateID, Name: "Secret"},
			)
			h.Fake.AddPlaylists("alice", spotifytest.Playlist{ID: collabID, Name: "Shared", OwnerID: "bob", Collaborative: true})
			for _, id := range []string{bobsID, collabID, privateID} {
				h.Fake.GeneratePlaylistItems(id, 3)
			}
			r := h.MustRun(tt.code, "", "playlists", "items", tt.id)
			for _, w := range tt.want {
				if !strings.Contains(r.Stderr, w) {
					t.Errorf("stderr does not say %q:\n%s", w, r.Stderr)
				}
			}
			if tt.code == 0 && len(cmdutiltest.ParseItemsTSV(t, r.Stdout)) != 3 {
				t.Errorf("want 3 rows: %s", r)
			}
			if tt.code != 0 && r.Stdout != "" {
				t.Errorf("stdout: %q", r.Stdout)
			}
		})
	}
}

func TestItemsEmpty(t *testing.T) {
	t.Parallel()
	tests := []struct {
		format, want string
	}{
		{"tsv", ""},
		{"ndjson", ""},
		{"json", "[]\n"},
		{"table", "#  NAME  ARTISTS  DURATION  ID\n"},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			h.LoginAlice()
			h.Fake.AddPlaylists("alice", spotifytest.Playlist{ID: "0EmptyPlaylist00000001", Name: "Empty", Public: true})
			r := h.MustRun(0, "", "playlists", "items", "0EmptyPlaylist00000001", "-o", tt.format)
			if r.Stdout != tt.want {
				t.Errorf("stdout = %q, want %q", r.Stdout, tt.want)
			}
		})
	}
}

// TestItemsPlaylistLinks: a playlist given as the Share menu copies it:
// open.spotify.com links with ?si=, /intl-xx/ and /embed/, and spotify.link
// share links, which are resolved by following their redirect with no
// token sent.
func TestItemsPlaylistLinks(t *testing.T) {
	const id = "3cEYpjA9oz9GiPac4AsH4n"
	h := newHarness(t)
	h.LoginAlice()
	h.Fake.AddPlaylists("alice", spotifytest.Playlist{ID: id, Name: "Road trip", Public: true})
	h.Fake.GeneratePlaylistItems(id, 3)
	h.Fake.AddShortLink("AbCdEfGhIjK", "https://open.spotify.com/playlist/"+id+"?si=0123456789abcdef&utm_source=copy-link")
	h.Fake.AddShortLink("ToATrack001", "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC?si=x")
	h.Fake.AddShortLink("Elsewhere01", "https://evil.example/playlist/"+id)
	want := h.MustRun(0, "", "playlists", "items", id).Stdout
	if strings.Count(want, "\n") != 3 {
		t.Fatalf("items: %q", want)
	}
	for _, arg := range []string{
		"https://open.spotify.com/playlist/" + id + "?si=0123456789abcdef",
		"https://open.spotify.com/intl-fr/playlist/" + id,
		"https://open.spotify.com/embed/playlist/" + id + "?utm_source=generator",
		"https://spotify.link/AbCdEfGhIjK",
		"spotify.link/AbCdEfGhIjK",
	} {
		if r := h.MustRun(0, "", "playlists", "items", arg); r.Stdout != want {
			t.Errorf("playlists items %s: %s", arg, r)
		}
	}
	if hits, withAuth := h.Fake.ShortLinkStats(); hits != 2 || withAuth != 0 {
		t.Errorf("share links: %d requests (want 2), %d with credentials (want 0)", hits, withAuth)
	}
	for arg, msg := range map[string]string{
		"https://spotify.link/ToATrack001": "is not a playlist",
		"https://spotify.link/Elsewhere01": "not to open.spotify.com",
		"https://spotify.link/Nothing0001": "does not exist",
	} {
		if r := h.MustRun(map[bool]int{true: 2, false: 1}[msg == "is not a playlist"], "", "playlists", "items", arg); !strings.Contains(r.Stderr, msg) || r.Stdout != "" {
			t.Errorf("playlists items %s: want %q: %s", arg, msg, r)
		}
	}
}

// TestEditShareLinks: the edit commands take spotify.link share links too,
// for the PLAYLIST (playlists add, dedupe, import --into) and for ITEMs
// (arguments and stdin lines), each resolved with one tokenless request
// before anything is written.
func TestEditShareLinks(t *testing.T) {
	const id = "3cEYpjA9oz9GiPac4AsH4n"
	h := newHarness(t)
	h.LoginWith(clitest.ClientID, append(slices.Clone(clitest.Scopes), "playlist-modify-public", "playlist-modify-private"))
	h.Fake.AddPlaylists("alice", spotifytest.Playlist{ID: id, Name: "Road trip", Public: true})
	h.Fake.AddTracks(spotifytest.Track{ID: "4uLU6hMCjMI75M1A2tKUQC", Name: "Never Gonna Give You Up", Artists: []string{"Rick Astley"}})
	h.Fake.AddShortLink("RoadTrip001", "https://open.spotify.com/playlist/"+id+"?si=0123456789abcdef")
	h.Fake.AddShortLink("ATrack00001", "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC?si=x")
	h.Fake.AddShortLink("APlaylist01", "https://open.spotify.com/playlist/"+id)
	h.MustRun(0, "", "playlists", "add", "https://spotify.link/RoadTrip001", "https://spotify.link/ATrack00001")
	h.MustRun(0, "spotify.link/ATrack00001\n", "playlists", "add", "spotify.link/RoadTrip001")
	if got := h.MustRun(0, "", "playlists", "items", id, "-o", "uri").Stdout; got != "spotify:track:4uLU6hMCjMI75M1A2tKUQC\nspotify:track:4uLU6hMCjMI75M1A2tKUQC\n" {
		t.Errorf("items after two adds: %q", got)
	}
	if hits, withAuth := h.Fake.ShortLinkStats(); hits != 4 || withAuth != 0 {
		t.Errorf("share links: %d requests (want 4), %d with credentials (want 0)", hits, withAuth)
	}
	// A link to a playlist is no ITEM of a playlist: refused before any write.
	before := h.Fake.Stats().APIRequests["/v1/playlists/"+id+"/items"]
	if r := h.MustRun(1, "", "playlists", "add", id, "https://spotify.link/APlaylist01"); !strings.Contains(r.Stderr, "is a playlist: only tracks, episodes") {
		t.Errorf("a playlist link as an ITEM: %s", r)
	}
	if after := h.Fake.Stats().APIRequests["/v1/playlists/"+id+"/items"]; after != before {
		t.Errorf("%d requests to the playlist's items after a refused ITEM", after-before)
	}
}
