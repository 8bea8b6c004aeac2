package cmdutiltest

import (
	"fmt"
	"strings"
	"testing"
	"unicode"
)

// PlaylistRow is one decoded line of the playlists listing's tsv.
type PlaylistRow struct {
	ID, Name, Tracks, Owner, Visibility string
}

// ParsePlaylistsTSV checks the tsv invariant (one line per playlist, exactly
// five fields) and decodes the escapes.
func ParsePlaylistsTSV(t testing.TB, out string) []PlaylistRow {
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
	var rows []PlaylistRow
	for _, f := range tsvFields(t, out, 5) {
		rows = append(rows, PlaylistRow{f[0], f[1], f[2], f[3], f[4]})
	}
	return rows
}

// PlaylistNames are the names of rows.
func PlaylistNames(rows []PlaylistRow) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r.Name)
	}
	return out
}

// ItemRow is one decoded line of playlists items' tsv.
type ItemRow struct {
	Pos, ID, Name, Artists, Duration, AddedAt string
}

// WantMixed is what playlists items' tsv says of fixtures.MixedItems.
var WantMixed = []ItemRow{
	{"1", "0ItemNew00000000000001", "Song One", "Ann, Bob Band", "3:30", "2024-03-01T10:00:00Z"},
	{"2", "0ItemOld00000000000002", "Old Shape Song", "Carl", "4:05", "2024-03-02T11:30:00Z"},
	{"3", "0ItemEpisode0000000003", "Episode 12:\tTabs", "The Long Podcast", "83:07", "2024-03-03T12:00:00Z"},
	{"4", "", "My Demo", "Me Myself", "2:00", "2024-03-04T13:00:00Z"},
	{"5", "", "", "", "", "2024-03-05T14:00:00Z"},
	{"6", "0ItemTricky00000000006", "Line\nbreak \\ back\r", "Tab\tArtist", "0:59", ""},
	{"7", "0ItemCJK00000000000007", "日本語の歌", "歌手, Ünïcødé, Third", "60:00", "2024-03-07T00:00:00Z"},
}

// ParseItemsTSV checks the tsv invariant (one line per item, six fields) and
// decodes the escapes.
func ParseItemsTSV(t testing.TB, out string) []ItemRow {
	t.Helper()
	if out == "" {
		return nil
	}
	if !strings.HasSuffix(out, "\n") || strings.Contains(out, "\r") {
		t.Fatalf("tsv output does not end with a newline or holds a raw carriage return: %q", out)
	}
	var rows []ItemRow
	for _, f := range tsvFields(t, out, 6) {
		rows = append(rows, ItemRow{f[0], f[1], f[2], f[3], f[4], f[5]})
	}
	return rows
}

// tsvFields splits out, which ends with a newline, into lines of exactly n
// decoded fields.
func tsvFields(t testing.TB, out string, n int) [][]string {
	t.Helper()
	var lines [][]string
	for i, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != n {
			t.Fatalf("tsv line %d has %d fields, want %d: %q", i+1, len(f), n, line)
		}
		for j := range f {
			var err error
			if f[j], err = TSVDecode(f[j]); err != nil {
				t.Fatalf("tsv line %d field %d: %v", i+1, j+1, err)
			}
		}
		lines = append(lines, f)
	}
	return lines
}

// TSVDecode reverses the documented escapes \t \n \r \\, and refuses any
// other use of a backslash: the encoding must be unambiguous.
func TSVDecode(s string) (string, error) {
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

// TermCells is how many terminal columns s takes, for the scripts the tests
// use: CJK and emoji take two, zero-width marks none. It is the tests' own
// measure, kept apart from the one the table uses.
func TermCells(s string) int {
	n := 0
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case r == 0x200d || r == 0x200f || unicode.Is(unicode.Mn, r):
		case r >= 0x1100 && (r <= 0x115f || r >= 0x2e80 && r <= 0xa4cf || r >= 0xac00 && r <= 0xd7a3 ||
			r >= 0xf900 && r <= 0xfaff || r >= 0xff00 && r <= 0xff60 || r >= 0x1f300 && r <= 0x1faff):
			n += 2
		case i+1 < len(rs) && rs[i+1] == 0xfe0f:
			n += 2 // emoji presentation of a text symbol, such as ❤️
		default:
			n++
		}
	}
	return n
}
