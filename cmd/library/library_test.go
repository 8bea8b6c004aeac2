package library

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/cmd/cmdutil/cmdutiltest"
	"github.com/spotcli/spotcli/internal/spotifytest"
)

func TestLibraryFlags(t *testing.T) {
	var got *libraryOptions
	runF := func(_ context.Context, o *libraryOptions) error { got = o; return nil }
	if err := cmdutiltest.Parse(t, NewLibraryCmd(&cmdutil.Factory{}, runF), "artists", "-o", "uri", "--limit", "3", "--concurrency", "2"); err != nil {
		t.Fatal(err)
	}
	if got.Kind != "artists" || got.Output != "uri" || got.Limit != 3 || got.Concurrency != 2 {
		t.Errorf("options %+v", got)
	}
	for _, args := range [][]string{{}, {"podcasts"}, {"tracks", "albums"}, {"tracks", "-o", "xml"}, {"tracks", "--concurrency", "17"}, {"tracks", "--json", "-o", "tsv"}} {
		err := cmdutiltest.Parse(t, NewLibraryCmd(&cmdutil.Factory{}, runF), args...)
		if code := cmdutil.ExitCode(context.Background(), err); code != cmdutil.ExitUsage {
			t.Errorf("%v: exit %d (%v), want a usage error", args, code, err)
		}
	}
}

func newEnv(t *testing.T, scopes ...string) *cmdutiltest.Session {
	e := cmdutiltest.WithToken(t, cmdutiltest.Options{DevMode: true, Scopes: scopes})
	day := func(d int) time.Time { return time.Date(2025, 6, d, 12, 0, 0, 0, time.UTC) }
	e.Fake.Save("alice",
		spotifytest.Saved{Track: &spotifytest.Track{ID: "0LikedOne0000000000001", Name: "One", Artists: []string{"Ann", "Bob"}, Album: "A", DurationMS: 61_000}, AddedAt: day(1)},
		spotifytest.Saved{Track: &spotifytest.Track{ID: "0LikedTwo0000000000002", Name: "Two", Artists: []string{"Cy"}, Album: "B", DurationMS: 1_000}, AddedAt: day(2)},
		spotifytest.Saved{Album: &spotifytest.Album{ID: "0SavedAlbum00000000001", Name: "Al", Artists: []string{"Cy"}, ReleaseDate: "1999-01-02", Tracks: 9}, AddedAt: day(3)},
		spotifytest.Saved{Show: &spotifytest.Show{ID: "0SavedShow000000000001", Name: "Sh", Publisher: "P", Episodes: 4}, AddedAt: day(4)},
		spotifytest.Saved{Track: &spotifytest.Track{ID: "0SavedEpisode000000001", Name: "Ep", Show: "Sh", Episode: true, DurationMS: 90_000}, AddedAt: day(5)},
	)
	e.Fake.Follow("alice", spotifytest.Artist{ID: "0FollowedArtist0000001", Name: "Zed", Genres: []string{"jazz"}})
	return e
}

func TestRunLibrary(t *testing.T) {
	tests := []struct {
		kind, output, want string
	}{
		{"tracks", "tsv", "2025-06-02T12:00:00Z\t0LikedTwo0000000000002\tTwo\tCy\tB\t0:01\tQZ0LIKEDTWO0\n2025-06-01T12:00:00Z\t0LikedOne0000000000001\tOne\tAnn, Bob\tA\t1:01\tQZ0LIKEDONE0\n"},
		{"albums", "tsv", "2025-06-03T12:00:00Z\t0SavedAlbum00000000001\tAl\tCy\t1999-01-02\t9\n"},
		{"shows", "tsv", "2025-06-04T12:00:00Z\t0SavedShow000000000001\tSh\tP\t4\n"},
		{"episodes", "tsv", "2025-06-05T12:00:00Z\t0SavedEpisode000000001\tEp\tSh\t2024-01-01\t1:30\n"},
		{"artists", "tsv", "0FollowedArtist0000001\tZed\tjazz\n"},
		{"tracks", "uri", "spotify:track:0LikedTwo0000000000002\nspotify:track:0LikedOne0000000000001\n"},
		{"artists", "uri", "spotify:artist:0FollowedArtist0000001\n"},
		{"shows", "table", "ADDED       NAME  PUBLISHER  EPISODES  ID\n2025-06-04  Sh    P          4         0SavedShow000000000001\n"},
	}
	for _, tt := range tests {
		t.Run(tt.kind+" "+tt.output, func(t *testing.T) {
			e := newEnv(t, "user-library-read", "user-follow-read")
			o := &libraryOptions{f: e.F, Kind: tt.kind, ListOptions: cmdutil.ListOptions{Output: tt.output, Concurrency: 8}}
			if err := runLibrary(context.Background(), o); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, e.Out.String()); diff != "" || e.Err.Len() > 0 {
				t.Errorf("(-want +got):\n%s\nstderr: %s", diff, e.Err)
			}
		})
	}
}

func TestRunLibraryScopeHint(t *testing.T) {
	for kind, scope := range map[string]string{"tracks": "user-library-read", "artists": "user-follow-read"} {
		e := newEnv(t, "playlist-read-private")
		err := runLibrary(context.Background(), &libraryOptions{f: e.F, Kind: kind, ListOptions: cmdutil.ListOptions{Output: "tsv"}})
		if err == nil || !strings.Contains(err.Error(), "needs the "+scope+" scope, which the login lacks: run spotcli login --add-scopes "+scope) {
			t.Errorf("%s: %v", kind, err)
		}
	}
}

func TestFieldsOfNull(t *testing.T) {
	for k, raw := range map[string]string{
		"tracks": `{"added_at":"2025-01-01T00:00:00Z","track":null}`, "albums": `{"album":null}`,
		"shows": `null`, "episodes": `{"added_at":null,"episode":null}`, "artists": `null`,
	} {
		if _, _, err := kinds[k].fields([]byte(raw)); !errors.Is(err, errNull) {
			t.Errorf("%s %s: %v, want errNull", k, raw, err)
		}
	}
	if _, _, err := kinds["tracks"].fields([]byte(`{"track":"x"}`)); err == nil || errors.Is(err, errNull) {
		t.Errorf("a string track: %v", err)
	}
}
