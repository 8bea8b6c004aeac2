package cmdutil

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// Every --json output of spotcli goes through WriteJSON or a JSONWriter:
// indented with two spaces on a terminal, for people; compact on one line in
// a pipe, for programs (jq reads both). Spotify's own objects keep their
// fields and order; only the white space changes.

// WriteJSON writes v as JSON and a newline to the Factory's stdout. v may be
// a json.RawMessage or []byte holding JSON (Spotify's answer as sent), or any
// value encoding/json can marshal.
func (f *Factory) WriteJSON(v any) error {
	return writeJSON(f.Out, v, f.StdoutTTY())
}

// JSONWriter streams items to the Factory's stdout, indented when stdout is
// a terminal.
func (f *Factory) JSONWriter(array bool) *JSONWriter {
	return &JSONWriter{w: f.Out, array: array, indent: f.StdoutTTY()}
}

func writeJSON(w io.Writer, v any, indent bool) error {
	var raw []byte
	switch x := v.(type) {
	case json.RawMessage:
		raw = x
	case []byte:
		raw = x
	default:
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			return err
		}
		raw = b.Bytes()
	}
	var b bytes.Buffer
	var err error
	if indent {
		err = json.Indent(&b, raw, "", "  ")
	} else {
		err = json.Compact(&b, raw)
	}
	if err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	b.WriteByte('\n')
	// Spotify's strings never reach the terminal raw (SafeJSON).
	_, err = w.Write(SafeJSON(b.Bytes()))
	return err
}
