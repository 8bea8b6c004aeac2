package playlists

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/cmd/cmdutil/cmdutiltest"
	"github.com/spotcli/spotcli/internal/auth"
	"github.com/spotcli/spotcli/internal/spotifytest"
)

// seedScopes stores a login of alice for profile with only these scopes.
func seedScopes(e *cmdutiltest.Env, profile string, scopes ...string) {
	now := time.Now()
	access, refresh := e.Fake.IssueTokens(cmdutiltest.ClientID, "alice", scopes, spotifytest.FlowPKCE, now)
	e.WriteRecord(profile, &auth.Record{
		AccessToken: access, RefreshToken: refresh, TokenType: "Bearer", ExpiresAt: now.Add(time.Hour),
		Scopes: scopes, ClientID: cmdutiltest.ClientID, Flow: auth.FlowPKCE, UserID: "alice", UserName: "Alice Liddell",
		LoggedInAt: now, UpdatedAt: now,
	})
}

// Without playlist-read-private Spotify lists fewer playlists and says
// nothing: spotcli warns on stderr, with the command that fixes it.
func TestPlaylistsShortenedByScope(t *testing.T) {
	for _, profile := range []string{"default", "work"} {
		t.Run(profile, func(t *testing.T) {
			e := newLibrary(t)
			e.Setenv("SPOTCLI_PROFILE", profile)
			seedScopes(e, profile, "user-read-private", "playlist-read-collaborative")
			r := e.Factory("")
			if err := runPlaylists(context.Background(), &playlistsOptions{f: r.F, ListOptions: cmdutil.ListOptions{Output: "tsv", Concurrency: 8}}); err != nil {
				t.Fatal(err)
			}
			if n := strings.Count(r.Out.String(), "\n"); n != 2 {
				t.Errorf("%d playlists, want the 2 the fake shows without the scope:\n%s", n, r.Out)
			}
			flags := ""
			if profile != "default" {
				flags = " --profile work"
			}
			want := "warning: the login lacks the playlist-read-private scope, so Spotify left the user's private playlists out of this list: run spotcli login --add-scopes playlist-read-private" + flags + "\n"
			if r.Err.String() != want {
				t.Errorf("stderr %q, want %q", r.Err, want)
			}
		})
	}
}

// A 403 for a missing scope names the scope the endpoint needs and the
// command that adds it.
func TestPlaylistItemsMissingScope(t *testing.T) {
	e := newLibrary(t)
	e.Setenv("SPOTCLI_PROFILE", "work")
	seedScopes(e, "work", "user-read-private")
	e.Fake.GeneratePlaylistItems("0TrickyQuotes000000005", 2) // alice's private playlist
	r := e.Factory("")
	err := runPlaylistItems(context.Background(), &playlistItemsOptions{f: r.F, PlaylistID: "0TrickyQuotes000000005", ListOptions: cmdutil.ListOptions{Concurrency: 8}})
	wantCode(t, err, cmdutil.ExitError)
	want := "hint: GET /playlists/0TrickyQuotes000000005/items needs the playlist-read-private or playlist-read-collaborative scope, which the login lacks: run spotcli login --add-scopes playlist-read-private,playlist-read-collaborative --profile work"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v\nwant %q", err, want)
	}
}

// With credentials from the environment, the hint says how to replace them:
// login refuses to run there.
func TestMissingScopeHintEnvironment(t *testing.T) {
	e := newLibrary(t)
	access, _ := e.Fake.IssueTokens(cmdutiltest.ClientID, "alice", []string{"user-read-private"}, spotifytest.FlowPKCE, time.Now())
	e.Setenv("SPOTCLI_ACCESS_TOKEN", access)
	e.Fake.GeneratePlaylistItems("0TrickyQuotes000000005", 2)
	r := e.Factory("")
	err := runPlaylistItems(context.Background(), &playlistItemsOptions{f: r.F, PlaylistID: "0TrickyQuotes000000005", ListOptions: cmdutil.ListOptions{Concurrency: 8}})
	want := "run spotcli login --add-scopes playlist-read-private,playlist-read-collaborative where the login is stored, then replace SPOTCLI_ACCESS_TOKEN with the output of spotcli token"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v\nwant %q", err, want)
	}
	// Its scopes unknown, the listing is not warned about.
	r = e.Factory("")
	if err := runPlaylists(context.Background(), &playlistsOptions{f: r.F, ListOptions: cmdutil.ListOptions{Output: "tsv", Concurrency: 8}}); err != nil {
		t.Fatal(err)
	}
	if r.Err.Len() != 0 {
		t.Errorf("stderr %q", r.Err)
	}
}
