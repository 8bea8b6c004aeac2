// Package library holds spotcli library: the user's saved tracks (Liked
// Songs), albums, shows and episodes, and followed artists.
package library

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
  tsv     no header, tab-separated (default when stdout is not a terminal); a
          tab, newline, carriage return or backslash in a field is written \t,
          \n, \r, \\. The fields, by KIND:
            tracks    added_at, track id, name, artists, album, duration, isrc
            albums    added_at, album id, name, artists, release date, tracks
            shows     added_at, show id, name, publisher, episodes
            episodes  added_at, episode id, name, show, release date, duration
            artists   artist id, name, genres
  json    one JSON array of the items as Spotify returned them (saved items
          are {"added_at": ..., "track"|"album"|"show"|"episode": {...}})
  ndjson  one item per line
  uri     one spotify:track:, spotify:album:, spotify:show:, spotify:episode:
          or spotify:artist: URI per line

added_at is Spotify's timestamp as is (UTC, RFC 3339); Spotify does not say
when an artist was followed. Artists, and a show's publisher, are joined with
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

type named struct {
	ID   *string `json:"id"`
	Name string  `json:"name"`
}

// object is the part of a track, album, show, episode or artist the tsv and
// table show.
type object struct {
	ID          *string  `json:"id"`
	Name        string   `json:"name"`
	Artists     []named  `json:"artists"`
	Album       *named   `json:"album"`
	Show        *named   `json:"show"`
	DurationMS  *int64   `json:"duration_ms"`
	ReleaseDate *string  `json:"release_date"`
	TotalTracks *int     `json:"total_tracks"`
	Episodes    *int     `json:"total_episodes"`
	Publisher   string   `json:"publisher"`
	Genres      []string `json:"genres"`
	ExternalIDs struct {
		ISRC string `json:"isrc"`
	} `json:"external_ids"`
}

// kind says where a KIND's items are and how they show.
type kind struct {
	path   string
	key    string // the member of a saved item holding the object; "" for artists
	cursor string // the member of the answer holding a cursor page
	header []string
	fit    int
	fields func(added string, o *object) (tsv, tbl []string)
}

var kinds = map[string]kind{
	"tracks": {path: "me/tracks", key: "track", header: []string{"ADDED", "NAME", "ARTISTS", "ALBUM", "DURATION", "ID"}, fit: 1,
		fields: func(added string, o *object) ([]string, []string) {
			return []string{added, str(o.ID), o.Name, artists(o.Artists), albumName(o.Album), duration(o.DurationMS), o.ExternalIDs.ISRC},
				[]string{day(added), o.Name, cut(artists(o.Artists)), cut(albumName(o.Album)), duration(o.DurationMS), str(o.ID)}
		}},
	"albums": {path: "me/albums", key: "album", header: []string{"ADDED", "NAME", "ARTISTS", "RELEASED", "TRACKS", "ID"}, fit: 1,
		fields: func(added string, o *object) ([]string, []string) {
			return []string{added, str(o.ID), o.Name, artists(o.Artists), str(o.ReleaseDate), num(o.TotalTracks)},
				[]string{day(added), o.Name, cut(artists(o.Artists)), str(o.ReleaseDate), num(o.TotalTracks), str(o.ID)}
		}},
	"shows": {path: "me/shows", key: "show", header: []string{"ADDED", "NAME", "PUBLISHER", "EPISODES", "ID"}, fit: 1,
		fields: func(added string, o *object) ([]string, []string) {
			return []string{added, str(o.ID), o.Name, o.Publisher, num(o.Episodes)},
				[]string{day(added), o.Name, cut(o.Publisher), num(o.Episodes), str(o.ID)}
		}},
	"episodes": {path: "me/episodes", key: "episode", header: []string{"ADDED", "NAME", "SHOW", "RELEASED", "DURATION", "ID"}, fit: 1,
		fields: func(added string, o *object) ([]string, []string) {
			show := ""
			if o.Show != nil {
				show = o.Show.Name
			}
			return []string{added, str(o.ID), o.Name, show, str(o.ReleaseDate), duration(o.DurationMS)},
				[]string{day(added), o.Name, cut(show), str(o.ReleaseDate), duration(o.DurationMS), str(o.ID)}
		}},
	"artists": {path: "me/following?type=artist", cursor: "artists", header: []string{"NAME", "GENRES", "ID"}, fit: 0,
		fields: func(_ string, o *object) ([]string, []string) {
			g := strings.Join(o.Genres, ", ")
			return []string{str(o.ID), o.Name, g}, []string{o.Name, cut(g), str(o.ID)}
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
			added, obj, err := decode(raw, k.key)
			if err != nil {
				return nil, nil, fmt.Errorf("unexpected %s item from Spotify at position %d: %v", o.Kind, n, err)
			}
			tsv, tbl := k.fields(added, obj)
			return tsv, tbl, nil
		},
	}
	if k.key != "" {
		li.URI = cmdutil.WrappedURI(k.key)
	}
	err = o.List(ctx, o.f, client, k.path, li)
	var ae *api.Error
	if errors.As(err, &ae) && ae.Status == 403 && strings.Contains(strings.ToLower(ae.Message), "scope") {
		scope := "user-library-read"
		if o.Kind == "artists" {
			scope = "user-follow-read"
		}
		// More precise than the client's general hint: the scope is known,
		// and a plain login asks for it.
		ae.Hint = "hint: the stored login lacks the " + scope + " scope: run 'spotcli login' again to grant it"
	}
	return err
}

// decode reads a saved item {"added_at", key: object}, or with key "" an
// object itself.
func decode(raw json.RawMessage, key string) (string, *object, error) {
	var o object
	if key == "" {
		err := json.Unmarshal(raw, &o)
		return "", &o, err
	}
	var saved map[string]json.RawMessage
	if err := json.Unmarshal(raw, &saved); err != nil {
		return "", nil, err
	}
	var added *string
	if a, ok := saved["added_at"]; ok {
		if err := json.Unmarshal(a, &added); err != nil {
			return "", nil, err
		}
	}
	if inner := saved[key]; len(inner) > 0 && string(inner) != "null" {
		if err := json.Unmarshal(inner, &o); err != nil {
			return "", nil, err
		}
	}
	return str(added), &o, nil
}

func str(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func num(n *int) string {
	if n == nil {
		return ""
	}
	return strconv.Itoa(*n)
}

func artists(as []named) string {
	names := make([]string, 0, len(as))
	for _, a := range as {
		names = append(names, a.Name)
	}
	return strings.Join(names, ", ")
}

func albumName(a *named) string {
	if a == nil {
		return ""
	}
	return a.Name
}

// duration writes milliseconds as m:ss, rounded down.
func duration(ms *int64) string {
	if ms == nil || *ms < 0 {
		return ""
	}
	s := *ms / 1000
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// day is the date of an RFC 3339 timestamp, for the table.
func day(ts string) string {
	if len(ts) >= 10 {
		return ts[:10]
	}
	return ts
}

func cut(s string) string { return cmdutil.Cut(cmdutil.CleanCell(s), 24) }
