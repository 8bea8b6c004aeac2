package playlists

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/internal/api"
)

type playlistItemsOptions struct {
	f *cmdutil.Factory
	// PlaylistID is the playlist given by ID, URI or URL; PlaylistName the
	// one given by name or by a spotify.link share link, which
	// resolvePlaylistArg looks up when the command runs.
	PlaylistID, PlaylistName string
	cmdutil.ListOptions
}

func newPlaylistItemsCmd(f *cmdutil.Factory, runF func(context.Context, *playlistItemsOptions) error) *cobra.Command {
	o := &playlistItemsOptions{f: f}
	c := &cobra.Command{
		Use:   "items PLAYLIST",
		Short: "List the items (tracks and episodes) of a playlist",
		Long: `List every item of a playlist, following Spotify's pages to the end.
` + PlaylistHelp + `

Spotify only returns the items of playlists the user owns or collaborates on
to apps in development mode: for any other playlist it answers 403.

Output formats (-o):
  table   aligned columns #, NAME, ARTISTS, DURATION, ID (default on a
          terminal), fitted to its width: ID, DURATION, then ARTISTS are left
          out before the name is cut below 30 columns
  tsv     no header; position, track id, name, artists, duration, added_at,
          tab-separated (default when stdout is not a terminal);
` + cmdutil.TSVEscapes + `
  json    one JSON array of the playlist item objects as Spotify returned them
          (indented on a terminal, compact on one line in a pipe)
  ndjson  one playlist item object per line
  (in json and ndjson, DEL and the C1 controls inside strings are written as
  \u escapes, which decode to the same strings)
  uri     one URI per line (spotify:track:, spotify:episode:, or spotify:local:
          for a local file); an item Spotify no longer has writes no line

The position counts from 1 in the playlist's order (Spotify's offsets count
from 0). The artists are joined with ", "; for a podcast episode the field
holds the show's name. The duration is minutes:seconds (83:07 for a long
episode), added_at is Spotify's timestamp as is. A local file (is_local) has
no Spotify ID: its track id field is empty, and json keeps its spotify:local:
URI. An item whose track Spotify no longer has (null) keeps its row, with
only the position and added_at filled, and an item Spotify sent as null its
position alone, so that positions stay true; no field is made up.`,
		Example: `  spotcli playlists items 3cEYpjA9oz9GiPac4AsH4n
  spotcli playlists items 'https://open.spotify.com/playlist/3cEYpjA9oz9GiPac4AsH4n?si=1a2b3c4d5e6f4a7b' | cut -f2
  spotcli playlists items spotify:playlist:3cEYpjA9oz9GiPac4AsH4n -o ndjson | jq -r .item.uri
  spotcli playlists items https://spotify.link/AbCdEfGhIjK`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return cmdutil.UsageErrorf("spotcli playlists items takes one playlist (an ID, a spotify:playlist: URI or an open.spotify.com URL), got %d arguments", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkPlaylistArg(args[0]); err != nil {
				return err
			} else if id, err := parsePlaylistID(args[0]); err == nil {
				o.PlaylistID = id
			} else {
				o.PlaylistName = args[0]
			}
			if err := o.ResolveJSON(cmd); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runPlaylistItems(cmd.Context(), o)
		},
	}
	o.AddFlags(c, "items")
	c.ValidArgsFunction = completePlaylists(f)
	return c
}

// parsePlaylistID accepts a playlist ID, a spotify:playlist:ID URI (also the
// older spotify:user:NAME:playlist:ID) or an open.spotify.com/playlist/ID URL
// (with or without the scheme, a /intl-xx/ or /embed/ part or a query such
// as ?si=): the forms api.RefParser reads, where a bare ID is a playlist's.
func parsePlaylistID(arg string) (string, error) {
	s := strings.TrimSpace(arg)
	if api.IsID(s) {
		return s, nil
	}
	if r, err := (api.RefParser{Kinds: []string{"playlist"}}).Parse(s); err == nil {
		return r.ID, nil
	}
	return "", cmdutil.UsageErrorf("%q is not a playlist: give its ID (22 letters and digits), its spotify:playlist:ID URI or its https://open.spotify.com/playlist/ID URL", arg)
}

// itemRow is one row of the tsv and table.
type itemRow struct {
	id, name, artists, duration, addedAt string
}

// decodeEntry makes the row of a playlist entry: only added_at for one whose
// track Spotify no longer has, nothing for an entry Spotify sent as null
// (its position still counts).
func decodeEntry(raw json.RawMessage) (itemRow, error) {
	e, err := api.Decode[api.PlaylistEntry](raw)
	if err != nil || e == nil {
		return itemRow{}, err
	}
	row := itemRow{addedAt: e.AddedAt}
	if e.Item == nil {
		return row, nil // a track Spotify no longer has
	}
	row.id, row.name = e.Item.ID(), e.Item.Name()
	if e.IsLocal {
		row.id = "" // whatever the file's object says
	}
	row.artists = strings.Join(e.Item.Artists(), ", ")
	if d, ok := e.Item.Duration(); ok {
		ms := d.Milliseconds()
		row.duration = cmdutil.MinutesSeconds(&ms)
	}
	return row, nil
}

func runPlaylistItems(ctx context.Context, o *playlistItemsOptions) error {
	client, _, err := o.f.UserClient()
	if err != nil {
		return err
	}
	id := o.PlaylistID
	if id == "" {
		t, err := resolvePlaylistArg(ctx, o.f, client, o.PlaylistName)
		if err != nil {
			return err
		}
		id = t.ID
	}
	// additional_types asks for episodes as episodes, not as tracks.
	path := "playlists/" + id + "/items?additional_types=track%2Cepisode"
	err = o.List(ctx, o.f, client, path, cmdutil.Listing{
		Header: []string{"#", "NAME", "ARTISTS", "DURATION", "ID"},
		Fit:    1,
		URI:    cmdutil.WrappedURI("item", "track"),
		// Narrow terminals: the ID, then DURATION, then ARTISTS go.
		Drop: []int{4, 3, 2},
		Rows: func(n int, raw json.RawMessage) ([]string, []string, error) {
			r, err := decodeEntry(raw)
			if err != nil {
				return nil, nil, fmt.Errorf("unexpected playlist item from Spotify at position %d: %v", n, err)
			}
			pos := strconv.Itoa(n)
			return []string{pos, r.id, r.name, r.artists, r.duration, r.addedAt},
				[]string{pos, r.name, cmdutil.Cut(cmdutil.CleanCell(r.artists), 24), r.duration, r.id}, nil
		},
	})
	var ae *api.Error
	if errors.As(err, &ae) && ae.Status == 403 && ae.Hint == "" {
		ae.Hint = "hint: Spotify only returns the items of playlists the user owns or collaborates on"
	}
	return err
}
