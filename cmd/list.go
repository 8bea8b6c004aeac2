package cmd

import (
	"context"
	"encoding/json"

	"github.com/spf13/cobra"
	"github.com/spotcli/spotcli/internal/api"
)

// listOptions are the flags every listing command shares.
type listOptions struct {
	Output      string
	JSON        bool
	Limit       int
	Concurrency int
}

func (l *listOptions) addFlags(c *cobra.Command, noun string) {
	l.Concurrency = 8
	c.Flags().VarP(&enumValue{val: &l.Output, allowed: formats}, "output", "o", "output format: table, tsv, json or ndjson (default table on a terminal, else tsv)")
	c.Flags().BoolVar(&l.JSON, "json", false, "short for -o json")
	c.Flags().Var(&intRange{val: &l.Limit, min: 1}, "limit", "stop after this many "+noun+" (a whole number of 1 or more)")
	c.Flags().Var(&intRange{val: &l.Concurrency, min: 1, max: 16}, "concurrency", "pages fetched at once, 1 to 16")
}

// resolveJSON makes --json mean -o json, and refuses it next to another -o.
func (l *listOptions) resolveJSON(cmd *cobra.Command) error {
	if !l.JSON {
		return nil
	}
	if cmd.Flags().Changed("output") && l.Output != formatJSON {
		return usageErrorf("--json and -o %s contradict each other", l.Output)
	}
	l.Output = formatJSON
	return nil
}

// listing says how a command shows one item of a collection.
type listing struct {
	header []string // table columns
	fit    int      // the table column cut to the terminal's width
	// rows turns Spotify's item n (1-based) into its tsv fields and its
	// table row.
	rows func(n int, raw json.RawMessage) (tsv, tbl []string, err error)
}

// list pages through path and writes every item in the chosen format: json
// and ndjson as Spotify sent them, tsv and ndjson page by page as they arrive.
func (l *listOptions) list(ctx context.Context, f *Factory, client *api.Client, path string, li listing) error {
	format := l.Output
	if format == "" {
		format = formatTSV
		if f.StdoutTTY() {
			format = formatTable
		}
	}
	var (
		tbl = &table{header: li.header, fit: li.fit}
		jw  = &jsonWriter{w: f.Out, array: format == formatJSON}
		n   = 0
	)
	emit := func(items []json.RawMessage) error {
		for _, raw := range items {
			n++
			if format == formatJSON || format == formatNDJSON {
				if err := jw.write(raw); err != nil {
					return err
				}
				continue
			}
			tsv, row, err := li.rows(n, raw)
			if err != nil {
				return err
			}
			if format == formatTSV {
				if err := writeTSV(f.Out, tsv...); err != nil {
					return err
				}
				continue
			}
			tbl.add(row...)
		}
		return nil
	}
	if err := client.Paginate(ctx, path, api.PageOptions{PageSize: 50, Limit: l.Limit, Concurrency: l.Concurrency}, emit); err != nil {
		return err
	}
	switch format {
	case formatTable:
		return tbl.render(f.Out, f.TermWidth())
	case formatJSON:
		return jw.close()
	}
	return nil
}
