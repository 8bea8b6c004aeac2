package cmdutil

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzTSV: whatever the fields hold, a row is one line of five fields that
// is valid UTF-8 with no control character but the tabs between fields (no
// ESC, BEL, NUL, C1 for a terminal to obey), and unescaping each field gives
// it back.
func FuzzTSV(f *testing.F) {
	for _, seed := range [][5]string{
		{"37i9dQZF1DXcBWIGoYBM5M", "Today's Top Hits", "50", "spotify", "public"},
		{"id", "tab\there", "0", "o", "private"},
		{"id", "new\nline\r\n", "1", "o", "collaborative"},
		{"id", `back\slash\t not a tab`, "2", "o", "public"},
		{"id", "emoji 🎧 and עברית", "3", "o", "public"},
		{"", "", "", "", ""},
		{`\`, `\\`, "\\\t", "\t\\", "\n\\n"},
		{"osc52", "\x1b]52;c;ZXZpbA==\x07", "clear \x1b[2J\x1b[H", "nul\x00", "del\x7f"},
		{"c1", "csi \u009b2J", "nel \u0085", "bad \x9b \xff \xc2", "nbsp\u00a0 fffd\ufffd"},
		{`\x1b`, `\u009b`, `\x`, `\u`, "\\\x1b"},
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
		if !utf8.ValidString(line) {
			t.Fatalf("not UTF-8: %q", line)
		}
		for _, r := range line {
			if r != '\t' && unicode.IsControl(r) {
				t.Fatalf("control %U in %q", r, line)
			}
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

// tsvUnescape reverses the documented escapes (\t \n \r \\, \xHH for one
// byte, \uHHHH for a code point in UTF-8) and refuses anything else, as a
// strict reader of spotcli's tsv would.
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
		case 'x', 'u':
			n := 2
			if s[i] == 'u' {
				n = 4
			}
			if i+n >= len(s) {
				return "", fmt.Errorf("short escape in %q", s)
			}
			v, err := strconv.ParseUint(s[i+1:i+1+n], 16, 32)
			if err != nil {
				return "", fmt.Errorf("bad escape in %q: %v", s, err)
			}
			if n == 2 {
				b.WriteByte(byte(v))
			} else {
				b.WriteRune(rune(v))
			}
			i += n
		default:
			return "", fmt.Errorf("unknown escape \\%c in %q", s[i], s)
		}
	}
	return b.String(), nil
}
