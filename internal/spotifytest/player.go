package spotifytest

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The player: Spotify Connect devices and what plays on them, per user, at
// /v1/me/player and below. It follows the Web API's rules: control needs
// Premium (403 PREMIUM_REQUIRED) and, without device_id, an active device
// (404 NO_ACTIVE_DEVICE); reading needs no Premium; each endpoint wants its
// scope. Progress advances with Config.Now, so tracks end and the next one
// starts by themselves; with SetPlayerStaleness the state endpoints keep
// answering what played before a command for a while, as Spotify's do.

// Player error messages and reasons, as Spotify sends them.
const (
	msgNoActiveDevice = "Player command failed: No active device found"
	msgPremium        = "Player command failed: Premium required"
	msgRestricted     = "Player command failed: Restriction violated"
	msgNoDevice       = "Device not found"
	msgNoVolume       = "Cannot control device volume"
	msgScope          = "Insufficient client scope"
)

// Device is a Spotify Connect device of a user.
type Device struct {
	ID   string // empty derives one from the name
	Name string
	Type string // "Computer", "Smartphone", "Speaker", ...; empty is "Computer"
	// Active is the device playing (or last playing); at most one is.
	Active bool
	// Restricted devices accept no Web API commands.
	Restricted     bool
	PrivateSession bool
	Volume         int
	// NoVolume is a device whose volume cannot be set: "supports_volume":
	// false, and PUT volume answers 403 VOLUME_CONTROL_DISALLOW.
	NoVolume bool
}

// Playback sets what plays, as if the user started it in an app.
type Playback struct {
	DeviceID string  // must be one of SetDevices'; empty is the first device
	Items    []Track // the list or context's items, played in order
	Context  string  // context URI ("spotify:playlist:..."), or "" for a list of URIs
	Index    int     // the item playing
	Progress time.Duration
	Paused   bool
	Shuffle  bool
	Repeat   string // "off" (default), "track" or "context"
}

// PlayerState is what the fake's player holds, for assertions.
type PlayerState struct {
	DeviceID string // the active device, "" for none
	Item     string // URI of the item, "" for none
	Context  string
	Playing  bool
	Progress time.Duration
	Shuffle  bool
	Repeat   string
	Volume   int      // of the active device
	Queue    []string // URIs added with POST queue, next first
}

// PlayerRequest is one request the player answered.
type PlayerRequest struct {
	Method, Path, Query, Body string
	Status                    int
}

type played struct {
	track   Track
	at      time.Time
	context string
}

// playerState is one user's player.
type playerState struct {
	devices  []Device
	active   string // device ID, "" for none
	list     []Track
	index    int
	context  string
	item     *Track // may come from the queue, not list[index]
	playing  bool
	progress time.Duration // at time at
	at       time.Time
	shuffle  bool
	repeat   string
	queue    []Track
	recent   []played // newest last
	changed  time.Time

	// stale is the state before the latest change of item, which the state
	// endpoints answer until staleUntil.
	stale      *playerState
	staleUntil time.Time
}

// players is the fake's player: per-user state, the staleness setting and
// the request log; guarded by Server.mu.
type players struct {
	byUser    map[string]*playerState
	staleness time.Duration
	endLag    time.Duration
	log       []PlayerRequest
}

func (s *Server) playersLocked() *players {
	if s.players == nil {
		s.players = &players{byUser: map[string]*playerState{}}
	}
	return s.players
}

func (s *Server) playerLocked(userID string) *playerState {
	ps := s.playersLocked()
	p, ok := ps.byUser[userID]
	if !ok {
		p = &playerState{repeat: "off"}
		ps.byUser[userID] = p
	}
	return p
}

// SetDevices replaces a user's devices. An Active one becomes the active
// device (with nothing playing until SetPlayback).
func (s *Server) SetDevices(userID string, devices ...Device) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.playerLocked(userID)
	p.devices = nil
	p.active = ""
	for _, d := range devices {
		if d.ID == "" {
			d.ID = strings.ToLower(spotifyID("device", userID, d.Name)) + "0123456789abcdef01"
		}
		if d.Type == "" {
			d.Type = "Computer"
		}
		if d.Active {
			p.active = d.ID
		}
		p.devices = append(p.devices, d)
	}
	p.changed = s.now()
}

// Devices returns a user's devices with their IDs.
func (s *Server) Devices(userID string) []Device {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.playerLocked(userID)
	out := slices.Clone(p.devices)
	for i := range out {
		out[i].Active = out[i].ID == p.active
	}
	return out
}

// SetPlayback starts playback on a device, as the user would in an app. Its
// tracks join the catalog.
func (s *Server) SetPlayback(userID string, pb Playback) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.playerLocked(userID)
	if pb.DeviceID == "" && len(p.devices) > 0 {
		pb.DeviceID = p.devices[0].ID
	}
	if p.device(pb.DeviceID) == nil {
		panic(fmt.Sprintf("spotifytest: SetPlayback: user %q has no device %q", userID, pb.DeviceID))
	}
	p.active = pb.DeviceID
	p.list = nil
	for _, t := range pb.Items {
		p.list = append(p.list, s.addTrackLocked(t))
	}
	p.context = pb.Context
	p.index = pb.Index
	p.item = nil
	if p.index < len(p.list) {
		t := p.list[p.index]
		p.item = &t
	}
	p.playing = !pb.Paused && p.item != nil
	p.progress, p.at = pb.Progress, s.now()
	p.shuffle = pb.Shuffle
	p.repeat = cmpOr(pb.Repeat, "off")
	p.queue = nil
	p.stale = nil
	p.changed = s.now()
}

// StopPlayback leaves the user with no active device: the state endpoints
// answer 204 and control without device_id 404 NO_ACTIVE_DEVICE.
func (s *Server) StopPlayback(userID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.playerLocked(userID)
	p.active, p.item, p.playing, p.list, p.queue, p.stale = "", nil, false, nil, nil, nil
}

// AddRecentlyPlayed appends tracks to the user's history as played at the
// given times (oldest first).
func (s *Server) AddRecentlyPlayed(userID string, at time.Time, gap time.Duration, tracks ...Track) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.playerLocked(userID)
	for i, t := range tracks {
		p.recent = append(p.recent, played{track: s.addTrackLocked(t), at: at.Add(time.Duration(i) * gap)})
	}
}

// SetPlayerStaleness makes the state endpoints (GET /me/player,
// /currently-playing, /queue) answer the state from before a command that
// changed the item (next, previous, play, seek past the end) for d after it.
func (s *Server) SetPlayerStaleness(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.playersLocked().staleness = d
}

// SetPlayerEndLag makes the state endpoints go on showing an item that
// ended by itself (at its end, still playing) for d after its end, before
// the next one: Spotify's answers lag behind the player at a change of
// track too.
func (s *Server) SetPlayerEndLag(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.playersLocked().endLag = d
}

// Player returns a user's player state as it is now (never stale).
func (s *Server) Player(userID string) PlayerState {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.playerLocked(userID)
	now := s.now()
	p.advance(now, s.playersLocked().endLag)
	st := PlayerState{DeviceID: p.active, Context: p.context, Playing: p.playing, Progress: p.position(now),
		Shuffle: p.shuffle, Repeat: p.repeat}
	if p.item != nil {
		st.Item = trackURI(*p.item)
	}
	if d := p.device(p.active); d != nil {
		st.Volume = d.Volume
	}
	for _, t := range p.queue {
		st.Queue = append(st.Queue, trackURI(t))
	}
	return st
}

// PlayerRequests returns the requests the player answered, oldest first.
func (s *Server) PlayerRequests() []PlayerRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.playersLocked().log)
}

func trackURI(t Track) string {
	if t.Episode {
		return "spotify:episode:" + t.ID
	}
	return "spotify:track:" + t.ID
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func (p *playerState) device(id string) *Device {
	for i := range p.devices {
		if p.devices[i].ID == id {
			return &p.devices[i]
		}
	}
	return nil
}

func duration(t *Track) time.Duration { return time.Duration(t.DurationMS) * time.Millisecond }

// position is the progress at now, without moving on to the next item.
func (p *playerState) position(now time.Time) time.Duration {
	if p.item == nil {
		return 0
	}
	pos := p.progress
	if p.playing {
		pos += now.Sub(p.at)
	}
	return min(max(pos, 0), duration(p.item))
}

// advance plays on until now: items that ended are history, and the next
// one (the queue's first, else the list's) plays. With an end lag, the
// state endpoints show an ended item until lag after its end.
func (p *playerState) advance(now time.Time, lag time.Duration) {
	for p.playing && p.item != nil {
		d := duration(p.item)
		if d <= 0 {
			return
		}
		end := p.at.Add(d - p.progress)
		if now.Before(end) {
			return
		}
		if lag > 0 {
			p.stale = p.snapshot()
			p.stale.progress, p.stale.at = d, end
			p.staleUntil = end.Add(lag)
		}
		p.record(end)
		if p.repeat == "track" {
			p.progress, p.at = 0, end
			continue
		}
		if !p.skip(end) {
			p.playing = false
			p.progress, p.at = d, end
			return
		}
	}
}

func (p *playerState) record(at time.Time) {
	if p.item == nil || p.item.Episode {
		return
	}
	p.recent = append(p.recent, played{track: *p.item, at: at, context: p.context})
	if len(p.recent) > 100 {
		p.recent = p.recent[len(p.recent)-100:]
	}
}

// skip moves to the next item at time at, and reports whether there was one.
func (p *playerState) skip(at time.Time) bool {
	switch {
	case len(p.queue) > 0:
		t := p.queue[0]
		p.queue = p.queue[1:]
		p.item = &t
	case p.index+1 < len(p.list):
		p.index++
		t := p.list[p.index]
		p.item = &t
	case p.repeat == "context" && len(p.list) > 0:
		p.index = 0
		t := p.list[0]
		p.item = &t
	default:
		return false
	}
	p.progress, p.at = 0, at
	p.changed = at
	return true
}

// snapshot copies the state for staleness.
func (p *playerState) snapshot() *playerState {
	c := *p
	c.stale = nil
	c.queue = slices.Clone(p.queue)
	c.devices = slices.Clone(p.devices)
	if p.item != nil {
		t := *p.item
		c.item = &t
	}
	return &c
}

// playerRoute routes /v1/me/player and below, then the content endpoints.
func (s *Server) playerOrContentRoute(path, method string) (func(http.ResponseWriter, *http.Request, *caller), string) {
	if path != "/v1/me/player" && !strings.HasPrefix(path, "/v1/me/player/") {
		return s.contentRoute(path, method)
	}
	type route struct {
		method string
		h      func(http.ResponseWriter, *http.Request, *caller, *playerState) int
	}
	routes := map[string][]route{
		"/v1/me/player":                   {{http.MethodGet, s.handlePlaybackState}, {http.MethodPut, s.handleTransfer}},
		"/v1/me/player/currently-playing": {{http.MethodGet, s.handleCurrentlyPlaying}},
		"/v1/me/player/devices":           {{http.MethodGet, s.handleDevices}},
		"/v1/me/player/play":              {{http.MethodPut, s.handlePlay}},
		"/v1/me/player/pause":             {{http.MethodPut, s.handlePause}},
		"/v1/me/player/next":              {{http.MethodPost, s.handleNext}},
		"/v1/me/player/previous":          {{http.MethodPost, s.handlePrevious}},
		"/v1/me/player/seek":              {{http.MethodPut, s.handleSeek}},
		"/v1/me/player/volume":            {{http.MethodPut, s.handleVolume}},
		"/v1/me/player/shuffle":           {{http.MethodPut, s.handleShuffle}},
		"/v1/me/player/repeat":            {{http.MethodPut, s.handleRepeat}},
		"/v1/me/player/queue":             {{http.MethodGet, s.handleGetQueue}, {http.MethodPost, s.handleAddToQueue}},
		"/v1/me/player/recently-played":   {{http.MethodGet, s.handleRecentlyPlayed}},
	}
	rs, ok := routes[path]
	if !ok {
		return nil, ""
	}
	rt := rs[0]
	for _, r := range rs {
		if r.method == method {
			rt = r
		}
	}
	return func(w http.ResponseWriter, r *http.Request, c *caller) {
		body := readBody(r)
		rec := &statusRecorder{ResponseWriter: w}
		if !c.hasUser {
			writeAPIError(rec, http.StatusUnauthorized, msgUserRequired)
		} else {
			s.mu.Lock()
			p := s.playerLocked(c.user.ID)
			p.advance(s.now(), s.playersLocked().endLag)
			rt.h(rec, r, c, p)
			s.mu.Unlock()
		}
		s.mu.Lock()
		ps := s.playersLocked()
		ps.log = append(ps.log, PlayerRequest{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Body: string(body), Status: rec.status})
		s.mu.Unlock()
	}, rt.method
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// readBody reads the request body for the log and puts it back for the
// handler.
func readBody(r *http.Request) []byte {
	b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	r.Body = io.NopCloser(bytes.NewReader(b))
	return b
}

// writePlayerError writes Spotify's error body with a reason.
func writePlayerError(w http.ResponseWriter, status int, message, reason string) int {
	type body struct {
		Status  int    `json:"status"`
		Message string `json:"message"`
		Reason  string `json:"reason,omitempty"`
	}
	writeJSON(w, status, map[string]body{"error": {status, message, reason}})
	return status
}

func noContent(w http.ResponseWriter) int {
	w.WriteHeader(http.StatusNoContent)
	return http.StatusNoContent
}

// canRead reports whether the caller holds one of the scopes, answering 403
// when not.
func canAny(w http.ResponseWriter, c *caller, scopes ...string) bool {
	if slices.ContainsFunc(scopes, c.can) {
		return true
	}
	writePlayerError(w, http.StatusForbidden, msgScope, "")
	return false
}

// target checks a control command: scope, Premium, and the device it acts
// on (device_id, else the active one). It returns nil after answering an
// error.
func (s *Server) target(w http.ResponseWriter, r *http.Request, c *caller, p *playerState) *Device {
	if !canAny(w, c, "user-modify-playback-state") {
		return nil
	}
	if c.user.Product != "premium" {
		writePlayerError(w, http.StatusForbidden, msgPremium, "PREMIUM_REQUIRED")
		return nil
	}
	id := r.URL.Query().Get("device_id")
	if id == "" {
		id = p.active
		if id == "" {
			writePlayerError(w, http.StatusNotFound, msgNoActiveDevice, "NO_ACTIVE_DEVICE")
			return nil
		}
	}
	d := p.device(id)
	if d == nil {
		writePlayerError(w, http.StatusNotFound, msgNoDevice, "")
		return nil
	}
	if d.Restricted {
		writePlayerError(w, http.StatusForbidden, msgRestricted, "UNKNOWN")
		return nil
	}
	return d
}

// activate makes d the device playing, carrying the playback over.
func (p *playerState) activate(d *Device, now time.Time) {
	if p.active == d.ID {
		return
	}
	p.progress, p.at = p.position(now), now
	p.active = d.ID
	p.changed = now
}

// markStale keeps the state before a change of item for the staleness window.
func (s *Server) markStale(p *playerState, before *playerState) {
	if d := s.playersLocked().staleness; d > 0 {
		p.stale = before
		p.staleUntil = s.now().Add(d)
	}
}

// view is the state the state endpoints answer: the stale one in its window.
func (s *Server) view(p *playerState) *playerState {
	if p.stale != nil && s.now().Before(p.staleUntil) {
		return p.stale
	}
	p.stale = nil
	return p
}

func deviceJSON(d Device, active bool) map[string]any {
	var vol any = d.Volume
	if d.NoVolume {
		vol = nil
	}
	return map[string]any{
		"id":                 d.ID,
		"is_active":          active,
		"is_private_session": d.PrivateSession,
		"is_restricted":      d.Restricted,
		"name":               d.Name,
		"supports_volume":    !d.NoVolume,
		"type":               d.Type,
		"volume_percent":     vol,
	}
}

func contextJSON(uri, base string) any {
	if uri == "" {
		return nil
	}
	parts := strings.Split(uri, ":")
	if len(parts) != 3 {
		return nil
	}
	return map[string]any{
		"external_urls": externalURLs{"https://open.spotify.com/" + parts[1] + "/" + parts[2]},
		"href":          base + "/" + parts[1] + "s/" + parts[2],
		"type":          parts[1],
		"uri":           uri,
	}
}

// stateJSON is the playback state object; withDevice for GET /me/player.
func (s *Server) stateJSON(r *http.Request, p *playerState, withDevice bool) map[string]any {
	now := s.now()
	base := apiBase(r)
	kind := "track"
	var item any
	if p.item != nil {
		if p.item.Episode {
			kind = "episode"
		}
		// Without additional_types=episode Spotify sends an episode as
		// "item": null: clients must ask for it.
		if !p.item.Episode || strings.Contains(r.URL.Query().Get("additional_types"), "episode") {
			item = trackJSON(*p.item, base)
		}
	}
	disallows := map[string]bool{}
	if p.playing {
		disallows["resuming"] = true
	} else {
		disallows["pausing"] = true
	}
	out := map[string]any{
		"timestamp":              p.changed.UnixMilli(),
		"context":                contextJSON(p.context, base),
		"progress_ms":            p.position(now).Milliseconds(),
		"item":                   item,
		"currently_playing_type": kind,
		"actions":                map[string]any{"disallows": disallows},
		"is_playing":             p.playing,
	}
	if withDevice {
		if d := p.device(p.active); d != nil {
			out["device"] = deviceJSON(*d, true)
		}
		out["shuffle_state"] = p.shuffle
		out["smart_shuffle"] = false
		out["repeat_state"] = p.repeat
	}
	return out
}

func (s *Server) handlePlaybackState(w http.ResponseWriter, r *http.Request, c *caller, p *playerState) int {
	if !canAny(w, c, "user-read-playback-state") {
		return http.StatusForbidden
	}
	v := s.view(p)
	if v.active == "" {
		return noContent(w)
	}
	writeJSON(w, http.StatusOK, s.stateJSON(r, v, true))
	return http.StatusOK
}

func (s *Server) handleCurrentlyPlaying(w http.ResponseWriter, r *http.Request, c *caller, p *playerState) int {
	if !canAny(w, c, "user-read-currently-playing", "user-read-playback-state") {
		return http.StatusForbidden
	}
	v := s.view(p)
	if v.active == "" || v.item == nil {
		return noContent(w)
	}
	writeJSON(w, http.StatusOK, s.stateJSON(r, v, false))
	return http.StatusOK
}

func (s *Server) handleDevices(w http.ResponseWriter, _ *http.Request, c *caller, p *playerState) int {
	if !canAny(w, c, "user-read-playback-state") {
		return http.StatusForbidden
	}
	list := []any{}
	for _, d := range p.devices {
		list = append(list, deviceJSON(d, d.ID == p.active))
	}
	writeJSON(w, http.StatusOK, map[string]any{"devices": list})
	return http.StatusOK
}

func (s *Server) handleTransfer(w http.ResponseWriter, r *http.Request, c *caller, p *playerState) int {
	if !canAny(w, c, "user-modify-playback-state") {
		return http.StatusForbidden
	}
	if c.user.Product != "premium" {
		return writePlayerError(w, http.StatusForbidden, msgPremium, "PREMIUM_REQUIRED")
	}
	var body struct {
		DeviceIDs []string `json:"device_ids"`
		Play      *bool    `json:"play"`
	}
	if !jsonBody(w, r, &body) {
		return http.StatusBadRequest
	}
	if len(body.DeviceIDs) != 1 {
		return writePlayerError(w, http.StatusBadRequest, "Only a single device_id is currently supported", "")
	}
	d := p.device(body.DeviceIDs[0])
	if d == nil {
		return writePlayerError(w, http.StatusNotFound, msgNoDevice, "")
	}
	if d.Restricted {
		return writePlayerError(w, http.StatusForbidden, msgRestricted, "UNKNOWN")
	}
	now := s.now()
	p.activate(d, now)
	if body.Play != nil && *body.Play && p.item != nil && !p.playing {
		p.progress, p.at, p.playing, p.changed = p.position(now), now, true, now
	}
	return noContent(w)
}

// resolveURI finds a track or episode URI in the catalog.
func (s *Server) resolveURI(uri string) (Track, bool) {
	kind, id, ok := strings.Cut(strings.TrimPrefix(uri, "spotify:"), ":")
	if !ok || !strings.HasPrefix(uri, "spotify:") || (kind != "track" && kind != "episode") {
		return Track{}, false
	}
	t, found := s.contentLocked().tracks[id]
	return t, found && t.Episode == (kind == "episode")
}

// contextItems are the items of an album, artist, playlist or show URI.
func (s *Server) contextItems(uri string) ([]Track, bool) {
	parts := strings.Split(uri, ":")
	if len(parts) != 3 || parts[0] != "spotify" {
		return nil, false
	}
	kind, id := parts[1], parts[2]
	ct := s.contentLocked()
	var out []Track
	switch kind {
	case "playlist":
		if _, ok := s.findPlaylistLocked(id); !ok {
			return nil, false
		}
		for _, it := range ct.items[id] {
			if it.Track != nil && !it.Track.Local {
				out = append(out, *it.Track)
			}
		}
		return out, true
	case "album", "artist", "show":
		for _, tid := range ct.order {
			t := ct.tracks[tid]
			switch {
			case kind == "album" && !t.Episode && spotifyID("album", t.Album, strings.Join(t.Artists, ",")) == id,
				kind == "artist" && !t.Episode && slices.ContainsFunc(t.Artists, func(a string) bool { return spotifyID("artist", a) == id }),
				kind == "show" && t.Episode && spotifyID("show", t.Show) == id:
				out = append(out, t)
			}
		}
		return out, len(out) > 0
	}
	return nil, false
}

func (s *Server) handlePlay(w http.ResponseWriter, r *http.Request, c *caller, p *playerState) int {
	d := s.target(w, r, c, p)
	if d == nil {
		return http.StatusForbidden
	}
	var body struct {
		ContextURI string   `json:"context_uri"`
		URIs       []string `json:"uris"`
		Offset     *struct {
			Position *int   `json:"position"`
			URI      string `json:"uri"`
		} `json:"offset"`
		PositionMS int `json:"position_ms"`
	}
	if r.ContentLength != 0 {
		if !jsonBody(w, r, &body) {
			return http.StatusBadRequest
		}
	}
	now := s.now()
	before := p.snapshot()
	if body.ContextURI == "" && len(body.URIs) == 0 {
		// Resume.
		if p.item == nil {
			p.activate(d, now)
			return writePlayerError(w, http.StatusNotFound, msgNoActiveDevice, "NO_ACTIVE_DEVICE")
		}
		if p.playing && p.active == d.ID {
			return writePlayerError(w, http.StatusForbidden, msgRestricted, "UNKNOWN")
		}
		p.activate(d, now)
		p.progress, p.at, p.playing, p.changed = p.position(now), now, true, now
		return noContent(w)
	}
	if body.ContextURI != "" && len(body.URIs) > 0 {
		return writePlayerError(w, http.StatusBadRequest, "Can't have both context_uri and uris", "")
	}
	var list []Track
	if body.ContextURI != "" {
		items, ok := s.contextItems(body.ContextURI)
		if !ok {
			return writePlayerError(w, http.StatusNotFound, "Context not found", "")
		}
		list = items
	} else {
		for _, u := range body.URIs {
			t, ok := s.resolveURI(u)
			if !ok {
				return writePlayerError(w, http.StatusBadRequest, "Invalid track uri: "+u, "")
			}
			list = append(list, t)
		}
	}
	idx := 0
	if o := body.Offset; o != nil {
		switch {
		case o.Position != nil:
			idx = *o.Position
		case o.URI != "":
			idx = slices.IndexFunc(list, func(t Track) bool { return trackURI(t) == o.URI })
		}
		if idx < 0 || idx >= len(list) {
			return writePlayerError(w, http.StatusBadRequest, "Invalid offset", "")
		}
	}
	if len(list) == 0 {
		return writePlayerError(w, http.StatusBadRequest, "Nothing to play", "")
	}
	p.activate(d, now)
	p.list, p.index, p.context = list, idx, body.ContextURI
	t := list[idx]
	p.item = &t
	p.progress, p.at, p.playing, p.changed = time.Duration(body.PositionMS)*time.Millisecond, now, true, now
	s.markStale(p, before)
	return noContent(w)
}

func (s *Server) handlePause(w http.ResponseWriter, r *http.Request, c *caller, p *playerState) int {
	d := s.target(w, r, c, p)
	if d == nil {
		return http.StatusForbidden
	}
	if !p.playing || p.active != d.ID {
		// Spotify refuses to pause what is not playing.
		return writePlayerError(w, http.StatusForbidden, msgRestricted, "UNKNOWN")
	}
	now := s.now()
	p.progress, p.at, p.playing, p.changed = p.position(now), now, false, now
	return noContent(w)
}

func (s *Server) handleNext(w http.ResponseWriter, r *http.Request, c *caller, p *playerState) int {
	d := s.target(w, r, c, p)
	if d == nil {
		return http.StatusForbidden
	}
	if p.item == nil {
		return writePlayerError(w, http.StatusForbidden, msgRestricted, "UNKNOWN")
	}
	now := s.now()
	before := p.snapshot()
	p.activate(d, now)
	p.record(now)
	if !p.skip(now) {
		p.progress, p.at, p.playing, p.changed = duration(p.item), now, false, now
	}
	s.markStale(p, before)
	return noContent(w)
}

func (s *Server) handlePrevious(w http.ResponseWriter, r *http.Request, c *caller, p *playerState) int {
	d := s.target(w, r, c, p)
	if d == nil {
		return http.StatusForbidden
	}
	if p.item == nil {
		return writePlayerError(w, http.StatusForbidden, msgRestricted, "UNKNOWN")
	}
	now := s.now()
	before := p.snapshot()
	p.activate(d, now)
	// As in Spotify's apps: past 3 s, previous restarts the item.
	if p.position(now) < 3*time.Second && p.index > 0 {
		p.index--
		t := p.list[p.index]
		p.item = &t
		s.markStale(p, before)
	}
	p.progress, p.at, p.changed = 0, now, now
	return noContent(w)
}

func (s *Server) handleSeek(w http.ResponseWriter, r *http.Request, c *caller, p *playerState) int {
	d := s.target(w, r, c, p)
	if d == nil {
		return http.StatusForbidden
	}
	ms, err := strconv.Atoi(r.URL.Query().Get("position_ms"))
	if err != nil || ms < 0 {
		return writePlayerError(w, http.StatusBadRequest, "Missing or invalid position_ms", "")
	}
	if p.item == nil {
		return writePlayerError(w, http.StatusForbidden, msgRestricted, "UNKNOWN")
	}
	now := s.now()
	p.activate(d, now)
	pos := time.Duration(ms) * time.Millisecond
	if pos >= duration(p.item) {
		// Spotify plays the next item when seeking past the end.
		before := p.snapshot()
		p.record(now)
		if !p.skip(now) {
			p.progress, p.at, p.playing = duration(p.item), now, false
		}
		s.markStale(p, before)
		return noContent(w)
	}
	p.progress, p.at, p.changed = pos, now, now
	return noContent(w)
}

func (s *Server) handleVolume(w http.ResponseWriter, r *http.Request, c *caller, p *playerState) int {
	d := s.target(w, r, c, p)
	if d == nil {
		return http.StatusForbidden
	}
	v, err := strconv.Atoi(r.URL.Query().Get("volume_percent"))
	if err != nil || v < 0 || v > 100 {
		return writePlayerError(w, http.StatusBadRequest, "Invalid volume_percent: must be 0 to 100", "")
	}
	if d.NoVolume {
		return writePlayerError(w, http.StatusForbidden, msgNoVolume, "VOLUME_CONTROL_DISALLOW")
	}
	d.Volume = v
	p.changed = s.now()
	return noContent(w)
}

func (s *Server) handleShuffle(w http.ResponseWriter, r *http.Request, c *caller, p *playerState) int {
	if s.target(w, r, c, p) == nil {
		return http.StatusForbidden
	}
	switch r.URL.Query().Get("state") {
	case "true":
		p.shuffle = true
	case "false":
		p.shuffle = false
	default:
		return writePlayerError(w, http.StatusBadRequest, "Invalid state: must be true or false", "")
	}
	p.changed = s.now()
	return noContent(w)
}

func (s *Server) handleRepeat(w http.ResponseWriter, r *http.Request, c *caller, p *playerState) int {
	if s.target(w, r, c, p) == nil {
		return http.StatusForbidden
	}
	switch st := r.URL.Query().Get("state"); st {
	case "track", "context", "off":
		p.repeat = st
	default:
		return writePlayerError(w, http.StatusBadRequest, "Invalid state: must be track, context or off", "")
	}
	p.changed = s.now()
	return noContent(w)
}

func (s *Server) handleGetQueue(w http.ResponseWriter, r *http.Request, c *caller, p *playerState) int {
	if !canAny(w, c, "user-read-playback-state", "user-read-currently-playing") {
		return http.StatusForbidden
	}
	v := s.view(p)
	base := apiBase(r)
	var cur any
	queue := []any{}
	if v.active != "" && v.item != nil {
		cur = trackJSON(*v.item, base)
		for _, t := range v.queue {
			queue = append(queue, trackJSON(t, base))
		}
		for i := v.index + 1; i < len(v.list) && len(queue) < 20; i++ {
			queue = append(queue, trackJSON(v.list[i], base))
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"currently_playing": cur, "queue": queue})
	return http.StatusOK
}

func (s *Server) handleAddToQueue(w http.ResponseWriter, r *http.Request, c *caller, p *playerState) int {
	d := s.target(w, r, c, p)
	if d == nil {
		return http.StatusForbidden
	}
	uri := r.URL.Query().Get("uri")
	if uri == "" {
		return writePlayerError(w, http.StatusBadRequest, "Missing required parameter: uri", "")
	}
	t, ok := s.resolveURI(uri)
	if !ok {
		return writePlayerError(w, http.StatusBadRequest, "Invalid track uri: "+uri, "")
	}
	if p.item == nil {
		return writePlayerError(w, http.StatusNotFound, msgNoActiveDevice, "NO_ACTIVE_DEVICE")
	}
	p.activate(d, s.now())
	p.queue = append(p.queue, t)
	return noContent(w)
}

func (s *Server) handleRecentlyPlayed(w http.ResponseWriter, r *http.Request, c *caller, p *playerState) int {
	if !canAny(w, c, "user-read-recently-played") {
		return http.StatusForbidden
	}
	q := r.URL.Query()
	limit, ok := intParam(q.Get("limit"), 20)
	if !ok || limit < 1 || limit > 50 {
		return writePlayerError(w, http.StatusBadRequest, "Invalid limit", "")
	}
	if q.Has("after") && q.Has("before") {
		return writePlayerError(w, http.StatusBadRequest, "Only one of after and before may be given", "")
	}
	cursor := func(name string) (int64, bool) {
		if !q.Has(name) {
			return 0, true
		}
		n, err := strconv.ParseInt(q.Get(name), 10, 64)
		return n, err == nil && n >= 0
	}
	after, ok1 := cursor("after")
	before, ok2 := cursor("before")
	if !ok1 || !ok2 {
		return writePlayerError(w, http.StatusBadRequest, "Invalid cursor", "")
	}
	base := apiBase(r)
	var hits []played
	for i := len(p.recent) - 1; i >= 0; i-- { // newest first
		pl := p.recent[i]
		ms := pl.at.UnixMilli()
		if q.Has("after") && ms <= after || q.Has("before") && ms >= before {
			continue
		}
		hits = append(hits, pl)
	}
	more := len(hits) > limit
	if q.Has("after") {
		// after pages towards the present: the oldest ones after it.
		if more {
			hits = hits[len(hits)-limit:]
		}
	} else if more {
		hits = hits[:limit]
	}
	items := []any{}
	for _, pl := range hits {
		items = append(items, map[string]any{
			"track":     trackJSON(pl.track, base),
			"played_at": pl.at.UTC().Format("2006-01-02T15:04:05.000Z"),
			"context":   contextJSON(pl.context, base),
		})
	}
	page := map[string]any{
		"href":    base + "/me/player/recently-played?" + q.Encode(),
		"items":   items,
		"limit":   limit,
		"next":    nil,
		"cursors": nil,
	}
	if len(hits) > 0 {
		newest, oldest := hits[0].at.UnixMilli(), hits[len(hits)-1].at.UnixMilli()
		page["cursors"] = map[string]any{"after": strconv.FormatInt(newest, 10), "before": strconv.FormatInt(oldest, 10)}
		if more && !q.Has("after") {
			page["next"] = fmt.Sprintf("%s/me/player/recently-played?before=%d&limit=%d", base, oldest, limit)
		}
	}
	writeJSON(w, http.StatusOK, page)
	return http.StatusOK
}
