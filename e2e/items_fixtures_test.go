package e2e

import (
	"strings"
	"testing"
	"time"

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

// itemsRequests counts the page requests of a playlist's items.
func itemsRequests(h *harness, id string) int {
	return h.fake.Stats().APIRequests["/v1/playlists/"+id+"/items"]
}
