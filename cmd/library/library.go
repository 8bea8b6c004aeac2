// Package library holds spotcli library: the user's saved tracks (Liked
// Songs), albums, shows and episodes, and followed artists.
package library

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/internal/api"
)

type libraryOptions struct {
	f    *cmdutil.Factory
	Kind string
	cmdutil.ListOptions
}

// Kinds are the values of KIND, in the order the help lists them.
var Kinds = []string{"tracks", "albums", "shows", "episodes", "artists"}

func NewLibraryCmd(f *cmdutil.Factory, runF func(context.Context, *libraryOptions) error) *cobra.Command {
	o := &libraryOptions{f: f}
	c := &cobra.Command{
		Use:   "library KIND",
		Short: "List the saved tracks, albums, shows, episodes or followed artists",
		Long: `List every item of one part of the user's library, following Spotify's pages to
the end. KIND is one of:

  tracks    Liked Songs (/me/tracks), newest first
  albums    saved albums (/me/albums), newest first
  shows     saved podcast shows (/me/shows), newest first
  episodes  saved podcast episodes (/me/episodes), newest first
  artists   followed artists (/me/following?type=artist), in Spotify's order

tracks, albums, shows and episodes need the user-library-read scope, artists
user-follow-read (both asked for by spotcli login since this command exists:
an older login needs a new 'spotcli login').

Spotify pages followed artists by cursor: each page names the next, so they
come one page at a time and --concurrency does not apply to them. The other
kinds page by offset, --concurrency pages at a time.

Output formats (-o):
  table   aligned columns, the name cut to fit (default on a terminal)
  tsv     no header, tab-separated (default when stdout is not a terminal).
          The fields, by KIND:
            tracks    added_at, track id, name, artists, album, duration, isrc
            albums    added_at, album id, name, artists, release date, tracks
            shows     added_at, show id, name, publisher, episodes
            episodes  added_at, episode id, name, show, release date, duration
            artists   artist id, name, genres
` + cmdutil.TSVEscapes + `
  json    one JSON array of the items as Spotify returned them (saved items
          are {"added_at": ..., "track"|"album"|"show"|"episode": {...}})
  ndjson  one item per line
  (in json and ndjson, DEL and the C1 controls inside strings are written as
  \u escapes, which decode to the same strings)
  uri     one spotify:track:, spotify:album:, spotify:show:, spotify:episode:
          or spotify:artist: URI per line

added_at is Spotify's timestamp as is (UTC, RFC 3339); Spotify does not say
when an artist was followed. An item Spotify sends as null (no longer
available) is left out of table, tsv (stderr says how many) and uri; json and
ndjson keep it. Artists, and a show's publisher, are joined with
", "; durations are minutes:seconds.`,
		Example: `  spotcli library tracks
  spotcli library tracks -o uri > liked.txt
  spotcli library albums | cut -f3,4
  spotcli library artists -o ndjson | jq -r .name`,
		ValidArgs: Kinds,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return cmdutil.UsageErrorf("spotcli library takes one KIND (%s), got %d arguments", strings.Join(Kinds, ", "), len(args))
			}
			for _, k := range Kinds {
				if args[0] == k {
					return nil
				}
			}
			return cmdutil.UsageErrorf("unknown KIND %q: choose one of %s", args[0], strings.Join(Kinds, ", "))
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Kind = args[0]
			if err := o.ResolveJSON(cmd); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runLibrary(cmd.Context(), o)
		},
	}
	o.AddFlags(c, "items")
	return c
}

// kind says where a KIND's items are and how they show.
type kind struct {
	path   string
	key    string // the member of a saved item holding the object; "" for artists
	cursor string // the member of the answer holding a cursor page
	header []string
	fit    int
	// fields decodes item raw into its tsv fields and table row.
	fields func(raw json.RawMessage) (tsv, tbl []string, err error)
}

// errNull is an item, or a saved item's object, that Spotify sent as null:
// it has no fields to show, and none are made up.
var errNull = errors.New("null")

// saved decodes a saved item of T and gives its added_at and object.
func saved[T any](raw json.RawMessage) (string, *T, error) {
	s, err := api.Decode[api.Saved[T]](raw)
	switch {
	case err != nil:
		return "", nil, err
	case s == nil || s.Item == nil:
		return "", nil, errNull
	}
	return s.AddedAt, s.Item, nil
}

var kinds = map[string]kind{
	"tracks": {path: "me/tracks", key: "track", header: []string{"ADDED", "NAME", "ARTISTS", "ALBUM", "DURATION", "ID"}, fit: 1,
		fields: func(raw json.RawMessage) ([]string, []string, error) {
			added, t, err := saved[api.Track](raw)
			if err != nil {
				return nil, nil, err
			}
			album := ""
			if t.Album != nil {
				album = t.Album.Name
			}
			artists := strings.Join(t.ArtistNames(), ", ")
			return []string{added, t.SpotifyID(), t.Name, artists, album, cmdutil.MinutesSeconds(t.DurationMS), t.ExternalIDs.ISRC},
				[]string{day(added), t.Name, cut(artists), cut(album), cmdutil.MinutesSeconds(t.DurationMS), t.SpotifyID()}, nil
		}},
	"albums": {path: "me/albums", key: "album", header: []string{"ADDED", "NAME", "ARTISTS", "RELEASED", "TRACKS", "ID"}, fit: 1,
		fields: func(raw json.RawMessage) ([]string, []string, error) {
			added, a, err := saved[api.Album](raw)
			if err != nil {
				return nil, nil, err
			}
			artists := strings.Join(a.ArtistNames(), ", ")
			return []string{added, a.ID, a.Name, artists, a.ReleaseDate, cmdutil.Count(a.TotalTracks)},
				[]string{day(added), a.Name, cut(artists), a.ReleaseDate, cmdutil.Count(a.TotalTracks), a.ID}, nil
		}},
	"shows": {path: "me/shows", key: "show", header: []string{"ADDED", "NAME", "PUBLISHER", "EPISODES", "ID"}, fit: 1,
		fields: func(raw json.RawMessage) ([]string, []string, error) {
			added, sh, err := saved[api.Show](raw)
			if err != nil {
				return nil, nil, err
			}
			return []string{added, sh.ID, sh.Name, sh.Publisher, cmdutil.Count(sh.TotalEpisodes)},
				[]string{day(added), sh.Name, cut(sh.Publisher), cmdutil.Count(sh.TotalEpisodes), sh.ID}, nil
		}},
	"episodes": {path: "me/episodes", key: "episode", header: []string{"ADDED", "NAME", "SHOW", "RELEASED", "DURATION", "ID"}, fit: 1,
		fields: func(raw json.RawMessage) ([]string, []string, error) {
			added, ep, err := saved[api.Episode](raw)
			if err != nil {
				return nil, nil, err
			}
			show := ""
			if ep.Show != nil {
				show = ep.Show.Name
			}
			return []string{added, ep.ID, ep.Name, show, ep.ReleaseDate, cmdutil.MinutesSeconds(ep.DurationMS)},
				[]string{day(added), ep.Name, cut(show), ep.ReleaseDate, cmdutil.MinutesSeconds(ep.DurationMS), ep.ID}, nil
		}},
	"artists": {path: "me/following?type=artist", cursor: "artists", header: []string{"NAME", "GENRES", "ID"}, fit: 0,
		fields: func(raw json.RawMessage) ([]string, []string, error) {
			a, err := api.Decode[api.Artist](raw)
			if err != nil {
				return nil, nil, err
			}
			if a == nil {
				return nil, nil, errNull
			}
			g := strings.Join(a.Genres, ", ")
			return []string{a.ID, a.Name, g}, []string{a.Name, cut(g), a.ID}, nil
		}},
}

func runLibrary(ctx context.Context, o *libraryOptions) error {
	k, ok := kinds[o.Kind]
	if !ok {
		return cmdutil.UsageErrorf("unknown KIND %q: choose one of %s", o.Kind, strings.Join(Kinds, ", "))
	}
	client, _, err := o.f.UserClient()
	if err != nil {
		return err
	}
	li := cmdutil.Listing{
		Header: k.header,
		Fit:    k.fit,
		Cursor: k.cursor,
		Rows: func(n int, raw json.RawMessage) ([]string, []string, error) {
			tsv, tbl, err := k.fields(raw)
			if errors.Is(err, errNull) {
				return nil, nil, nil // left out, and counted
			}
			if err != nil {
				return nil, nil, fmt.Errorf("unexpected %s item from Spotify at position %d: %v", o.Kind, n, err)
			}
			return tsv, tbl, nil
		},
	}
	li.LeftOut = func(n int) string {
		if n == 1 {
			return "1 item that Spotify sent as null (no longer available) left out; -o json shows it as null"
		}
		return fmt.Sprintf("%d items that Spotify sent as null (no longer available) left out; -o json shows them as null", n)
	}
	if k.key != "" {
		li.URI = cmdutil.WrappedURI(k.key)
	}
	// A 403 for a missing scope gets internal/api's hint, from the one
	// endpoint → scope table: the scope and spotcli login --add-scopes.
	return o.List(ctx, o.f, client, k.path, li)
}

// day is the date of an RFC 3339 timestamp, for the table.
func day(ts string) string {
	if len(ts) >= 10 {
		return ts[:10]
	}
	return ts
}

func cut(s string) string { return cmdutil.Cut(cmdutil.CleanCell(s), 24) }
