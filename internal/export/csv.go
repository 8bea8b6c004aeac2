package export

import (
	"encoding/json"
	"io"
	"strconv"
	"strings"

	"github.com/spotcli/spotcli/internal/api"
)

// TrackColumns are the columns of a playlist's CSV and of Liked Songs': those
// of Exportify's CSV (the format other tools import), in its order, minus
// "Track Preview URL" and "Popularity", which Spotify no longer serves
// (preview_url is null for apps made since November 2024; development-mode
// apps get no popularity since February 2026).
var TrackColumns = []string{
	"Track URI", "Track Name", "Artist URI(s)", "Artist Name(s)", "Album URI", "Album Name",
	"Album Artist URI(s)", "Album Artist Name(s)", "Album Release Date", "Album Image URL",
	"Disc Number", "Track Number", "Track Duration (ms)", "Explicit", "ISRC", "Added By", "Added At",
}

// AlbumColumns are those of Exportify's saved albums CSV, in its order.
var AlbumColumns = []string{
	"Album URI", "Album Name", "Album Type", "Album Artist URI(s)", "Album Artist Name(s)",
	"Album Release Date", "Release Date Precision", "Track Count", "Saved At",
}

// Exportify has no CSV of shows, episodes or artists; these follow its
// naming.
var (
	ShowColumns    = []string{"Show URI", "Show Name", "Publisher", "Total Episodes", "Saved At"}
	EpisodeColumns = []string{"Episode URI", "Episode Name", "Show URI", "Show Name", "Release Date", "Episode Duration (ms)", "Explicit", "Saved At"}
	ArtistColumns  = []string{"Artist URI", "Artist Name", "Genres"}
)

// csvWriter writes Exportify's dialect: every field quoted, a quote doubled,
// line breaks kept inside the quotes, lines ended by \n, UTF-8 without a BOM.
type csvWriter struct {
	w   io.Writer
	b   strings.Builder
	err error
}

func (c *csvWriter) row(fields ...string) error {
	if c.err != nil {
		return c.err
	}
	c.b.Reset()
	for i, f := range fields {
		if i > 0 {
			c.b.WriteByte(',')
		}
		c.b.WriteByte('"')
		c.b.WriteString(strings.ReplaceAll(f, `"`, `""`))
		c.b.WriteByte('"')
	}
	c.b.WriteByte('\n')
	_, c.err = io.WriteString(c.w, c.b.String())
	return c.err
}

// csvRow turns one item of kind ("playlist" for a playlist entry) into its CSV
// row; ok is false for an entry whose track Spotify no longer has (null),
// which has nothing to import and gets no row.
func csvRow(kind string, raw json.RawMessage) (row []string, ok bool) {
	switch kind {
	case "playlist":
		e, err := api.Decode[api.PlaylistEntry](raw)
		if err != nil || e == nil || e.Item == nil {
			return nil, false
		}
		addedBy := ""
		if e.AddedBy != nil {
			addedBy = e.AddedBy.URI()
		}
		if ep := e.Item.Episode; ep != nil {
			return episodeRow(ep, addedBy, e.AddedAt), true
		}
		return trackRow(e.Item.Track, addedBy, e.AddedAt), true
	case "tracks":
		if s, ok := savedItem[api.Track](raw); ok {
			return trackRow(s.Item, "", s.AddedAt), true
		}
	case "albums":
		if s, ok := savedItem[api.Album](raw); ok {
			a := s.Item
			uris, names := artistFields(a.Artists)
			return []string{a.URI(), a.Name, a.AlbumType, uris, names, a.ReleaseDate, a.ReleaseDatePrecision, num(a.TotalTracks), s.AddedAt}, true
		}
	case "shows":
		if s, ok := savedItem[api.Show](raw); ok {
			sh := s.Item
			return []string{sh.URI(), sh.Name, sh.Publisher, num(sh.TotalEpisodes), s.AddedAt}, true
		}
	case "episodes":
		if s, ok := savedItem[api.Episode](raw); ok {
			ep := s.Item
			showURI, showName := "", ""
			if ep.Show != nil {
				showURI, showName = ep.Show.URI(), ep.Show.Name
			}
			return []string{ep.URI(), ep.Name, showURI, showName, ep.ReleaseDate, num64(ep.DurationMS), strconv.FormatBool(ep.Explicit), s.AddedAt}, true
		}
	case "artists":
		if a, err := api.Decode[api.Artist](raw); err == nil && a != nil {
			return []string{a.URI(), a.Name, strings.Join(a.Genres, ", ")}, true
		}
	}
	return nil, false
}

func savedItem[T any](raw json.RawMessage) (*api.Saved[T], bool) {
	s, err := api.Decode[api.Saved[T]](raw)
	if err != nil || s == nil || s.Item == nil {
		return nil, false
	}
	return s, true
}

// trackRow is a track's row of TrackColumns.
func trackRow(t *api.Track, addedBy, addedAt string) []string {
	uris, names := artistFields(t.Artists)
	row := []string{t.URI(), t.Name, uris, names, "", "", "", "", "", "",
		strconv.Itoa(t.DiscNumber), strconv.Itoa(t.TrackNumber), num64(t.DurationMS), strconv.FormatBool(t.Explicit),
		t.ExternalIDs.ISRC, addedBy, addedAt}
	if a := t.Album; a != nil {
		row[4], row[5] = a.URI(), a.Name
		row[6], row[7] = artistFields(a.Artists)
		row[8] = a.ReleaseDate
		if len(a.Images) > 0 && a.Images[0] != nil {
			row[9] = a.Images[0].URL
		}
	}
	return row
}

// episodeRow is a playlist's podcast episode as a row of TrackColumns: what
// a track's columns can say of it.
func episodeRow(ep *api.Episode, addedBy, addedAt string) []string {
	return []string{ep.URI(), ep.Name, "", "", "", "", "", "", "", "", "", "", num64(ep.DurationMS),
		strconv.FormatBool(ep.Explicit), "", addedBy, addedAt}
}

// artistFields joins artists as Exportify does: ", " between them, and a
// comma inside a name written "\," so that the names can be split again.
func artistFields(as []*api.Artist) (uris, names string) {
	u := make([]string, 0, len(as))
	n := make([]string, 0, len(as))
	for _, a := range as {
		if a == nil {
			continue
		}
		u = append(u, a.URI())
		n = append(n, strings.ReplaceAll(a.Name, ",", `\,`))
	}
	return strings.Join(u, ", "), strings.Join(n, ", ")
}

func num(n *int) string {
	if n == nil {
		return ""
	}
	return strconv.Itoa(*n)
}

func num64(n *int64) string {
	if n == nil {
		return ""
	}
	return strconv.FormatInt(*n, 10)
}

func columnsOf(kind string) []string {
	switch kind {
	case "albums":
		return AlbumColumns
	case "shows":
		return ShowColumns
	case "episodes":
		return EpisodeColumns
	case "artists":
		return ArtistColumns
	}
	return TrackColumns
}
