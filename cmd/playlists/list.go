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
	"github.com/spotcli/spotcli/internal/api"
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
  table   aligned columns NAME, ID, TRACKS, OWNER, VISIBILITY (default on a
          terminal), fitted to its width: VISIBILITY, OWNER, then TRACKS are
          left out before the name is cut below 30 columns
  tsv     no header; id, name, track count, owner id, visibility, tab-separated
          (default when stdout is not a terminal);
` + cmdutil.TSVEscapes + `
  json    one JSON array of the playlist objects as Spotify returned them
          (indented on a terminal, compact on one line in a pipe)
  ndjson  one playlist object per line
  (in json and ndjson, DEL and the C1 controls inside strings are written as
  \u escapes, which decode to the same strings)
  uri     one spotify:playlist: URI per line

Spotify lists a playlist it no longer has (deleted or unavailable) as null:
table and tsv leave it out and say on stderr how many they left out; json and
ndjson keep the null as Spotify sent it. A field Spotify does not send stays
empty, never guessed: the track count when it gives none, the visibility when
"public" is null; -o uri writes no line for it.`,
		Example: `  spotcli playlists
  spotcli playlists | cut -f1,2
  spotcli playlists -o ndjson | jq -r .name
  spotcli playlists -o uri --limit 5`,
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
	c.AddCommand(
		newPlaylistItemsCmd(f, nil),
		newCreateCmd(f, nil),
		newAddCmd(f, nil),
		newRemoveCmd(f, nil),
		newDedupeCmd(f, nil),
		newImportCmd(f, nil),
	)
	return c
}

func runPlaylists(ctx context.Context, o *playlistsOptions) (err error) {
	client, src, err := o.f.UserClient()
	if err != nil {
		return err
	}
	defer warnShortened(o.f, src, &err)
	return o.List(ctx, o.f, client, "me/playlists", cmdutil.Listing{
		Header: []string{"NAME", "ID", "TRACKS", "OWNER", "VISIBILITY"},
		Fit:    0,
		// Narrow terminals: VISIBILITY, then OWNER, then TRACKS go; the ID,
		// which other commands take, stays whole.
		Drop: []int{4, 3, 2},
		Rows: func(_ int, raw json.RawMessage) ([]string, []string, error) {
			p, err := api.Decode[api.Playlist](raw)
			if err != nil {
				return nil, nil, fmt.Errorf("unexpected playlist object from Spotify: %v", err)
			}
			if p == nil {
				return nil, nil, nil // a deleted or unavailable playlist
			}
			count := ""
			if n, ok := p.Count(); ok {
				count = strconv.Itoa(n)
			}
			return []string{p.ID, p.Name, count, p.OwnerID(), p.Visibility()},
				[]string{p.Name, p.ID, count, p.OwnerID(), p.Visibility()}, nil
		},
		LeftOut: func(n int) string {
			return fmt.Sprintf("%d %s that Spotify sent as null (deleted or unavailable) left out; -o json shows %s as null",
				n, plural(n, "playlist", "playlists"), plural(n, "it", "them"))
		},
	})
}

func plural(n int, one, more string) string {
	if n == 1 {
		return one
	}
	return more
}
