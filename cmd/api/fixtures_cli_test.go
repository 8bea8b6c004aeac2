package apicmd_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/spotcli/spotcli/internal/spotifytest"
)

// Fixtures shared with cmd/playlists' *_cli_test.go (another package).

// mixedID is alice's playlist of every kind of item.
const mixedID = "0MixedItems00000000001"

// addTricky gives alice the tricky library (and adds bob, who owns some of it).
func (h *harness) addTricky() {
	h.fake.AddUser(spotifytest.User{ID: "bob", DisplayName: "Bob"})
	h.fake.AddPlaylists("alice", trickyPlaylists...)
}

// addMixed gives alice the mixed playlist (and adds bob, who added an item).
func (h *harness) addMixed() {
	h.fake.AddUser(spotifytest.User{ID: "bob", DisplayName: "Bob"})
	h.fake.AddPlaylists("alice", spotifytest.Playlist{ID: mixedID, Name: "Mixed", Public: true})
	h.fake.AddPlaylistItems(mixedID, mixedItems...)
}

func generatedNames(from, to int) []string {
	var names []string
	for i := from; i <= to; i++ {
		names = append(names, fmt.Sprintf("Playlist %04d", i))
	}
	return names
}

// parseTSV checks the tsv invariant (one line per playlist, exactly five
// fields) and decodes the escapes.
func parseTSV(t *testing.T, out string) []tsvRow {
	t.Helper()
	if out == "" {
		return nil
	}
	if !strings.HasSuffix(out, "\n") {
		t.Fatalf("tsv output does not end with a newline: %q", out)
	}
	if strings.Contains(out, "\r") {
		t.Errorf("tsv output holds a raw carriage return")
	}
	var rows []tsvRow
	for i, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 5 {
			t.Fatalf("tsv line %d has %d fields, want 5: %q", i+1, len(f), line)
		}
		for j := range f {
			var err error
			if f[j], err = tsvDecode(f[j]); err != nil {
				t.Fatalf("tsv line %d field %d: %v", i+1, j+1, err)
			}
		}
		rows = append(rows, tsvRow{f[0], f[1], f[2], f[3], f[4]})
	}
	return rows
}

// tsvRow is one decoded tsv line.
type tsvRow struct {
	ID, Name, Tracks, Owner, Visibility string
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

// itemRow is one decoded line of playlists items' tsv.
type itemRow struct {
	Pos, ID, Name, Artists, Duration, AddedAt string
}

// trickyPlaylists is a library whose names try every way of breaking a line
// or a column, with fixed IDs so that the golden files stay put.
var trickyPlaylists = []spotifytest.Playlist{
	{ID: "0TrickyTab000000000001", Name: "Tab\there", Public: true, Tracks: 12},
	{ID: "0TrickyNewline00000002", Name: "Line one\nline two", Public: true, Tracks: 3},
	{ID: "0TrickyCR0000000000003", Name: "Carriage\rreturn\r\n", Public: true, Tracks: 0},
	{ID: "0TrickyBackslash000004", Name: `C:\new\table\ ends with \`, Public: true, Tracks: 7},
	{ID: "0TrickyQuotes000000005", Name: `"Quoted" 'names' & <tags>`, Public: false, Tracks: 42},
	{ID: "0TrickyEmoji0000000006", Name: "Road trip 🚗🎶 ❤️", Public: true, Tracks: 99},
	{ID: "0TrickyArabic000000007", Name: "موسيقى عربية", Public: true, Tracks: 5},
	{ID: "0TrickyHebrew000000008", Name: "שירים \u200fעבריים (mixed) 123", Public: false, Tracks: 8},
	{ID: "0TrickyCollab000000009", Name: "Collab with Bob", OwnerID: "bob", Collaborative: true, Tracks: 1000},
	{ID: "0TrickyLong00000000010", Name: "A very long playlist name that goes on and on well past what an eighty column terminal can show in one line", Public: true, Tracks: 250},
	{ID: "0TrickyCJK000000000011", Name: "日本語のプレイリスト", OwnerID: "bob", Public: true, Tracks: 31},
	{ID: "0TrickyCJKLong00000012", Name: "とても長い日本語のプレイリストの名前はここで終わらずにまだまだ続きます", Public: true, Tracks: 2},
	{ID: "0TrickyPlain0000000013", Name: "Plain", Public: true, Tracks: 1},
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

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// tsvDecode reverses the documented escapes \t \n \r \\, and refuses any
// other use of a backslash: the encoding must be unambiguous.
func tsvDecode(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 == len(s) {
			return "", fmt.Errorf("lone backslash at the end of %q", s)
		}
		i++
		switch s[i] {
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case '\\':
			b.WriteByte('\\')
		default:
			return "", fmt.Errorf("unknown escape \\%c in %q", s[i], s)
		}
	}
	return b.String(), nil
}
