package e2e

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/spotcli/spotcli/internal/spotifytest"
)

// The binary against answers recorded from the real Web API
// (testdata/recorded, served by the fake with ServeRecorded), and against
// the fake's shapes learnt from them (issue 15).

func TestRecordedWhoamiDisplayNameNull(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.loginAlice()
	h.fake.ServeRecorded("/v1/me", "zmb3-spotify/current_user_display_name_null.json")
	r := h.mustRun(0, "", "whoami")
	if !strings.HasPrefix(r.stdout, "ID:        username\nEmail:     username@domain.com\nCountry:   US\nProduct:   premium\nProfile:   default\n") {
		t.Errorf("stdout:\n%s", r.stdout)
	}
	for _, l := range strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n") {
		if k, v, _ := strings.Cut(l, ":"); strings.TrimSpace(v) == "" {
			t.Errorf("empty %s line: %q", k, l)
		}
	}
}

func TestRecordedPlaylistsNullEntry(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.loginAlice()
	h.fake.ServeRecorded("/v1/me/playlists", "joostlek-python-spotify/current_user_playlist_null_entry.json")
	// --limit 19: the recorded page is all there is.
	r := h.mustRun(0, "", "playlists", "--limit", "19")
	rows := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(rows) != 18 || rows[0] != "4WkWJ0EjHEFASDevhM8oPw\tHyper\t1\t1112264649\tpublic" {
		t.Errorf("%d rows, first %q", len(rows), rows[0])
	}
	if r.stderr != "warning: 1 playlist that Spotify sent as null (deleted or unavailable) left out; -o json shows it as null\n" {
		t.Errorf("stderr %q", r.stderr)
	}
	r = h.mustRun(0, "", "playlists", "--limit", "19", "-o", "json")
	var items []json.RawMessage
	if err := json.Unmarshal([]byte(r.stdout), &items); err != nil || len(items) != 19 || string(items[0]) != "null" {
		t.Errorf("json: %d items, first %.40s (%v)", len(items), items[0], err)
	}
	if r.stderr != "" {
		t.Errorf("json stderr %q", r.stderr)
	}
}

func TestRecordedPlaylistsNonLatin(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.loginAlice()
	h.fake.ServeRecorded("/v1/me/playlists", "zmb3-spotify/playlists_for_user.json")
	r := h.mustRun(0, "", "playlists")
	if !strings.Contains(r.stdout, "1yzak2pFIMsjWQRD38Hstf\t3FM 📻 Now Playing\t50\t3fm\tpublic\n") || strings.Count(r.stdout, "\n") != 7 {
		t.Errorf("stdout:\n%s", r.stdout)
	}
}

func TestRecordedPlaylistItemsLocalFiles(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.loginAlice()
	const id = "4XOGDpHMrVoH33uJEwHWU5"
	h.fake.ServeRecorded("/v1/playlists/"+id+"/items", "watsonbox-exportify/playlist_tracks_local_files.json")
	r := h.mustRun(0, "", "playlists", "items", id)
	want := "1\t\tHeart of Stone\tThe Waymores\t2:08\t2021-02-24T06:12:40Z\n2\t\tHeard It Through The Red Wine\tCharlie Marie\t3:47\t2021-02-24T06:12:40Z\n"
	if r.stdout != want {
		t.Errorf("stdout:\n%q\nwant\n%q", r.stdout, want)
	}
	r = h.mustRun(0, "", "playlists", "items", id, "-o", "ndjson")
	if !strings.Contains(r.stdout, `"uri":"spotify:local:The+Waymores:Heart+of+Stone:Heart+of+Stone:128"`) {
		t.Errorf("ndjson lost the local URI:\n%.300s", r.stdout)
	}
}

func TestRecordedAPIPaginateEmbeddedPages(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.loginAlice()
	h.fake.ServeRecorded("/v1/shows/1Y9ExMgMxoBVrgrfU7u0nD", "joostlek-python-spotify/show.json")
	h.fake.ServeRecorded("/v1/shows/1Y9ExMgMxoBVrgrfU7u0nD/episodes", "zmb3-spotify/get_show_episodes.json")
	h.fake.ServeRecorded("/v1/playlists/1Cp6VQCKf2VL4sP09jN9oX", "joostlek-python-spotify/playlist_1.json")
	r := h.mustRun(0, "", "api", "shows/1Y9ExMgMxoBVrgrfU7u0nD", "--paginate", "--jq", ".name")
	if n := strings.Count(r.stdout, "\n"); n != 75 {
		t.Errorf("%d episodes, want 50 embedded + 25 on the next page", n)
	}
	r = h.mustRun(0, "", "api", "playlists/1Cp6VQCKf2VL4sP09jN9oX", "--paginate", "--jq", ".item.name")
	if r.stdout != "All I Need\n" {
		t.Errorf("2026 playlist: %q", r.stdout)
	}
}

// TestAPIPaginatePlaylistObject: a playlist object of 250 entries in each
// shape the fake learnt from the recordings.
func TestAPIPaginatePlaylistObject(t *testing.T) {
	for _, tt := range []struct {
		name                string
		devMode, transition bool
	}{{"tracks", false, false}, {"items, development mode", true, false}, {"tracks and items, development mode", true, true}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			h.loginMode(tt.devMode)
			const id = "0LongPlaylist000000001"
			h.fake.AddPlaylists("alice", spotifytest.Playlist{ID: id, Name: "Long", Public: true})
			h.fake.GeneratePlaylistItems(id, 250)
			h.fake.SetTransitionShapes(tt.transition)
			r := h.mustRun(0, "", "api", "playlists/"+id, "--paginate", "--jq", "(.item // .track).name")
			lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
			if len(lines) != 250 || lines[0] != "Track 0001" || lines[249] != "Track 0250" {
				t.Errorf("%d entries: %q ... %q\n%s", len(lines), lines[0], lines[len(lines)-1], r.stderr)
			}
		})
	}
}

func TestPlaylistsNullEntryFake(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.loginAlice()
	h.fake.AddPlaylists("alice",
		spotifytest.Playlist{ID: "0000000000000000000One", Name: "One", Public: true},
		spotifytest.Playlist{Null: true},
	)
	r := h.mustRun(0, "", "playlists", "-o", "table")
	if strings.Count(r.stdout, "\n") != 2 || strings.Contains(r.stdout, "private") || !strings.Contains(r.stderr, "1 playlist that Spotify sent as null") {
		t.Errorf("%s", r)
	}
	r = h.mustRun(0, "", "playlists", "-o", "ndjson")
	if lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n"); len(lines) != 2 || lines[1] != "null" || r.stderr != "" {
		t.Errorf("%s", r)
	}
}

// TestLoginWithoutDisplayName: an account whose display_name is null logs in
// as its ID, with no empty name around it; status names it the same way.
func TestLoginWithoutDisplayName(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.fake.AddUser(spotifytest.User{ID: "nameless"})
	h.fake.SetCurrentUser("nameless")
	r := h.mustRun(0, "", "login")
	if !strings.Contains(r.stderr, "Logged in as nameless; token stored in ") {
		t.Errorf("stderr:\n%s", r.stderr)
	}
	r = h.mustRun(0, "", "status")
	if !strings.Contains(r.stdout, "User:           nameless\n") {
		t.Errorf("status:\n%s", r.stdout)
	}
}
