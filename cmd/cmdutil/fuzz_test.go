package cmdutil

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// FuzzTSV: whatever the fields hold, a row is one line of five fields, and
// unescaping each gives the field back.
func FuzzTSV(f *testing.F) {
	for _, seed := range [][5]string{
		{"37i9dQZF1DXcBWIGoYBM5M", "Today's Top Hits", "50", "spotify", "public"},
		{"id", "tab\there", "0", "o", "private"},
		{"id", "new\nline\r\n", "1", "o", "collaborative"},
		{"id", `back\slash\t not a tab`, "2", "o", "public"},
		{"id", "emoji 🎧 and עברית", "3", "o", "public"},
		{"", "", "", "", ""},
		{`\`, `\\`, "\\\t", "\t\\", "\n\\n"},
	} {
		f.Add(seed[0], seed[1], seed[2], seed[3], seed[4])
	}
	f.Fuzz(func(t *testing.T, a, b, c, d, e string) {
		in := []string{a, b, c, d, e}
		var buf bytes.Buffer
		if err := WriteTSV(&buf, append([]string(nil), in...)...); err != nil {
			t.Fatal(err)
		}
		line, ok := strings.CutSuffix(buf.String(), "\n")
		if !ok || strings.ContainsAny(line, "\n\r") {
			t.Fatalf("not one line: %q", buf.String())
		}
		fields := strings.Split(line, "\t")
		if len(fields) != 5 {
			t.Fatalf("%d fields in %q", len(fields), line)
		}
		for i, field := range fields {
			if got, err := tsvUnescape(field); err != nil || got != in[i] {
				t.Fatalf("field %d: %q escaped to %q unescapes to %q (%v)", i, in[i], field, got, err)
			}
		}
	})
}

// tsvUnescape reverses the documented escapes \t \n \r \\ and refuses
// anything else, as a strict reader of spotcli's tsv would.
func tsvUnescape(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		if i++; i == len(s) {
			return "", fmt.Errorf("lone backslash at the end of %q", s)
		}
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
