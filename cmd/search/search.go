// Package search holds spotcli search.
package search

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/internal/api"
)

// Types are the kinds search finds, in the order of the help.
var Types = []string{"track", "album", "artist", "playlist", "show", "episode"}

type searchOptions struct {
	f      *cmdutil.Factory
	Query  string
	Type   string
	Limit  int
	Output string
	JSON   bool
}

// NewSearchCmd is spotcli search.
func NewSearchCmd(f *cmdutil.Factory, runF func(context.Context, *searchOptions) error) *cobra.Command {
	o := &searchOptions{f: f, Type: "track", Limit: 20}
	c := &cobra.Command{
		Use:   "search QUERY",
		Short: "Search Spotify's catalog",
		Long: `Search Spotify's catalog for tracks (the default), albums, artists, playlists,
shows or episodes. QUERY is Spotify's query syntax: words, and filters such as
artist:, album:, track:, year:1970-1979, genre: (quote the query in the shell).

--limit is how many results to print (default 20, at most 1000, Spotify's
bound). Apps in development mode may ask Spotify for at most 10 results a
request, others 50: spotcli asks for 50 and, when Spotify answers "Invalid
limit", for 10, so both kinds of app work without a setting.

Output formats (-o):
  table   aligned columns, the name cut to fit (default on a terminal)
  tsv     no header, tab-separated (default when stdout is not a terminal):
            track     id, name, artists, album, duration, uri
            album     id, name, artists, release date, tracks, uri
            artist    id, name, genres, uri
            playlist  id, name, owner id, items, uri
            show      id, name, publisher, uri
            episode   id, name, release date, duration, uri
          artists and genres are joined with ", "; a tab, newline, carriage
          return or backslash in a field is written \t, \n, \r, \\
  json    one JSON array of the objects as Spotify returned them
  ndjson  one object per line
  uri     one Spotify URI per line, for spotcli playlists add and library save

Spotify may answer null for a result it cannot show (often among
playlists): json and ndjson keep it, the other formats leave it out.`,
		Example: `  spotcli search 'artist:ABBA' --limit 5
  spotcli search 'artist:ABBA' -o uri --limit 30 | spotcli playlists add "ABBA mix"
  spotcli search 'year:1977 disco' --type album -o ndjson | jq -r .name`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 || strings.TrimSpace(args[0]) == "" {
				return cmdutil.UsageErrorf("spotcli search takes one QUERY (quote it), got %d arguments", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Query = args[0]
			if err := cmdutil.ResolveJSON(cmd, o.JSON, &o.Output); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runSearch(cmd.Context(), o)
		},
	}
	c.Flags().Var(&cmdutil.EnumValue{Val: &o.Type, Allowed: Types}, "type", "what to find: "+strings.Join(Types, ", "))
	c.Flags().Var(&cmdutil.IntRange{Val: &o.Limit, Min: 1, Max: 1000}, "limit", "how many results, 1 to 1000")
	cmdutil.AddOutputFlags(c, &o.Output, &o.JSON)
	return c
}

// columns decodes one result of a type with Spotify's objects and gives its
// URI, tsv fields and table row; a null result gives ok false.
func columns(kind string, raw json.RawMessage) (uri string, tsv, tbl []string, ok bool, err error) {
	switch kind {
	case "album":
		a, err := api.Decode[api.Album](raw)
		if err != nil || a == nil {
			return "", nil, nil, false, err
		}
		artists := strings.Join(a.ArtistNames(), ", ")
		return a.URI(), []string{a.ID, a.Name, artists, a.ReleaseDate, cmdutil.Count(a.TotalTracks), a.URI()},
			[]string{a.Name, cmdutil.Cut(artists, 24), a.ReleaseDate, cmdutil.Count(a.TotalTracks), a.ID}, true, nil
	case "artist":
		a, err := api.Decode[api.Artist](raw)
		if err != nil || a == nil {
			return "", nil, nil, false, err
		}
		g := strings.Join(a.Genres, ", ")
		return a.URI(), []string{a.ID, a.Name, g, a.URI()}, []string{a.Name, cmdutil.Cut(g, 30), a.ID}, true, nil
	case "playlist":
		p, err := api.Decode[api.Playlist](raw)
		if err != nil || p == nil {
			return "", nil, nil, false, err
		}
		n := ""
		if c, ok := p.Count(); ok {
			n = strconv.Itoa(c)
		}
		return p.URI(), []string{p.ID, p.Name, p.OwnerID(), n, p.URI()}, []string{p.Name, p.OwnerID(), n, p.ID}, true, nil
	case "show":
		sh, err := api.Decode[api.Show](raw)
		if err != nil || sh == nil {
			return "", nil, nil, false, err
		}
		return sh.URI(), []string{sh.ID, sh.Name, sh.Publisher, sh.URI()}, []string{sh.Name, cmdutil.Cut(sh.Publisher, 24), sh.ID}, true, nil
	case "episode":
		e, err := api.Decode[api.Episode](raw)
		if err != nil || e == nil {
			return "", nil, nil, false, err
		}
		d := cmdutil.MinutesSeconds(e.DurationMS)
		return e.URI(), []string{e.ID, e.Name, e.ReleaseDate, d, e.URI()}, []string{e.Name, e.ReleaseDate, d, e.ID}, true, nil
	}
	t, err := api.Decode[api.Track](raw)
	if err != nil || t == nil {
		return "", nil, nil, false, err
	}
	album := ""
	if t.Album != nil {
		album = t.Album.Name
	}
	artists := strings.Join(t.ArtistNames(), ", ")
	d := cmdutil.MinutesSeconds(t.DurationMS)
	return t.URI(), []string{t.SpotifyID(), t.Name, artists, album, d, t.URI()},
		[]string{t.Name, cmdutil.Cut(artists, 24), cmdutil.Cut(album, 24), d, t.SpotifyID()}, true, nil
}

var headers = map[string][]string{
	"track":    {"NAME", "ARTISTS", "ALBUM", "DURATION", "ID"},
	"album":    {"NAME", "ARTISTS", "RELEASED", "TRACKS", "ID"},
	"artist":   {"NAME", "GENRES", "ID"},
	"playlist": {"NAME", "OWNER", "ITEMS", "ID"},
	"show":     {"NAME", "PUBLISHER", "ID"},
	"episode":  {"NAME", "RELEASED", "DURATION", "ID"},
}

func runSearch(ctx context.Context, o *searchOptions) error {
	client, _, err := o.f.UserClient()
	if err != nil {
		return err
	}
	format := o.f.Format(o.Output)
	tbl := cmdutil.NewTable(headers[o.Type], 0)
	jw := o.f.JSONWriter(format == cmdutil.FormatJSON)
	emit := func(items []json.RawMessage) error {
		for _, raw := range items {
			if format == cmdutil.FormatJSON || format == cmdutil.FormatNDJSON {
				if err := jw.Write(raw); err != nil {
					return err
				}
				continue
			}
			uri, tsv, row, ok, err := columns(o.Type, raw)
			if err != nil {
				return fmt.Errorf("unexpected %s from Spotify: %v", o.Type, err)
			}
			if !ok {
				continue // a result Spotify cannot show
			}
			switch format {
			case cmdutil.FormatURI:
				if uri == "" {
					continue
				}
				if _, err := fmt.Fprintln(o.f.Out, uri); err != nil {
					return err
				}
			case cmdutil.FormatTSV:
				if err := cmdutil.WriteTSV(o.f.Out, tsv...); err != nil {
					return err
				}
			default:
				tbl.Add(row...)
			}
		}
		return nil
	}
	if err := client.Search(ctx, o.Query, api.SearchOptions{Type: o.Type, Limit: o.Limit}, emit); err != nil {
		return err
	}
	switch format {
	case cmdutil.FormatTable:
		return tbl.Render(o.f.Out, o.f.TermWidth())
	case cmdutil.FormatJSON:
		return jw.Close()
	}
	return nil
}
