package apicmd

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/cmd/cmdutil/cmdutiltest"
	"github.com/spotcli/spotcli/internal/spotifytest"
)

func TestNewAPICmd(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    []string
		want    apiOptions
		wantErr string
	}{
		{name: "a path", args: []string{"me"}, want: apiOptions{Path: "me"}},
		{name: "every flag", args: []string{"-X", "put", "me/player/pause", "-f", "a=1", "-F", "b=2", "--raw-field", "c=3", "--field", "d=true",
			"--input", "-", "-H", "X-A: b", "--header", "X-C: d", "-i", "--paginate", "--slurp", "-q", ".x", "--app"},
			want: apiOptions{Path: "me/player/pause", Method: "put", MethodSet: true,
				Fields: []fieldArg{{raw: "a=1"}, {raw: "b=2", typed: true}, {raw: "c=3"}, {raw: "d=true", typed: true}},
				Input:  "-", Headers: []string{"X-A: b", "X-C: d"}, Include: true, Paginate: true, Slurp: true, JQ: ".x", App: true}},
		{name: "--method set to GET", args: []string{"me", "--method", "GET"}, want: apiOptions{Path: "me", Method: "GET", MethodSet: true}},
		{name: "no path", args: nil, wantErr: "spotcli api takes one PATH (such as me or /me/top/tracks), got 0 arguments"},
		{name: "two paths", args: []string{"me", "you"}, wantErr: "got 2 arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &cmdutil.Factory{}
			var got *apiOptions
			err := cmdutiltest.Parse(t, NewAPICmd(f, func(_ context.Context, o *apiOptions) error { got = o; return nil }), tt.args...)
			if tt.wantErr != "" {
				cmdutiltest.WantError(t, err, tt.wantErr, cmdutil.ExitUsage)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.f != f {
				t.Error("the options lack the Factory")
			}
			tt.want.f = f
			if diff := cmp.Diff(tt.want, *got, cmp.AllowUnexported(apiOptions{}, fieldArg{}), cmp.Comparer(func(a, b *cmdutil.Factory) bool { return a == b })); diff != "" {
				t.Errorf("options (-want +got):\n%s", diff)
			}
		})
	}
}

func newAPIEnv(t *testing.T) *cmdutiltest.Env {
	e := cmdutiltest.New(t)
	e.SeedFresh("default")
	e.Fake.GeneratePlaylists("alice", 7)
	return e
}

func TestRunAPI(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		opts    apiOptions
		want    func(t *testing.T, out string)
		wantErr string
		code    int
	}{
		{name: "a GET", opts: apiOptions{Path: "me"}, want: func(t *testing.T, out string) {
			var me map[string]any
			if err := json.Unmarshal([]byte(out), &me); err != nil || me["id"] != "alice" || strings.Count(out, "\n") != 1 {
				t.Errorf("%v: %q", err, out)
			}
		}},
		{name: "--jq prints strings raw", opts: apiOptions{Path: "/me", JQ: ".display_name, .id"}, want: wantOut("Alice Liddell\nalice\n")},
		{name: "--jq on a page", opts: apiOptions{Path: "me/playlists?limit=3", JQ: ".items | length"}, want: wantOut("3\n")},
		{name: "--paginate, one JSON line per item", opts: apiOptions{Path: "me/playlists", Paginate: true, Fields: []fieldArg{{raw: "limit=3", typed: true}}}, want: func(t *testing.T, out string) {
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			if len(lines) != 7 || !strings.Contains(lines[6], `"name":"Playlist 0007"`) {
				t.Errorf("%q", out)
			}
		}},
		{name: "--paginate --slurp", opts: apiOptions{Path: "me/playlists?limit=2", Paginate: true, Slurp: true}, want: func(t *testing.T, out string) {
			var all []map[string]any
			if err := json.Unmarshal([]byte(out), &all); err != nil || len(all) != 7 {
				t.Errorf("%v: %q", err, out)
			}
		}},
		{name: "--paginate --jq on each item", opts: apiOptions{Path: "me/playlists?limit=4", Paginate: true, JQ: ".name"},
			want: wantOut("Playlist 0001\nPlaylist 0002\nPlaylist 0003\nPlaylist 0004\nPlaylist 0005\nPlaylist 0006\nPlaylist 0007\n")},
		{name: "--paginate --slurp --jq on the array", opts: apiOptions{Path: "me/playlists?limit=4", Paginate: true, Slurp: true, JQ: "length"}, want: wantOut("7\n")},
		{name: "--paginate on what has no pages", opts: apiOptions{Path: "me", Paginate: true}, wantErr: "--paginate: ", code: cmdutil.ExitError},
		{name: "a URL elsewhere is refused before any request", opts: apiOptions{Path: "https://evil.example/v1/me"}, wantErr: "evil.example", code: cmdutil.ExitUsage},
		{name: "--jq that does not compile", opts: apiOptions{Path: "me", JQ: ".["}, wantErr: `--jq ".["`, code: cmdutil.ExitUsage},
		{name: "--jq that fails on the data", opts: apiOptions{Path: "me", JQ: ".id.x"}, wantErr: "jq: ", code: cmdutil.ExitError},
		{name: "an error status", opts: apiOptions{Path: "playlists/0NoSuchPlaylist0000004"}, wantErr: "Spotify answered 404", code: cmdutil.ExitError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newAPIEnv(t)
			r := e.Factory("")
			o := tt.opts
			o.f = r.F
			err := runAPI(context.Background(), &o)
			if tt.wantErr != "" {
				cmdutiltest.WantError(t, err, tt.wantErr, tt.code)
				if tt.code == cmdutil.ExitUsage && len(e.Fake.Stats().APIRequests) != 0 {
					t.Errorf("requests were made: %v", e.Fake.Stats().APIRequests)
				}
				return
			}
			if err != nil {
				t.Fatalf("%v\n%s", err, r.Err)
			}
			tt.want(t, r.Out.String())
		})
	}
}

func wantOut(want string) func(*testing.T, string) {
	return func(t *testing.T, got string) {
		t.Helper()
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("stdout (-want +got):\n%s", diff)
		}
	}
}

// A POST with fields sends them as a JSON object; -i shows the status and
// headers on stderr, never on stdout.
func TestRunAPIPostInclude(t *testing.T) {
	t.Parallel()
	e := newAPIEnv(t)
	rec := e.Record("default")
	rec.Scopes = append(rec.Scopes, "playlist-modify-private")
	rec.AccessToken, rec.RefreshToken = e.Fake.IssueTokens(cmdutiltest.ClientID, "alice", rec.Scopes, spotifytest.FlowPKCE, rec.LoggedInAt)
	e.WriteRecord("default", rec)
	r := e.Factory("")
	o := &apiOptions{f: r.F, Path: "me/playlists", Fields: []fieldArg{{raw: "name=Road trip"}, {raw: "public=false", typed: true}}, Include: true}
	if err := runAPI(context.Background(), o); err != nil {
		t.Fatalf("%v\n%s", err, r.Err)
	}
	var created map[string]any
	if err := json.Unmarshal(r.Out.Bytes(), &created); err != nil || created["name"] != "Road trip" || created["public"] != false {
		t.Errorf("%v: %s", err, r.Out)
	}
	if !strings.HasPrefix(r.Err.String(), "HTTP 201 Created\n") || !strings.Contains(r.Err.String(), "Content-Type: application/json") {
		t.Errorf("stderr:\n%s", r.Err)
	}
	if n := e.Fake.Stats().APIRequests["/v1/me/playlists"]; n != 1 {
		t.Errorf("%d POSTs", n)
	}
}

// --app uses an app-only token, and replaces a cached one Spotify refuses.
func TestRunAPIApp(t *testing.T) {
	t.Parallel()
	e := cmdutiltest.New(t)
	e.UseSecretApp()
	e.Fake.AddTracks(spotifytest.Track{ID: "4uLU6hMCjMI75M1A2tKUQC", Name: "Never Gonna Give You Up", Artists: []string{"Rick Astley"}, DurationMS: 213000})
	for i := range 2 {
		if i == 1 {
			e.Fake.ExpireAccessTokens()
		}
		r := e.Factory("")
		if err := runAPI(context.Background(), &apiOptions{f: r.F, Path: "tracks/4uLU6hMCjMI75M1A2tKUQC", JQ: ".name", App: true}); err != nil {
			t.Fatalf("run %d: %v\n%s", i+1, err, r.Err)
		}
		if r.Out.String() != "Never Gonna Give You Up\n" {
			t.Errorf("run %d: %q", i+1, r.Out)
		}
	}
	if n := e.Fake.Stats().TokenRequests["client_credentials"]; n != 2 {
		t.Errorf("%d client_credentials requests, want 2 (cached, then replaced once refused)", n)
	}
	if e.Record("default") != nil {
		t.Error("an app-only token was stored as the user's login")
	}
}
