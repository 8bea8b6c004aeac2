package export

import (
	"bytes"
	"testing"
)

func TestOneLine(t *testing.T) {
	for in, want := range map[string]string{
		`{"a":1,"b":"x y"}`:                         `{"a":1,"b":"x y"}`,
		"  {\"a\": 1}  ":                            `{"a": 1}`,
		"{\n  \"a\": 1,\n  \"b\": [\n    2\n  ]\n}": `{"a":1,"b":[2]}`,
		"{\r\n\"s\": \"line\\nbreak\"\r\n}":         `{"s":"line\nbreak"}`,
	} {
		var b bytes.Buffer
		if err := oneLine(&b, []byte(in)); err != nil || b.String() != want {
			t.Errorf("oneLine(%q) = %q, %v; want %q", in, b.String(), err, want)
		}
	}
}
