// Package search holds spotcli search.
package search

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/internal/api"
)

// formatURI writes one Spotify URI a line, the input of the edit commands.
const formatURI = "uri"

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
			if o.JSON {
				if cmd.Flags().Changed("output") && o.Output != cmdutil.FormatJSON {
					return cmdutil.UsageErrorf("--json and -o %s contradict each other", o.Output)
				}
				o.Output = cmdutil.FormatJSON
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runSearch(cmd.Context(), o)
		},
	}
	c.Flags().Var(&cmdutil.EnumValue{Val: &o.Type, Allowed: Types}, "type", "what to find: "+strings.Join(Types, ", "))
	c.Flags().Var(&cmdutil.IntRange{Val: &o.Limit, Min: 1, Max: 1000}, "limit", "how many results, 1 to 1000")
	c.Flags().VarP(&cmdutil.EnumValue{Val: &o.Output, Allowed: append(slices.Clone(cmdutil.Formats), formatURI)}, "output", "o", "output format: table, tsv, json, ndjson or uri (default table on a terminal, else tsv)")
	c.Flags().BoolVar(&o.JSON, "json", false, "short for -o json")
	return c
}

// result is the part of the objects search finds that the tsv and table
// show; which fields are set depends on the type.
type result struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	URI     string `json:"uri"`
	Artists []struct {
		Name string `json:"name"`
	} `json:"artists"`
	Album *struct {
		Name string `json:"name"`
	} `json:"album"`
	DurationMS  *int64   `json:"duration_ms"`
	ReleaseDate string   `json:"release_date"`
	TotalTracks *int     `json:"total_tracks"`
	Genres      []string `json:"genres"`
	Publisher   string   `json:"publisher"`
	Owner       *struct {
		ID string `json:"id"`
	} `json:"owner"`
	Items  *struct{ Total int } `json:"items"`
	Tracks *struct{ Total int } `json:"tracks"`
}

func (r *result) artists() string {
	names := make([]string, 0, len(r.Artists))
	for _, a := range r.Artists {
		names = append(names, a.Name)
	}
	return strings.Join(names, ", ")
}

func duration(ms *int64) string {
	if ms == nil || *ms < 0 {
		return ""
	}
	s := *ms / 1000
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// columns gives a result's tsv fields and table row for a type.
func columns(kind string, r *result) (tsv, tbl []string) {
	switch kind {
	case "album":
		n := ""
		if r.TotalTracks != nil {
			n = strconv.Itoa(*r.TotalTracks)
		}
		return []string{r.ID, r.Name, r.artists(), r.ReleaseDate, n, r.URI}, []string{r.Name, cmdutil.Cut(r.artists(), 24), r.ReleaseDate, n, r.ID}
	case "artist":
		g := strings.Join(r.Genres, ", ")
		return []string{r.ID, r.Name, g, r.URI}, []string{r.Name, cmdutil.Cut(g, 30), r.ID}
	case "playlist":
		owner, n := "", ""
		if r.Owner != nil {
			owner = r.Owner.ID
		}
		switch {
		case r.Items != nil:
			n = strconv.Itoa(r.Items.Total)
		case r.Tracks != nil:
			n = strconv.Itoa(r.Tracks.Total)
		}
		return []string{r.ID, r.Name, owner, n, r.URI}, []string{r.Name, owner, n, r.ID}
	case "show":
		return []string{r.ID, r.Name, r.Publisher, r.URI}, []string{r.Name, cmdutil.Cut(r.Publisher, 24), r.ID}
	case "episode":
		return []string{r.ID, r.Name, r.ReleaseDate, duration(r.DurationMS), r.URI}, []string{r.Name, r.ReleaseDate, duration(r.DurationMS), r.ID}
	}
	album := ""
	if r.Album != nil {
		album = r.Album.Name
	}
	return []string{r.ID, r.Name, r.artists(), album, duration(r.DurationMS), r.URI},
		[]string{r.Name, cmdutil.Cut(r.artists(), 24), cmdutil.Cut(album, 24), duration(r.DurationMS), r.ID}
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
	format := o.Output
	if format == "" {
		format = cmdutil.FormatTSV
		if o.f.StdoutTTY() {
			format = cmdutil.FormatTable
		}
	}
	tbl := cmdutil.NewTable(headers[o.Type], 0)
	jw := cmdutil.NewJSONWriter(o.f.Out, format == cmdutil.FormatJSON)
	emit := func(items []json.RawMessage) error {
		for _, raw := range items {
			if format == cmdutil.FormatJSON || format == cmdutil.FormatNDJSON {
				if err := jw.Write(raw); err != nil {
					return err
				}
				continue
			}
			var r *result
			if err := json.Unmarshal(raw, &r); err != nil {
				return fmt.Errorf("unexpected %s from Spotify: %v", o.Type, err)
			}
			if r == nil {
				continue // a result Spotify cannot show
			}
			tsv, row := columns(o.Type, r)
			switch format {
			case formatURI:
				if r.URI == "" {
					continue
				}
				if _, err := fmt.Fprintln(o.f.Out, r.URI); err != nil {
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
