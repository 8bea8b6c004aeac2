package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"
)

type playlistsOptions struct {
	f *Factory
	listOptions
}

func newPlaylistsCmd(f *Factory, runF func(context.Context, *playlistsOptions) error) *cobra.Command {
	o := &playlistsOptions{f: f}
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
			if err := o.resolveJSON(cmd); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runPlaylists(cmd.Context(), o)
		},
	}
	o.addFlags(c, "playlists")
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
	return o.list(ctx, o.f, client, "me/playlists", listing{
		header: []string{"NAME", "ID", "TRACKS", "OWNER", "VISIBILITY"},
		fit:    0,
		rows: func(_ int, raw json.RawMessage) ([]string, []string, error) {
			var p playlist
			if err := json.Unmarshal(raw, &p); err != nil {
				return nil, nil, fmt.Errorf("unexpected playlist object from Spotify: %v", err)
			}
			return []string{p.ID, p.Name, p.count(), p.Owner.ID, p.visibility()},
				[]string{p.Name, p.ID, p.count(), p.Owner.ID, p.visibility()}, nil
		},
	})
}
