package cmdutil

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"github.com/spotcli/spotcli/internal/api"
)

// ListOptions are the flags every listing command shares.
type ListOptions struct {
	Output      string
	JSON        bool
	Limit       int
	Concurrency int
}

// AddFlags defines -o, --json, --limit and --concurrency; noun names the items.
func (l *ListOptions) AddFlags(c *cobra.Command, noun string) {
	l.Concurrency = 8
	AddOutputFlags(c, &l.Output, &l.JSON)
	c.Flags().Var(&IntRange{Val: &l.Limit, Min: 1}, "limit", "stop after this many "+noun+" (a whole number of 1 or more)")
	c.Flags().Var(&IntRange{Val: &l.Concurrency, Min: 1, Max: 16}, "concurrency", "pages fetched at once, 1 to 16")
}

// ResolveJSON makes --json mean -o json, and refuses it next to another -o.
func (l *ListOptions) ResolveJSON(cmd *cobra.Command) error {
	return ResolveJSON(cmd, l.JSON, &l.Output)
}

// AddOutputFlags defines -o (one of Formats) and --json, its short form.
func AddOutputFlags(c *cobra.Command, output *string, asJSON *bool) {
	c.Flags().VarP(&EnumValue{Val: output, Allowed: Formats}, "output", "o", "output format: table, tsv, json, ndjson or uri (default table on a terminal, else tsv)")
	c.Flags().BoolVar(asJSON, "json", false, "short for -o json")
}

// ResolveJSON makes --json (asJSON) mean -o json, and refuses it next to
// another -o.
func ResolveJSON(cmd *cobra.Command, asJSON bool, output *string) error {
	if !asJSON {
		return nil
	}
	if cmd.Flags().Changed("output") && *output != FormatJSON {
		return UsageErrorf("--json and -o %s contradict each other", *output)
	}
	*output = FormatJSON
	return nil
}

// Listing says how a command shows one item of a collection.
type Listing struct {
	Header []string // table columns
	Fit    int      // the table column cut to the terminal's width
	// Drop are the table columns left out on a narrow terminal, least
	// useful first, before Fit is cut below 30 columns (fit.go).
	Drop []int
	// Rows turns Spotify's item n (1-based) into its tsv fields and its
	// table row. Both nil leave the item out of tsv and table (json and
	// ndjson keep it as Spotify sent it): an entry Spotify sent as null
	// has no fields to show, and none are made up.
	Rows func(n int, raw json.RawMessage) (tsv, tbl []string, err error)
	// LeftOut says on stderr how many items Rows left out, once the
	// listing is written; nil says nothing.
	LeftOut func(n int) string
	// URI gives an item's Spotify URI for -o uri; "" writes no line (an
	// entry whose track Spotify no longer has). Nil reads the item's own
	// "uri".
	URI func(raw json.RawMessage) (string, error)
	// Cursor, when set, says the collection pages by cursor, its page
	// under that member of the answer: pages then come one at a time.
	Cursor string
}

// OwnURI reads the "uri" of an object: a playlist's, an artist's.
func OwnURI(raw json.RawMessage) (string, error) {
	var v struct {
		URI *string `json:"uri"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return "", fmt.Errorf("unexpected object from Spotify: %v", err)
	}
	if v.URI == nil {
		return "", nil
	}
	return *v.URI, nil
}

// WrappedURI reads the "uri" of the object under the first of keys that is
// not null: {"added_at": ..., "track": {...}} for a saved track, "item" then
// "track" for a playlist entry.
func WrappedURI(keys ...string) func(json.RawMessage) (string, error) {
	return func(raw json.RawMessage) (string, error) {
		var v map[string]json.RawMessage
		if err := json.Unmarshal(raw, &v); err != nil {
			return "", fmt.Errorf("unexpected item from Spotify: %v", err)
		}
		for _, k := range keys {
			if inner := bytes.TrimSpace(v[k]); len(inner) > 0 && string(inner) != "null" {
				return OwnURI(inner)
			}
		}
		return "", nil
	}
}

// List pages through path and writes every item in the chosen format: json
// and ndjson as Spotify sent them, tsv and ndjson page by page as they arrive.
func (l *ListOptions) List(ctx context.Context, f *Factory, client *api.Client, path string, li Listing) error {
	format := f.Format(l.Output)
	var (
		tbl = &table{header: li.Header, fit: li.Fit, drop: li.Drop}
		jw  = f.JSONWriter(format == FormatJSON)
		n   = 0
		out = 0 // left out of tsv and table
	)
	emit := func(items []json.RawMessage) error {
		for _, raw := range items {
			n++
			if format == FormatJSON || format == FormatNDJSON {
				if err := jw.Write(raw); err != nil {
					return err
				}
				continue
			}
			if format == FormatURI {
				uri := OwnURI
				if li.URI != nil {
					uri = li.URI
				}
				u, err := uri(raw)
				if err != nil {
					return err
				}
				if u != "" {
					if _, err := io.WriteString(f.Out, CleanCell(u)+"\n"); err != nil {
						return err
					}
				}
				continue
			}
			tsv, row, err := li.Rows(n, raw)
			if err != nil {
				return err
			}
			if tsv == nil && row == nil {
				out++
				continue
			}
			if format == FormatTSV {
				if err := WriteTSV(f.Out, tsv...); err != nil {
					return err
				}
				continue
			}
			tbl.add(row...)
		}
		return nil
	}
	po := api.PageOptions{PageSize: 50, Limit: l.Limit, Concurrency: l.Concurrency}
	var err error
	if li.Cursor != "" {
		err = client.PaginateCursor(ctx, path, li.Cursor, po, emit)
	} else {
		err = client.Paginate(ctx, path, po, emit)
	}
	if err != nil {
		return err
	}
	switch format {
	case FormatTable:
		err = tbl.render(f.Out, f.TermWidth())
	case FormatJSON:
		err = jw.Close()
	}
	if err == nil && out > 0 && li.LeftOut != nil {
		Warn(f.Err, "%s", li.LeftOut(out))
	}
	return err
}
