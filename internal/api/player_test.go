package api

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/spotcli/spotcli/internal/spotifytest"
)

const playerApp = "playerapp"

// newPlayerFake is the fake with a Premium user "alice" who has a laptop and
// a phone, and a client with the given scopes (all of the player's when
// none).
func newPlayerFake(t *testing.T, product string, scopes ...string) (*spotifytest.Server, *Client) {
	t.Helper()
	fake := spotifytest.New(spotifytest.Config{})
	t.Cleanup(fake.Close)
	fake.AddApp(spotifytest.App{ClientID: playerApp, RedirectURIs: []string{"http://127.0.0.1/cb"}})
	fake.AddUser(spotifytest.User{ID: "alice", Product: product})
	fake.SetDevices("alice",
		spotifytest.Device{ID: "laptop", Name: "Laptop", Volume: 40},
		spotifytest.Device{ID: "phone", Name: "Phone", Type: "Smartphone", Volume: 70})
	if len(scopes) == 0 {
		scopes = PlayerScopes
	}
	access, _ := fake.IssueTokens(playerApp, "alice", scopes, spotifytest.FlowPKCE, time.Now())
	c := &Client{BaseURL: fake.APIURL(), HTTP: &http.Client{}, Tokens: staticToken(access), MaxWait: time.Minute,
		Timeout: 5 * time.Second, Backoff: func(int) time.Duration { return time.Millisecond }}
	return fake, c
}

var (
	trackA = spotifytest.Track{ID: "4uLU6hMCjMI75M1A2tKUQC", Name: "Song A", Artists: []string{"Band"}, Album: "LP", DurationMS: 180_000}
	trackB = spotifytest.Track{ID: "6rqhFgbbKwnb9MLmUQDhG6", Name: "Song B", Artists: []string{"Band"}, Album: "LP", DurationMS: 200_000}
	show1  = spotifytest.Track{ID: "512ojhOuo1ktJprKbVcKyQ", Name: "Pilot", Show: "Talk", Episode: true, DurationMS: 1_800_000}
)

func TestPlayerNothingPlayingIsNil(t *testing.T) {
	_, c := newPlayerFake(t, "")
	ctx := context.Background()
	for name, get := range map[string]func(context.Context) (*PlaybackState, []byte, error){
		"PlaybackState": c.PlaybackState, "CurrentlyPlaying": c.CurrentlyPlaying,
	} {
		st, raw, err := get(ctx)
		if st != nil || raw != nil || err != nil {
			t.Errorf("%s: %v %q %v, want nil, nil, nil", name, st, raw, err)
		}
	}
	if _, err := c.CurrentURI(ctx); !errors.Is(err, ErrNothingPlaying) {
		t.Errorf("CurrentURI: %v", err)
	}
	err := c.Pause(ctx, "")
	if !errors.Is(err, ErrNoActiveDevice) || err.Error() != "no active device: open Spotify somewhere, or pass --device (spotcli player devices lists them)" {
		t.Errorf("Pause: %v", err)
	}
	var ae *Error
	if !errors.As(err, &ae) || ae.Reason != "NO_ACTIVE_DEVICE" {
		t.Errorf("Spotify's answer is kept: %#v", ae)
	}
}

func TestPlayerStateDecodes(t *testing.T) {
	fake, c := newPlayerFake(t, "")
	fake.SetPlayback("alice", spotifytest.Playback{DeviceID: "phone", Items: []spotifytest.Track{show1}, Shuffle: true, Repeat: "context", Progress: time.Minute})
	st, raw, err := c.PlaybackState(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Item == nil || st.Item.Kind() != KindEpisode || st.Item.Name() != "Pilot" || strings.Join(st.Item.Artists(), ",") != "Talk" {
		t.Fatalf("item: %+v", st.Item)
	}
	if st.Device == nil || st.Device.Name != "Phone" || !st.ShuffleState || st.RepeatState != "context" || !st.IsPlaying {
		t.Fatalf("state: %+v", st)
	}
	if *st.ProgressMS < 60_000 || !strings.Contains(string(raw), `"is_playing":true`) {
		t.Fatalf("progress %d, raw %s", *st.ProgressMS, raw)
	}
	uri, err := c.CurrentURI(context.Background())
	if err != nil || uri != "spotify:episode:"+show1.ID {
		t.Fatalf("CurrentURI: %q %v", uri, err)
	}
}

func TestPlayerControlRequests(t *testing.T) {
	fake, c := newPlayerFake(t, "")
	fake.AddTracks(trackA, trackB)
	ctx := context.Background()
	a, b := "spotify:track:"+trackA.ID, "spotify:track:"+trackB.ID
	steps := []struct {
		do     func() error
		method string
		path   string
		query  string
		body   string
	}{
		{func() error { return c.Play(ctx, "phone", PlayRequest{URIs: []string{a, b}}) }, "PUT", "/v1/me/player/play", "device_id=phone", `{"uris":["` + a + `","` + b + `"]}`},
		{func() error { return c.Pause(ctx, "") }, "PUT", "/v1/me/player/pause", "", ""},
		{func() error { return c.Play(ctx, "", PlayRequest{}) }, "PUT", "/v1/me/player/play", "", ""},
		{func() error { return c.Next(ctx, "phone") }, "POST", "/v1/me/player/next", "device_id=phone", ""},
		{func() error { return c.Previous(ctx, "") }, "POST", "/v1/me/player/previous", "", ""},
		{func() error { return c.Seek(ctx, "", 90*time.Second) }, "PUT", "/v1/me/player/seek", "position_ms=90000", ""},
		{func() error { return c.SetVolume(ctx, "", 25) }, "PUT", "/v1/me/player/volume", "volume_percent=25", ""},
		{func() error { return c.SetShuffle(ctx, "", true) }, "PUT", "/v1/me/player/shuffle", "state=true", ""},
		{func() error { return c.SetRepeat(ctx, "", "track") }, "PUT", "/v1/me/player/repeat", "state=track", ""},
		{func() error { return c.AddToQueue(ctx, "", b) }, "POST", "/v1/me/player/queue", "uri=spotify%3Atrack%3A" + trackB.ID, ""},
		{func() error { return c.Transfer(ctx, "laptop", true) }, "PUT", "/v1/me/player", "", `{"device_ids":["laptop"],"play":true}`},
		{func() error { return c.Play(ctx, "", PlayRequest{ContextURI: "spotify:artist:x"}) }, "PUT", "/v1/me/player/play", "", `{"context_uri":"spotify:artist:x"}`},
	}
	for i, s := range steps {
		err := s.do()
		log := fake.PlayerRequests()
		got := log[len(log)-1]
		if got.Method != s.method || got.Path != s.path || got.Query != s.query || got.Body != s.body {
			t.Errorf("step %d: sent %+v, want %s %s?%s %s", i, got, s.method, s.path, s.query, s.body)
		}
		if i < len(steps)-1 && err != nil {
			t.Errorf("step %d: %v", i, err)
		}
	}
	st := fake.Player("alice")
	if st.DeviceID != "laptop" || st.Volume != 40 || !st.Shuffle || st.Repeat != "track" || len(st.Queue) != 1 {
		t.Errorf("player: %+v", st)
	}
	if d := fake.Devices("alice"); d[1].Volume != 25 {
		t.Errorf("phone's volume: %+v", d[1])
	}
}

func TestPlayerErrorsExplained(t *testing.T) {
	ctx := context.Background()
	t.Run("premium", func(t *testing.T) {
		fake, c := newPlayerFake(t, "free")
		fake.SetPlayback("alice", spotifytest.Playback{Items: []spotifytest.Track{trackA}})
		if _, _, err := c.PlaybackState(ctx); err != nil {
			t.Fatalf("reading needs no Premium: %v", err)
		}
		err := c.Next(ctx, "")
		if !errors.Is(err, ErrPremiumRequired) || !strings.Contains(err.Error(), "needs Spotify Premium") {
			t.Fatalf("Next: %v", err)
		}
	})
	t.Run("scope", func(t *testing.T) {
		fake, c := newPlayerFake(t, "", ScopeReadCurrent)
		fake.SetPlayback("alice", spotifytest.Playback{Items: []spotifytest.Track{trackA}})
		if _, _, err := c.CurrentlyPlaying(ctx); err != nil {
			t.Fatalf("currently-playing with its scope: %v", err)
		}
		_, _, err := c.PlaybackState(ctx)
		if err == nil || !strings.Contains(err.Error(), "lacks the user-read-playback-state scope") {
			t.Fatalf("PlaybackState: %v", err)
		}
		err = c.Pause(ctx, "")
		if err == nil || !strings.Contains(err.Error(), "lacks the user-modify-playback-state scope") {
			t.Fatalf("Pause: %v", err)
		}
		if _, err := c.RecentlyPlayed(ctx, 5); err == nil || !strings.Contains(err.Error(), "user-read-recently-played") {
			t.Fatalf("RecentlyPlayed: %v", err)
		}
	})
	t.Run("device", func(t *testing.T) {
		fake, c := newPlayerFake(t, "")
		if err := c.Transfer(ctx, "nosuchdevice", false); err == nil || err.Error() != "device not found: spotcli player devices lists them" {
			t.Fatalf("Transfer: %v", err)
		}
		fake.SetDevices("alice", spotifytest.Device{ID: "car", Name: "Car", Restricted: true},
			spotifytest.Device{ID: "phone", Name: "Phone", NoVolume: true, Active: true})
		fake.SetPlayback("alice", spotifytest.Playback{DeviceID: "phone", Items: []spotifytest.Track{trackA}})
		err := c.Next(ctx, "car")
		if err == nil || !strings.Contains(err.Error(), "the device may not accept remote control") || !strings.Contains(err.Error(), "Restriction violated") {
			t.Fatalf("restricted: %v", err)
		}
		if err := c.SetVolume(ctx, "", 10); err == nil || !strings.Contains(err.Error(), "does not let its volume be set remotely") {
			t.Fatalf("volume: %v", err)
		}
	})
}

func TestPlayerRecentlyPlayedFollowsCursors(t *testing.T) {
	fake, c := newPlayerFake(t, "")
	var tracks []spotifytest.Track
	for i := range 60 {
		tracks = append(tracks, spotifytest.Track{Name: "T" + string(rune('A'+i%26)) + string(rune('a'+i/26)), Artists: []string{"X"}, DurationMS: 1000})
	}
	fake.AddRecentlyPlayed("alice", time.Now().Add(-time.Hour), time.Second, tracks...)
	got, err := c.RecentlyPlayed(context.Background(), 55)
	if err != nil || len(got) != 55 {
		t.Fatalf("got %d, %v", len(got), err)
	}
	if n := fake.Stats().APIRequests["/v1/me/player/recently-played"]; n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

func TestPlayerDevicesAndQueue(t *testing.T) {
	fake, c := newPlayerFake(t, "")
	fake.SetPlayback("alice", spotifytest.Playback{DeviceID: "laptop", Items: []spotifytest.Track{trackA, trackB}})
	devs, _, err := c.Devices(context.Background())
	if err != nil || len(devs) != 2 || !devs[0].IsActive || devs[1].IsActive || *devs[1].VolumePercent != 70 {
		t.Fatalf("devices: %v %v", devs, err)
	}
	q, _, err := c.Queue(context.Background())
	if err != nil || q.CurrentlyPlaying.Name() != "Song A" || len(q.Queue) != 1 || q.Queue[0].Name() != "Song B" {
		t.Fatalf("queue: %+v %v", q, err)
	}
}
