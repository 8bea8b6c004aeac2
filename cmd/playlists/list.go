// Package playlists holds spotcli playlists (the listing, in list.go) and
// its subcommands, one file each.
package playlists

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"
	"github.com/spotcli/spotcli/cmd/cmdutil"
)

type playlistsOptions struct {
	f *cmdutil.Factory
	cmdutil.ListOptions
}

func NewPlaylistsCmd(f *cmdutil.Factory, runF func(context.Context, *playlistsOptions) error) *cobra.Command {
	o := &playlistsOptions{f: f}
	c := &cobra.Command{
		Use:   "playlists",
		Short: "List the current user's playlists",
		Long: `List every playlist of the current user, following Spotify's pages to the end.

Output formats (-o):
  table   aligned columns NAME, ID, TRACKS, OWNER, VISIBILITY (default on a terminal)
  tsv     no header; id, name, track count, owner id, visibility, tab-separated
          (default when stdout is not a terminal);
` + cmdutil.TSVEscapes + `
  json    one JSON array of the playlist objects as Spotify returned them
  ndjson  one playlist object per line
  (in json and ndjson, DEL and the C1 controls inside strings are written as
  \u escapes, which decode to the same strings)`,
		Example: `  spotcli playlists
  spotcli playlists | cut -f1,2
  spotcli playlists -o ndjson | jq -r .name`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.ResolveJSON(cmd); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runPlaylists(cmd.Context(), o)
		},
	}
	o.AddFlags(c, "playlists")
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
	client, _, err := o.f.UserClient()
	if err != nil {
		return err
	}
	return o.List(ctx, o.f, client, "me/playlists", cmdutil.Listing{
		Header: []string{"NAME", "ID", "TRACKS", "OWNER", "VISIBILITY"},
		Fit:    0,
		Rows: func(_ int, raw json.RawMessage) ([]string, []string, error) {
			var p playlist
			if err := json.Unmarshal(raw, &p); err != nil {
				return nil, nil, fmt.Errorf("unexpected playlist object from Spotify: %v", err)
			}
			return []string{p.ID, p.Name, p.count(), p.Owner.ID, p.visibility()},
				[]string{p.Name, p.ID, p.count(), p.Owner.ID, p.visibility()}, nil
		},
	})
}
