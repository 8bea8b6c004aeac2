package cmdutil

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/spotcli/spotcli/internal/auth"
)

// Output Formats shared by the listing commands.
const (
	FormatTable  = "table"
	FormatTSV    = "tsv"
	FormatJSON   = "json"
	FormatNDJSON = "ndjson"
	FormatURI    = "uri"
)

// Formats are the values of -o.
var Formats = []string{FormatTable, FormatTSV, FormatJSON, FormatNDJSON, FormatURI}

// MinutesSeconds writes a duration in milliseconds as m:ss, rounded down;
// nil or negative (Spotify sent none, or nonsense) is empty.
func MinutesSeconds(ms *int64) string {
	if ms == nil || *ms < 0 {
		return ""
	}
	s := *ms / 1000
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// Count writes a number Spotify may leave out; nil is empty.
func Count(n *int) string {
	if n == nil {
		return ""
	}
	return strconv.Itoa(*n)
}

// Format is the format -o named, or, when it named none, table on a terminal
// and tsv elsewhere.
func (f *Factory) Format(output string) string {
	switch {
	case output != "":
		return output
	case f.StdoutTTY():
		return FormatTable
	}
	return FormatTSV
}

// EnumValue is a flag that accepts one of a fixed set of words.
type EnumValue struct {
	Val     *string
	Allowed []string
}

func (e *EnumValue) String() string { return *e.Val }
func (e *EnumValue) Type() string   { return "string" }
func (e *EnumValue) Set(s string) error {
	for _, a := range e.Allowed {
		if s == a {
			*e.Val = s
			return nil
		}
	}
	return fmt.Errorf("must be one of %s", strings.Join(e.Allowed, ", "))
}

// IntRange is an integer flag with bounds, whose error names them. A Max of
// 0 means no upper bound.
type IntRange struct {
	Val      *int
	Min, Max int
}

func (r *IntRange) String() string { return strconv.Itoa(*r.Val) }
func (r *IntRange) Type() string   { return "int" }
func (r *IntRange) Set(s string) error {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < r.Min || (r.Max > 0 && n > r.Max) {
		if r.Max > 0 {
			return fmt.Errorf("must be a whole number from %d to %d", r.Min, r.Max)
		}
		return fmt.Errorf("must be a whole number of %d or more", r.Min)
	}
	*r.Val = n
	return nil
}

// TSVEscapes documents the tsv encoding in the listing commands' help, as
// lines indented under the format's name.
const TSVEscapes = `          a tab, newline, carriage return or backslash in a field is written
          \t, \n, \r, \\; any other control character as \xHH (C0 and DEL)
          or \u00HH (C1, U+0080 to U+009F), a byte that is not UTF-8 as \xHH;
          nothing else is escaped, so the encoding is lossless`

// tsvEscape keeps a field on one line, free of tabs and of anything a
// terminal would obey, reversibly: \t \n \r \\ for those four, \xHH for
// any other C0 control, DEL and every byte that is not UTF-8, \u00HH for the
// C1 controls (U+0080–U+009F: in UTF-8 they are two bytes, and some
// terminals obey them as escape sequences). A reader undoes \xHH as one
// byte and \uHHHH as the UTF-8 of that code point.
func tsvEscape(s string) string {
	if !needsTSVEscape(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == utf8.RuneError && n == 1, r < 0x20, r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r >= 0x80 && r <= 0x9f:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

func needsTSVEscape(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '\\' || c >= 0x7f {
			// Bytes from 0x80 on are fine when they are UTF-8 of U+00A0
			// and up: look closer only then.
			if c < 0x80 {
				return true
			}
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 || r <= 0x9f {
				return true
			}
			i += n - 1
		}
	}
	return false
}

// WriteTSV writes one line of escaped fields.
func WriteTSV(w io.Writer, fields ...string) error {
	for i, f := range fields {
		fields[i] = tsvEscape(f)
	}
	_, err := io.WriteString(w, strings.Join(fields, "\t")+"\n")
	return err
}

// JSONWriter streams items as one JSON array (json) or one object per line
// (ndjson), as Spotify sent them. The array is indented on a terminal and
// compact in a pipe, as every --json output is (WriteJSON).
type JSONWriter struct {
	w      io.Writer
	array  bool
	indent bool
	n      int
	buf    bytes.Buffer
}

// Write writes one item.
func (j *JSONWriter) Write(item json.RawMessage) error {
	j.buf.Reset()
	var err error
	switch {
	case j.array && j.indent:
		if j.n == 0 {
			j.buf.WriteString("[\n  ")
		} else {
			j.buf.WriteString(",\n  ")
		}
		err = json.Indent(&j.buf, item, "  ", "  ")
	case j.array:
		if j.n == 0 {
			j.buf.WriteByte('[')
		} else {
			j.buf.WriteByte(',')
		}
		err = json.Compact(&j.buf, item)
	default:
		err = json.Compact(&j.buf, item)
		j.buf.WriteByte('\n')
	}
	if err != nil {
		return fmt.Errorf("an item from Spotify is not JSON: %w", err)
	}
	j.n++
	_, err = j.w.Write(SafeJSON(j.buf.Bytes()))
	return err
}

// SafeJSON returns JSON text b with DEL and the C1 controls (U+0080–U+009F)
// written as \u escapes and bytes that are not UTF-8 as \ufffd (what any
// JSON decoder makes of them), so that JSON from Spotify never carries
// anything a terminal would obey. Valid JSON has these only inside strings
// (C0 controls cannot occur raw there), so the result means the same JSON.
// b is changed in place when nothing needs escaping.
func SafeJSON(b []byte) []byte {
	i := 0
	for i < len(b) && b[i] < 0x7f {
		i++
	}
	if i == len(b) {
		return b
	}
	out := make([]byte, 0, len(b)+16)
	out = append(out, b[:i]...)
	for i < len(b) {
		c := b[i]
		if c < 0x7f {
			out = append(out, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			out = append(out, `\ufffd`...)
		case r <= 0x9f:
			out = fmt.Appendf(out, `\u%04x`, r)
		default:
			out = append(out, b[i:i+n]...)
		}
		i += n
	}
	return out
}

// SafeText returns s for a terminal: tab and newline stay, every other
// control character and every byte that is not UTF-8 is written as a visible
// escape (auth.Printable's), so that a line from Spotify cannot move the
// cursor, set the window title or write the clipboard.
func SafeText(s string) string {
	if !strings.ContainsAny(s, "\n\t") {
		return auth.Printable(s)
	}
	var b strings.Builder
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' || s[i] == '\t' {
			b.WriteString(auth.Printable(s[start:i]))
			b.WriteByte(s[i])
			start = i + 1
		}
	}
	b.WriteString(auth.Printable(s[start:]))
	return b.String()
}

// SafeWriter passes text through SafeText on its way to W (stderr): errors
// and warnings quote Spotify's messages and names.
type SafeWriter struct{ W io.Writer }

func (s SafeWriter) Write(p []byte) (int, error) {
	clean := SafeText(string(p))
	if _, err := io.WriteString(s.W, clean); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Close ends the array; with ndjson it does nothing.
func (j *JSONWriter) Close() error {
	if !j.array {
		return nil
	}
	end := "]\n"
	switch {
	case j.n == 0:
		end = "[]\n"
	case j.indent:
		end = "\n]\n"
	}
	_, err := io.WriteString(j.w, end)
	return err
}

// table writes aligned columns; the column named fit is cut so that a line
// fits width.
type table struct {
	header []string
	rows   [][]string
	fit    int
	drop   []int // left out, in this order, when the line is too wide (fit.go)
}

func (t *table) add(row ...string) { t.rows = append(t.rows, row) }

// WriteTable writes rows under header in aligned columns, the column fit cut
// to width (as the listings do), for commands that have their rows at hand.
func WriteTable(w io.Writer, width, fit int, header []string, rows [][]string) error {
	return (&table{header: header, rows: rows, fit: fit}).render(w, width)
}

func (t *table) render(w io.Writer, width int) error {
	all := append([][]string{t.header}, t.rows...)
	for _, r := range all {
		for i, c := range r {
			r[i] = CleanCell(c)
		}
	}
	widths := make([]int, len(t.header))
	for _, r := range all {
		for i, c := range r {
			widths[i] = max(widths[i], cellWidth(c))
		}
	}
	shown, widths := fitColumns(widths, t.fit, t.drop, width)
	last := len(widths) - 1
	for last > 0 && !shown[last] {
		last--
	}
	var b strings.Builder
	for _, r := range all {
		b.Reset()
		for i, c := range r {
			if !shown[i] {
				continue
			}
			if i == t.fit {
				c = Cut(c, widths[i])
			}
			b.WriteString(c)
			if i < last {
				b.WriteString(strings.Repeat(" ", max(widths[i]-cellWidth(c), 0)+2))
			}
		}
		b.WriteByte('\n')
		if _, err := io.WriteString(w, b.String()); err != nil {
			return err
		}
	}
	return nil
}

// CleanCell keeps a value on its line and out of the terminal's control:
// line breaks, tabs, escape sequences and other control characters become
// spaces.
func CleanCell(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}

// Cut shortens s to at most n terminal columns, ending it with "…".
func Cut(s string, n int) string {
	if cellWidth(s) <= n {
		return s
	}
	end := 0
	for i, r := range s {
		next := i + utf8.RuneLen(r)
		if cellWidth(s[:next]) > n-1 {
			break
		}
		end = next
	}
	return s[:end] + "…"
}

// cellWidth is how many terminal columns s takes: East Asian wide characters
// and emoji take two, combining marks and invisible format characters none,
// the rest one. A text symbol followed by the emoji variation selector (❤️)
// is drawn as an emoji, two columns wide.
func cellWidth(s string) int {
	n, prev := 0, 0
	for _, r := range s {
		w := runeWidth(r)
		if r == 0xfe0f && prev == 1 {
			w = 1
		}
		n += w
		prev = w
	}
	return n
}

func runeWidth(r rune) int {
	switch {
	case r < 0x300:
		return 1
	case unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf):
		return 0
	}
	for _, rg := range wideRanges {
		if r < rg[0] {
			return 1
		}
		if r <= rg[1] {
			return 2
		}
	}
	return 1
}

// wideRanges are Unicode's East Asian Wide and Fullwidth characters, emoji
// presentation included, as sorted ranges (an approximation of
// EastAsianWidth.txt good enough for names).
var wideRanges = [][2]rune{
	{0x1100, 0x115f}, {0x231a, 0x231b}, {0x2329, 0x232a}, {0x23e9, 0x23ec}, {0x23f0, 0x23f0},
	{0x23f3, 0x23f3}, {0x25fd, 0x25fe}, {0x2614, 0x2615}, {0x2648, 0x2653}, {0x267f, 0x267f},
	{0x2693, 0x2693}, {0x26a1, 0x26a1}, {0x26aa, 0x26ab}, {0x26bd, 0x26be}, {0x26c4, 0x26c5},
	{0x26ce, 0x26ce}, {0x26d4, 0x26d4}, {0x26ea, 0x26ea}, {0x26f2, 0x26f3}, {0x26f5, 0x26f5},
	{0x26fa, 0x26fa}, {0x26fd, 0x26fd}, {0x2705, 0x2705}, {0x270a, 0x270b}, {0x2728, 0x2728},
	{0x274c, 0x274c}, {0x274e, 0x274e}, {0x2753, 0x2755}, {0x2757, 0x2757}, {0x2795, 0x2797},
	{0x27b0, 0x27b0}, {0x27bf, 0x27bf}, {0x2b1b, 0x2b1c}, {0x2b50, 0x2b50}, {0x2b55, 0x2b55},
	{0x2e80, 0x303e}, {0x3041, 0x33ff}, {0x3400, 0x4dbf}, {0x4e00, 0x9fff}, {0xa000, 0xa4cf},
	{0xa960, 0xa97f}, {0xac00, 0xd7a3}, {0xf900, 0xfaff}, {0xfe10, 0xfe19}, {0xfe30, 0xfe6f},
	{0xff00, 0xff60}, {0xffe0, 0xffe6}, {0x16fe0, 0x16fe4}, {0x17000, 0x18cff}, {0x1b000, 0x1b2ff},
	{0x1f004, 0x1f004}, {0x1f0cf, 0x1f0cf}, {0x1f18e, 0x1f18e}, {0x1f191, 0x1f19a}, {0x1f200, 0x1f2ff},
	{0x1f300, 0x1f64f}, {0x1f680, 0x1f6ff}, {0x1f7e0, 0x1f7eb}, {0x1f90c, 0x1f9ff}, {0x1fa70, 0x1faff},
	{0x20000, 0x2fffd}, {0x30000, 0x3fffd},
}
