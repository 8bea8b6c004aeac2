package spotifytest

import (
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The user's library: saved tracks (Liked Songs), albums, shows and episodes,
// paged by offset and listed newest first, and followed artists, paged by
// cursor. The state lives in Server.lib, guarded by Server.mu; every change
// replaces a user's slices instead of writing into them, so that a request in
// flight keeps reading the view it took.

// Album is a saved album.
type Album struct {
	ID          string // empty derives one from the name and artists
	Name        string
	Artists     []string
	ReleaseDate string // "2020-01-01" if empty
	Tracks      int    // total_tracks
	Label       string
}

// Show is a saved podcast show.
type Show struct {
	ID, Name, Publisher string // empty ID derives one from the name
	Episodes            int
}

// Artist is a followed artist.
type Artist struct {
	ID     string // empty derives one from the name, as tracks' artists do
	Name   string
	Genres []string
}

// Saved is one item of a user's library with the time it was saved. Exactly
// one of Track (a Liked Song or, with Episode set, a saved episode), Album and
// Show is set.
type Saved struct {
	Track   *Track
	Album   *Album
	Show    *Show
	AddedAt time.Time
}

// library is one user's saved items, each list newest first, and followed
// artists in the order followed.
type library struct {
	tracks, albums, shows, episodes []Saved
	artists                         []Artist
}

// libraryLocked returns userID's library, made on first use; s.mu must be
// held.
func (s *Server) libraryLocked(userID string) *library {
	if s.lib == nil {
		s.lib = map[string]*library{}
	}
	l := s.lib[userID]
	if l == nil {
		l = &library{}
		s.lib[userID] = l
	}
	return l
}

// Save adds items to userID's library, each to the list its kind belongs to,
// kept newest first (a zero AddedAt means now). Tracks and episodes join the
// catalog. It panics on an item with none or several of Track, Album and
// Show, a bug in the test.
func (s *Server) Save(userID string, items ...Saved) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.libraryLocked(userID)
	tracks, albums, shows, episodes := slices.Clone(l.tracks), slices.Clone(l.albums), slices.Clone(l.shows), slices.Clone(l.episodes)
	for _, it := range items {
		if it.AddedAt.IsZero() {
			it.AddedAt = s.now().UTC().Truncate(time.Second)
		}
		switch {
		case it.Track != nil && it.Album == nil && it.Show == nil:
			t := s.addTrackLocked(*it.Track)
			it.Track = &t
			if t.Episode {
				episodes = append(episodes, it)
			} else {
				tracks = append(tracks, it)
			}
		case it.Album != nil && it.Track == nil && it.Show == nil:
			a := *it.Album
			if a.ID == "" {
				a.ID = spotifyID("album", a.Name, strings.Join(a.Artists, ","))
			}
			a.Artists = slices.Clone(a.Artists)
			it.Album = &a
			albums = append(albums, it)
		case it.Show != nil && it.Track == nil && it.Album == nil:
			sh := *it.Show
			if sh.ID == "" {
				sh.ID = spotifyID("show", sh.Name)
			}
			it.Show = &sh
			shows = append(shows, it)
		default:
			panic("spotifytest: Save: an item needs exactly one of Track, Album and Show")
		}
	}
	newestFirst := func(a, b Saved) int { return b.AddedAt.Compare(a.AddedAt) }
	for _, list := range [][]Saved{tracks, albums, shows, episodes} {
		slices.SortStableFunc(list, newestFirst)
	}
	l.tracks, l.albums, l.shows, l.episodes = tracks, albums, shows, episodes
}

// Unsave removes the items with these Spotify URIs (spotify:track:ID,
// spotify:album:ID, spotify:show:ID, spotify:episode:ID) from userID's
// library.
func (s *Server) Unsave(userID string, uris ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.libraryLocked(userID)
	drop := func(list []Saved) []Saved {
		return slices.DeleteFunc(slices.Clone(list), func(it Saved) bool { return slices.Contains(uris, savedURI(it)) })
	}
	l.tracks, l.albums, l.shows, l.episodes = drop(l.tracks), drop(l.albums), drop(l.shows), drop(l.episodes)
}

func savedURI(it Saved) string {
	switch {
	case it.Track != nil && it.Track.Episode:
		return "spotify:episode:" + it.Track.ID
	case it.Track != nil:
		return "spotify:track:" + it.Track.ID
	case it.Album != nil:
		return "spotify:album:" + it.Album.ID
	case it.Show != nil:
		return "spotify:show:" + it.Show.ID
	}
	return ""
}

// Follow adds artists to the ones userID follows, after those followed
// already.
func (s *Server) Follow(userID string, artists ...Artist) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.libraryLocked(userID)
	list := slices.Clone(l.artists)
	for _, a := range artists {
		if a.ID == "" {
			a.ID = spotifyID("artist", a.Name)
		}
		a.Genres = slices.Clone(a.Genres)
		list = append(list, a)
	}
	l.artists = list
}

// generatedEpoch is when generated library items start being saved; item i
// is saved i hours later, so the newest is the one generated last.
var generatedEpoch = time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)

// GenerateLikedSongs saves n deterministic tracks to userID's Liked Songs,
// named "Liked 00001" onwards (numbering continues from the list's size),
// each saved an hour after the one before, with derived IDs and ISRCs.
func (s *Server) GenerateLikedSongs(userID string, n int) {
	s.generate(userID, n, func(l *library) int { return len(l.tracks) }, func(i int) Saved {
		return Saved{Track: &Track{
			ID:         spotifyID("liked-track", userID, strconv.Itoa(i)),
			Name:       fmt.Sprintf("Liked %05d", i),
			Artists:    []string{fmt.Sprintf("Artist %d", i%11+1)},
			Album:      fmt.Sprintf("Album %d", i%13+1),
			DurationMS: 150_000 + i*7919%200_000,
		}}
	})
}

// GenerateSavedAlbums saves n deterministic albums, "Saved Album 0001" onwards.
func (s *Server) GenerateSavedAlbums(userID string, n int) {
	s.generate(userID, n, func(l *library) int { return len(l.albums) }, func(i int) Saved {
		return Saved{Album: &Album{
			ID:      spotifyID("saved-album", userID, strconv.Itoa(i)),
			Name:    fmt.Sprintf("Saved Album %04d", i),
			Artists: []string{fmt.Sprintf("Artist %d", i%11+1)},
			Tracks:  8 + i%9,
			Label:   "Label " + strconv.Itoa(i%3+1),
		}}
	})
}

// GenerateSavedShows saves n deterministic shows, "Show 0001" onwards.
func (s *Server) GenerateSavedShows(userID string, n int) {
	s.generate(userID, n, func(l *library) int { return len(l.shows) }, func(i int) Saved {
		return Saved{Show: &Show{
			ID:        spotifyID("saved-show", userID, strconv.Itoa(i)),
			Name:      fmt.Sprintf("Show %04d", i),
			Publisher: "Publisher " + strconv.Itoa(i%4+1),
			Episodes:  10 + i%50,
		}}
	})
}

// GenerateSavedEpisodes saves n deterministic episodes, "Episode 0001"
// onwards, of "Show 1" to "Show 5".
func (s *Server) GenerateSavedEpisodes(userID string, n int) {
	s.generate(userID, n, func(l *library) int { return len(l.episodes) }, func(i int) Saved {
		return Saved{Track: &Track{
			ID:         spotifyID("saved-episode", userID, strconv.Itoa(i)),
			Name:       fmt.Sprintf("Episode %04d", i),
			Show:       fmt.Sprintf("Show %d", i%5+1),
			DurationMS: 1_200_000 + i*7919%2_400_000,
			Episode:    true,
		}}
	})
}

// GenerateFollowedArtists follows n deterministic artists, "Followed Artist
// 0001" onwards.
func (s *Server) GenerateFollowedArtists(userID string, n int) {
	s.mu.Lock()
	start := len(s.libraryLocked(userID).artists)
	s.mu.Unlock()
	artists := make([]Artist, 0, n)
	for i := start + 1; i <= start+n; i++ {
		artists = append(artists, Artist{
			ID:     spotifyID("followed-artist", userID, strconv.Itoa(i)),
			Name:   fmt.Sprintf("Followed Artist %04d", i),
			Genres: []string{"genre " + strconv.Itoa(i%6+1)},
		})
	}
	s.Follow(userID, artists...)
}

func (s *Server) generate(userID string, n int, size func(*library) int, item func(i int) Saved) {
	s.mu.Lock()
	start := size(s.libraryLocked(userID))
	s.mu.Unlock()
	items := make([]Saved, 0, n)
	for i := start + 1; i <= start+n; i++ {
		it := item(i)
		it.AddedAt = generatedEpoch.Add(time.Duration(i) * time.Hour)
		items = append(items, it)
	}
	s.Save(userID, items...)
}

// RemovePlaylist takes a playlist out of userID's library, as unfollowing
// (or deleting) it does.
func (s *Server) RemovePlaylist(userID, playlistID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.playlists[userID] = slices.DeleteFunc(slices.Clone(s.playlists[userID]), func(p Playlist) bool { return p.ID == playlistID })
}

// RenamePlaylist renames a playlist in every library, which gives it a new
// snapshot_id.
func (s *Server) RenamePlaylist(playlistID, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for user, lib := range s.playlists {
		if i := slices.IndexFunc(lib, func(p Playlist) bool { return p.ID == playlistID }); i >= 0 {
			lib = slices.Clone(lib)
			lib[i].Name = name
			s.playlists[user] = lib
		}
	}
}

// libraryRoute routes the library's endpoints; it returns nil for a path
// that is not one of them.
func (s *Server) libraryRoute(path string) func(http.ResponseWriter, *http.Request, *caller) {
	switch path {
	case "/v1/me/tracks":
		return s.savedHandler("track", func(l *library) []Saved { return l.tracks })
	case "/v1/me/albums":
		return s.savedHandler("album", func(l *library) []Saved { return l.albums })
	case "/v1/me/shows":
		return s.savedHandler("show", func(l *library) []Saved { return l.shows })
	case "/v1/me/episodes":
		return s.savedHandler("episode", func(l *library) []Saved { return l.episodes })
	case "/v1/me/following":
		return s.handleFollowing
	}
	return nil
}

// savedHandler serves GET /v1/me/{tracks,albums,shows,episodes}: offset
// pages (limit 1–50, default 20) of {"added_at", key: object}, newest first,
// with the user-library-read scope (saved episodes also take
// user-read-playback-position, as Spotify's reference says).
func (s *Server) savedHandler(key string, list func(*library) []Saved) func(http.ResponseWriter, *http.Request, *caller) {
	return func(w http.ResponseWriter, r *http.Request, c *caller) {
		if !c.hasUser {
			writeAPIError(w, http.StatusUnauthorized, msgUserRequired)
			return
		}
		if !c.can("user-library-read") {
			writeAPIError(w, http.StatusForbidden, "Insufficient client scope")
			return
		}
		limit, offset, ok := pageParams(w, r.URL.Query(), 20, 50, -1)
		if !ok {
			return
		}
		s.mu.Lock()
		all := list(s.libraryLocked(c.user.ID))
		s.mu.Unlock()
		base := apiBase(r)
		items := []any{}
		if offset < len(all) {
			for _, it := range all[offset:min(offset+limit, len(all))] {
				items = append(items, savedJSON(it, key, base, c.devMode))
			}
		}
		writeJSON(w, http.StatusOK, pageJSON(r, base+"/me/"+key+"s", items, offset, limit, len(all)))
	}
}

func savedJSON(it Saved, key, base string, devMode bool) map[string]any {
	var obj any
	switch {
	case it.Track != nil:
		obj = trackJSON(*it.Track, base)
	case it.Album != nil:
		obj = albumJSON(*it.Album, base, devMode)
	case it.Show != nil:
		obj = showJSON(*it.Show, base)
	}
	return map[string]any{"added_at": it.AddedAt.UTC().Format(time.RFC3339), key: obj}
}

func artistRef(name, base string) map[string]any {
	id := spotifyID("artist", name)
	return map[string]any{
		"external_urls": externalURLs{"https://open.spotify.com/artist/" + id},
		"href":          base + "/artists/" + id,
		"id":            id,
		"name":          name,
		"type":          "artist",
		"uri":           "spotify:artist:" + id,
	}
}

// albumJSON is Spotify's album object as a saved album carries it; since
// February 2026 development-mode apps get no label, popularity or
// external_ids.
func albumJSON(a Album, base string, devMode bool) map[string]any {
	artists := []any{}
	for _, name := range a.Artists {
		artists = append(artists, artistRef(name, base))
	}
	release := a.ReleaseDate
	if release == "" {
		release = "2020-01-01"
	}
	href := base + "/albums/" + a.ID
	obj := map[string]any{
		"album_type":             "album",
		"artists":                artists,
		"copyrights":             []any{},
		"external_urls":          externalURLs{"https://open.spotify.com/album/" + a.ID},
		"genres":                 []any{},
		"href":                   href,
		"id":                     a.ID,
		"images":                 []any{map[string]any{"url": "https://i.scdn.co/image/" + a.ID, "height": 640, "width": 640}},
		"name":                   a.Name,
		"release_date":           release,
		"release_date_precision": "day",
		"total_tracks":           a.Tracks,
		"tracks": map[string]any{
			"href": href + "/tracks?offset=0&limit=50", "items": []any{}, "limit": 50, "next": nil,
			"offset": 0, "previous": nil, "total": a.Tracks,
		},
		"type": "album",
		"uri":  "spotify:album:" + a.ID,
	}
	if !devMode {
		obj["label"] = a.Label
		obj["popularity"] = 0
		obj["external_ids"] = map[string]any{"upc": "00" + strings.ToUpper(a.ID[:10])}
	}
	return obj
}

func showJSON(sh Show, base string) map[string]any {
	return map[string]any{
		"description":          "",
		"explicit":             false,
		"external_urls":        externalURLs{"https://open.spotify.com/show/" + sh.ID},
		"href":                 base + "/shows/" + sh.ID,
		"id":                   sh.ID,
		"images":               []any{},
		"is_externally_hosted": false,
		"languages":            []string{"en"},
		"media_type":           "audio",
		"name":                 sh.Name,
		"publisher":            sh.Publisher,
		"total_episodes":       sh.Episodes,
		"type":                 "show",
		"uri":                  "spotify:show:" + sh.ID,
	}
}

// handleFollowing serves GET /v1/me/following?type=artist: cursor pages
// (limit 1–50, default 20; after = the last artist ID of the page before)
// under "artists", with the user-follow-read scope. Development-mode apps
// get no followers or popularity.
func (s *Server) handleFollowing(w http.ResponseWriter, r *http.Request, c *caller) {
	if !c.hasUser {
		writeAPIError(w, http.StatusUnauthorized, msgUserRequired)
		return
	}
	q := r.URL.Query()
	if q.Get("type") != "artist" {
		writeAPIError(w, http.StatusBadRequest, "Bad type field, only artist is supported")
		return
	}
	if !c.can("user-follow-read") {
		writeAPIError(w, http.StatusForbidden, "Insufficient client scope")
		return
	}
	limit, ok := intParam(q.Get("limit"), 20)
	if !ok || limit < 1 || limit > 50 {
		writeAPIError(w, http.StatusBadRequest, "Invalid limit")
		return
	}
	s.mu.Lock()
	all := s.libraryLocked(c.user.ID).artists
	s.mu.Unlock()
	start := 0
	if after := q.Get("after"); after != "" {
		i := slices.IndexFunc(all, func(a Artist) bool { return a.ID == after })
		if i < 0 {
			writeAPIError(w, http.StatusBadRequest, "Invalid after cursor")
			return
		}
		start = i + 1
	}
	base := apiBase(r)
	items := []any{}
	end := min(start+limit, len(all))
	for _, a := range all[start:end] {
		obj := map[string]any{
			"external_urls": externalURLs{"https://open.spotify.com/artist/" + a.ID},
			"genres":        append([]string{}, a.Genres...),
			"href":          base + "/artists/" + a.ID,
			"id":            a.ID,
			"images":        []any{},
			"name":          a.Name,
			"type":          "artist",
			"uri":           "spotify:artist:" + a.ID,
		}
		if !c.devMode {
			obj["followers"] = followers{Total: 1000}
			obj["popularity"] = 50
		}
		items = append(items, obj)
	}
	link := func(after string) string {
		v := fmt.Sprintf("%s/me/following?type=artist&limit=%d", base, limit)
		if after != "" {
			v += "&after=" + after
		}
		return v
	}
	var next, cursor any
	if end < len(all) {
		last := all[end-1].ID
		next, cursor = link(last), last
	}
	writeJSON(w, http.StatusOK, map[string]any{"artists": map[string]any{
		"href":    link(q.Get("after")),
		"items":   items,
		"limit":   limit,
		"next":    next,
		"cursors": map[string]any{"after": cursor, "before": nil},
		"total":   len(all),
	}})
}

// RateWindow limits each app to Requests API requests in any Per (30 s by
// default, as Spotify's rolling window): a request beyond that is answered
// 429 with the whole seconds until the window has room again.
type RateWindow struct {
	Requests int
	Per      time.Duration
}

// SetRateWindow sets or (with Requests 0) removes the rolling window.
func (s *Server) SetRateWindow(w RateWindow) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if w.Per <= 0 {
		w.Per = 30 * time.Second
	}
	s.window = w
	s.windowLog = nil
}

// windowLocked takes a slot of the rolling window for the app whose token r
// carries, or reports how many seconds it must wait; s.mu must be held. The
// window counts answered requests only: a request refused with 429 takes no
// slot. Requests without a known token count for the app "".
func (s *Server) windowLocked(r *http.Request, now time.Time) (limited bool, retryAfter int) {
	if s.window.Requests <= 0 {
		return false, 0
	}
	app := ""
	if _, tok, ok := strings.Cut(r.Header.Get("Authorization"), " "); ok {
		if at := s.accessTokens[tok]; at != nil {
			app = at.grant.clientID
		}
	}
	if s.windowLog == nil {
		s.windowLog = map[string][]time.Time{}
	}
	log := s.windowLog[app]
	cut := 0
	for cut < len(log) && !now.Before(log[cut].Add(s.window.Per)) {
		cut++
	}
	log = log[cut:]
	if len(log) >= s.window.Requests {
		s.windowLog[app] = log
		wait := log[len(log)-s.window.Requests].Add(s.window.Per).Sub(now)
		return true, max(1, int(math.Ceil(wait.Seconds())))
	}
	s.windowLog[app] = append(log, now)
	return false, 0
}
