package spotifytest

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Track is a track, a podcast episode or a local file, as playlists hold them
// and the catalog serves them.
type Track struct {
	// ID is 22 base62 characters; empty derives one from the name. A local
	// file has none: Spotify sends "id": null for it.
	ID         string
	Name       string
	Artists    []string // a track's or local file's artists
	Album      string
	Show       string // an episode's show
	DurationMS int
	// Episode is a podcast episode: "type": "episode", with "show" where a
	// track has "artists" and "album".
	Episode bool
	// Local is a file from the user's own disk: "is_local": true,
	// "id": null and a spotify:local: URI.
	Local bool
}

// content is what playlists hold and what the catalog serves; it is guarded
// by Server.mu.
type content struct {
	items  map[string][]PlaylistItem // by playlist ID
	tracks map[string]Track          // the catalog of tracks and episodes, by ID
	order  []string                  // catalog IDs in the order added, for search
}

// contentLocked returns the server's content, made on first use; s.mu must be
// held.
func (s *Server) contentLocked() *content {
	if s.content == nil {
		s.content = &content{items: map[string][]PlaylistItem{}, tracks: map[string]Track{}}
	}
	return s.content
}

// AddTracks adds tracks and episodes to the catalog that GET /v1/tracks/{id}
// and GET /v1/search serve. The tracks of playlist items join it by
// themselves.
func (s *Server) AddTracks(tracks ...Track) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range tracks {
		s.addTrackLocked(t)
	}
}

// addTrackLocked gives t its ID and, unless it is a local file, puts it in the
// catalog.
func (s *Server) addTrackLocked(t Track) Track {
	if t.Local {
		t.ID = ""
		return t
	}
	if t.ID == "" {
		kind := "track"
		if t.Episode {
			kind = "episode"
		}
		t.ID = spotifyID(kind, t.Name, strings.Join(t.Artists, ","), t.Album, t.Show)
	}
	t.Artists = slices.Clone(t.Artists)
	c := s.contentLocked()
	if _, ok := c.tracks[t.ID]; !ok {
		c.order = append(c.order, t.ID)
	}
	c.tracks[t.ID] = t
	return t
}

// validID reports whether id looks like a Spotify ID: 22 base62 characters.
func validID(id string) bool {
	if len(id) != 22 {
		return false
	}
	for _, r := range id {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

// trackJSON is Spotify's track or episode object (development mode's shape:
// no available_markets, no popularity).
func trackJSON(t Track, base string) any {
	if t.Episode {
		showID := spotifyID("show", t.Show)
		return map[string]any{
			"audio_preview_url":      nil,
			"description":            "",
			"duration_ms":            t.DurationMS,
			"episode":                true,
			"explicit":               false,
			"external_urls":          externalURLs{"https://open.spotify.com/episode/" + t.ID},
			"href":                   base + "/episodes/" + t.ID,
			"id":                     t.ID,
			"images":                 []any{},
			"is_externally_hosted":   false,
			"is_playable":            true,
			"language":               "en",
			"languages":              []string{"en"},
			"name":                   t.Name,
			"release_date":           "2024-01-01",
			"release_date_precision": "day",
			"show": map[string]any{
				"description":          "",
				"explicit":             false,
				"external_urls":        externalURLs{"https://open.spotify.com/show/" + showID},
				"href":                 base + "/shows/" + showID,
				"id":                   showID,
				"images":               []any{},
				"is_externally_hosted": false,
				"languages":            []string{"en"},
				"media_type":           "audio",
				"name":                 t.Show,
				"total_episodes":       1,
				"type":                 "show",
				"uri":                  "spotify:show:" + showID,
			},
			"track": false,
			"type":  "episode",
			"uri":   "spotify:episode:" + t.ID,
		}
	}
	if t.Local {
		var artists []any
		for _, a := range t.Artists {
			artists = append(artists, map[string]any{
				"external_urls": map[string]any{}, "href": nil, "id": nil, "name": a, "type": "artist", "uri": nil,
			})
		}
		if artists == nil {
			artists = []any{}
		}
		first := ""
		if len(t.Artists) > 0 {
			first = t.Artists[0]
		}
		uri := "spotify:local:" + strings.Join([]string{
			url.QueryEscape(first), url.QueryEscape(t.Album), url.QueryEscape(t.Name), strconv.Itoa(t.DurationMS / 1000),
		}, ":")
		return map[string]any{
			"album": map[string]any{
				"album_type": nil, "artists": []any{}, "external_urls": map[string]any{}, "href": nil, "id": nil,
				"images": []any{}, "name": t.Album, "release_date": nil, "release_date_precision": nil,
				"type": "album", "uri": nil,
			},
			"artists":       artists,
			"disc_number":   0,
			"duration_ms":   t.DurationMS,
			"episode":       false,
			"explicit":      false,
			"external_ids":  map[string]any{},
			"external_urls": map[string]any{},
			"href":          nil,
			"id":            nil,
			"is_local":      true,
			"name":          t.Name,
			"preview_url":   nil,
			"track":         true,
			"track_number":  0,
			"type":          "track",
			"uri":           uri,
		}
	}
	artists := make([]artistRefJSON, 0, len(t.Artists))
	for _, a := range t.Artists {
		id := spotifyID("artist", a)
		artists = append(artists, artistRefJSON{
			ExternalURLs: externalURLs{"https://open.spotify.com/artist/" + id},
			Href:         base + "/artists/" + id,
			ID:           id,
			Name:         a,
			Type:         "artist",
			URI:          "spotify:artist:" + id,
		})
	}
	albumID := spotifyID("album", t.Album, strings.Join(t.Artists, ","))
	obj := trackObjectJSON{
		Album: albumRefJSON{
			AlbumType:            "album",
			Artists:              artists,
			ExternalURLs:         externalURLs{"https://open.spotify.com/album/" + albumID},
			Href:                 base + "/albums/" + albumID,
			ID:                   albumID,
			Images:               []any{},
			Name:                 t.Album,
			ReleaseDate:          "2020-01-01",
			ReleaseDatePrecision: "day",
			TotalTracks:          1,
			Type:                 "album",
			URI:                  "spotify:album:" + albumID,
		},
		Artists:      artists,
		DiscNumber:   1,
		DurationMS:   t.DurationMS,
		ExternalURLs: externalURLs{"https://open.spotify.com/track/" + t.ID},
		Href:         base + "/tracks/" + t.ID,
		ID:           t.ID,
		IsPlayable:   true,
		Name:         t.Name,
		Track:        true,
		TrackNumber:  1,
		Type:         "track",
		URI:          "spotify:track:" + t.ID,
	}
	obj.ExternalIDs.ISRC = "QZ" + strings.ToUpper(t.ID[:10])
	return obj
}

// The track object of the catalog as structs, not maps: a page of entries
// is the fake's most frequent answer, and encoding maps (sorted keys,
// reflection on every value) cost 5 ms a page. The fields are in the
// alphabetical order maps are encoded in, so the bytes are the same.
type artistRefJSON struct {
	ExternalURLs externalURLs `json:"external_urls"`
	Href         string       `json:"href"`
	ID           string       `json:"id"`
	Name         string       `json:"name"`
	Type         string       `json:"type"`
	URI          string       `json:"uri"`
}

type albumRefJSON struct {
	AlbumType            string          `json:"album_type"`
	Artists              []artistRefJSON `json:"artists"`
	ExternalURLs         externalURLs    `json:"external_urls"`
	Href                 string          `json:"href"`
	ID                   string          `json:"id"`
	Images               []any           `json:"images"`
	Name                 string          `json:"name"`
	ReleaseDate          string          `json:"release_date"`
	ReleaseDatePrecision string          `json:"release_date_precision"`
	TotalTracks          int             `json:"total_tracks"`
	Type                 string          `json:"type"`
	URI                  string          `json:"uri"`
}

type trackObjectJSON struct {
	Album       albumRefJSON    `json:"album"`
	Artists     []artistRefJSON `json:"artists"`
	DiscNumber  int             `json:"disc_number"`
	DurationMS  int             `json:"duration_ms"`
	Episode     bool            `json:"episode"`
	Explicit    bool            `json:"explicit"`
	ExternalIDs struct {
		ISRC string `json:"isrc"`
	} `json:"external_ids"`
	ExternalURLs externalURLs `json:"external_urls"`
	Href         string       `json:"href"`
	ID           string       `json:"id"`
	IsLocal      bool         `json:"is_local"`
	IsPlayable   bool         `json:"is_playable"`
	Name         string       `json:"name"`
	PreviewURL   *string      `json:"preview_url"`
	Track        bool         `json:"track"`
	TrackNumber  int          `json:"track_number"`
	Type         string       `json:"type"`
	URI          string       `json:"uri"`
}

// handleTrack serves GET /v1/tracks/{id}, with a user's token or an app's.
func (s *Server) handleTrack(w http.ResponseWriter, r *http.Request, _ *caller, id string) {
	if !validID(id) {
		writeAPIError(w, http.StatusBadRequest, "Invalid base62 id")
		return
	}
	s.mu.Lock()
	t, ok := s.contentLocked().tracks[id]
	s.mu.Unlock()
	if !ok || t.Episode {
		writeAPIError(w, http.StatusNotFound, msgResourceNotFound)
		return
	}
	writeJSON(w, http.StatusOK, trackJSON(t, apiBase(r)))
}

// searchTypes are the types GET /v1/search accepts, and the member of the
// answer each one's page goes in.
var searchTypes = map[string]string{
	"album": "albums", "artist": "artists", "playlist": "playlists", "track": "tracks",
	"show": "shows", "episode": "episodes", "audiobook": "audiobooks",
}

// handleSearch serves GET /v1/search: tracks whose name or artist holds q
// (an "artist:" prefix is dropped), and episodes whose name or show does,
// case-insensitively, in the order they joined the catalog; the other types
// find nothing. Development-mode apps get at most 10 results a page, 5 by
// default, as since February 2026; others 50 and 20.
func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request, c *caller) {
	q := r.URL.Query()
	query := strings.TrimSpace(q.Get("q"))
	if query == "" {
		writeAPIError(w, http.StatusBadRequest, "No search query")
		return
	}
	if q.Get("type") == "" {
		writeAPIError(w, http.StatusBadRequest, "Missing parameter type")
		return
	}
	var types []string
	for _, t := range strings.Split(q.Get("type"), ",") {
		if _, ok := searchTypes[t]; !ok {
			writeAPIError(w, http.StatusBadRequest, "Bad search type field "+t)
			return
		}
		types = append(types, t)
	}
	def, most := 20, 50
	if c.devMode {
		def, most = 5, 10
	}
	limit, offset, ok := pageParams(w, q, def, most, 1000)
	if !ok {
		return
	}

	var found, episodes []Track
	s.mu.Lock()
	ct := s.contentLocked()
	needle := strings.ToLower(strings.TrimPrefix(query, "artist:"))
	for _, id := range ct.order {
		t := ct.tracks[id]
		if t.Episode {
			if strings.Contains(strings.ToLower(t.Name), needle) || strings.Contains(strings.ToLower(t.Show), needle) {
				episodes = append(episodes, t)
			}
			continue
		}
		if strings.Contains(strings.ToLower(t.Name), needle) || slices.ContainsFunc(t.Artists, func(a string) bool {
			return strings.Contains(strings.ToLower(a), needle)
		}) {
			found = append(found, t)
		}
	}
	s.mu.Unlock()

	base := apiBase(r)
	answer := map[string]any{}
	for _, t := range types {
		var hits []Track
		switch t {
		case "track":
			hits = found
		case "episode":
			hits = episodes
		}
		items := []any{}
		if offset < len(hits) {
			for _, h := range hits[offset:min(offset+limit, len(hits))] {
				items = append(items, trackJSON(h, base))
			}
		}
		answer[searchTypes[t]] = pageJSON(r, base+"/search", items, offset, limit, len(hits))
	}
	writeJSON(w, http.StatusOK, answer)
}

// pageJSON is Spotify's paging object; its links keep the request's query,
// with offset and limit set.
func pageJSON(r *http.Request, endpoint string, items []any, offset, limit, total int) map[string]any {
	link := func(off int) string {
		q := r.URL.Query()
		q.Set("offset", strconv.Itoa(off))
		q.Set("limit", strconv.Itoa(limit))
		return fmt.Sprintf("%s?%s", endpoint, q.Encode())
	}
	page := map[string]any{
		"href":     link(offset),
		"items":    items,
		"limit":    limit,
		"next":     nil,
		"offset":   offset,
		"previous": nil,
		"total":    total,
	}
	if offset+limit < total {
		page["next"] = link(offset + limit)
	}
	if offset > 0 {
		page["previous"] = link(max(0, offset-limit))
	}
	return page
}
