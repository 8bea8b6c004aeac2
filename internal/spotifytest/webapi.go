package spotifytest

import (
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Web API error messages clients may match on.
const (
	msgInvalidToken = "Invalid access token"
	msgExpiredToken = "The access token expired"
	msgUserRequired = "This request requires user authentication."
	msgNotFound     = "Service not found"
)

// Playlist is a playlist in a user's library. Empty ID and OwnerID are filled
// in by AddPlaylists; an empty OwnerName is the owner's display name.
type Playlist struct {
	ID, Name, OwnerID, OwnerName, Description string
	Public, Collaborative                     bool
	Tracks                                    int
	// Null is an entry Spotify lists as null (a deleted or unavailable
	// playlist, recorded in testdata/recorded): /me/playlists counts it in
	// its total and sends null in its place; nothing else finds it.
	Null bool
}

// AddPlaylists appends playlists to userID's library, in the order /me/playlists
// lists them.
func (s *Server) AddPlaylists(userID string, p ...Playlist) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, pl := range p {
		n := len(s.playlists[userID]) + 1
		if pl.OwnerID == "" {
			pl.OwnerID = userID
		}
		if pl.ID == "" {
			pl.ID = spotifyID("playlist", userID, strconv.Itoa(n), pl.Name)
		}
		s.playlists[userID] = append(s.playlists[userID], pl)
	}
}

// GeneratePlaylists appends n deterministic public playlists owned by userID,
// named "Playlist 0001" onwards (numbering continues from the library's size),
// with deterministic 22-character base62 IDs.
func (s *Server) GeneratePlaylists(userID string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	start := len(s.playlists[userID])
	for i := start + 1; i <= start+n; i++ {
		s.playlists[userID] = append(s.playlists[userID], Playlist{
			ID:          spotifyID("generated-playlist", userID, strconv.Itoa(i)),
			Name:        fmt.Sprintf("Playlist %04d", i),
			OwnerID:     userID,
			Description: fmt.Sprintf("Generated playlist number %d", i),
			Public:      true,
			Tracks:      i * 7 % 500,
		})
	}
}

// spotifyID derives a Spotify-looking ID (22 base62 characters) from parts,
// so that the same setup always yields the same IDs.
func spotifyID(parts ...string) string {
	const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	id := make([]byte, 22)
	for i := range id {
		id[i] = alphabet[int(sum[i])%len(alphabet)]
	}
	return string(id)
}

// caller is what an access token says about the request, copied out of the
// server's state so the answer can be built without holding the lock.
type caller struct {
	user      User
	hasUser   bool
	scopes    []string
	devMode   bool
	playlists []Playlist
	// ownerName finds a playlist owner's display name (locking the server).
	ownerName func(id string) string
}

func (c *caller) can(scope string) bool { return slices.Contains(c.scopes, scope) }

type apiError struct {
	status  int
	message string
}

func (s *Server) handleAPI(w http.ResponseWriter, r *http.Request) {
	if rr, ok := s.recordedFor(r); ok {
		s.handleRecorded(w, r, rr)
		return
	}
	var handler func(http.ResponseWriter, *http.Request, *caller)
	method := http.MethodGet
	switch r.URL.Path {
	case "/v1/me":
		handler = s.handleMe
	case "/v1/me/playlists":
		handler = s.handleMyPlaylists
		if r.Method == http.MethodPost {
			handler, method = s.handleCreatePlaylist, http.MethodPost
		}
	default:
		// Playlist items, the catalog and search (items.go, catalog.go).
		if handler, method = s.playerOrContentRoute(r.URL.Path, r.Method); handler == nil {
			writeAPIError(w, http.StatusNotFound, msgNotFound)
			return
		}
	}
	if r.Method != method {
		writeAPIError(w, http.StatusMethodNotAllowed, "Method not allowed")
		return
	}
	c, aerr := s.authenticate(r)
	if aerr != nil {
		if aerr.status == http.StatusUnauthorized {
			// RFC 6750 §3: tell the client why its token was refused.
			w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm="spotify", error="invalid_token", error_description=%q`, aerr.message))
		}
		writeAPIError(w, aerr.status, aerr.message)
		return
	}
	handler(w, r, c)
}

// authenticate checks the Bearer token and snapshots what the handlers need.
func (s *Server) authenticate(r *http.Request) (*caller, *apiError) {
	scheme, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Bearer") || tok == "" {
		return nil, &apiError{http.StatusUnauthorized, msgInvalidToken}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	at, ok := s.accessTokens[tok]
	if !ok || at.grant.revoked {
		return nil, &apiError{http.StatusUnauthorized, msgInvalidToken}
	}
	if at.expired || !s.now().Before(at.expiresAt) {
		return nil, &apiError{http.StatusUnauthorized, msgExpiredToken}
	}
	g := at.grant
	c := &caller{scopes: g.scopes, devMode: s.apps[g.clientID].DevMode}
	if g.userID == "" {
		return c, nil
	}
	c.user, c.hasUser = s.users[g.userID]
	// A view with cap == len: AddPlaylists appends beyond it or reallocates,
	// never writing into what this request reads. Copying the library per
	// request under the lock made paging O(n²) and serialised every request.
	lib := s.playlists[g.userID]
	c.playlists = lib[:len(lib):len(lib)]
	c.ownerName = func(id string) string {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.users[id].DisplayName
	}
	return c, nil
}

type externalURLs struct {
	Spotify string `json:"spotify"`
}

type followers struct {
	Href  *string `json:"href"`
	Total int     `json:"total"`
}

type explicitContent struct {
	FilterEnabled bool `json:"filter_enabled"`
	FilterLocked  bool `json:"filter_locked"`
}

type userObject struct {
	AccountID       string           `json:"account_id"` // not in Spotify's docs: clients must pass unknown fields through
	Country         string           `json:"country,omitempty"`
	DisplayName     *string          `json:"display_name"`
	Email           string           `json:"email,omitempty"`
	ExplicitContent *explicitContent `json:"explicit_content,omitempty"`
	ExternalURLs    externalURLs     `json:"external_urls"`
	Followers       *followers       `json:"followers,omitempty"` // not for development-mode apps since 2026
	Href            string           `json:"href"`
	ID              string           `json:"id"`
	Images          []any            `json:"images"`
	Product         string           `json:"product,omitempty"`
	Type            string           `json:"type"`
	URI             string           `json:"uri"`
}

func (s *Server) handleMe(w http.ResponseWriter, r *http.Request, c *caller) {
	if !c.hasUser {
		writeAPIError(w, http.StatusUnauthorized, msgUserRequired)
		return
	}
	u := c.user
	me := userObject{
		AccountID:    spotifyID("account", u.ID),
		DisplayName:  nullable(u.DisplayName),
		ExternalURLs: externalURLs{"https://open.spotify.com/user/" + u.ID},
		Href:         apiBase(r) + "/users/" + u.ID,
		ID:           u.ID,
		Images:       []any{},
		Type:         "user",
		URI:          "spotify:user:" + u.ID,
	}
	if !c.devMode {
		me.Followers = &followers{}
	}
	// Development-mode apps never see private account details, whatever
	// scopes the user granted.
	if c.can("user-read-email") && !c.devMode {
		me.Email = u.Email
	}
	if c.can("user-read-private") {
		me.ExplicitContent = &explicitContent{}
		if !c.devMode {
			me.Country, me.Product = u.Country, u.Product
		}
	}
	writeJSON(w, http.StatusOK, me)
}

type countRef struct {
	Href  string `json:"href"`
	Total int    `json:"total"`
}

type ownerObject struct {
	DisplayName  *string      `json:"display_name"`
	ExternalURLs externalURLs `json:"external_urls"`
	Href         string       `json:"href"`
	ID           string       `json:"id"`
	Type         string       `json:"type"`
	URI          string       `json:"uri"`
}

type playlistObject struct {
	Collaborative bool         `json:"collaborative"`
	Description   string       `json:"description"`
	ExternalURLs  externalURLs `json:"external_urls"`
	Href          string       `json:"href"`
	ID            string       `json:"id"`
	Images        []any        `json:"images"`
	Name          string       `json:"name"`
	Owner         ownerObject  `json:"owner"`
	PrimaryColor  *string      `json:"primary_color"`
	Public        bool         `json:"public"`
	SnapshotID    string       `json:"snapshot_id"`
	// Development-mode apps get "items", everyone else "tracks"; both
	// during the transition (Server.SetTransitionShapes). A single
	// playlist (GET /v1/playlists/{id}) embeds a page there (*pageObject),
	// a list a count (*countRef).
	Tracks any    `json:"tracks,omitempty"`
	Items  any    `json:"items,omitempty"`
	Type   string `json:"type"`
	URI    string `json:"uri"`
}

type paging struct {
	Href     string            `json:"href"`
	Items    []*playlistObject `json:"items"` // nil entries are sent as null
	Limit    int               `json:"limit"`
	Next     *string           `json:"next"`
	Offset   int               `json:"offset"`
	Previous *string           `json:"previous"`
	Total    int               `json:"total"`
}

func (s *Server) handleMyPlaylists(w http.ResponseWriter, r *http.Request, c *caller) {
	if !c.hasUser {
		writeAPIError(w, http.StatusUnauthorized, msgUserRequired)
		return
	}
	q := r.URL.Query()
	limit, offset, ok := pageParams(w, q, 20, 50, -1)
	if !ok {
		return
	}

	// Count what the token may see, keeping only this page's playlists:
	// copying a large library for every page made benchmarks measure the fake.
	var onPage []Playlist
	total := 0
	readCollab, readPrivate := c.can("playlist-read-collaborative"), c.can("playlist-read-private")
	for _, p := range c.playlists {
		switch {
		case p.Null:
		case p.Collaborative && !readCollab, !p.Collaborative && !p.Public && !readPrivate:
			continue
		}
		if total >= offset && total < offset+limit {
			onPage = append(onPage, p)
		}
		total++
	}

	base := apiBase(r)
	pageURL := func(off int) string {
		return fmt.Sprintf("%s/me/playlists?offset=%d&limit=%d", base, off, limit)
	}
	page := paging{
		Href:   pageURL(offset),
		Items:  []*playlistObject{},
		Limit:  limit,
		Offset: offset,
		Total:  total,
	}
	if offset+limit < total {
		next := pageURL(offset + limit)
		page.Next = &next
	}
	if offset > 0 {
		prev := pageURL(max(0, offset-limit))
		page.Previous = &prev
	}
	for _, p := range onPage {
		if p.Null {
			page.Items = append(page.Items, nil)
			continue
		}
		obj := playlistJSON(p, base, c, s.transitionShapes())
		page.Items = append(page.Items, &obj)
	}
	writeJSON(w, http.StatusOK, page)
}

func playlistJSON(p Playlist, base string, c *caller, both bool) playlistObject {
	ownerName := p.OwnerName
	if ownerName == "" {
		ownerName = c.ownerName(p.OwnerID)
	}
	href := base + "/playlists/" + p.ID
	obj := playlistObject{
		Collaborative: p.Collaborative,
		Description:   p.Description,
		ExternalURLs:  externalURLs{"https://open.spotify.com/playlist/" + p.ID},
		Href:          href,
		ID:            p.ID,
		Images:        []any{},
		Name:          p.Name,
		Owner: ownerObject{
			DisplayName:  nullable(ownerName),
			ExternalURLs: externalURLs{"https://open.spotify.com/user/" + p.OwnerID},
			Href:         base + "/users/" + p.OwnerID,
			ID:           p.OwnerID,
			Type:         "user",
			URI:          "spotify:user:" + p.OwnerID,
		},
		Public:     p.Public,
		SnapshotID: spotifyID("snapshot", p.ID, p.Name, strconv.Itoa(p.Tracks)) + spotifyID("snapshot2", p.ID),
		Type:       "playlist",
		URI:        "spotify:playlist:" + p.ID,
	}
	if c.devMode || both {
		obj.Items = &countRef{Href: href + "/items", Total: p.Tracks}
	}
	if !c.devMode || both {
		obj.Tracks = &countRef{Href: href + "/tracks", Total: p.Tracks}
	}
	return obj
}

// intParam parses an optional integer query parameter.
func intParam(raw string, def int) (int, bool) {
	if raw == "" {
		return def, true
	}
	n, err := strconv.Atoi(raw)
	return n, err == nil
}

// apiBase is the absolute Web API base as the client reached it; Spotify's
// links are absolute, and the client must be able to follow them.
func apiBase(r *http.Request) string {
	return "http://" + r.Host + "/v1"
}

// nullable maps "" to JSON null, as Spotify does for missing names.
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// writeAPIError writes Spotify's Web API error body.
func writeAPIError(w http.ResponseWriter, status int, message string) {
	type body struct {
		Status  int    `json:"status"`
		Message string `json:"message"`
	}
	writeJSON(w, status, map[string]body{"error": {status, message}})
}

// pageParams reads limit (default def, 1..most) and offset (0..maxOffset, or
// unbounded when maxOffset < 0) as Spotify's paged endpoints do, answering
// 400 for a bad one.
func pageParams(w http.ResponseWriter, q url.Values, def, most, maxOffset int) (limit, offset int, ok bool) {
	limit, ok = intParam(q.Get("limit"), def)
	if !ok || limit < 1 || limit > most {
		writeAPIError(w, http.StatusBadRequest, "Invalid limit")
		return 0, 0, false
	}
	offset, ok = intParam(q.Get("offset"), 0)
	if !ok || offset < 0 || (maxOffset >= 0 && offset > maxOffset) {
		writeAPIError(w, http.StatusBadRequest, "Invalid offset")
		return 0, 0, false
	}
	return limit, offset, true
}
