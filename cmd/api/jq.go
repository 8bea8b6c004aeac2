package apicmd

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/itchyny/gojq"
	"github.com/spotcli/spotcli/cmd/cmdutil"
)

// compileJQ compiles --jq; an expression that does not parse or compile is a
// usage error. The environment stays out of reach ($ENV is empty): it may
// hold tokens.
func compileJQ(expr string) (*gojq.Code, error) {
	q, err := gojq.Parse(expr)
	if err != nil {
		return nil, cmdutil.UsageErrorf("--jq %q: %v", expr, err)
	}
	code, err := gojq.Compile(q, gojq.WithEnvironLoader(func() []string { return nil }))
	if err != nil {
		return nil, cmdutil.UsageErrorf("--jq %q: %v", expr, err)
	}
	return code, nil
}

// runJQ writes what code makes of v: strings raw (control characters but
// tab and newline escaped), the rest as compact JSON, one per line.
func runJQ(ctx context.Context, w io.Writer, code *gojq.Code, v any) error {
	iter := code.RunWithContext(ctx, v)
	var b bytes.Buffer
	for {
		out, ok := iter.Next()
		if !ok {
			break
		}
		if err, isErr := out.(error); isErr {
			var he *gojq.HaltError
			if errors.As(err, &he) && he.Value() == nil {
				break
			}
			return fmt.Errorf("jq: %v", err)
		}
		if s, isStr := out.(string); isStr {
			// Raw, as jq -r prints, but for control characters other
			// than tab and newline: a name must not drive the terminal.
			b.WriteString(cmdutil.SafeText(s))
		} else {
			j, err := gojq.Marshal(out)
			if err != nil {
				return fmt.Errorf("jq: %v", err)
			}
			b.Write(cmdutil.SafeJSON(j))
		}
		b.WriteByte('\n')
	}
	_, err := w.Write(b.Bytes())
	return err
}

// decodeJSON decodes for jq, keeping numbers exact.
func decodeJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("the answer is not JSON, so --jq cannot read it: %v", err)
	}
	return v, nil
}
