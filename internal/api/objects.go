package api

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"
)

// Spotify's objects, decoded once with their quirks, so that a command reads
// fields instead of guessing at shapes. The rules they follow:
//
//   - A null where an object is expected decodes to a nil pointer, never to a
//     zero struct: lists hold []*T, and Decode returns nil for "null". A
//     decoder never invents a field Spotify did not send.
//   - A string Spotify may send as null or leave out ("display_name", a local
//     file's "id") is "" then; a number or flag whose absence means something
//     (a count, "public") is a pointer.
//   - Old and new names are both read: a playlist's "items" (2026) or "tracks",
//     an entry's "item" (2026) or "track"; the new one wins when both came.
//
// The objects keep only what spotcli reads; commands that print JSON print
// Spotify's bytes, not these.

// Decode decodes one object of Spotify's; a JSON null gives nil and no error.
func Decode[T any](raw []byte) (*T, error) {
	if isNullJSON(raw) {
		return nil, nil
	}
	v := new(T)
	if err := json.Unmarshal(raw, v); err != nil {
		return nil, err
	}
	return v, nil
}

func isNullJSON(raw []byte) bool {
	s := bytes.TrimSpace(raw)
	return len(s) == 0 || string(s) == "null"
}

// Image is one size of a cover or profile picture; Spotify sends null sizes
// for some.
type Image struct {
	URL    string `json:"url"`
	Width  *int   `json:"width"`
	Height *int   `json:"height"`
}

// Followers is an object's follower count. Development-mode apps no longer
// get it (February 2026): the pointer to it is nil then.
type Followers struct {
	Total int `json:"total"`
}

// ExternalURLs are an object's links outside the API; a local file has none.
type ExternalURLs struct {
	Spotify string `json:"spotify"`
}

// User is a Spotify user: /v1/me, a playlist's owner, an entry's added_by.
// DisplayName is "" when Spotify sends null (an account without one) or
// nothing; Email, Country and Product are "" when the app may not see them
// (no scope, or a development-mode app since February 2026), and Followers
// is nil then.
type User struct {
	ID           string       `json:"id"`
	DisplayName  string       `json:"display_name"`
	Email        string       `json:"email"`
	Country      string       `json:"country"`
	Product      string       `json:"product"`
	Followers    *Followers   `json:"followers"`
	Images       []*Image     `json:"images"`
	ExternalURLs ExternalURLs `json:"external_urls"`
	URIValue     string       `json:"uri"`
	// Raw is the answer of /v1/me as Spotify sent it (set by Client.Me).
	Raw json.RawMessage `json:"-"`
}

// URI is the user's spotify:user: URI.
func (u *User) URI() string {
	if u.URIValue == "" && u.ID != "" {
		return "spotify:user:" + u.ID
	}
	return u.URIValue
}

// Name is the display name, or the ID when the user has none.
func (u *User) Name() string {
	if u.DisplayName != "" {
		return u.DisplayName
	}
	return u.ID
}

// Cursors are the position of a cursor page (followed artists, recently
// played), which has no offsets.
type Cursors struct {
	After  string `json:"after"`
	Before string `json:"before"`
}

// Page is one page of a paged collection, at the top level of an answer or
// embedded in an object (a playlist's entries, an album's tracks). Items
// keeps Spotify's null entries as nil. A count without items (a playlist's
// {"href", "total"} in a list of playlists) is a Page with Items nil.
type Page[T any] struct {
	Href     string   `json:"href"`
	Items    []*T     `json:"items"`
	Limit    int      `json:"limit"`
	Offset   int      `json:"offset"`
	Total    *int     `json:"total"`
	Next     string   `json:"next"`
	Previous string   `json:"previous"`
	Cursors  *Cursors `json:"cursors"`
}

// Nulls counts the entries Spotify sent as null.
func (p *Page[T]) Nulls() int {
	n := 0
	for _, it := range p.Items {
		if it == nil {
			n++
		}
	}
	return n
}

// Artist is an artist, full or simplified. A local file's artists have a name
// and nothing else.
type Artist struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	URIValue   string     `json:"uri"`
	Genres     []string   `json:"genres"`
	Followers  *Followers `json:"followers"`
	Popularity *int       `json:"popularity"`
	Images     []*Image   `json:"images"`
}

// URI is the artist's spotify:artist: URI, "" for a local file's artist.
func (a *Artist) URI() string { return a.URIValue }

// Album is an album, full or simplified. A full album embeds the first page
// of its tracks.
type Album struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	AlbumType   string    `json:"album_type"`
	Artists     []*Artist `json:"artists"`
	ReleaseDate string    `json:"release_date"`
	// ReleaseDatePrecision is "year", "month" or "day": how much of
	// ReleaseDate is known.
	ReleaseDatePrecision string       `json:"release_date_precision"`
	TotalTracks          *int         `json:"total_tracks"`
	Label                string       `json:"label"`
	Images               []*Image     `json:"images"`
	URIValue             string       `json:"uri"`
	Tracks               *Page[Track] `json:"tracks"`
	ExternalIDs          ExternalIDs  `json:"external_ids"`
}

// URI is the album's spotify:album: URI.
func (a *Album) URI() string { return a.URIValue }

// ArtistNames are the album's artists' names.
func (a *Album) ArtistNames() []string { return artistNames(a.Artists) }

// ExternalIDs are a track's or album's codes outside Spotify.
type ExternalIDs struct {
	ISRC string `json:"isrc"`
	UPC  string `json:"upc"`
	EAN  string `json:"ean"`
}

// Track is a track, or a local file (IsLocal: no ID, a spotify:local: URI).
// Without additional_types=episode, Spotify sends an episode in a playlist
// as a track with "episode": true.
type Track struct {
	ID          string      `json:"id"`
	Name        string      `json:"name"`
	Artists     []*Artist   `json:"artists"`
	Album       *Album      `json:"album"`
	DurationMS  *int64      `json:"duration_ms"`
	Explicit    bool        `json:"explicit"`
	DiscNumber  int         `json:"disc_number"`
	TrackNumber int         `json:"track_number"`
	Popularity  *int        `json:"popularity"`
	IsLocal     bool        `json:"is_local"`
	IsPlayable  *bool       `json:"is_playable"`
	Episode     bool        `json:"episode"`
	ExternalIDs ExternalIDs `json:"external_ids"`
	URIValue    string      `json:"uri"`
	Type        string      `json:"type"`
}

// Local reports whether the track is a file from the user's disk.
func (t *Track) Local() bool {
	return t.IsLocal || strings.HasPrefix(t.URIValue, "spotify:local:")
}

// SpotifyID is the track's ID, "" for a local file (whose "id" is null).
func (t *Track) SpotifyID() string {
	if t.Local() {
		return ""
	}
	return t.ID
}

// URI is the track's spotify:track: or spotify:local: URI.
func (t *Track) URI() string { return t.URIValue }

// ArtistNames are the track's artists' names.
func (t *Track) ArtistNames() []string { return artistNames(t.Artists) }

// Show is a podcast, full or simplified. A full show embeds the first page
// of its episodes.
type Show struct {
	ID            string         `json:"id"`
	Name          string         `json:"name"`
	Publisher     string         `json:"publisher"`
	Description   string         `json:"description"`
	MediaType     string         `json:"media_type"`
	TotalEpisodes *int           `json:"total_episodes"`
	Images        []*Image       `json:"images"`
	URIValue      string         `json:"uri"`
	Episodes      *Page[Episode] `json:"episodes"`
}

// URI is the show's spotify:show: URI.
func (s *Show) URI() string { return s.URIValue }

// Episode is a podcast episode. Show is nil where Spotify leaves it out (a
// show's own list of episodes).
type Episode struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	DurationMS  *int64 `json:"duration_ms"`
	ReleaseDate string `json:"release_date"`
	Explicit    bool   `json:"explicit"`
	Show        *Show  `json:"show"`
	URIValue    string `json:"uri"`
	ResumePoint *struct {
		FullyPlayed      bool   `json:"fully_played"`
		ResumePositionMS *int64 `json:"resume_position_ms"`
	} `json:"resume_point"`
}

// URI is the episode's spotify:episode: URI.
func (e *Episode) URI() string { return e.URIValue }

// Kinds of Playable.
const (
	KindTrack   = "track"
	KindEpisode = "episode"
	KindLocal   = "local"
)

// Playable is what a playlist entry or the player holds: a track (perhaps a
// local file) or an episode, told apart by "type". Decoding sets exactly one
// of Track and Episode; the accessors give "" and nil on a zero Playable.
type Playable struct {
	Track   *Track
	Episode *Episode
}

// UnmarshalJSON reads a track or an episode by its "type".
func (p *Playable) UnmarshalJSON(b []byte) error {
	var head struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return err
	}
	*p = Playable{}
	if head.Type == "episode" {
		p.Episode = new(Episode)
		return json.Unmarshal(b, p.Episode)
	}
	p.Track = new(Track)
	return json.Unmarshal(b, p.Track)
}

// Kind is KindTrack, KindEpisode or KindLocal. An episode sent as a track
// (no additional_types) is KindEpisode too.
func (p *Playable) Kind() string {
	switch {
	case p.Track == nil && p.Episode == nil:
		return ""
	case p.Episode != nil:
		return KindEpisode
	case p.Track.Local():
		return KindLocal
	case p.Track.Episode || p.Track.Type == "episode":
		return KindEpisode
	}
	return KindTrack
}

// ID is the Spotify ID, "" for a local file.
func (p *Playable) ID() string {
	return either(p, func(e *Episode) string { return e.ID }, (*Track).SpotifyID)
}

// URI is the spotify:track:, spotify:episode: or spotify:local: URI.
func (p *Playable) URI() string { return either(p, (*Episode).URI, (*Track).URI) }

// Name is the track's or episode's name.
func (p *Playable) Name() string {
	return either(p, func(e *Episode) string { return e.Name }, func(t *Track) string { return t.Name })
}

// Artists are the track's artists' names; for an episode, its show's name
// (an episode sent as a track carries the show as its artist and album).
func (p *Playable) Artists() []string {
	if p.Episode != nil {
		if p.Episode.Show != nil && p.Episode.Show.Name != "" {
			return []string{p.Episode.Show.Name}
		}
		return nil
	}
	if p.Track == nil {
		return nil
	}
	return p.Track.ArtistNames()
}

// Duration is how long it plays; ok is false when Spotify did not say.
func (p *Playable) Duration() (d time.Duration, ok bool) {
	ms := p.durationMS()
	if ms == nil || *ms < 0 {
		return 0, false
	}
	return time.Duration(*ms) * time.Millisecond, true
}

func (p *Playable) durationMS() *int64 {
	return either(p, func(e *Episode) *int64 { return e.DurationMS }, func(t *Track) *int64 { return t.DurationMS })
}

// either is episode(p.Episode) or track(p.Track), whichever is set (the
// episode, should both be), or T's zero value on a zero Playable.
func either[T any](p *Playable, episode func(*Episode) T, track func(*Track) T) T {
	switch {
	case p.Episode != nil:
		return episode(p.Episode)
	case p.Track != nil:
		return track(p.Track)
	}
	var zero T
	return zero
}

func artistNames(as []*Artist) []string {
	names := make([]string, 0, len(as))
	for _, a := range as {
		if a != nil {
			names = append(names, a.Name)
		}
	}
	return names
}

// PlaylistEntry is one entry of a playlist. Item is what it plays, from
// "item" (2026) or "track" (before; both are sent during the change); nil
// when Spotify no longer has it (it sends null), while the entry keeps its
// place. AddedAt is Spotify's timestamp as sent, "" when null (very old
// playlists).
type PlaylistEntry struct {
	AddedAt string
	AddedBy *User
	IsLocal bool
	Item    *Playable
}

// UnmarshalJSON reads "item", or "track" when "item" is missing or null.
func (e *PlaylistEntry) UnmarshalJSON(b []byte) error {
	var w struct {
		AddedAt *string         `json:"added_at"`
		AddedBy *User           `json:"added_by"`
		IsLocal bool            `json:"is_local"`
		Item    json.RawMessage `json:"item"`
		Track   json.RawMessage `json:"track"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*e = PlaylistEntry{AddedBy: w.AddedBy, IsLocal: w.IsLocal}
	if w.AddedAt != nil {
		e.AddedAt = *w.AddedAt
	}
	raw := w.Item
	if isNullJSON(raw) {
		raw = w.Track
	}
	item, err := Decode[Playable](raw)
	if err != nil {
		return err
	}
	e.Item = item
	return nil
}

// Playlist is a playlist, as /v1/me/playlists lists it or /v1/playlists/{id}
// gives it. Entries is its "items" member (2026) or "tracks" (before; a 2026
// answer may carry both, and then "items" is the one read): in a list only a
// count (Entries.Items nil), in a single playlist the first page of entries.
// Public is nil when Spotify sends null.
type Playlist struct {
	ID            string
	Name          string
	Description   string
	Public        *bool
	Collaborative bool
	Owner         *User
	SnapshotID    string
	Images        []*Image
	Followers     *Followers
	URIValue      string
	Entries       *Page[PlaylistEntry]
	// EntriesKey is the member Entries came from: "items", "tracks" or "".
	EntriesKey string
}

// UnmarshalJSON reads a playlist, its entries from "items" or "tracks".
func (p *Playlist) UnmarshalJSON(b []byte) error {
	var w struct {
		ID            string               `json:"id"`
		Name          string               `json:"name"`
		Description   string               `json:"description"`
		Public        *bool                `json:"public"`
		Collaborative bool                 `json:"collaborative"`
		Owner         *User                `json:"owner"`
		SnapshotID    string               `json:"snapshot_id"`
		Images        []*Image             `json:"images"`
		Followers     *Followers           `json:"followers"`
		URI           string               `json:"uri"`
		Items         *Page[PlaylistEntry] `json:"items"`
		Tracks        *Page[PlaylistEntry] `json:"tracks"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*p = Playlist{
		ID: w.ID, Name: w.Name, Description: w.Description, Public: w.Public,
		Collaborative: w.Collaborative, Owner: w.Owner, SnapshotID: w.SnapshotID,
		Images: w.Images, Followers: w.Followers, URIValue: w.URI,
	}
	switch {
	case w.Items != nil:
		p.Entries, p.EntriesKey = w.Items, "items"
	case w.Tracks != nil:
		p.Entries, p.EntriesKey = w.Tracks, "tracks"
	}
	return nil
}

// URI is the playlist's spotify:playlist: URI.
func (p *Playlist) URI() string {
	if p.URIValue == "" && p.ID != "" {
		return "spotify:playlist:" + p.ID
	}
	return p.URIValue
}

// Count is the number of entries; ok is false when Spotify did not say.
func (p *Playlist) Count() (n int, ok bool) {
	if p.Entries == nil || p.Entries.Total == nil {
		return 0, false
	}
	return *p.Entries.Total, true
}

// OwnerID is the owner's user ID, "" when Spotify sent no owner.
func (p *Playlist) OwnerID() string {
	if p.Owner == nil {
		return ""
	}
	return p.Owner.ID
}

// Visibility is "collaborative", "public" or "private"; "" when Spotify
// sent "public": null and the playlist is not collaborative.
func (p *Playlist) Visibility() string {
	switch {
	case p.Collaborative:
		return "collaborative"
	case p.Public == nil:
		return ""
	case *p.Public:
		return "public"
	}
	return "private"
}

// Saved is an entry of the user's library (/v1/me/tracks, albums, shows,
// episodes): when it was saved, and the object, from whichever of "track",
// "album", "show", "episode", "audiobook" or "item" it came under. Item is
// nil when Spotify sent null there.
type Saved[T any] struct {
	AddedAt string
	Item    *T
}

// savedKeys are the members a saved entry's object may come under.
var savedKeys = []string{"item", "track", "album", "show", "episode", "audiobook"}

// UnmarshalJSON reads added_at and the one object beside it.
func (s *Saved[T]) UnmarshalJSON(b []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	*s = Saved[T]{}
	if raw, ok := m["added_at"]; ok && !isNullJSON(raw) {
		if err := json.Unmarshal(raw, &s.AddedAt); err != nil {
			return err
		}
	}
	for _, k := range savedKeys {
		if raw, ok := m[k]; ok && !isNullJSON(raw) {
			item, err := Decode[T](raw)
			if err != nil {
				return err
			}
			s.Item = item
			return nil
		}
	}
	return nil
}

// Device is a Spotify Connect device. ID is "" when Spotify sends null (a
// restricted device); VolumePercent is nil when the device has no volume.
type Device struct {
	ID               string `json:"id"`
	Name             string `json:"name"`
	Type             string `json:"type"`
	IsActive         bool   `json:"is_active"`
	IsPrivateSession bool   `json:"is_private_session"`
	IsRestricted     bool   `json:"is_restricted"`
	SupportsVolume   *bool  `json:"supports_volume"`
	VolumePercent    *int   `json:"volume_percent"`
}

// Devices is the answer of /v1/me/player/devices.
type Devices struct {
	Devices []*Device `json:"devices"`
}

// PlayContext is what the player plays from: an album, a playlist, an
// artist or a show. The player sends null for none.
type PlayContext struct {
	Type     string `json:"type"`
	Href     string `json:"href"`
	URIValue string `json:"uri"`
}

// URI is the context's URI.
func (c *PlayContext) URI() string { return c.URIValue }

// PlaybackState is the answer of /v1/me/player and
// /v1/me/player/currently-playing. Item is nil when nothing plays (or an ad
// does); Device is nil on currently-playing, which has none.
type PlaybackState struct {
	Device               *Device      `json:"device"`
	ShuffleState         bool         `json:"shuffle_state"`
	RepeatState          string       `json:"repeat_state"`
	Timestamp            int64        `json:"timestamp"`
	Context              *PlayContext `json:"context"`
	ProgressMS           *int64       `json:"progress_ms"`
	IsPlaying            bool         `json:"is_playing"`
	Item                 *Playable    `json:"item"`
	CurrentlyPlayingType string       `json:"currently_playing_type"`
}

// Queue is the answer of /v1/me/player/queue.
type Queue struct {
	CurrentlyPlaying *Playable   `json:"currently_playing"`
	Queue            []*Playable `json:"queue"`
}

// PlayHistory is an entry of /v1/me/player/recently-played.
type PlayHistory struct {
	Track    *Track       `json:"track"`
	PlayedAt string       `json:"played_at"`
	Context  *PlayContext `json:"context"`
}

// SearchResults is the answer of /v1/search: one page for each type asked,
// nil for the others. Search pages hold null entries too (unavailable
// playlists).
type SearchResults struct {
	Tracks    *Page[Track]    `json:"tracks"`
	Artists   *Page[Artist]   `json:"artists"`
	Albums    *Page[Album]    `json:"albums"`
	Playlists *Page[Playlist] `json:"playlists"`
	Shows     *Page[Show]     `json:"shows"`
	Episodes  *Page[Episode]  `json:"episodes"`
}

// FollowedArtists is the answer of /v1/me/following?type=artist: a cursor
// page under "artists".
type FollowedArtists struct {
	Artists *Page[Artist] `json:"artists"`
}
