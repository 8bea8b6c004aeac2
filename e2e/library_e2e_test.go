package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/spotcli/spotcli/internal/spotifytest"
)

// libraryScopes are a login's scopes with the library's.
var libraryScopes = append(append([]string{}, defaultScopes...), "user-library-read", "user-follow-read")

// loginLibrary logs alice in to a development-mode app with the library's
// scopes.
func (h *harness) loginLibrary() {
	h.t.Helper()
	h.fake.AddApp(spotifytest.App{ClientID: testDevClientID, Name: "spotcli e2e dev", RedirectURIs: []string{"http://127.0.0.1/callback"}, DevMode: true})
	h.loginWith(testDevClientID, libraryScopes)
}

// addLibrary gives alice a small library with fixed IDs and names that try
// to break a line or a column.
func (h *harness) addLibrary() {
	day := func(d int) time.Time { return time.Date(2025, 6, d, 12, 0, 0, 0, time.UTC) }
	h.fake.Save("alice",
		spotifytest.Saved{Track: &spotifytest.Track{ID: "0LikedOne0000000000001", Name: "First\tliked", Artists: []string{"Ann", "Bob"}, Album: "Albüm", DurationMS: 201_000}, AddedAt: day(1)},
		spotifytest.Saved{Track: &spotifytest.Track{ID: "0LikedTwo0000000000002", Name: "日本語の歌", Artists: []string{"歌手"}, Album: "アルバム", DurationMS: 59_999}, AddedAt: day(3)},
		spotifytest.Saved{Album: &spotifytest.Album{ID: "0SavedAlbum00000000001", Name: "Line\nbreak", Artists: []string{"Carl"}, ReleaseDate: "1999-12-31", Tracks: 11}, AddedAt: day(2)},
		spotifytest.Saved{Show: &spotifytest.Show{ID: "0SavedShow000000000001", Name: "The Show", Publisher: "Pub, Inc.", Episodes: 120}, AddedAt: day(4)},
		spotifytest.Saved{Track: &spotifytest.Track{ID: "0SavedEpisode000000001", Name: "Ep 1", Show: "The Show", Episode: true, DurationMS: 3_600_000}, AddedAt: day(5)},
	)
	h.fake.Follow("alice", spotifytest.Artist{ID: "0FollowedArtist0000001", Name: "Zed", Genres: []string{"jazz", "bop"}}, spotifytest.Artist{ID: "0FollowedArtist0000002", Name: "Amy"})
}

func TestLibraryKinds(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"tracks"}, "2025-06-03T12:00:00Z\t0LikedTwo0000000000002\t日本語の歌\t歌手\tアルバム\t0:59\tQZ0LIKEDTWO0\n" +
			"2025-06-01T12:00:00Z\t0LikedOne0000000000001\tFirst\\tliked\tAnn, Bob\tAlbüm\t3:21\tQZ0LIKEDONE0\n"},
		{[]string{"albums"}, "2025-06-02T12:00:00Z\t0SavedAlbum00000000001\tLine\\nbreak\tCarl\t1999-12-31\t11\n"},
		{[]string{"shows"}, "2025-06-04T12:00:00Z\t0SavedShow000000000001\tThe Show\tPub, Inc.\t120\n"},
		{[]string{"episodes"}, "2025-06-05T12:00:00Z\t0SavedEpisode000000001\tEp 1\tThe Show\t2024-01-01\t60:00\n"},
		{[]string{"artists"}, "0FollowedArtist0000001\tZed\tjazz, bop\n0FollowedArtist0000002\tAmy\t\n"},
		{[]string{"tracks", "-o", "uri"}, "spotify:track:0LikedTwo0000000000002\nspotify:track:0LikedOne0000000000001\n"},
		{[]string{"albums", "-o", "uri"}, "spotify:album:0SavedAlbum00000000001\n"},
		{[]string{"shows", "-o", "uri"}, "spotify:show:0SavedShow000000000001\n"},
		{[]string{"episodes", "-o", "uri"}, "spotify:episode:0SavedEpisode000000001\n"},
		{[]string{"artists", "-o", "uri", "--limit", "1"}, "spotify:artist:0FollowedArtist0000001\n"},
		{[]string{"tracks", "--limit", "1", "-o", "table"}, "ADDED       NAME        ARTISTS  ALBUM     DURATION  ID\n" +
			"2025-06-03  日本語の歌  歌手     アルバム  0:59      0LikedTwo0000000000002\n"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			h.loginLibrary()
			h.addLibrary()
			r := h.mustRun(0, "", append([]string{"library"}, tt.args...)...)
			if r.stdout != tt.want || r.stderr != "" {
				t.Errorf("got %s\nwant stdout %q", r, tt.want)
			}
		})
	}
}

func TestLibraryJSONIsSpotifys(t *testing.T) {
	h := newHarness(t)
	h.loginLibrary()
	h.addLibrary()
	r := h.mustRun(0, "", "library", "tracks", "-o", "ndjson")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], `{"added_at":"2025-06-03T12:00:00Z","track":{`) || !strings.Contains(lines[0], `"isrc":"QZ0LIKEDTWO0"`) {
		t.Errorf("ndjson:\n%s", r.stdout)
	}
}

func TestLibraryPaging(t *testing.T) {
	h := newHarness(t)
	h.loginLibrary()
	h.fake.GenerateLikedSongs("alice", 237)
	h.fake.GenerateFollowedArtists("alice", 120)
	r := h.mustRun(0, "", "library", "tracks", "-o", "uri", "--concurrency", "4")
	if n := strings.Count(r.stdout, "\n"); n != 237 {
		t.Errorf("%d liked songs, want 237", n)
	}
	r = h.mustRun(0, "", "library", "artists")
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(lines) != 120 {
		t.Fatalf("%d artists, want 120", len(lines))
	}
	for i, l := range lines {
		if want := fmt.Sprintf("\tFollowed Artist %04d\t", i+1); !strings.Contains(l, want) {
			t.Fatalf("artist %d: %q, want %q", i+1, l, want)
		}
	}
	st := h.fake.Stats()
	if st.APIRequests["/v1/me/tracks"] != 5 || st.APIRequests["/v1/me/following"] != 3 {
		t.Errorf("requests: %v", st.APIRequests)
	}
}

func TestLibraryErrors(t *testing.T) {
	h := newHarness(t)
	h.loginAlice() // a login from before the library's scopes
	r := h.mustRun(1, "", "library", "tracks")
	if !strings.Contains(r.stderr, "Insufficient client scope") || !strings.Contains(r.stderr, "needs the user-library-read scope, which the login lacks: run spotcli login --add-scopes user-library-read") {
		t.Errorf("%s", r)
	}
	r = h.mustRun(1, "", "library", "artists")
	if !strings.Contains(r.stderr, "user-follow-read") {
		t.Errorf("%s", r)
	}
	r = h.mustRun(2, "", "library", "podcasts")
	if !strings.Contains(r.stderr, `unknown KIND "podcasts": choose one of tracks, albums, shows, episodes, artists`) {
		t.Errorf("%s", r)
	}
	h.mustRun(2, "", "library")
	r = h.mustRun(0, "", "library", "--help")
	if !strings.Contains(r.stdout, "pages followed artists by cursor") {
		t.Errorf("--help does not say artists page by cursor:\n%s", r.stdout)
	}
}
