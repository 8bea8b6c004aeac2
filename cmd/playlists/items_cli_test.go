package playlists_test

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/spotcli/spotcli/internal/spotifytest"
)

// mixedID is alice's playlist of every kind of item.
const mixedID = "0MixedItems00000000001"

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// mixedItems are a track in each shape, a podcast episode, a local file, a
// track Spotify no longer has, and names that try to break a line or a
// column.
var mixedItems = []spotifytest.PlaylistItem{
	{Track: &spotifytest.Track{ID: "0ItemNew00000000000001", Name: "Song One", Artists: []string{"Ann", "Bob Band"}, Album: "First", DurationMS: 210_500}, AddedAt: at("2024-03-01T10:00:00Z")},
	{Track: &spotifytest.Track{ID: "0ItemOld00000000000002", Name: "Old Shape Song", Artists: []string{"Carl"}, Album: "Second", DurationMS: 245_999}, AddedAt: at("2024-03-02T11:30:00Z"), OldShape: true},
	{Track: &spotifytest.Track{ID: "0ItemEpisode0000000003", Name: "Episode 12:\tTabs", Show: "The Long Podcast", DurationMS: 4_987_000, Episode: true}, AddedAt: at("2024-03-03T12:00:00Z"), AddedBy: "bob"},
	{Track: &spotifytest.Track{Name: "My Demo", Artists: []string{"Me Myself"}, Album: "Tapes", DurationMS: 120_000, Local: true}, AddedAt: at("2024-03-04T13:00:00Z")},
	{Track: nil, AddedAt: at("2024-03-05T14:00:00Z")},
	{Track: &spotifytest.Track{ID: "0ItemTricky00000000006", Name: "Line\nbreak \\ back\r", Artists: []string{"Tab\tArtist"}, Album: "Odd", DurationMS: 59_999}},
	{Track: &spotifytest.Track{ID: "0ItemCJK00000000000007", Name: "日本語の歌", Artists: []string{"歌手", "Ünïcødé", "Third"}, Album: "アルバム", DurationMS: 3_600_000}, AddedAt: at("2024-03-07T00:00:00Z"), OldShape: true},
}

// itemRow is one decoded line of playlists items' tsv.
type itemRow struct {
	Pos, ID, Name, Artists, Duration, AddedAt string
}

// wantMixed is what the tsv must say of mixedItems.
var wantMixed = []itemRow{
	{"1", "0ItemNew00000000000001", "Song One", "Ann, Bob Band", "3:30", "2024-03-01T10:00:00Z"},
	{"2", "0ItemOld00000000000002", "Old Shape Song", "Carl", "4:05", "2024-03-02T11:30:00Z"},
	{"3", "0ItemEpisode0000000003", "Episode 12:\tTabs", "The Long Podcast", "83:07", "2024-03-03T12:00:00Z"},
	{"4", "", "My Demo", "Me Myself", "2:00", "2024-03-04T13:00:00Z"},
	{"5", "", "", "", "", "2024-03-05T14:00:00Z"},
	{"6", "0ItemTricky00000000006", "Line\nbreak \\ back\r", "Tab\tArtist", "0:59", ""},
	{"7", "0ItemCJK00000000000007", "日本語の歌", "歌手, Ünïcødé, Third", "60:00", "2024-03-07T00:00:00Z"},
}

// addMixed gives alice the mixed playlist (and adds bob, who added an item).
func (h *harness) addMixed() {
	h.fake.AddUser(spotifytest.User{ID: "bob", DisplayName: "Bob"})
	h.fake.AddPlaylists("alice", spotifytest.Playlist{ID: mixedID, Name: "Mixed", Public: true})
	h.fake.AddPlaylistItems(mixedID, mixedItems...)
}

// parseItemsTSV checks the tsv invariant (one line per item, six fields) and
// decodes the escapes.
func parseItemsTSV(t *testing.T, out string) []itemRow {
	t.Helper()
	if out == "" {
		return nil
	}
	if !strings.HasSuffix(out, "\n") || strings.Contains(out, "\r") {
		t.Fatalf("tsv output does not end with a newline or holds a raw carriage return: %q", out)
	}
	var rows []itemRow
	for i, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 6 {
			t.Fatalf("tsv line %d has %d fields, want 6: %q", i+1, len(f), line)
		}
		for j := range f {
			var err error
			if f[j], err = tsvDecode(f[j]); err != nil {
				t.Fatalf("tsv line %d field %d: %v", i+1, j+1, err)
			}
		}
		rows = append(rows, itemRow{f[0], f[1], f[2], f[3], f[4], f[5]})
	}
	return rows
}

func TestItemsGolden(t *testing.T) {
	t.Parallel()
	testOutputGolden(t, []string{"playlists", "items", mixedID}, (*harness).addMixed, outputCases("items"))
}

// TestItemsFields: the tsv says what the items are, whichever shape Spotify
// sent them in; json and ndjson pass Spotify's objects through whole.
func TestItemsFields(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.loginAlice()
	h.addMixed()
	r := h.mustRun(0, "", "playlists", "items", mixedID)
	if diff := cmp.Diff(wantMixed, parseItemsTSV(t, r.stdout)); diff != "" {
		t.Errorf("tsv (-want +got):\n%s", diff)
	}

	nd := h.mustRun(0, "", "playlists", "items", mixedID, "-o", "ndjson")
	lines := strings.Split(strings.TrimSuffix(nd.stdout, "\n"), "\n")
	if len(lines) != len(mixedItems) {
		t.Fatalf("%d ndjson lines for %d items", len(lines), len(mixedItems))
	}
	for i, line := range lines {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal([]byte(line), &obj); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		want, gone := "item", "track"
		if mixedItems[i].OldShape {
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
		mixedID,
		"spotify:playlist:" + mixedID,
		"spotify:user:alice:playlist:" + mixedID,
		"https://open.spotify.com/playlist/" + mixedID,
		"https://open.spotify.com/playlist/" + mixedID + "?si=abc123def456",
		"https://open.spotify.com/intl-de/playlist/" + mixedID,
		"http://open.spotify.com/playlist/" + mixedID + "/",
		"open.spotify.com/playlist/" + mixedID,
		" " + mixedID + "\n",
	}
	// Since the edit commands, a word that is no ID is a playlist's name.
	accepted = append(accepted, "Mixed", " Mixed ")
	for _, name := range []string{"short", mixedID + "x", "0Mixed-Items0000000001"} {
		t.Run("looks up the name "+name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			h.loginAlice()
			h.addMixed()
			r := h.mustRun(1, "", "playlists", "items", name)
			if !strings.Contains(r.stderr, `you have no playlist named "`+name+`"`) || r.stdout != "" {
				t.Errorf("stderr:\n%s", r)
			}
		})
	}
	for _, arg := range accepted {
		t.Run("accepts "+arg, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			h.loginAlice()
			h.addMixed()
			r := h.mustRun(0, "", "playlists", "items", arg)
			if diff := cmp.Diff(wantMixed, parseItemsTSV(t, r.stdout)); diff != "" {
				t.Errorf("tsv (-want +got):\n%s", diff)
			}
		})
	}
	rejected := []struct {
		args []string
		want string
	}{
		{[]string{"https://open.spotify.com/playlist/short"}, "22 letters and digits"},
		{[]string{"spotify:playlist:" + mixedID + "x"}, "spotify:playlist:ID URI"},
		{[]string{"spotify:track:" + mixedID}, "is not a playlist"},
		{[]string{"spotify:playlist:"}, "is not a playlist"},
		{[]string{"https://open.spotify.com/album/" + mixedID}, "open.spotify.com/playlist/ID URL"},
		{[]string{"https://evil.example/playlist/" + mixedID}, "is not a playlist"},
		{[]string{"https://open.spotify.com/playlist/" + mixedID + "/items"}, "is not a playlist"},
		{[]string{""}, "is not a playlist"},
		{nil, "takes one playlist"},
		{[]string{mixedID, mixedID}, "takes one playlist"},
		{[]string{mixedID, "--limit", "0"}, "must be a whole number of 1 or more"},
		{[]string{mixedID, "-o", "xml"}, "must be one of table, tsv, json, ndjson"},
		{[]string{mixedID, "--json", "-o", "tsv"}, "--json and -o tsv contradict each other"},
		{[]string{mixedID, "--concurrency", "17"}, "must be a whole number from 1 to 16"},
	}
	for _, tt := range rejected {
		t.Run(fmt.Sprintf("rejects %q", tt.args), func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			h.loginAlice()
			h.addMixed()
			r := h.mustRun(2, "", append([]string{"playlists", "items"}, tt.args...)...)
			if !strings.Contains(r.stderr, tt.want) || r.stdout != "" {
				t.Errorf("stderr does not say %q:\n%s", tt.want, r)
			}
			if n := len(h.fake.Stats().APIRequests); n != 0 {
				t.Errorf("a usage error reached Spotify: %v", h.fake.Stats().APIRequests)
			}
		})
	}
}

// itemsRequests counts the page requests of a playlist's items.
func itemsRequests(h *harness, id string) int {
	return h.fake.Stats().APIRequests["/v1/playlists/"+id+"/items"]
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
				h.loginAlice()
				h.fake.AddPlaylists("alice", spotifytest.Playlist{ID: id, Name: "Big", Public: true})
				h.fake.GeneratePlaylistItems(id, tt.n)
				args := []string{"playlists", "items", "spotify:playlist:" + id, "--concurrency", conc}
				want := tt.n
				if tt.limit > 0 {
					args = append(args, "--limit", strconv.Itoa(tt.limit))
					want = min(tt.n, tt.limit)
				}
				r := h.mustRun(0, "", args...)
				rows := parseItemsTSV(t, r.stdout)
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
				h.loginDevMode()
			} else {
				h.loginAlice()
			}
			h.fake.AddUser(spotifytest.User{ID: "bob", DisplayName: "Bob"})
			h.fake.AddPlaylists("bob",
				spotifytest.Playlist{ID: bobsID, Name: "Bob's", Public: true},
				spotifytest.Playlist{ID: collabID, Name: "Shared", Collaborative: true},
				spotifytest.Playlist{ID: privateID, Name: "Secret"},
			)
			h.fake.AddPlaylists("alice", spotifytest.Playlist{ID: collabID, Name: "Shared", OwnerID: "bob", Collaborative: true})
			for _, id := range []string{bobsID, collabID, privateID} {
				h.fake.GeneratePlaylistItems(id, 3)
			}
			r := h.mustRun(tt.code, "", "playlists", "items", tt.id)
			for _, w := range tt.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr does not say %q:\n%s", w, r.stderr)
				}
			}
			if tt.code == 0 && len(parseItemsTSV(t, r.stdout)) != 3 {
				t.Errorf("want 3 rows: %s", r)
			}
			if tt.code != 0 && r.stdout != "" {
				t.Errorf("stdout: %q", r.stdout)
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
			h.loginAlice()
			h.fake.AddPlaylists("alice", spotifytest.Playlist{ID: "0EmptyPlaylist00000001", Name: "Empty", Public: true})
			r := h.mustRun(0, "", "playlists", "items", "0EmptyPlaylist00000001", "-o", tt.format)
			if r.stdout != tt.want {
				t.Errorf("stdout = %q, want %q", r.stdout, tt.want)
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
	h.loginAlice()
	h.fake.AddPlaylists("alice", spotifytest.Playlist{ID: id, Name: "Road trip", Public: true})
	h.fake.GeneratePlaylistItems(id, 3)
	h.fake.AddShortLink("AbCdEfGhIjK", "https://open.spotify.com/playlist/"+id+"?si=0123456789abcdef&utm_source=copy-link")
	h.fake.AddShortLink("ToATrack001", "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC?si=x")
	h.fake.AddShortLink("Elsewhere01", "https://evil.example/playlist/"+id)
	want := h.mustRun(0, "", "playlists", "items", id).stdout
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
		if r := h.mustRun(0, "", "playlists", "items", arg); r.stdout != want {
			t.Errorf("playlists items %s: %s", arg, r)
		}
	}
	if hits, withAuth := h.fake.ShortLinkStats(); hits != 2 || withAuth != 0 {
		t.Errorf("share links: %d requests (want 2), %d with credentials (want 0)", hits, withAuth)
	}
	for arg, msg := range map[string]string{
		"https://spotify.link/ToATrack001": "is not a playlist",
		"https://spotify.link/Elsewhere01": "not to open.spotify.com",
		"https://spotify.link/Nothing0001": "does not exist",
	} {
		if r := h.mustRun(map[bool]int{true: 2, false: 1}[msg == "is not a playlist"], "", "playlists", "items", arg); !strings.Contains(r.stderr, msg) || r.stdout != "" {
			t.Errorf("playlists items %s: want %q: %s", arg, msg, r)
		}
	}
}
