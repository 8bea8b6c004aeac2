package export

import (
	"encoding/json"
	"io"
	"strconv"
	"strings"
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

type ref struct {
	URI  *string `json:"uri"`
	Name string  `json:"name"`
}

type csvTrack struct {
	Type        string  `json:"type"`
	URI         *string `json:"uri"`
	Name        string  `json:"name"`
	Artists     []ref   `json:"artists"`
	DiscNumber  *int    `json:"disc_number"`
	TrackNumber *int    `json:"track_number"`
	DurationMS  *int64  `json:"duration_ms"`
	Explicit    *bool   `json:"explicit"`
	ExternalIDs struct {
		ISRC *string `json:"isrc"`
	} `json:"external_ids"`
	Album *struct {
		URI                  *string `json:"uri"`
		Name                 string  `json:"name"`
		AlbumType            *string `json:"album_type"`
		Artists              []ref   `json:"artists"`
		ReleaseDate          *string `json:"release_date"`
		ReleaseDatePrecision *string `json:"release_date_precision"`
		TotalTracks          *int    `json:"total_tracks"`
		Images               []struct {
			URL string `json:"url"`
		} `json:"images"`
		Tracks *struct {
			Total *int `json:"total"`
		} `json:"tracks"`
	} `json:"album"`
	Show *struct {
		URI  *string `json:"uri"`
		Name string  `json:"name"`
	} `json:"show"`
	ReleaseDate *string `json:"release_date"`
}

// csvRow turns one item of kind ("playlist" for a playlist entry) into its CSV
// row; ok is false for an entry whose track Spotify no longer has (null),
// which has nothing to import and gets no row.
func csvRow(kind string, raw json.RawMessage) (row []string, ok bool) {
	var e struct {
		AddedAt *string `json:"added_at"`
		AddedBy *struct {
			URI *string `json:"uri"`
		} `json:"added_by"`
		Item    json.RawMessage `json:"item"`
		Track   json.RawMessage `json:"track"`
		Album   json.RawMessage `json:"album"`
		Show    json.RawMessage `json:"show"`
		Episode json.RawMessage `json:"episode"`
	}
	if kind == "artists" {
		var a struct {
			URI    *string  `json:"uri"`
			Name   string   `json:"name"`
			Genres []string `json:"genres"`
		}
		if json.Unmarshal(raw, &a) != nil {
			return nil, false
		}
		return []string{str(a.URI), a.Name, strings.Join(a.Genres, ", ")}, true
	}
	if json.Unmarshal(raw, &e) != nil {
		return nil, false
	}
	added := str(e.AddedAt)
	obj := e.Item
	switch kind {
	case "playlist":
		if isNull(obj) {
			obj = e.Track
		}
	case "tracks":
		obj = e.Track
	case "albums":
		obj = e.Album
	case "shows":
		obj = e.Show
	case "episodes":
		obj = e.Episode
	}
	if isNull(obj) {
		return nil, false
	}
	var t csvTrack
	if json.Unmarshal(obj, &t) != nil {
		return nil, false
	}
	switch kind {
	case "albums":
		var a struct {
			URI                  *string `json:"uri"`
			Name                 string  `json:"name"`
			AlbumType            *string `json:"album_type"`
			Artists              []ref   `json:"artists"`
			ReleaseDate          *string `json:"release_date"`
			ReleaseDatePrecision *string `json:"release_date_precision"`
			TotalTracks          *int    `json:"total_tracks"`
		}
		if json.Unmarshal(obj, &a) != nil {
			return nil, false
		}
		uris, names := artistFields(a.Artists)
		return []string{str(a.URI), a.Name, str(a.AlbumType), uris, names, str(a.ReleaseDate), str(a.ReleaseDatePrecision), num(a.TotalTracks), added}, true
	case "shows":
		var s struct {
			URI           *string `json:"uri"`
			Name          string  `json:"name"`
			Publisher     string  `json:"publisher"`
			TotalEpisodes *int    `json:"total_episodes"`
		}
		if json.Unmarshal(obj, &s) != nil {
			return nil, false
		}
		return []string{str(s.URI), s.Name, s.Publisher, num(s.TotalEpisodes), added}, true
	case "episodes":
		showURI, showName := "", ""
		if t.Show != nil {
			showURI, showName = str(t.Show.URI), t.Show.Name
		}
		return []string{str(t.URI), t.Name, showURI, showName, str(t.ReleaseDate), num64(t.DurationMS), boolean(t.Explicit), added}, true
	}
	addedBy := ""
	if e.AddedBy != nil {
		addedBy = str(e.AddedBy.URI)
	}
	uris, names := artistFields(t.Artists)
	row = []string{str(t.URI), t.Name, uris, names, "", "", "", "", "", "", num(t.DiscNumber), num(t.TrackNumber), num64(t.DurationMS), boolean(t.Explicit), str(t.ExternalIDs.ISRC), addedBy, added}
	if t.Album != nil {
		row[4], row[5] = str(t.Album.URI), t.Album.Name
		row[6], row[7] = artistFields(t.Album.Artists)
		row[8] = str(t.Album.ReleaseDate)
		if len(t.Album.Images) > 0 {
			row[9] = t.Album.Images[0].URL
		}
	}
	return row, true
}

// artistFields joins artists as Exportify does: ", " between them, and a
// comma inside a name written "\," so that the names can be split again.
func artistFields(as []ref) (uris, names string) {
	u := make([]string, 0, len(as))
	n := make([]string, 0, len(as))
	for _, a := range as {
		u = append(u, str(a.URI))
		n = append(n, strings.ReplaceAll(a.Name, ",", `\,`))
	}
	return strings.Join(u, ", "), strings.Join(n, ", ")
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

func num64(n *int64) string {
	if n == nil {
		return ""
	}
	return strconv.FormatInt(*n, 10)
}

func boolean(b *bool) string {
	if b == nil {
		return ""
	}
	return strconv.FormatBool(*b)
}

func isNull(raw json.RawMessage) bool {
	s := strings.TrimSpace(string(raw))
	return s == "" || s == "null"
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
