package authcmd_test

import (
	"time"

	"github.com/spotcli/spotcli/internal/spotifytest"
)

// Fixtures shared with cmd/playlists' *_cli_test.go (another package).

// addMixed gives alice the mixed playlist (and adds bob, who added an item).
func (h *harness) addMixed() {
	h.fake.AddUser(spotifytest.User{ID: "bob", DisplayName: "Bob"})
	h.fake.AddPlaylists("alice", spotifytest.Playlist{ID: mixedID, Name: "Mixed", Public: true})
	h.fake.AddPlaylistItems(mixedID, mixedItems...)
}

// Fixtures shared with cmd/playlists' *_cli_test.go (another package).

// mixedID is alice's playlist of every kind of item.
const mixedID = "0MixedItems00000000001"

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

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}
