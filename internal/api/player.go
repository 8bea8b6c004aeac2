package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// The player endpoints (/v1/me/player and below). Their errors come back as
// *PlayerError, which says what happened in words a user can act on;
// errors.Is(err, ErrNoActiveDevice) and errors.Is(err, ErrPremiumRequired)
// tell the two cases callers handle.

// Scopes of the player endpoints.
const (
	ScopeReadPlayback   = "user-read-playback-state"
	ScopeModifyPlayback = "user-modify-playback-state"
	ScopeReadCurrent    = "user-read-currently-playing"
	ScopeReadRecent     = "user-read-recently-played"
)

// PlayerScopes are the scopes every player command together needs.
var PlayerScopes = []string{ScopeReadPlayback, ScopeModifyPlayback, ScopeReadCurrent, ScopeReadRecent}

var (
	// ErrNoActiveDevice is Spotify's 404 NO_ACTIVE_DEVICE.
	ErrNoActiveDevice = errors.New("no active device")
	// ErrPremiumRequired is Spotify's 403 PREMIUM_REQUIRED.
	ErrPremiumRequired = errors.New("premium required")
	// ErrNothingPlaying is a state endpoint's 204: no item.
	ErrNothingPlaying = errors.New("nothing is playing")
)

// PlayerError is a player endpoint's error answer, explained.
type PlayerError struct {
	Msg string
	// Scope is the scope the login lacks, when that is the error.
	Scope string
	kind  error  // ErrNoActiveDevice, ErrPremiumRequired or nil
	API   *Error // Spotify's answer
}

func (e *PlayerError) Error() string { return e.Msg }

// Unwrap gives the kind and Spotify's answer.
func (e *PlayerError) Unwrap() []error {
	errs := []error{e.API}
	if e.kind != nil {
		errs = append(errs, e.kind)
	}
	return errs
}

// playerError explains err, an answer to a call that needs scope; control
// calls are those that need Premium.
func playerError(err error, scope string) error {
	var ae *Error
	if !errors.As(err, &ae) {
		return err
	}
	pe := &PlayerError{API: ae}
	m := strings.ToLower(ae.Message)
	switch {
	case ae.Reason == "NO_ACTIVE_DEVICE":
		pe.kind = ErrNoActiveDevice
		pe.Msg = "no active device: open Spotify somewhere, or pass --device (spotcli player devices lists them)"
	case ae.Reason == "PREMIUM_REQUIRED" || ae.Status == http.StatusForbidden && strings.Contains(m, "premium"):
		pe.kind = ErrPremiumRequired
		pe.Msg = "controlling playback needs Spotify Premium (reading what plays does not): Spotify answered 403 PREMIUM_REQUIRED"
	case ae.Status == http.StatusForbidden && strings.Contains(m, "scope"):
		pe.Scope = scope
		pe.Msg = fmt.Sprintf("the login lacks the %s scope: run spotcli login --add-scopes %s (spotcli player needs %s)", scope, scope, strings.Join(PlayerScopes, " "))
	case ae.Reason == "VOLUME_CONTROL_DISALLOW":
		pe.Msg = "this device does not let its volume be set remotely (Spotify answered 403 VOLUME_CONTROL_DISALLOW)"
	case ae.Status == http.StatusForbidden && strings.Contains(m, "restriction"):
		pe.Msg = "Spotify refused the command (" + ae.Message + "): the device may not accept remote control, or the player cannot do that now"
	case ae.Status == http.StatusNotFound && strings.Contains(m, "device not found"):
		pe.Msg = "device not found: spotcli player devices lists them"
	default:
		return err
	}
	return pe
}

// playerState fetches a state endpoint; a 204 gives nil, nil.
func (c *Client) playerState(ctx context.Context, path, scope string) (*PlaybackState, []byte, error) {
	resp, err := c.Do(ctx, http.MethodGet, path, nil)
	if err != nil {
		return nil, nil, playerError(err, scope)
	}
	if resp.Status == http.StatusNoContent || len(strings.TrimSpace(string(resp.Body))) == 0 {
		return nil, nil, nil
	}
	st, err := Decode[PlaybackState](resp.Body)
	if err != nil {
		return nil, nil, fmt.Errorf("unexpected answer from %s: %v", path, err)
	}
	return st, resp.Body, nil
}

// PlaybackState is GET /v1/me/player: the device, the modes and the item.
// It is nil (and the raw answer too) when no device is active. Episodes are
// asked for, so that one plays as an episode and not as "item": null.
func (c *Client) PlaybackState(ctx context.Context) (*PlaybackState, []byte, error) {
	return c.playerState(ctx, "me/player?additional_types=track,episode", ScopeReadPlayback)
}

// CurrentlyPlaying is GET /v1/me/player/currently-playing: the item, without
// the device; nil when nothing plays.
func (c *Client) CurrentlyPlaying(ctx context.Context) (*PlaybackState, []byte, error) {
	return c.playerState(ctx, "me/player/currently-playing?additional_types=track,episode", ScopeReadCurrent)
}

// CurrentURI is the URI of the item now playing, for `current` where an
// item is expected; ErrNothingPlaying when there is none.
func (c *Client) CurrentURI(ctx context.Context) (string, error) {
	st, _, err := c.CurrentlyPlaying(ctx)
	if err != nil {
		return "", err
	}
	if st == nil || st.Item == nil || st.Item.URI() == "" {
		return "", fmt.Errorf("`current`: %w", ErrNothingPlaying)
	}
	return st.Item.URI(), nil
}

// Devices lists the user's Spotify Connect devices.
func (c *Client) Devices(ctx context.Context) ([]*Device, []byte, error) {
	b, err := c.Get(ctx, "me/player/devices")
	if err != nil {
		return nil, nil, playerError(err, ScopeReadPlayback)
	}
	d, err := Decode[Devices](b)
	if err != nil || d == nil {
		return nil, nil, fmt.Errorf("unexpected answer from /me/player/devices: %s", firstLine(string(b), 120))
	}
	return d.Devices, b, nil
}

// Queue is GET /v1/me/player/queue.
func (c *Client) Queue(ctx context.Context) (*Queue, []byte, error) {
	b, err := c.Get(ctx, "me/player/queue")
	if err != nil {
		return nil, nil, playerError(err, ScopeReadPlayback)
	}
	q, err := Decode[Queue](b)
	if err != nil || q == nil {
		return nil, nil, fmt.Errorf("unexpected answer from /me/player/queue: %s", firstLine(string(b), 120))
	}
	return q, b, nil
}

// RecentlyPlayed returns up to limit entries (newest first) of the
// recently played history, following the "next" links (before cursors).
func (c *Client) RecentlyPlayed(ctx context.Context, limit int) ([]json.RawMessage, error) {
	link := "me/player/recently-played?limit=" + strconv.Itoa(min(max(limit, 1), 50))
	var out []json.RawMessage
	for link != "" && len(out) < limit {
		b, err := c.Get(ctx, link)
		if err != nil {
			return nil, playerError(err, ScopeReadRecent)
		}
		var page struct {
			Items []json.RawMessage `json:"items"`
			Next  *string           `json:"next"`
		}
		if err := json.Unmarshal(b, &page); err != nil {
			return nil, fmt.Errorf("unexpected answer from /me/player/recently-played: %s", firstLine(string(b), 120))
		}
		out = append(out, page.Items...)
		link = ""
		if page.Next != nil && len(page.Items) > 0 {
			link = *page.Next
		}
	}
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// PlayRequest is what PUT /v1/me/player/play starts: a context (album,
// playlist, artist, show) or a list of track and episode URIs; neither
// resumes.
type PlayRequest struct {
	ContextURI string
	URIs       []string
	Position   time.Duration
}

// control sends a control command to deviceID ("" for the active device).
func (c *Client) control(ctx context.Context, method, path string, q url.Values, body any) error {
	if q == nil {
		q = url.Values{}
	}
	var b []byte
	if body != nil {
		var err error
		if b, err = json.Marshal(body); err != nil {
			return err
		}
	}
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	_, err := c.Do(ctx, method, path, b)
	return playerError(err, ScopeModifyPlayback)
}

func deviceQuery(deviceID string) url.Values {
	q := url.Values{}
	if deviceID != "" {
		q.Set("device_id", deviceID)
	}
	return q
}

// Play starts or resumes playback.
func (c *Client) Play(ctx context.Context, deviceID string, p PlayRequest) error {
	var body map[string]any
	switch {
	case p.ContextURI != "":
		body = map[string]any{"context_uri": p.ContextURI}
	case len(p.URIs) > 0:
		body = map[string]any{"uris": p.URIs}
	}
	if body != nil && p.Position > 0 {
		body["position_ms"] = p.Position.Milliseconds()
	}
	if body == nil {
		return c.control(ctx, http.MethodPut, "me/player/play", deviceQuery(deviceID), nil)
	}
	return c.control(ctx, http.MethodPut, "me/player/play", deviceQuery(deviceID), body)
}

// Pause pauses playback.
func (c *Client) Pause(ctx context.Context, deviceID string) error {
	return c.control(ctx, http.MethodPut, "me/player/pause", deviceQuery(deviceID), nil)
}

// Next skips to the next item.
func (c *Client) Next(ctx context.Context, deviceID string) error {
	return c.control(ctx, http.MethodPost, "me/player/next", deviceQuery(deviceID), nil)
}

// Previous goes back to the previous item (or the start of this one).
func (c *Client) Previous(ctx context.Context, deviceID string) error {
	return c.control(ctx, http.MethodPost, "me/player/previous", deviceQuery(deviceID), nil)
}

// Seek moves to a position in the item.
func (c *Client) Seek(ctx context.Context, deviceID string, pos time.Duration) error {
	q := deviceQuery(deviceID)
	q.Set("position_ms", strconv.FormatInt(pos.Milliseconds(), 10))
	return c.control(ctx, http.MethodPut, "me/player/seek", q, nil)
}

// SetVolume sets the volume, 0 to 100.
func (c *Client) SetVolume(ctx context.Context, deviceID string, percent int) error {
	q := deviceQuery(deviceID)
	q.Set("volume_percent", strconv.Itoa(percent))
	return c.control(ctx, http.MethodPut, "me/player/volume", q, nil)
}

// SetShuffle turns shuffle on or off.
func (c *Client) SetShuffle(ctx context.Context, deviceID string, on bool) error {
	q := deviceQuery(deviceID)
	q.Set("state", strconv.FormatBool(on))
	return c.control(ctx, http.MethodPut, "me/player/shuffle", q, nil)
}

// SetRepeat sets the repeat mode: off, track or context.
func (c *Client) SetRepeat(ctx context.Context, deviceID, mode string) error {
	q := deviceQuery(deviceID)
	q.Set("state", mode)
	return c.control(ctx, http.MethodPut, "me/player/repeat", q, nil)
}

// AddToQueue adds a track or episode URI to the queue.
func (c *Client) AddToQueue(ctx context.Context, deviceID, uri string) error {
	q := deviceQuery(deviceID)
	q.Set("uri", uri)
	return c.control(ctx, http.MethodPost, "me/player/queue", q, nil)
}

// Transfer moves playback to a device; play starts it there, otherwise the
// play state stays as it was.
func (c *Client) Transfer(ctx context.Context, deviceID string, play bool) error {
	body := map[string]any{"device_ids": []string{deviceID}}
	if play {
		body["play"] = true
	}
	return c.control(ctx, http.MethodPut, "me/player", nil, body)
}

// ExplainPlayerError is playerError for answers of player endpoints that a
// caller fetched itself (a listing's pages): Spotify's errors explained, any
// other error as it is.
func ExplainPlayerError(err error, scope string) error { return playerError(err, scope) }
