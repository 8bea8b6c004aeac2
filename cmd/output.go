package cmd

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Output formats shared by the listing commands.
const (
	formatTable  = "table"
	formatTSV    = "tsv"
	formatJSON   = "json"
	formatNDJSON = "ndjson"
)

var formats = []string{formatTable, formatTSV, formatJSON, formatNDJSON}

// enumValue is a flag that accepts one of a fixed set of words.
type enumValue struct {
	val     *string
	allowed []string
}

func (e *enumValue) String() string { return *e.val }
func (e *enumValue) Type() string   { return "string" }
func (e *enumValue) Set(s string) error {
	for _, a := range e.allowed {
		if s == a {
			*e.val = s
			return nil
		}
	}
	return fmt.Errorf("must be one of %s", strings.Join(e.allowed, ", "))
}

// intRange is an integer flag with bounds, whose error names them.
type intRange struct {
	val      *int
	min, max int
}

func (r *intRange) String() string { return strconv.Itoa(*r.val) }
func (r *intRange) Type() string   { return "int" }
func (r *intRange) Set(s string) error {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < r.min || (r.max > 0 && n > r.max) {
		if r.max > 0 {
			return fmt.Errorf("must be a whole number from %d to %d", r.min, r.max)
		}
		return fmt.Errorf("must be a whole number of %d or more", r.min)
	}
	*r.val = n
	return nil
}

// tsvEscape keeps a field on one line and free of tabs, reversibly.
func tsvEscape(s string) string {
	if !strings.ContainsAny(s, "\t\n\r\\") {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\t':
			b.WriteString(`\t`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\\':
			b.WriteString(`\\`)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// tsvUnescape reverses tsvEscape.
func tsvUnescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			switch s[i] {
			case 't':
				b.WriteByte('\t')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			default:
				b.WriteByte(s[i])
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// writeTSV writes one line of escaped fields.
func writeTSV(w io.Writer, fields ...string) error {
	for i, f := range fields {
		fields[i] = tsvEscape(f)
	}
	_, err := io.WriteString(w, strings.Join(fields, "\t")+"\n")
	return err
}

// jsonWriter streams items as one JSON array (json) or one object per line
// (ndjson), as Spotify sent them.
type jsonWriter struct {
	w      io.Writer
	array  bool
	n      int
	buf    bytes.Buffer
	closed bool
}

func (j *jsonWriter) write(item json.RawMessage) error {
	j.buf.Reset()
	if j.array {
		if j.n == 0 {
			j.buf.WriteString("[\n  ")
		} else {
			j.buf.WriteString(",\n  ")
		}
		if err := json.Indent(&j.buf, item, "  ", "  "); err != nil {
			return fmt.Errorf("Spotify sent an item that is not JSON: %w", err)
		}
	} else {
		if err := json.Compact(&j.buf, item); err != nil {
			return fmt.Errorf("Spotify sent an item that is not JSON: %w", err)
		}
		j.buf.WriteByte('\n')
	}
	j.n++
	_, err := j.w.Write(j.buf.Bytes())
	return err
}

func (j *jsonWriter) close() error {
	if !j.array {
		return nil
	}
	end := "\n]\n"
	if j.n == 0 {
		end = "[]\n"
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
}

func (t *table) add(row ...string) { t.rows = append(t.rows, row) }

func (t *table) render(w io.Writer, width int) error {
	widths := make([]int, len(t.header))
	all := append([][]string{t.header}, t.rows...)
	for _, r := range all {
		for i, c := range r {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	if t.fit >= 0 && width > 0 {
		other := 0
		for i, wd := range widths {
			if i != t.fit {
				other += wd + 2
			}
		}
		widths[t.fit] = max(min(widths[t.fit], width-other), 10)
	}
	var b strings.Builder
	for _, r := range all {
		b.Reset()
		for i, c := range r {
			c = strings.Map(func(r rune) rune {
				if r == '\t' || r == '\n' || r == '\r' {
					return ' '
				}
				return r
			}, c)
			if i == t.fit {
				c = cut(c, widths[i])
			}
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c)+2))
			}
		}
		b.WriteByte('\n')
		if _, err := io.WriteString(w, b.String()); err != nil {
			return err
		}
	}
	return nil
}

func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
