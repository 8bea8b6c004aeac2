package cmdutil

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestSafeJSON(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"name":"plain ✓"}`, `{"name":"plain ✓"}`},
		{"{\"name\":\"csi \u009b2J del \x7f nel \u0085\"}", `{"name":"csi \u009b2J del \u007f nel \u0085"}`},
		{"{\"name\":\"bad \x9b byte\"}", `{"name":"bad \ufffd byte"}`},
		{`{"name":"\u001b]52;c;x\u0007"}`, `{"name":"\u001b]52;c;x\u0007"}`}, // escaped already
	}
	for _, tt := range tests {
		got := SafeJSON([]byte(tt.in))
		if string(got) != tt.want {
			t.Errorf("SafeJSON(%q) = %q, want %q", tt.in, got, tt.want)
		}
		// The same JSON: both decode to the same value.
		var a, b any
		if json.Unmarshal([]byte(tt.in), &a) != nil || json.Unmarshal(got, &b) != nil {
			t.Fatalf("not JSON: %q -> %q", tt.in, got)
		}
		if ja, _ := json.Marshal(a); !bytes.Equal(ja, mustMarshal(t, b)) {
			t.Errorf("SafeJSON changed the value: %q -> %q", tt.in, got)
		}
	}
}

func mustMarshal(t *testing.T, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSafeTextAndWriter(t *testing.T) {
	in := "spotcli: Spotify answered 403: \x1b]52;c;ZXZpbA==\x07\r\u009b\nhint:\tkeep tab and newline\n"
	want := `spotcli: Spotify answered 403: \x1b]52;c;ZXZpbA==\x07\r\u009b` + "\nhint:\tkeep tab and newline\n"
	if got := SafeText(in); got != want {
		t.Errorf("SafeText = %q, want %q", got, want)
	}
	var b strings.Builder
	n, err := SafeWriter{W: &b}.Write([]byte(in))
	if err != nil || n != len(in) || b.String() != want {
		t.Errorf("SafeWriter wrote %q (n=%d, %v), want %q", b.String(), n, err, want)
	}
}

func TestJSONWriterIsSafe(t *testing.T) {
	for _, array := range []bool{false, true} {
		var b bytes.Buffer
		jw := &JSONWriter{w: &b, array: array}
		if err := jw.Write([]byte("{\"name\":\"\u009b31m\"}")); err != nil {
			t.Fatal(err)
		}
		if err := jw.Close(); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(b.String(), "\u009b") || !strings.Contains(b.String(), `\u009b31m`) {
			t.Errorf("array=%v: %q", array, b.String())
		}
	}
}
