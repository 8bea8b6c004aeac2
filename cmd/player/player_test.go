package player

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/cobra"
	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/internal/api"
	"github.com/spotcli/spotcli/internal/auth"
	"github.com/spotcli/spotcli/internal/spotifytest"
)

const testClient = "playertestclient0000000000000000"

// Tracks with fixed IDs, so that expected requests can name them.
var (
	songA = spotifytest.Track{ID: "4uLU6hMCjMI75M1A2tKUQC", Name: "Song A", Artists: []string{"Band", "Guest"}, Album: "First LP", DurationMS: 185_000}
	songB = spotifytest.Track{ID: "6rqhFgbbKwnb9MLmUQDhG6", Name: "Song B", Artists: []string{"Band"}, Album: "First LP", DurationMS: 200_000}
	songC = spotifytest.Track{ID: "0VjIjW4GlUZAMYd2vXMi3b", Name: "Song C", Artists: []string{"Other"}, Album: "Else", DurationMS: 90_000}
	ep1   = spotifytest.Track{ID: "512ojhOuo1ktJprKbVcKyQ", Name: "Pilot", Show: "Talk Show", Episode: true, DurationMS: 1_800_000}
)

const (
	uriA = "spotify:track:4uLU6hMCjMI75M1A2tKUQC"
	uriB = "spotify:track:6rqhFgbbKwnb9MLmUQDhG6"
	uriC = "spotify:track:0VjIjW4GlUZAMYd2vXMi3b"
)

// testEnv is a fake Spotify with a player, and a stored login for alice
// with the player's scopes. (cmdutiltest.Env has neither the scopes, nor a
// free account, nor a virtual clock.)
type testEnv struct {
	t    *testing.T
	fake *spotifytest.Server
	dir  string
	// clock, when set, is the time of the fake, of spotcli's token source
	// and of --follow's sleeps: a follow session runs in virtual time.
	clock *virtualClock
}

// virtualClock is a clock that only sleeping moves.
type virtualClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *virtualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *virtualClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newEnv(t *testing.T, product string, scopes ...string) *testEnv {
	return newEnvAt(t, nil, product, scopes...)
}

// newEnvAt is newEnv on a virtual clock (nil: the real one).
func newEnvAt(t *testing.T, clock *virtualClock, product string, scopes ...string) *testEnv {
	t.Helper()
	cfg := spotifytest.Config{}
	if clock != nil {
		cfg.Now = clock.Now
	}
	fake := spotifytest.New(cfg)
	t.Cleanup(fake.Close)
	fake.AddApp(spotifytest.App{ClientID: testClient, RedirectURIs: []string{"http://127.0.0.1/callback"}})
	fake.AddUser(spotifytest.User{ID: "alice", DisplayName: "Alice", Product: product})
	fake.SetDevices("alice",
		spotifytest.Device{ID: "a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2", Name: "Living Room", Type: "Speaker", Volume: 30},
		spotifytest.Device{ID: "f00df00df00df00df00df00df00df00df00df00d", Name: "Laptop", Volume: 60},
		spotifytest.Device{ID: "beefbeefbeefbeefbeefbeefbeefbeefbeefbeef", Name: "Living Room TV", Type: "TV", Volume: 10},
		spotifytest.Device{ID: "cafecafecafecafecafecafecafecafecafecafe", Name: "Phone", Type: "Smartphone", NoVolume: true},
	)
	fake.AddTracks(songA, songB, songC, ep1)
	if len(scopes) == 0 {
		scopes = api.PlayerScopes
	}
	dir := t.TempDir()
	e := &testEnv{t: t, fake: fake, dir: dir, clock: clock}
	e.seed(scopes, e.now().Add(time.Hour))
	for k, v := range map[string]string{
		"SPOTCLI_CONFIG_DIR": dir, "SPOTCLI_TOKEN_STORE": "file", "SPOTCLI_CLIENT_ID": testClient,
		"SPOTCLI_API_URL": fake.APIURL(), "SPOTCLI_ACCOUNTS_URL": fake.AccountsURL(),
		"SPOTCLI_ACCESS_TOKEN": "", "SPOTCLI_REFRESH_TOKEN": "", "SPOTCLI_DEVICE": "", "SPOTCLI_PROFILE": "",
		"SPOTCLI_CLIENT_SECRET": "", "SPOTCLI_SCOPES": "", "SPOTCLI_MAX_WAIT": "", "SPOTCLI_HTTP_TIMEOUT": "",
		"HOME": dir, "XDG_CONFIG_HOME": dir,
	} {
		t.Setenv(k, v)
	}
	return e
}

// seed stores a login whose access token, issued an hour before expires
// (as Spotify's are), expires at expires.
func (e *testEnv) seed(scopes []string, expires time.Time) {
	e.t.Helper()
	now := e.now()
	access, refresh := e.fake.IssueTokens(testClient, "alice", scopes, spotifytest.FlowPKCE, now)
	rec := &auth.Record{AccessToken: access, RefreshToken: refresh, TokenType: "Bearer", ExpiresAt: expires,
		Scopes: scopes, ClientID: testClient, Flow: auth.FlowPKCE, UserID: "alice", LoggedInAt: now.Add(-time.Hour),
		UpdatedAt: expires.Add(-time.Hour)}
	b, err := rec.Encode()
	if err != nil {
		e.t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(e.dir, "tokens"), 0o700); err != nil {
		e.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(e.dir, "tokens", "default.json"), b, 0o600); err != nil {
		e.t.Fatal(err)
	}
}

func (e *testEnv) now() time.Time {
	if e.clock != nil {
		return e.clock.Now()
	}
	return time.Now()
}

// play starts songs A, B, C on the laptop.
func (e *testEnv) play(p spotifytest.Playback) {
	if p.DeviceID == "" {
		p.DeviceID = "f00df00df00df00df00df00df00df00df00df00d"
	}
	if p.Items == nil {
		p.Items = []spotifytest.Track{songA, songB, songC}
	}
	e.fake.SetPlayback("alice", p)
}

type result struct {
	out, err string
	code     int
}

// root is a command tree with the player's commands, as cmd.NewRootCmd
// builds it; sleep, when set, is what now sleeps on.
func root(f *cmdutil.Factory, sleep func(context.Context, time.Duration) error) *cobra.Command {
	r := &cobra.Command{Use: "spotcli", SilenceUsage: true, SilenceErrors: true,
		PersistentPreRun: func(cmd *cobra.Command, _ []string) { f.SetFlags(cmd.Flags()) }}
	f.AddGlobalFlags(r.PersistentFlags())
	var runF func(context.Context, *nowOptions) error
	if sleep != nil {
		runF = func(ctx context.Context, o *nowOptions) error {
			o.sleep = sleep
			return runNow(ctx, o)
		}
	}
	r.AddCommand(NewNowCmd(f, runF), NewPlayerCmd(f))
	return r
}

func newFactory(out, errb *bytes.Buffer, now func() time.Time) *cmdutil.Factory {
	return &cmdutil.Factory{In: &bytes.Buffer{}, Out: out, Err: errb, Getenv: os.Getenv, Now: now,
		StdoutTTY: func() bool { return false }, TermWidth: func() int { return 100 }}
}

func (e *testEnv) runCtx(ctx context.Context, out *syncBuffer, args ...string) result {
	e.t.Helper()
	var o, errb bytes.Buffer
	f := newFactory(&o, &errb, e.now)
	f.ShortLinkBase = e.fake.ShortLinkBase() // the fake serves spotify.link
	var sleep func(context.Context, time.Duration) error
	if out != nil {
		f.Out = out
		if e.clock != nil {
			// Virtual time: a sleep moves the clock at once, until the
			// lines the test waits for have come.
			sleep = func(ctx context.Context, d time.Duration) error {
				if out.done() {
					<-ctx.Done()
					return ctx.Err()
				}
				e.clock.Advance(d)
				out.slept(d)
				return ctx.Err()
			}
		}
	}
	r := root(f, sleep)
	r.SetArgs(args)
	r.SetOut(f.Out)
	r.SetErr(f.Err)
	err := r.ExecuteContext(ctx)
	res := result{out: o.String(), err: errb.String(), code: cmdutil.ExitCode(ctx, err)}
	if err != nil {
		if _, silent := err.(*cmdutil.SilentExit); !silent {
			res.err += "spotcli: " + err.Error() + "\n"
		}
	}
	return res
}

func (e *testEnv) run(args ...string) result {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return e.runCtx(ctx, nil, args...)
}

func (e *testEnv) mustRun(want int, args ...string) result {
	e.t.Helper()
	r := e.run(args...)
	if r.code != want {
		e.t.Fatalf("spotcli %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, want, r.out, r.err)
	}
	return r
}

func (e *testEnv) requests() int {
	n := 0
	for _, c := range e.fake.Stats().APIRequests {
		n += c
	}
	return n
}

func TestNow(t *testing.T) {
	e := newEnv(t, "")
	// Paused, so that the progress stays put.
	e.play(spotifytest.Playback{Progress: 65 * time.Second, Context: "spotify:album:1DFixLWuPkv3KT3TnV35m3", Shuffle: true, Paused: true})
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"now"}, "Band, Guest – Song A\n"},
		{[]string{"now", "-o", "tsv"}, "Band, Guest\tSong A\tFirst LP\t" + uriA + "\t1:05\t3:05\tfalse\tLaptop\ttrue\toff\n"},
		{[]string{"now", "--format", "{{.title}} by {{.artist}} [{{.progress}}/{{.duration}}] {{.device}} {{.volume}}% {{.kind}} {{.context}}"},
			"Song A by Band, Guest [1:05/3:05] Laptop 60% track spotify:album:1DFixLWuPkv3KT3TnV35m3\n"},
		{[]string{"now", "--format", "{{if .is_playing}}▶{{else}}⏸{{end}} {{.progress_ms}} {{.duration_ms}} {{.shuffle}} {{.repeat}}"}, "⏸ 65000 185000 true off\n"},
	}
	e.fake.AddTracks(songA)
	tests = append(tests, struct {
		args []string
		want string
	}{[]string{"now", "--format", `{"text": {{json .title}}, "alt": {{json .is_playing}}}`}, `{"text": "Song A", "alt": false}` + "\n"})
	for _, tt := range tests {
		e.fake.ResetStats()
		r := e.mustRun(0, tt.args...)
		if r.out != tt.want {
			t.Errorf("%v: got %q, want %q", tt.args, r.out, tt.want)
		}
		if n := e.requests(); n != 1 {
			t.Errorf("%v: %d requests, want 1", tt.args, n)
		}
	}
	r := e.mustRun(0, "now", "-o", "json")
	if !strings.HasPrefix(r.out, `{"actions":`) || !strings.Contains(r.out, `"uri":"`+uriA+`"`) || strings.Count(r.out, "\n") != 1 {
		t.Errorf("-o json: %s", r.out)
	}
}

func TestNowEpisodeAndPaused(t *testing.T) {
	e := newEnv(t, "")
	e.play(spotifytest.Playback{Items: []spotifytest.Track{ep1}, Paused: true, Progress: 90 * time.Second})
	if r := e.mustRun(0, "now"); r.out != "Talk Show – Pilot\n" {
		t.Errorf("episode: %q", r.out)
	}
	r := e.mustRun(0, "player", "status")
	want := "Playing:  Talk Show – Pilot\nAlbum:    Talk Show\nProgress: 1:30 / 30:00 (paused)\nDevice:   Laptop (volume 60%)\nShuffle:  off\nRepeat:   off\nURI:      spotify:episode:512ojhOuo1ktJprKbVcKyQ\n"
	if diff := cmp.Diff(want, r.out); diff != "" {
		t.Errorf("status (-want +got):\n%s", diff)
	}
}

func TestNowNothingPlaying(t *testing.T) {
	e := newEnv(t, "free")
	for _, args := range [][]string{{"now"}, {"now", "-o", "json"}, {"player", "status"}} {
		r := e.mustRun(cmdutil.ExitNothingPlaying, args...)
		if r.out != "" || r.err != "" {
			t.Errorf("%v: stdout %q stderr %q, want nothing", args, r.out, r.err)
		}
	}
}

func TestNowUsageErrors(t *testing.T) {
	e := newEnv(t, "")
	for _, args := range [][]string{
		{"now", "-o", "yaml"},
		{"now", "--format", "{{.title"},
		{"now", "--format", "{{.title}}", "-o", "json"},
		{"now", "--follow", "--interval", "10ms"},
	} {
		if r := e.run(args...); r.code != cmdutil.ExitUsage {
			t.Errorf("%v: exit %d, want 2 (%s)", args, r.code, r.err)
		}
	}
	e.play(spotifytest.Playback{})
	if r := e.run("now", "--format", "{{.titel}}"); r.code != cmdutil.ExitUsage || !strings.Contains(r.err, "titel") {
		t.Errorf("unknown field: %d %s", r.code, r.err)
	}
}

func TestNowScopes(t *testing.T) {
	e := newEnv(t, "", api.ScopeReadCurrent)
	e.play(spotifytest.Playback{})
	// Without user-read-playback-state: the item, from currently-playing.
	if r := e.mustRun(0, "now", "--format", "{{.title}} [{{.device}}]"); r.out != "Song A []\n" {
		t.Errorf("got %q", r.out)
	}
	e = newEnv(t, "", "user-read-private")
	e.play(spotifytest.Playback{})
	r := e.mustRun(1, "now")
	want := "spotcli: the login lacks the user-read-playback-state scope: add the player's scopes to the login with:\n" +
		"  spotcli login --add-scopes user-read-playback-state,user-modify-playback-state,user-read-currently-playing,user-read-recently-played\n"
	if r.err != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", r.err, want)
	}
	// Another profile's login is named; the scopes it has are not.
	e = newEnv(t, "", "user-read-private", api.ScopeReadCurrent)
	b, err := os.ReadFile(filepath.Join(e.dir, "tokens", "default.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(e.dir, "tokens", "work.json"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	e.play(spotifytest.Playback{})
	r = e.mustRun(1, "--profile", "work", "player", "devices")
	want = "spotcli login --add-scopes user-read-playback-state,user-modify-playback-state,user-read-recently-played --profile work\n"
	if !strings.HasSuffix(r.err, want) {
		t.Errorf("stderr:\n%s\nwant the suffix %q", r.err, want)
	}
}

const (
	mixID    = "37i9dQZF1DXcBWIGoYBM5M"
	laptopID = "f00df00df00df00df00df00df00df00df00df00d"
	phoneID  = "cafecafecafecafecafecafecafecafecafecafe"
	roomID   = "a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2"
)

// TestControlRequests: each command sends what Spotify expects.
func TestControlRequests(t *testing.T) {
	type req struct{ Method, Path, Query, Body string }
	tests := []struct {
		args []string
		want req
	}{
		// Resume and seek start paused, so that the clock cannot move
		// what they send.
		{[]string{"player", "play"}, req{"PUT", "/v1/me/player/play", "", ""}},
		{[]string{"player", "play", uriB, "https://open.spotify.com/track/0VjIjW4GlUZAMYd2vXMi3b?si=x"}, req{"PUT", "/v1/me/player/play", "", `{"uris":["` + uriB + `","` + uriC + `"]}`}},
		{[]string{"player", "play", "spotify:playlist:" + mixID, "--device", "phone"}, req{"PUT", "/v1/me/player/play", "device_id=" + phoneID, `{"context_uri":"spotify:playlist:` + mixID + `"}`}},
		{[]string{"player", "pause"}, req{"PUT", "/v1/me/player/pause", "", ""}},
		{[]string{"player", "next"}, req{"POST", "/v1/me/player/next", "", ""}},
		{[]string{"player", "prev", "--device", "LAPTOP"}, req{"POST", "/v1/me/player/previous", "device_id=" + laptopID, ""}},
		{[]string{"player", "seek", "1:30"}, req{"PUT", "/v1/me/player/seek", "position_ms=90000", ""}},
		{[]string{"player", "seek", "+15"}, req{"PUT", "/v1/me/player/seek", "position_ms=25000", ""}},
		{[]string{"player", "volume", "45"}, req{"PUT", "/v1/me/player/volume", "volume_percent=45", ""}},
		{[]string{"player", "volume", "+10"}, req{"PUT", "/v1/me/player/volume", "volume_percent=70", ""}},
		{[]string{"player", "volume", "--", "-70"}, req{"PUT", "/v1/me/player/volume", "volume_percent=0", ""}},
		{[]string{"player", "shuffle", "on"}, req{"PUT", "/v1/me/player/shuffle", "state=true", ""}},
		{[]string{"player", "repeat", "context"}, req{"PUT", "/v1/me/player/repeat", "state=context", ""}},
		{[]string{"player", "queue", uriC}, req{"POST", "/v1/me/player/queue", "uri=spotify%3Atrack%3A0VjIjW4GlUZAMYd2vXMi3b", ""}},
		{[]string{"player", "queue", "current"}, req{"POST", "/v1/me/player/queue", "uri=spotify%3Atrack%3A4uLU6hMCjMI75M1A2tKUQC", ""}},
		{[]string{"player", "transfer", "living room tv"}, req{"PUT", "/v1/me/player", "", `{"device_ids":["beefbeefbeefbeefbeefbeefbeefbeefbeefbeef"]}`}},
		{[]string{"player", "transfer", "Liv", "--play"}, req{"", "", "", ""}}, // ambiguous: no request
		{[]string{"player", "transfer", roomID, "--play"}, req{"PUT", "/v1/me/player", "", `{"device_ids":["` + roomID + `"],"play":true}`}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			e := newEnv(t, "")
			e.fake.AddPlaylists("alice", spotifytest.Playlist{ID: mixID, Name: "Mix"})
			e.fake.AddPlaylistItems(mixID, spotifytest.PlaylistItem{Track: &songC})
			paused := tt.args[1] == "play" && len(tt.args) == 2 || tt.args[1] == "seek"
			e.play(spotifytest.Playback{Progress: 10 * time.Second, Paused: paused})
			r := e.run(tt.args...)
			var got req
			for _, pr := range e.fake.PlayerRequests() {
				if pr.Method != "GET" {
					got = req{pr.Method, pr.Path, pr.Query, pr.Body}
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("request (-want +got):\n%s\nstderr: %s", diff, r.err)
			}
			if tt.want.Method != "" && r.code != 0 {
				t.Errorf("exit %d: %s", r.code, r.err)
			}
			if r.out != "" {
				t.Errorf("stdout: %q", r.out)
			}
		})
	}
}

func TestControlErrors(t *testing.T) {
	t.Run("no active device", func(t *testing.T) {
		e := newEnv(t, "")
		for _, args := range [][]string{{"player", "pause"}, {"player", "next"}, {"player", "play"}, {"player", "volume", "5"}, {"player", "seek", "0"}} {
			r := e.mustRun(1, args...)
			if want := "spotcli: no active device: open Spotify somewhere, or pass --device (spotcli player devices lists them)\n"; r.err != want {
				t.Errorf("%v: stderr %q, want %q", args, r.err, want)
			}
		}
	})
	t.Run("device setting", func(t *testing.T) {
		e := newEnv(t, "")
		t.Setenv("SPOTCLI_DEVICE", "phone")
		e.mustRun(0, "player", "play", uriA)
		if st := e.fake.Player("alice"); st.DeviceID != phoneID || st.Item != uriA {
			t.Errorf("player: %+v", st)
		}
	})
	t.Run("premium", func(t *testing.T) {
		e := newEnv(t, "free")
		e.play(spotifytest.Playback{})
		e.mustRun(0, "now")
		e.mustRun(0, "player", "devices")
		r := e.mustRun(1, "player", "next")
		if !strings.Contains(r.err, "controlling playback needs Spotify Premium (reading what plays does not)") {
			t.Errorf("stderr: %s", r.err)
		}
	})
	t.Run("scope", func(t *testing.T) {
		e := newEnv(t, "", api.ScopeReadPlayback, api.ScopeReadCurrent)
		e.play(spotifytest.Playback{})
		r := e.mustRun(1, "player", "pause")
		if !strings.Contains(r.err, "lacks the user-modify-playback-state scope") {
			t.Errorf("stderr: %s", r.err)
		}
		r = e.mustRun(1, "player", "recent")
		if !strings.Contains(r.err, "lacks the user-read-recently-played scope") {
			t.Errorf("stderr: %s", r.err)
		}
	})
	t.Run("usage", func(t *testing.T) {
		e := newEnv(t, "")
		for _, args := range [][]string{
			{"player", "seek"}, {"player", "seek", "1:75"}, {"player", "seek", "abc"}, {"player", "volume", "101"},
			{"player", "volume", "loud"}, {"player", "shuffle", "yes"}, {"player", "repeat", "all"},
			{"player", "play", "spotify:album:1DFixLWuPkv3KT3TnV35m3", uriA}, {"player", "play", "nonsense"},
			{"player", "queue", "spotify:album:1DFixLWuPkv3KT3TnV35m3"}, {"player", "transfer"},
		} {
			if r := e.run(args...); r.code != cmdutil.ExitUsage {
				t.Errorf("%v: exit %d, want 2: %s", args, r.code, r.err)
			}
		}
		if n := len(e.fake.PlayerRequests()); n != 0 {
			t.Errorf("%d requests for bad command lines", n)
		}
	})
	t.Run("unknown device", func(t *testing.T) {
		e := newEnv(t, "")
		e.play(spotifytest.Playback{})
		r := e.mustRun(1, "player", "pause", "--device", "kitchen")
		if want := `no device matches "kitchen"; online: "Living Room", "Laptop", "Living Room TV", "Phone"`; !strings.Contains(r.err, want) {
			t.Errorf("stderr: %s", r.err)
		}
		r = e.mustRun(1, "player", "volume", "5", "--device", "phone")
		if !strings.Contains(r.err, "does not let its volume be set remotely") {
			t.Errorf("stderr: %s", r.err)
		}
	})
	t.Run("pause what is paused", func(t *testing.T) {
		e := newEnv(t, "")
		e.play(spotifytest.Playback{Paused: true})
		e.mustRun(0, "player", "pause")
	})
	t.Run("current with nothing playing", func(t *testing.T) {
		e := newEnv(t, "")
		r := e.mustRun(1, "player", "queue", "current")
		if !strings.Contains(r.err, "nothing is playing") {
			t.Errorf("stderr: %s", r.err)
		}
	})
}

func TestMatchDevice(t *testing.T) {
	devs := []*api.Device{
		{ID: "id-room", Name: "Living Room"}, {ID: "id-tv", Name: "Living Room TV"}, {ID: "id-laptop", Name: "Laptop"},
		{ID: "id-k1", Name: "Kitchen"}, {ID: "id-k2", Name: "kitchen"}, {Name: "Car"}, nil,
	}
	for _, tt := range []struct{ q, want, err string }{
		{"id-tv", "id-tv", ""},
		{"living room", "id-room", ""}, // an exact name beats the longer one it prefixes
		{"LIVING ROOM TV", "id-tv", ""},
		{"lap", "id-laptop", ""},
		{"  Laptop ", "id-laptop", ""},
		{"liv", "", `"liv" matches 2 devices ("Living Room", "Living Room TV")`},
		{"kitchen", "", `"kitchen" matches 2 devices`},
		{"car", "", `device "Car" cannot be controlled`},
		{"bedroom", "", `no device matches "bedroom"`},
		{"", "", `no device matches ""`},
	} {
		d, err := matchDevice(devs[:len(devs)-1], tt.q)
		switch {
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("%q: err %v, want %q", tt.q, err, tt.err)
		case tt.err == "" && (err != nil || d.ID != tt.want):
			t.Errorf("%q: %v %v, want %s", tt.q, d, err, tt.want)
		}
	}
	if _, err := matchDevice([]*api.Device{nil}, "x"); err == nil || !strings.Contains(err.Error(), "no Spotify Connect device is online") {
		t.Errorf("no devices: %v", err)
	}
}

func TestParsePosition(t *testing.T) {
	for in, want := range map[string]time.Duration{"90": 90 * time.Second, "1:30": 90 * time.Second, "0:05": 5 * time.Second,
		"1:02:03": time.Hour + 2*time.Minute + 3*time.Second, "12.5": 12500 * time.Millisecond, "+15": 15 * time.Second} {
		got, _, err := parsePosition(in)
		if err != nil || got != want {
			t.Errorf("%q: %v %v, want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "1:60", "a", "1::2", "1:2:3:4", "1e3", "-", "1.5:00", "25:00:00"} {
		if _, _, err := parsePosition(in); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}

func TestParseItem(t *testing.T) {
	for in, want := range map[string]string{
		uriA: uriA,
		"https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC?si=abc": uriA,
		"open.spotify.com/intl-de/album/1DFixLWuPkv3KT3TnV35m3":        "spotify:album:1DFixLWuPkv3KT3TnV35m3",
		"spotify:user:bob:playlist:37i9dQZF1DXcBWIGoYBM5M":             "spotify:playlist:37i9dQZF1DXcBWIGoYBM5M",
		"https://open.spotify.com/episode/512ojhOuo1ktJprKbVcKyQ":      "spotify:episode:512ojhOuo1ktJprKbVcKyQ",
		"https://open.spotify.com/embed/track/4uLU6hMCjMI75M1A2tKUQC":  uriA,
	} {
		it, ok := parseItem(in)
		if !ok || it.URI() != want {
			t.Errorf("%q: %v %v, want %s", in, it, ok, want)
		}
	}
	for _, in := range []string{"spotify:track:short", "spotify:user:x", "https://evil.example/track/4uLU6hMCjMI75M1A2tKUQC", "4uLU6hMCjMI75M1A2tKUQC", "spotify:local:a:b:c:1", "spotify:audiobook:4uLU6hMCjMI75M1A2tKUQC"} {
		if _, ok := parseItem(in); ok {
			t.Errorf("%q parsed", in)
		}
	}
}

// TestStaleAfterNext: Spotify's state lags a next; now right after
// player next must still print the new item.
func TestStaleAfterNext(t *testing.T) {
	e := newEnv(t, "")
	e.play(spotifytest.Playback{})
	e.fake.SetPlayerStaleness(700 * time.Millisecond)
	e.mustRun(0, "player", "next")
	if r := e.mustRun(0, "now"); r.out != "Band – Song B\n" {
		t.Errorf("now after next: %q", r.out)
	}
	e.mustRun(0, "player", "play", uriC)
	if r := e.mustRun(0, "now"); r.out != "Other – Song C\n" {
		t.Errorf("now after play: %q", r.out)
	}
	e.mustRun(0, "player", "prev")
	if r := e.mustRun(0, "now"); r.out != "Other – Song C\n" {
		// Song C was played as a one-item list: prev restarts it.
		t.Errorf("now after prev: %q", r.out)
	}
}

func TestListings(t *testing.T) {
	e := newEnv(t, "")
	e.play(spotifytest.Playback{DeviceID: roomID})
	r := e.mustRun(0, "player", "devices")
	want := roomID + "\tLiving Room\tSpeaker\ttrue\t30\n" + laptopID + "\tLaptop\tComputer\tfalse\t60\n" +
		"beefbeefbeefbeefbeefbeefbeefbeefbeefbeef\tLiving Room TV\tTV\tfalse\t10\n" + phoneID + "\tPhone\tSmartphone\tfalse\t\n"
	if diff := cmp.Diff(want, r.out); diff != "" {
		t.Errorf("devices (-want +got):\n%s", diff)
	}
	r = e.mustRun(0, "player", "devices", "-o", "table")
	if !strings.HasPrefix(r.out, "   NAME ") || !strings.Contains(r.out, "\n*  Living Room ") {
		t.Errorf("devices table:\n%s", r.out)
	}
	r = e.mustRun(0, "player", "queue")
	if want := "1\tBand\tSong B\t" + uriB + "\n2\tOther\tSong C\t" + uriC + "\n"; r.out != want {
		t.Errorf("queue: %q", r.out)
	}
	r = e.mustRun(0, "player", "queue", "--json")
	// Compact in a pipe, as every --json (indented on a terminal).
	if !strings.HasPrefix(r.out, "[{") || strings.Count(r.out, `"type":"track"`) < 2 {
		t.Errorf("queue --json: %s", r.out)
	}
	e.fake.AddRecentlyPlayed("alice", time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), time.Minute, songA, songB)
	r = e.mustRun(0, "player", "recent")
	if want := "2026-01-02T03:05:05.000Z\tBand\tSong B\t" + uriB + "\n2026-01-02T03:04:05.000Z\tBand, Guest\tSong A\t" + uriA + "\n"; r.out != want {
		t.Errorf("recent: %q", r.out)
	}
	r = e.mustRun(0, "player", "recent", "-o", "ndjson", "--limit", "1")
	if strings.Count(r.out, "\n") != 1 || !strings.Contains(r.out, `"played_at":"2026-01-02T03:05:05.000Z"`) {
		t.Errorf("recent ndjson: %s", r.out)
	}
	// -o uri, as every listing has it: the items' URIs, one a line; devices
	// have none, which is said rather than printing nothing.
	if r = e.mustRun(0, "player", "recent", "-o", "uri"); r.out != uriB+"\n"+uriA+"\n" {
		t.Errorf("recent -o uri: %q", r.out)
	}
	if r = e.mustRun(0, "player", "queue", "-o", "uri"); r.out != uriB+"\n"+uriC+"\n" {
		t.Errorf("queue -o uri: %q", r.out)
	}
	if r = e.mustRun(2, "player", "devices", "-o", "uri"); !strings.Contains(r.err, "no Spotify URI") || r.out != "" {
		t.Errorf("devices -o uri: %+v", r)
	}
}

// syncBuffer is stdout for --follow: it tells when lines arrive.
type syncBuffer struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	lines  chan string
	want   int    // lines the test waits for, or
	until  string // the line it waits for
	n      int
	last   string
	sleeps []time.Duration
}

func newSyncBuffer(want int, until string) *syncBuffer {
	return &syncBuffer{lines: make(chan string, 100), want: want, until: until}
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Write(p)
	for _, l := range strings.SplitAfter(string(p), "\n") {
		if l != "" {
			b.n++
			b.last = l
			b.lines <- l
		}
	}
	return len(p), nil
}

func (b *syncBuffer) done() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.until != "" {
		return b.last == b.until
	}
	return b.n >= b.want
}

func (b *syncBuffer) slept(d time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.sleeps = append(b.sleeps, d)
}

// follow runs now --follow until n lines came, and returns them.
func (e *testEnv) follow(n int, args ...string) ([]string, result) {
	e.t.Helper()
	lines, r, _ := e.followOut(newSyncBuffer(n, ""), args...)
	return lines, r
}

// followUntil runs now --follow until the line last came.
func (e *testEnv) followUntil(last string, args ...string) ([]string, result) {
	e.t.Helper()
	lines, r, _ := e.followOut(newSyncBuffer(0, last), args...)
	return lines, r
}

func (e *testEnv) followOut(out *syncBuffer, args ...string) ([]string, result, *syncBuffer) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	done := make(chan result, 1)
	go func() { done <- e.runCtx(ctx, out, append([]string{"now", "--follow"}, args...)...) }()
	var lines []string
	for !(out.want > 0 && len(lines) >= out.want || out.until != "" && len(lines) > 0 && lines[len(lines)-1] == out.until) {
		select {
		case l := <-out.lines:
			lines = append(lines, l)
		case r := <-done:
			e.t.Fatalf("follow ended after %q: %+v", lines, r)
		case <-ctx.Done():
			e.t.Fatalf("timeout after %q", lines)
		}
	}
	cancel()
	r := <-done
	if r.code != cmdutil.ExitInterrupted || strings.Contains(r.err, "spotcli:") {
		e.t.Errorf("follow after the interrupt: exit %d, stderr %q", r.code, r.err)
	}
	return lines, r, out
}

// short tracks for --follow: they end by themselves.
func shortTracks(n int, ms int) []spotifytest.Track {
	var out []spotifytest.Track
	for i := range n {
		out = append(out, spotifytest.Track{Name: "Short " + string(rune('A'+i)), Artists: []string{"Quick"}, DurationMS: ms})
	}
	return out
}

func TestFollow(t *testing.T) {
	clock := &virtualClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	e := newEnvAt(t, clock, "")
	e.play(spotifytest.Playback{Items: shortTracks(4, 700)})
	e.fake.ResetStats()
	lines, _, out := e.followOut(newSyncBuffer(5, ""), "--interval", "1m")
	want := []string{"Quick – Short A\n", "Quick – Short B\n", "Quick – Short C\n", "Quick – Short D\n", "Quick – Short D\n"}
	// The last line is D again, paused at its end: the play state changed.
	if diff := cmp.Diff(want, lines); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
	// One request per line: it sleeps to each track's end (and 300 ms),
	// never polling in between.
	if n := e.requests(); n != len(want) {
		t.Errorf("%d requests for %d lines", n, len(want))
	}
	wantSleeps := []time.Duration{time.Second, 700 * time.Millisecond, 700 * time.Millisecond, 700 * time.Millisecond}
	if diff := cmp.Diff(wantSleeps, out.sleeps); diff != "" {
		t.Errorf("sleeps (-want +got):\n%s", diff)
	}
}

// TestFollowEndLag: Spotify shows an ended track for a while; --follow
// polls again soon (0.5 s) instead of waiting --interval.
func TestFollowEndLag(t *testing.T) {
	clock := &virtualClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	e := newEnvAt(t, clock, "")
	e.fake.SetPlayerEndLag(500 * time.Millisecond)
	e.play(spotifytest.Playback{Items: shortTracks(3, 2000)})
	e.fake.ResetStats()
	lines, _, out := e.followOut(newSyncBuffer(0, "Quick – Short C\n"), "--interval", "1m")
	if diff := cmp.Diff([]string{"Quick – Short A\n", "Quick – Short B\n", "Quick – Short C\n"}, lines); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
	// A's end + 0.3 s: still A; 0.5 s later B, 0.8 s in; to its end + 0.3 s...
	want := []time.Duration{2300 * time.Millisecond, 500 * time.Millisecond, 1500 * time.Millisecond, 500 * time.Millisecond}
	if diff := cmp.Diff(want, out.sleeps); diff != "" {
		t.Errorf("sleeps (-want +got):\n%s", diff)
	}
	if n := e.requests(); n != 5 {
		t.Errorf("%d requests, want 5 (2 per change)", n)
	}
}

// TestFollowPolls: within a long item it polls every --interval, and
// then at the item's end; an overdue item is polled again soon.
func TestFollowPolls(t *testing.T) {
	clock := &virtualClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	e := newEnvAt(t, clock, "")
	e.play(spotifytest.Playback{Items: shortTracks(2, 12_000)})
	_, _, out := e.followOut(newSyncBuffer(0, "Quick – Short B\n"), "--interval", "5s")
	want := []time.Duration{5 * time.Second, 5 * time.Second, 2300 * time.Millisecond}
	if diff := cmp.Diff(want, out.sleeps); diff != "" {
		t.Errorf("sleeps (-want +got):\n%s", diff)
	}
	if d := retryLate(0); d != lateFirst {
		t.Errorf("first retry of an overdue item after %s", d)
	}
}

func TestFollowJSONAndIdle(t *testing.T) {
	e := newEnv(t, "")
	e.play(spotifytest.Playback{Items: shortTracks(1, 500)})
	go func() {
		time.Sleep(1500 * time.Millisecond)
		e.fake.StopPlayback("alice")
	}()
	lines, _ := e.follow(3, "-o", "json", "--interval", "1s")
	if !strings.Contains(lines[0], `"is_playing":true`) || !strings.Contains(lines[1], `"is_playing":false`) || lines[2] != "null\n" {
		t.Errorf("lines: %q", lines)
	}
}

// TestFollowTokenExpiry: the access token expires during --follow; it is
// refreshed once, through the token source, and the lines go on.
func TestFollowTokenExpiry(t *testing.T) {
	clock := &virtualClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	e := newEnvAt(t, clock, "")
	// Valid for 1.5 s more before the refresh margin.
	e.seed(api.PlayerScopes, clock.Now().Add(auth.RefreshMargin+1500*time.Millisecond))
	e.play(spotifytest.Playback{Items: shortTracks(4, 900)})
	e.fake.ResetStats()
	lines, _ := e.follow(4, "--interval", "1m")
	if lines[3] != "Quick – Short D\n" {
		t.Errorf("lines: %q", lines)
	}
	if st := e.fake.Stats(); st.Refreshes != 1 {
		t.Errorf("%d refreshes, want 1", st.Refreshes)
	}
	e.fake.ResetStats()
	// Spotify may also refuse a token early (401): renewed once, too.
	e.play(spotifytest.Playback{Items: shortTracks(3, 800)})
	e.fake.ExpireAccessTokens()
	lines, _ = e.follow(3, "--interval", "1m")
	if st := e.fake.Stats(); st.Refreshes != 1 || lines[2] != "Quick – Short C\n" {
		t.Errorf("%d refreshes, lines %q", st.Refreshes, lines)
	}
}

// TestFollow429: a 429 on a poll is waited out, and no request goes in the
// Retry-After window.
func TestFollow429(t *testing.T) {
	e := newEnv(t, "")
	e.play(spotifytest.Playback{Items: shortTracks(3, 800)})
	e.fake.InjectFault(spotifytest.Fault{Path: "/v1/me/player", Status: 429, RetryAfter: "1", SkipFirst: 1, Count: 1})
	e.fake.ResetStats()
	start := time.Now()
	// The 429 comes at A's end and holds the next poll for 1 s: B may go
	// by unseen; C, paused at its end, is the last line whatever the load.
	lines, _ := e.followUntil("Quick – Short C\n", "--interval", "1m")
	if lines[0] != "Quick – Short A\n" {
		t.Errorf("lines: %q", lines)
	}
	if st := e.fake.Stats(); st.DuringRetryAfter != 0 {
		t.Errorf("%d requests during Retry-After", st.DuringRetryAfter)
	}
	if time.Since(start) < time.Second {
		t.Errorf("the Retry-After was not waited out")
	}
	// A Retry-After longer than --max-wait: follow waits it out too.
	e.play(spotifytest.Playback{Items: shortTracks(2, 1500)})
	e.fake.InjectFault(spotifytest.Fault{Path: "/v1/me/player", Status: 429, RetryAfter: "2", Count: 1})
	e.fake.ResetStats()
	lines, r := e.followUntil("Quick – Short B\n", "--interval", "1m", "--max-wait", "1s")
	if st := e.fake.Stats(); st.DuringRetryAfter != 0 || lines[0] != "Quick – Short B\n" {
		t.Errorf("%d during Retry-After, lines %q", st.DuringRetryAfter, lines)
	}
	if !strings.Contains(r.err, "warning: rate limited by Spotify for 2s, until ") {
		t.Errorf("stderr: %q", r.err)
	}
}

// TestFollowBacksOff: failing polls are retried with growing delays, and
// a warning, not a stream of errors.
func TestFollowBacksOff(t *testing.T) {
	delays := []time.Duration{}
	prev := time.Duration(0)
	for range 12 {
		d, fatal := retryDelay(context.DeadlineExceeded, prev)
		if fatal {
			t.Fatal("a network error is fatal")
		}
		delays = append(delays, d)
		prev = d
	}
	if delays[0] != errFirst || delays[1] != 2*errFirst || delays[len(delays)-1] != errMost {
		t.Errorf("delays: %v", delays)
	}
	if _, fatal := retryDelay(&auth.LoginNeededError{Reason: "x"}, 0); !fatal {
		t.Error("login needed is not fatal")
	}
	if _, fatal := retryDelay(&api.Error{Status: 403}, 0); !fatal {
		t.Error("403 is not fatal")
	}
	if d, fatal := retryDelay(&api.RateLimitError{RetryAfter: time.Hour}, 0); fatal || d != time.Hour {
		t.Errorf("rate limit: %v %v", d, fatal)
	}
}

// TestFlags: command lines become options (through runF, no request).
func TestFlags(t *testing.T) {
	var out, errb bytes.Buffer
	f := newFactory(&out, &errb, time.Now)
	run := func(c *cobra.Command, args ...string) {
		t.Helper()
		c.SetArgs(args)
		c.SetOut(&out)
		c.SetErr(&errb)
		if err := c.Execute(); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
	}
	var now *nowOptions
	run(NewNowCmd(f, func(_ context.Context, o *nowOptions) error { now = o; return nil }), "--follow", "--interval", "2s", "-o", "json")
	if !now.Follow || now.Interval != 2*time.Second || now.Output != "json" || now.tmpl != nil {
		t.Errorf("now: %+v", now)
	}
	run(NewNowCmd(f, func(_ context.Context, o *nowOptions) error { now = o; return nil }), "--format", "{{.uri}}")
	if now.Output != "text" || now.tmpl == nil || now.Interval != 5*time.Second {
		t.Errorf("now --format: %+v", now)
	}
	var seek *seekOptions
	run(NewSeekCmd(f, func(_ context.Context, o *seekOptions) error { seek = o; return nil }), "1:30", "--device", "Kitchen")
	if seek.Position != "1:30" || seek.Device != "Kitchen" {
		t.Errorf("seek: %+v", seek)
	}
	var tr *transferOptions
	run(NewTransferCmd(f, func(_ context.Context, o *transferOptions) error { tr = o; return nil }), "phone", "--play")
	if tr.Target != "phone" || !tr.Play {
		t.Errorf("transfer: %+v", tr)
	}
	var q *queueOptions
	run(NewQueueCmd(f, func(_ context.Context, o *queueOptions) error { q = o; return nil }), "current", uriA, "--json")
	if diff := cmp.Diff([]string{"current", uriA}, q.Items); diff != "" || q.Output != "json" {
		t.Errorf("queue: %+v %s", q, diff)
	}
	var m *modeOptions
	run(NewRepeatCmd(f, func(_ context.Context, o *modeOptions) error { m = o; return nil }), "track")
	if m.State != "track" {
		t.Errorf("repeat: %+v", m)
	}
}

func TestCurrentFor(t *testing.T) {
	e := newEnv(t, "free")
	var out, errb bytes.Buffer
	f := newFactory(&out, &errb, time.Now)
	if _, err := CurrentFor(context.Background(), f); !errors.Is(err, api.ErrNothingPlaying) {
		t.Errorf("nothing playing: %v", err)
	}
	e.play(spotifytest.Playback{Items: []spotifytest.Track{ep1}})
	uri, err := CurrentFor(context.Background(), newFactory(&out, &errb, time.Now))
	if err != nil || uri != "spotify:episode:512ojhOuo1ktJprKbVcKyQ" {
		t.Errorf("got %q, %v", uri, err)
	}
}

func TestCompleteDevices(t *testing.T) {
	e := newEnv(t, "")
	e.play(spotifytest.Playback{})
	r := e.run("__complete", "player", "pause", "--device", "liv")
	want := "Living Room\tSpeaker\nLiving Room TV\tTV\n:4\n"
	if !strings.HasPrefix(r.out, want) {
		t.Errorf("completion: %q, want %q...", r.out, want)
	}
	r = e.run("__complete", "player", "transfer", "")
	if !strings.Contains(r.out, "Laptop\tComputer, active\n") || !strings.Contains(r.out, "Phone\tSmartphone\n") {
		t.Errorf("transfer completion: %q", r.out)
	}
	// No login: no suggestions, and nothing said.
	if err := os.Remove(filepath.Join(e.dir, "tokens", "default.json")); err != nil {
		t.Fatal(err)
	}
	r = e.run("__complete", "player", "next", "--device", "")
	if r.out != ":4\n" || strings.Contains(r.err, "spotcli") {
		t.Errorf("without a login: %q %q", r.out, r.err)
	}
}

// TestPlayShareLink: play and queue take spotify.link share links, resolved
// with one tokenless request before anything is sent to the player.
func TestPlayShareLink(t *testing.T) {
	e := newEnv(t, "")
	e.play(spotifytest.Playback{Items: []spotifytest.Track{songB}})
	e.fake.AddShortLink("SongA000001", "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC?si=x")
	e.mustRun(0, "player", "play", "https://spotify.link/SongA000001")
	if st := e.fake.Player("alice"); st.Item != uriA {
		t.Errorf("player: %+v", st)
	}
	if hits, withAuth := e.fake.ShortLinkStats(); hits != 1 || withAuth != 0 {
		t.Errorf("share links: %d requests (want 1), %d with credentials (want 0)", hits, withAuth)
	}
}
