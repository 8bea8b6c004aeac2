package cmdutil

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestEnumValue(t *testing.T) {
	t.Parallel()
	v := "tsv"
	e := &EnumValue{Val: &v, Allowed: Formats}
	if err := e.Set("ndjson"); err != nil || v != "ndjson" || e.String() != "ndjson" || e.Type() != "string" {
		t.Errorf("Set(ndjson): %v, %q", err, v)
	}
	if err := e.Set("xml"); err == nil || err.Error() != "must be one of table, tsv, json, ndjson, uri" || v != "ndjson" {
		t.Errorf("Set(xml): %v, %q", err, v)
	}
}

func TestIntRange(t *testing.T) {
	t.Parallel()
	tests := []struct {
		min, max int
		in       string
		want     int
		wantErr  string
	}{
		{1, 16, "8", 8, ""},
		{1, 16, " 16 ", 16, ""},
		{1, 16, "17", 0, "must be a whole number from 1 to 16"},
		{1, 16, "0", 0, "must be a whole number from 1 to 16"},
		{1, 0, "100000", 100000, ""},
		{1, 0, "0", 0, "must be a whole number of 1 or more"},
		{1, 0, "1.5", 0, "must be a whole number of 1 or more"},
		{1, 0, "ten", 0, "must be a whole number of 1 or more"},
	}
	for _, tt := range tests {
		n := 0
		r := &IntRange{Val: &n, Min: tt.min, Max: tt.max}
		err := r.Set(tt.in)
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("Set(%q) in [%d,%d]: %v, want %q", tt.in, tt.min, tt.max, err, tt.wantErr)
			}
			continue
		}
		if err != nil || n != tt.want || r.String() != strings.TrimSpace(tt.in) || r.Type() != "int" {
			t.Errorf("Set(%q): %v, %d", tt.in, err, n)
		}
	}
}

func TestJSONWriter(t *testing.T) {
	t.Parallel()
	items := []json.RawMessage{[]byte(`{"a": 1,  "b": [1, 2]}`), []byte(`null`), []byte(`{"name":"<&>"}`)}
	tests := []struct {
		name  string
		array bool
		items []json.RawMessage
		want  string
	}{
		{"an array, compact in a pipe", true, items, "[{\"a\":1,\"b\":[1,2]},null,{\"name\":\"<&>\"}]\n"},
		{"an array on a terminal", true, items, "[\n  {\n    \"a\": 1,\n    \"b\": [\n      1,\n      2\n    ]\n  },\n  null,\n  {\n    \"name\": \"<&>\"\n  }\n]\n"},
		{"an empty array", true, nil, "[]\n"},
		{"one object a line", false, items, "{\"a\":1,\"b\":[1,2]}\nnull\n{\"name\":\"<&>\"}\n"},
		{"no lines", false, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			w := &JSONWriter{w: &b, array: tt.array, indent: strings.HasSuffix(tt.name, "on a terminal")}
			for _, it := range tt.items {
				if err := w.Write(it); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, b.String()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if tt.array && !json.Valid(b.Bytes()) {
				t.Error("not JSON")
			}
		})
	}
	for _, array := range []bool{true, false} {
		if err := (&JSONWriter{w: &bytes.Buffer{}, array: array}).Write([]byte(`{"cut":`)); err == nil || !strings.Contains(err.Error(), "an item from Spotify is not JSON") {
			t.Errorf("array %v: err = %v", array, err)
		}
	}
}

func TestWriteTSV(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if err := WriteTSV(&b, "a\tb", "c\nd\r", `e\f`, "", "ünï"); err != nil {
		t.Fatal(err)
	}
	if want := "a\\tb\tc\\nd\\r\te\\\\f\t\tünï\n"; b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}

func TestCellWidth(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]int{
		"":             0,
		"abc":          3,
		"日本語":          6,
		"🚗🎶":           4,
		"❤️":           2, // a text symbol with the emoji variation selector
		"e\u0301":      1, // a combining accent
		"a\u200fb":     2, // an invisible direction mark
		"한국어":          6,
		"ｆｕｌｌ":         8,
		"Road trip 🚗🎶": 14,
	} {
		if got := cellWidth(s); got != want {
			t.Errorf("cellWidth(%q) = %d, want %d", s, got, want)
		}
	}
}

func TestCutAndCleanCell(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly ten", 11, "exactly ten"},
		{"a long name", 6, "a lon…"},
		{"日本語のプレイリスト", 7, "日本語…"},
		{"🚗🚗🚗", 4, "🚗…"},
	}
	for _, tt := range tests {
		if got := Cut(tt.in, tt.n); got != tt.want || cellWidth(got) > tt.n {
			t.Errorf("Cut(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
	if got := CleanCell("a\tb\nc\x1b[31md\u0085e"); got != "a b c [31md e" {
		t.Errorf("CleanCell = %q", got)
	}
}

func TestTableRender(t *testing.T) {
	t.Parallel()
	newTable := func() *table {
		tb := &table{header: []string{"NAME", "ID", "N"}, fit: 0}
		tb.add("A very long playlist name that goes on", "id1", "1")
		tb.add("Tab\there", "id2", "22")
		tb.add("日本語", "id3", "333")
		return tb
	}
	tests := []struct {
		width int
		want  string
	}{
		{80, "NAME                                    ID   N\n" +
			"A very long playlist name that goes on  id1  1\n" +
			"Tab here                                id2  22\n" +
			"日本語                                  id3  333\n"},
		{30, "NAME                  ID   N\n" +
			"A very long playlis…  id1  1\n" +
			"Tab here              id2  22\n" +
			"日本語                id3  333\n"},
		// Never cut below 10 columns, however narrow the terminal.
		{5, "NAME        ID   N\n" +
			"A very lo…  id1  1\n" +
			"Tab here    id2  22\n" +
			"日本語      id3  333\n"},
		// 0: not a terminal, nothing is cut.
		{0, "NAME                                    ID   N\n" +
			"A very long playlist name that goes on  id1  1\n" +
			"Tab here                                id2  22\n" +
			"日本語                                  id3  333\n"},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		if err := newTable().render(&b, tt.width); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.want, b.String()); diff != "" {
			t.Errorf("width %d (-want +got):\n%s", tt.width, diff)
		}
	}
}

// TestFormat: no -o is a table on a terminal and tsv in a pipe; -o wins.
func TestFormat(t *testing.T) {
	for _, tt := range []struct {
		output string
		tty    bool
		want   string
	}{
		{"", true, FormatTable}, {"", false, FormatTSV}, {FormatJSON, true, FormatJSON}, {FormatTable, false, FormatTable},
	} {
		f := &Factory{StdoutTTY: func() bool { return tt.tty }}
		if got := f.Format(tt.output); got != tt.want {
			t.Errorf("Format(%q), tty %v = %q, want %q", tt.output, tt.tty, got, tt.want)
		}
	}
}

func TestMinutesSecondsAndCount(t *testing.T) {
	ms := func(n int64) *int64 { return &n }
	for in, want := range map[*int64]string{nil: "", ms(-1): "", ms(0): "0:00", ms(59_999): "0:59", ms(185_000): "3:05", ms(3_600_000): "60:00"} {
		if got := MinutesSeconds(in); got != want {
			t.Errorf("MinutesSeconds(%v) = %q, want %q", in, got, want)
		}
	}
	n := 7
	if Count(nil) != "" || Count(&n) != "7" {
		t.Errorf("Count: %q, %q", Count(nil), Count(&n))
	}
}
