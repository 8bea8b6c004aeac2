package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"
	"github.com/spotcli/spotcli/internal/api"
)

type playlistsOptions struct {
	f           *Factory
	Output      string
	JSON        bool
	Limit       int
	Concurrency int
}

func newPlaylistsCmd(f *Factory, runF func(context.Context, *playlistsOptions) error) *cobra.Command {
	o := &playlistsOptions{f: f, Concurrency: 8}
	c := &cobra.Command{
		Use:   "playlists",
		Short: "List the current user's playlists",
		Long: `List every playlist of the current user, following Spotify's pages to the end.

Output formats (-o):
  table   aligned columns NAME, ID, TRACKS, OWNER, VISIBILITY (default on a terminal)
  tsv     no header; id, name, track count, owner id, visibility, tab-separated; a tab,
          newline, carriage return or backslash in a field is written \t, \n, \r, \\
          (default when stdout is not a terminal)
  json    one JSON array of the playlist objects as Spotify returned them
  ndjson  one playlist object per line`,
		Example: `  spotcli playlists
  spotcli playlists | cut -f1,2
  spotcli playlists -o ndjson | jq -r .name`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.JSON {
				if cmd.Flags().Changed("output") && o.Output != formatJSON {
					return usageErrorf("--json and -o %s contradict each other", o.Output)
				}
				o.Output = formatJSON
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runPlaylists(cmd.Context(), o)
		},
	}
	c.Flags().VarP(&enumValue{val: &o.Output, allowed: formats}, "output", "o", "output format: table, tsv, json or ndjson (default table on a terminal, else tsv)")
	c.Flags().BoolVar(&o.JSON, "json", false, "short for -o json")
	c.Flags().Var(&intRange{val: &o.Limit, min: 1}, "limit", "stop after this many playlists (a whole number of 1 or more)")
	c.Flags().Var(&intRange{val: &o.Concurrency, min: 1, max: 16}, "concurrency", "pages fetched at once, 1 to 16")
	c.AddCommand(newPlaylistItemsCmd(f, nil))
	return c
}

// playlist is the part of Spotify's playlist object the tsv and table show.
type playlist struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	Public        *bool  `json:"public"`
	Collaborative bool   `json:"collaborative"`
	Owner         struct {
		ID string `json:"id"`
	} `json:"owner"`
	Tracks *struct {
		Total int `json:"total"`
	} `json:"tracks"`
	// Development-mode apps get the count under items since 2026.
	Items *struct {
		Total int `json:"total"`
	} `json:"items"`
}

func (p *playlist) count() string {
	switch {
	case p.Tracks != nil:
		return strconv.Itoa(p.Tracks.Total)
	case p.Items != nil:
		return strconv.Itoa(p.Items.Total)
	}
	return ""
}

func (p *playlist) visibility() string {
	switch {
	case p.Collaborative:
		return "collaborative"
	case p.Public != nil && *p.Public:
		return "public"
	}
	return "private"
}

func runPlaylists(ctx context.Context, o *playlistsOptions) error {
	f := o.f
	format := o.Output
	if format == "" {
		format = formatTSV
		if f.StdoutTTY() {
			format = formatTable
		}
	}
	client, _, err := f.UserClient()
	if err != nil {
		return err
	}
	var (
		tbl = &table{header: []string{"NAME", "ID", "TRACKS", "OWNER", "VISIBILITY"}, fit: 0}
		jw  = &jsonWriter{w: f.Out, array: format == formatJSON}
	)
	emit := func(items []json.RawMessage) error {
		for _, raw := range items {
			if format == formatJSON || format == formatNDJSON {
				if err := jw.write(raw); err != nil {
					return err
				}
				continue
			}
			var p playlist
			if err := json.Unmarshal(raw, &p); err != nil {
				return fmt.Errorf("unexpected playlist object from Spotify: %v", err)
			}
			if format == formatTSV {
				if err := writeTSV(f.Out, p.ID, p.Name, p.count(), p.Owner.ID, p.visibility()); err != nil {
					return err
				}
				continue
			}
			tbl.add(p.Name, p.ID, p.count(), p.Owner.ID, p.visibility())
		}
		return nil
	}
	err = client.Paginate(ctx, "me/playlists", api.PageOptions{PageSize: 50, Limit: o.Limit, Concurrency: o.Concurrency}, emit)
	if err != nil {
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
