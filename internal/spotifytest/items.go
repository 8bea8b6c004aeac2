package spotifytest

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// msgResourceNotFound is the Web API's answer for an ID it does not know.
const msgResourceNotFound = "Resource not found"

// PlaylistItem is one entry of a playlist.
type PlaylistItem struct {
	// Track is what the entry plays; nil is an entry whose track Spotify no
	// longer has, which it sends as null.
	Track   *Track
	AddedAt time.Time // zero is sent as null
	AddedBy string    // user ID; "" is the playlist's owner
	// OldShape sends the entry under "track", as before 2026, instead of
	// "item" on GET /v1/playlists/{id}/items.
	OldShape bool
}

// AddPlaylistItems appends items to a playlist that AddPlaylists put in some
// user's library, and makes its track count match. Their tracks and episodes
// join the catalog. It panics on an unknown playlist, a bug in the test.
func (s *Server) AddPlaylistItems(playlistID string, items ...PlaylistItem) {
	s.mu.Lock()
	defer s.mu.Unlock()
	pl, ok := s.findPlaylistLocked(playlistID)
	if !ok {
		panic(fmt.Sprintf("spotifytest: AddPlaylistItems: no library holds playlist %q", playlistID))
	}
	c := s.contentLocked()
	for _, it := range items {
		if it.Track != nil {
			t := s.addTrackLocked(*it.Track)
			it.Track = &t
		}
		if it.AddedBy == "" {
			it.AddedBy = pl.OwnerID
		}
		c.items[playlistID] = append(c.items[playlistID], it)
	}
	s.setTrackCountLocked(playlistID, len(c.items[playlistID]))
}

// GeneratePlaylistItems appends n deterministic tracks to a playlist, named
// "Track 0001" onwards (numbering continues from the playlist's size), by
// "Artist 1" to "Artist 7", 2 to 6 minutes long, added an hour apart from
// 2024-01-01.
func (s *Server) GeneratePlaylistItems(playlistID string, n int) {
	s.mu.Lock()
	start := len(s.contentLocked().items[playlistID])
	s.mu.Unlock()
	items := make([]PlaylistItem, 0, n)
	for i := start + 1; i <= start+n; i++ {
		items = append(items, PlaylistItem{
			Track: &Track{
				ID:         spotifyID("generated-track", playlistID, strconv.Itoa(i)),
				Name:       fmt.Sprintf("Track %04d", i),
				Artists:    []string{fmt.Sprintf("Artist %d", i%7+1)},
				Album:      fmt.Sprintf("Album %d", i%5+1),
				DurationMS: 120_000 + i*7919%240_000,
			},
			AddedAt: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Hour),
		})
	}
	s.AddPlaylistItems(playlistID, items...)
}

// findPlaylistLocked finds a playlist in any library; s.mu must be held.
func (s *Server) findPlaylistLocked(id string) (Playlist, bool) {
	for _, lib := range s.playlists {
		for _, p := range lib {
			if p.ID == id && !p.Null {
				return p, true
			}
		}
	}
	return Playlist{}, false
}

// setTrackCountLocked updates the count every library shows for a playlist.
// Libraries are replaced, not written into: requests in flight read views of
// the old ones (authenticate).
func (s *Server) setTrackCountLocked(id string, n int) {
	for user, lib := range s.playlists {
		i := slices.IndexFunc(lib, func(p Playlist) bool { return p.ID == id })
		if i < 0 {
			continue
		}
		lib = slices.Clone(lib)
		lib[i].Tracks = n
		s.playlists[user] = lib
	}
}

// playlistAccess is what a caller may do with a playlist.
type playlistAccess struct {
	pl     Playlist
	items  []PlaylistItem
	owner  bool // the caller owns it
	collab bool // collaborative, and in the caller's library
}

// lookupPlaylist finds a playlist and how the caller relates to it.
func (s *Server) lookupPlaylist(c *caller, id string) (*playlistAccess, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	pl, ok := s.findPlaylistLocked(id)
	if !ok {
		return nil, false
	}
	items := s.contentLocked().items[id]
	a := &playlistAccess{pl: pl, items: items[:len(items):len(items)]}
	if c.hasUser {
		a.owner = pl.OwnerID == c.user.ID
		a.collab = pl.Collaborative && slices.ContainsFunc(s.playlists[c.user.ID], func(p Playlist) bool { return p.ID == id })
	}
	return a, true
}

// handlePlaylistItems serves GET /v1/playlists/{id}/items, and the endpoint
// it replaced, /tracks (legacy), which answers 403 to development-mode apps
// since 2026. Development-mode apps get the items of playlists the user owns
// or collaborates on only (403 otherwise); other apps those of any public
// playlist too. A private playlist of someone else is not found.
func (s *Server) handlePlaylistItems(w http.ResponseWriter, r *http.Request, c *caller, id string, legacy bool) {
	if legacy && c.devMode {
		writeAPIError(w, http.StatusForbidden, "Forbidden")
		return
	}
	if !validID(id) {
		writeAPIError(w, http.StatusBadRequest, "Invalid base62 id")
		return
	}
	a, ok := s.lookupPlaylist(c, id)
	if !ok {
		writeAPIError(w, http.StatusNotFound, msgResourceNotFound)
		return
	}
	switch {
	case c.devMode && !a.owner && !a.collab:
		writeAPIError(w, http.StatusForbidden, "Forbidden")
		return
	case !a.owner && !a.collab && !a.pl.Public:
		writeAPIError(w, http.StatusNotFound, msgResourceNotFound)
		return
	case a.collab && !a.owner && !c.can("playlist-read-collaborative"),
		a.owner && !a.pl.Public && !c.can("playlist-read-private"):
		writeAPIError(w, http.StatusForbidden, "Insufficient client scope")
		return
	}
	q := r.URL.Query()
	limit, offset, ok := pageParams(w, q, 20, embeddedLimit, -1)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, s.entriesPage(r, a, legacy, offset, limit))
}

// entriesPage is a page of a playlist's entries as /items (or, legacy,
// /tracks) serves it, and as a playlist object embeds it.
func (s *Server) entriesPage(r *http.Request, a *playlistAccess, legacy bool, offset, limit int) map[string]any {
	base := apiBase(r)
	both := s.transitionShapes()
	items := []any{}
	if offset < len(a.items) {
		for _, it := range a.items[offset:min(offset+limit, len(a.items))] {
			key := "item"
			if legacy || it.OldShape {
				key = "track"
			}
			items = append(items, playlistItemJSON(it, key, base, both))
		}
	}
	endpoint := base + "/playlists/" + a.pl.ID + "/items"
	if legacy {
		endpoint = base + "/playlists/" + a.pl.ID + "/tracks"
	}
	return pageJSON(r, endpoint, items, offset, limit, len(a.items))
}

// embeddedLimit is the size of the page of entries a playlist object
// embeds; its next link asks for pages of that size too (recorded answers
// show limit=100 there, above the documented maximum of 50).
const embeddedLimit = 100

// handlePlaylist serves GET /v1/playlists/{id}: the playlist object with the
// first page of its entries embedded under "items" (development-mode apps),
// "tracks" (others) or both (Server.SetTransitionShapes); the pages after it
// are top-level answers of /items or /tracks, where its next link points.
// Development-mode apps get a playlist they neither own nor collaborate on
// without its entries.
func (s *Server) handlePlaylist(w http.ResponseWriter, r *http.Request, c *caller, id string) {
	if !validID(id) {
		writeAPIError(w, http.StatusBadRequest, "Invalid base62 id")
		return
	}
	a, ok := s.lookupPlaylist(c, id)
	if !ok || !a.owner && !a.collab && !a.pl.Public {
		writeAPIError(w, http.StatusNotFound, msgResourceNotFound)
		return
	}
	obj := playlistJSON(a.pl, apiBase(r), c, s.transitionShapes())
	if c.devMode && !a.owner && !a.collab {
		obj.Items, obj.Tracks = nil, nil
	}
	if obj.Items != nil {
		obj.Items = s.entriesPage(r, a, false, 0, embeddedLimit)
	}
	if obj.Tracks != nil {
		obj.Tracks = s.entriesPage(r, a, true, 0, embeddedLimit)
	}
	writeJSON(w, http.StatusOK, obj)
}

// playlistItemJSON is Spotify's playlist track object, with what it plays
// under key: "item" since 2026, "track" before; under both when both is set
// (Server.SetTransitionShapes).
func playlistItemJSON(it PlaylistItem, key, base string, both bool) entryJSON {
	var played any
	local := false
	if it.Track != nil {
		played = trackJSON(*it.Track, base)
		local = it.Track.Local
	}
	e := entryJSON{
		AddedBy: addedByJSON{
			ExternalURLs: externalURLs{"https://open.spotify.com/user/" + it.AddedBy},
			Href:         base + "/users/" + it.AddedBy,
			ID:           it.AddedBy,
			Type:         "user",
			URI:          "spotify:user:" + it.AddedBy,
		},
		IsLocal: local,
	}
	if !it.AddedAt.IsZero() {
		added := it.AddedAt.UTC().Format(time.RFC3339)
		e.AddedAt = &added
	}
	if both || key == "item" {
		e.Item = &played
	}
	if both || key == "track" {
		e.Track = &played
	}
	return e
}

// entryJSON is the playlist track object as a struct (encoding maps cost
// most of a page's time); its fields are in the alphabetical order a map's
// keys are encoded in. Item and Track are left out when nil, sent as null
// when they point to nil.
type entryJSON struct {
	AddedAt        *string     `json:"added_at"`
	AddedBy        addedByJSON `json:"added_by"`
	IsLocal        bool        `json:"is_local"`
	Item           *any        `json:"item,omitempty"`
	PrimaryColor   *string     `json:"primary_color"`
	Track          *any        `json:"track,omitempty"`
	VideoThumbnail struct {
		URL *string `json:"url"`
	} `json:"video_thumbnail"`
}

type addedByJSON struct {
	ExternalURLs externalURLs `json:"external_urls"`
	Href         string       `json:"href"`
	ID           string       `json:"id"`
	Type         string       `json:"type"`
	URI          string       `json:"uri"`
}

// jsonBody decodes a request's JSON body into v, answering 400 as Spotify
// does when it is not JSON.
func jsonBody(w http.ResponseWriter, r *http.Request, v any) bool {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		writeAPIError(w, http.StatusBadRequest, "Content-Type must be application/json")
		return false
	}
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		writeAPIError(w, http.StatusBadRequest, "Error parsing JSON.")
		return false
	}
	return true
}

// handleCreatePlaylist serves POST /v1/me/playlists (which replaced
// POST /v1/users/{id}/playlists in 2026): {"name", "public" (default true),
// "collaborative", "description"}. A public playlist needs the
// playlist-modify-public scope, a private one playlist-modify-private. The new
// playlist comes first in the user's library.
func (s *Server) handleCreatePlaylist(w http.ResponseWriter, r *http.Request, c *caller) {
	if !c.hasUser {
		writeAPIError(w, http.StatusUnauthorized, msgUserRequired)
		return
	}
	var body struct {
		Name          *string `json:"name"`
		Public        *bool   `json:"public"`
		Collaborative bool    `json:"collaborative"`
		Description   string  `json:"description"`
	}
	if !jsonBody(w, r, &body) {
		return
	}
	if body.Name == nil || *body.Name == "" {
		writeAPIError(w, http.StatusBadRequest, "Missing required field: name")
		return
	}
	public := body.Public == nil || *body.Public
	if body.Collaborative && public {
		writeAPIError(w, http.StatusBadRequest, "Collaborative playlists can only be private.")
		return
	}
	scope := "playlist-modify-public"
	if !public {
		scope = "playlist-modify-private"
	}
	if !c.can(scope) {
		writeAPIError(w, http.StatusForbidden, "Insufficient client scope")
		return
	}
	s.mu.Lock()
	lib := s.playlists[c.user.ID]
	p := Playlist{
		ID:            spotifyID("created-playlist", c.user.ID, strconv.Itoa(len(lib)+1), *body.Name),
		Name:          *body.Name,
		OwnerID:       c.user.ID,
		OwnerName:     c.user.DisplayName,
		Description:   body.Description,
		Public:        public,
		Collaborative: body.Collaborative,
	}
	// A new slice: requests in flight read views of the old one.
	s.playlists[c.user.ID] = append([]Playlist{p}, lib...)
	both := s.transition
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, playlistJSON(p, apiBase(r), c, both))
}

// handleAddPlaylistItems serves POST /v1/playlists/{id}/items:
// {"uris": [...], "position": N} (or ?uris=a,b&position=N), at most 100
// spotify:track: or spotify:episode: URIs of the catalog, added by the owner
// or a collaborator (writablePlaylist).
func (s *Server) handleAddPlaylistItems(w http.ResponseWriter, r *http.Request, c *caller, id string) {
	var body struct {
		URIs     []string `json:"uris"`
		Position *int     `json:"position"`
	}
	if q := r.URL.Query(); q.Has("uris") {
		body.URIs = strings.Split(q.Get("uris"), ",")
		if q.Has("position") {
			n, err := strconv.Atoi(q.Get("position"))
			if err != nil {
				writeAPIError(w, http.StatusBadRequest, "Invalid position")
				return
			}
			body.Position = &n
		}
	} else if !jsonBody(w, r, &body) {
		return
	}
	a, ok := s.writablePlaylist(w, c, id)
	if !ok {
		return
	}
	switch {
	case len(body.URIs) == 0 || len(body.URIs) > 100:
		writeAPIError(w, http.StatusBadRequest, msgItemsLimit)
		return
	case body.Position != nil && (*body.Position < 0 || *body.Position > len(a.items)):
		writeAPIError(w, http.StatusBadRequest, "Index out of bounds")
		return
	}
	s.mu.Lock()
	var added []PlaylistItem
	for _, uri := range body.URIs {
		t, ok := s.playableLocked(uri)
		if !ok {
			s.mu.Unlock()
			writeAPIError(w, http.StatusBadRequest, msgInvalidBase62)
			return
		}
		added = append(added, PlaylistItem{Track: &t, AddedAt: s.now().UTC().Truncate(time.Second), AddedBy: c.user.ID})
	}
	ct := s.contentLocked()
	cur := ct.items[id]
	at := len(cur)
	if body.Position != nil {
		at = min(*body.Position, len(cur))
	}
	ct.items[id] = slices.Concat(cur[:at], added, cur[at:])
	s.setTrackCountLocked(id, len(ct.items[id]))
	s.mu.Unlock()
	s.writeSnapshot(w, http.StatusCreated, id)
}

// contentRoute routes the endpoints of items.go and catalog.go: it returns
// the handler of a path and the method it takes, or nil.
func (s *Server) contentRoute(path, method string) (func(http.ResponseWriter, *http.Request, *caller), string) {
	if path == "/v1/search" {
		return s.handleSearch, http.MethodGet
	}
	if h, m := s.editRoute(path, method); h != nil {
		return h, m
	}
	if h, m := s.savedLibraryRoute(path, method); h != nil {
		return h, m
	}
	parts := strings.Split(strings.TrimPrefix(path, "/v1/"), "/")
	switch {
	case len(parts) == 2 && parts[0] == "playlists" && parts[1] != "":
		return func(w http.ResponseWriter, r *http.Request, c *caller) { s.handlePlaylist(w, r, c, parts[1]) }, http.MethodGet
	case len(parts) == 2 && parts[0] == "tracks" && parts[1] != "":
		return func(w http.ResponseWriter, r *http.Request, c *caller) { s.handleTrack(w, r, c, parts[1]) }, http.MethodGet
	case len(parts) == 3 && parts[0] == "playlists" && (parts[2] == "items" || parts[2] == "tracks"):
		legacy := parts[2] == "tracks"
		return func(w http.ResponseWriter, r *http.Request, c *caller) {
			s.handlePlaylistItems(w, r, c, parts[1], legacy)
		}, http.MethodGet
	}
	return nil, ""
}
