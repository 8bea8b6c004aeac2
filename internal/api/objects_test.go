package api

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/spotcli/spotcli/internal/golden"
	"github.com/spotcli/spotcli/internal/spotifytest"
)

func TestDecodeNullIsNil(t *testing.T) {
	for _, raw := range []string{"null", " null\n", ""} {
		pl, err := Decode[Playlist]([]byte(raw))
		if err != nil || pl != nil {
			t.Errorf("Decode[Playlist](%q) = %v, %v; want nil, nil", raw, pl, err)
		}
		p, err := Decode[Playable]([]byte(raw))
		if err != nil || p != nil {
			t.Errorf("Decode[Playable](%q) = %v, %v; want nil, nil", raw, p, err)
		}
	}
	if _, err := Decode[Playlist]([]byte(`[1]`)); err == nil {
		t.Error("Decode[Playlist]([1]): no error")
	}
}

func TestZeroPlayable(t *testing.T) {
	var p Playable
	if p.Kind() != "" || p.ID() != "" || p.URI() != "" || p.Name() != "" || p.Artists() != nil {
		t.Errorf("zero Playable: %q %q %q %q %v", p.Kind(), p.ID(), p.URI(), p.Name(), p.Artists())
	}
	if _, ok := p.Duration(); ok {
		t.Error("zero Playable has a duration")
	}
}

func TestPlaylistEntry(t *testing.T) {
	const track = `{"type":"track","id":"4uLU6hMCjMI75M1A2tKUQC","name":"Song","uri":"spotify:track:4uLU6hMCjMI75M1A2tKUQC","duration_ms":215000,"artists":[{"name":"A"},{"name":"B"}]}`
	const other = `{"type":"track","id":"0000000000000000000000","name":"Old","uri":"spotify:track:0000000000000000000000","artists":[]}`
	const local = `{"type":"track","id":null,"is_local":true,"name":"Heart of Stone","uri":"spotify:local:The+Waymores:Heart+of+Stone:Heart+of+Stone:128","duration_ms":128000,"artists":[{"id":null,"name":"The Waymores","uri":null}],"album":{"id":null,"name":"Heart of Stone","album_type":null}}`
	const episode = `{"type":"episode","id":"512ojhOuo1ktJprKbVcKyQ","name":"Ep","uri":"spotify:episode:512ojhOuo1ktJprKbVcKyQ","duration_ms":4987000,"show":{"name":"The Show"}}`
	const episodeAsTrack = `{"type":"track","episode":true,"track":false,"id":"512ojhOuo1ktJprKbVcKyQ","name":"Ep","uri":"spotify:episode:512ojhOuo1ktJprKbVcKyQ","artists":[{"name":"The Show"}]}`
	tests := []struct {
		name string
		raw  string
		want string // summary of the entry, "" fields as written
	}{
		{"item, 2026", `{"added_at":"2024-01-02T03:04:05Z","item":` + track + `}`, "2024-01-02T03:04:05Z track 4uLU6hMCjMI75M1A2tKUQC Song [A B] 3m35s"},
		{"track, before 2026", `{"added_at":"2024-01-02T03:04:05Z","track":` + track + `}`, "2024-01-02T03:04:05Z track 4uLU6hMCjMI75M1A2tKUQC Song [A B] 3m35s"},
		{"both: item wins", `{"added_at":null,"track":` + other + `,"item":` + track + `}`, " track 4uLU6hMCjMI75M1A2tKUQC Song [A B] 3m35s"},
		{"item null, track set", `{"item":null,"track":` + track + `}`, " track 4uLU6hMCjMI75M1A2tKUQC Song [A B] 3m35s"},
		{"track null: no item, no invented fields", `{"added_at":"2020-11-08T22:12:50Z","is_local":false,"track":null}`, "2020-11-08T22:12:50Z <nil>"},
		{"both null", `{"added_at":"2020-11-08T22:12:50Z","track":null,"item":null}`, "2020-11-08T22:12:50Z <nil>"},
		{"local file", `{"added_at":"2021-02-24T06:12:40Z","is_local":true,"track":` + local + `}`, "2021-02-24T06:12:40Z local  Heart of Stone [The Waymores] 2m8s"},
		{"episode", `{"item":` + episode + `}`, " episode 512ojhOuo1ktJprKbVcKyQ Ep [The Show] 1h23m7s"},
		{"episode sent as a track", `{"track":` + episodeAsTrack + `}`, " episode 512ojhOuo1ktJprKbVcKyQ Ep [The Show] ?"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := Decode[PlaylistEntry]([]byte(tt.raw))
			if err != nil {
				t.Fatal(err)
			}
			if got := entrySummary(e); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func entrySummary(e *PlaylistEntry) string {
	if e.Item == nil {
		return e.AddedAt + " <nil>"
	}
	return e.AddedAt + " " + playableSummary(e.Item)
}

func playableSummary(p *Playable) string {
	d := "?"
	if dur, ok := p.Duration(); ok {
		d = dur.String()
	}
	return fmt.Sprintf("%s %s %s %v %s", p.Kind(), p.ID(), p.Name(), p.Artists(), d)
}

func TestPlaylist(t *testing.T) {
	tests := []struct {
		name       string
		raw        string
		count      string
		key        string
		visibility string
		owner      string
	}{
		{"tracks, before 2026", `{"id":"x","public":true,"owner":{"id":"o"},"tracks":{"href":"h","total":3}}`, "3", "tracks", "public", "o"},
		{"items, 2026", `{"id":"x","public":false,"owner":{"id":"o"},"items":{"href":"h","total":4}}`, "4", "items", "private", "o"},
		{"both: items wins", `{"id":"x","public":false,"collaborative":true,"tracks":{"total":1},"items":{"total":2}}`, "2", "items", "collaborative", ""},
		{"no count: none invented", `{"id":"x","public":null}`, "?", "", "", ""},
		{"count null", `{"id":"x","public":true,"items":{"href":"h","total":null}}`, "?", "items", "public", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Decode[Playlist]([]byte(tt.raw))
			if err != nil {
				t.Fatal(err)
			}
			count := "?"
			if n, ok := p.Count(); ok {
				count = fmt.Sprint(n)
			}
			got := []string{count, p.EntriesKey, p.Visibility(), p.OwnerID(), p.URI()}
			want := []string{tt.count, tt.key, tt.visibility, tt.owner, "spotify:playlist:x"}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("(-want +got)\n%s", d)
			}
		})
	}
}

func TestUser(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want User
	}{
		{"display_name null", `{"id":"u","display_name":null,"email":"e@x","followers":{"href":null,"total":0}}`,
			User{ID: "u", Email: "e@x", Followers: &Followers{}}},
		{"development mode: no email, country, product, followers", `{"id":"u","display_name":"Ann","uri":"spotify:user:u"}`,
			User{ID: "u", DisplayName: "Ann", URIValue: "spotify:user:u"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := Decode[User]([]byte(tt.raw))
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(&tt.want, u); d != "" {
				t.Errorf("(-want +got)\n%s", d)
			}
		})
	}
}

func TestSavedTakesAnyKey(t *testing.T) {
	for _, raw := range []string{
		`{"added_at":"2024-01-01T00:00:00Z","track":{"id":"t","name":"n"}}`,
		`{"added_at":"2024-01-01T00:00:00Z","item":{"id":"t","name":"n"}}`,
	} {
		s, err := Decode[Saved[Track]]([]byte(raw))
		if err != nil || s.AddedAt != "2024-01-01T00:00:00Z" || s.Item == nil || s.Item.ID != "t" {
			t.Errorf("Decode(%s) = %+v, %v", raw, s, err)
		}
	}
	s, err := Decode[Saved[Album]]([]byte(`{"added_at":"2024-01-01T00:00:00Z","album":null}`))
	if err != nil || s.Item != nil {
		t.Errorf("a null album: %+v, %v; want Item nil", s, err)
	}
}

// TestRecorded decodes every answer recorded from the real Web API that this
// package reads, and compares what the decoders make of it with
// testdata/golden/recorded.golden (go test -update rewrites it). The quirks
// that matter are also asserted one by one below, so that a golden file
// refreshed without a look cannot hide a regression.
func TestRecorded(t *testing.T) {
	var b strings.Builder
	for _, c := range recordedCases {
		raw, err := spotifytest.Recorded(c.file)
		if err != nil {
			t.Fatal(err)
		}
		s, err := c.summary(raw)
		if err != nil {
			t.Errorf("%s: %v", c.file, err)
			continue
		}
		fmt.Fprintf(&b, "== %s\n%s\n", c.file, s)
	}
	golden.Assert(t, "recorded.golden", b.String())
}

type recordedCase struct {
	file    string
	summary func([]byte) (string, error)
}

func summarize[T any](f func(*T) string) func([]byte) (string, error) {
	return func(raw []byte) (string, error) {
		v, err := Decode[T](raw)
		if err != nil {
			return "", err
		}
		if v == nil {
			return "<nil>", nil
		}
		return f(v), nil
	}
}

func pageSummary[T any](p *Page[T], item func(*T) string) string {
	if p == nil {
		return "<no page>"
	}
	var b strings.Builder
	total := "?"
	if p.Total != nil {
		total = fmt.Sprint(*p.Total)
	}
	fmt.Fprintf(&b, "page: %d items, %d null, total %s, next %q", len(p.Items), p.Nulls(), total, p.Next)
	if p.Cursors != nil {
		fmt.Fprintf(&b, ", cursor after %q", p.Cursors.After)
	}
	for i, it := range p.Items {
		if i == 5 {
			fmt.Fprintf(&b, "\n  ...")
			break
		}
		if it == nil {
			b.WriteString("\n  <nil>")
			continue
		}
		b.WriteString("\n  " + item(it))
	}
	return b.String()
}

func playlistSummary(p *Playlist) string {
	count := "?"
	if n, ok := p.Count(); ok {
		count = fmt.Sprint(n)
	}
	return fmt.Sprintf("playlist %s %q count %s (%s) owner %s %q", p.ID, p.Name, count, p.EntriesKey, p.OwnerID(), p.Visibility())
}

func playlistWithEntries(p *Playlist) string {
	return playlistSummary(p) + "\n" + pageSummary(p.Entries, entrySummary)
}

func trackSummary(t *Track) string {
	return playableSummary(&Playable{Track: t})
}

func episodeSummary(e *Episode) string { return playableSummary(&Playable{Episode: e}) }

func albumSummary(a *Album) string {
	return fmt.Sprintf("album %s %q %v %s", a.ID, a.Name, a.ArtistNames(), a.ReleaseDate)
}

func artistSummary(a *Artist) string {
	f := "?"
	if a.Followers != nil {
		f = fmt.Sprint(a.Followers.Total)
	}
	return fmt.Sprintf("artist %s %q followers %s", a.ID, a.Name, f)
}

func showSummary(s *Show) string { return fmt.Sprintf("show %s %q %s", s.ID, s.Name, s.Publisher) }

func userSummary(u *User) string {
	f := "?"
	if u.Followers != nil {
		f = fmt.Sprint(u.Followers.Total)
	}
	return fmt.Sprintf("user %s name %q email %q country %q product %q followers %s uri %s", u.ID, u.DisplayName, u.Email, u.Country, u.Product, f, u.URI())
}

func deviceSummary(d *Device) string {
	v := "?"
	if d.VolumePercent != nil {
		v = fmt.Sprint(*d.VolumePercent)
	}
	return fmt.Sprintf("device %q %q %s active %v volume %s", d.ID, d.Name, d.Type, d.IsActive, v)
}

func playbackSummary(p *PlaybackState) string {
	var b strings.Builder
	fmt.Fprintf(&b, "playing %v", p.IsPlaying)
	if p.ProgressMS != nil {
		fmt.Fprintf(&b, " at %s", time.Duration(*p.ProgressMS)*time.Millisecond)
	}
	if p.Context != nil {
		fmt.Fprintf(&b, " from %s", p.Context.URI())
	}
	if p.Device != nil {
		b.WriteString("\n  " + deviceSummary(p.Device))
	}
	if p.Item != nil {
		b.WriteString("\n  " + playableSummary(p.Item) + " " + p.Item.URI())
	} else {
		b.WriteString("\n  <nil>")
	}
	return b.String()
}

func savedSummary[T any](f func(*T) string) func(*Saved[T]) string {
	return func(s *Saved[T]) string {
		if s.Item == nil {
			return s.AddedAt + " <nil>"
		}
		return s.AddedAt + " " + f(s.Item)
	}
}

var recordedCases = []recordedCase{
	{"zmb3-spotify/current_user_display_name_null.json", summarize(userSummary)},
	{"joostlek-python-spotify/current_user.json", summarize(userSummary)},
	{"watsonbox-exportify/me.json", summarize(userSummary)},
	{"zmb3-spotify/current_users_playlists.json", summarize(func(p *Page[Playlist]) string { return pageSummary(p, playlistSummary) })},
	{"zmb3-spotify/playlists_for_user.json", summarize(func(p *Page[Playlist]) string { return pageSummary(p, playlistSummary) })},
	{"joostlek-python-spotify/current_user_playlist_1.json", summarize(func(p *Page[Playlist]) string { return pageSummary(p, playlistSummary) })},
	{"joostlek-python-spotify/current_user_playlist_null_entry.json", summarize(func(p *Page[Playlist]) string { return pageSummary(p, playlistSummary) })},
	{"zmb3-spotify/get_playlist.json", summarize(playlistWithEntries)},
	{"joostlek-python-spotify/playlist_1.json", summarize(playlistWithEntries)},
	{"joostlek-python-spotify/playlist_2.json", summarize(playlistWithEntries)},
	{"joostlek-python-spotify/playlist_3.json", summarize(playlistWithEntries)},
	{"zmb3-spotify/playlist_tracks.json", summarize(func(p *Page[PlaylistEntry]) string { return pageSummary(p, entrySummary) })},
	{"zmb3-spotify/playlist_items_tracks.json", summarize(func(p *Page[PlaylistEntry]) string { return pageSummary(p, entrySummary) })},
	{"zmb3-spotify/playlist_items_episodes.json", summarize(func(p *Page[PlaylistEntry]) string { return pageSummary(p, entrySummary) })},
	{"zmb3-spotify/playlist_items_episodes_and_tracks.json", summarize(func(p *Page[PlaylistEntry]) string { return pageSummary(p, entrySummary) })},
	{"joostlek-python-spotify/playlist_items.json", summarize(func(p *Page[PlaylistEntry]) string { return pageSummary(p, entrySummary) })},
	{"watsonbox-exportify/playlist_tracks.json", summarize(func(p *Page[PlaylistEntry]) string { return pageSummary(p, entrySummary) })},
	{"watsonbox-exportify/playlist_tracks_local_files.json", summarize(func(p *Page[PlaylistEntry]) string { return pageSummary(p, entrySummary) })},
	{"watsonbox-exportify/playlist_tracks_null_track.json", summarize(func(p *Page[PlaylistEntry]) string { return pageSummary(p, entrySummary) })},
	{"zmb3-spotify/find_track.json", summarize(trackSummary)},
	{"zmb3-spotify/find_artist.json", summarize(artistSummary)},
	{"joostlek-python-spotify/artist.json", summarize(artistSummary)},
	{"joostlek-python-spotify/get_album.json", summarize(func(a *Album) string { return albumSummary(a) + "\n" + pageSummary(a.Tracks, trackSummary) })},
	{"joostlek-python-spotify/album_tracks.json", summarize(func(p *Page[Track]) string { return pageSummary(p, trackSummary) })},
	{"zmb3-spotify/find_album_tracks.json", summarize(func(p *Page[Track]) string { return pageSummary(p, trackSummary) })},
	{"zmb3-spotify/get_show.json", summarize(func(s *Show) string { return showSummary(s) + "\n" + pageSummary(s.Episodes, episodeSummary) })},
	{"joostlek-python-spotify/show.json", summarize(func(s *Show) string { return showSummary(s) + "\n" + pageSummary(s.Episodes, episodeSummary) })},
	{"zmb3-spotify/get_show_episodes.json", summarize(func(p *Page[Episode]) string { return pageSummary(p, episodeSummary) })},
	{"zmb3-spotify/get_episode.json", summarize(episodeSummary)},
	{"zmb3-spotify/current_users_tracks.json", summarize(func(p *Page[Saved[Track]]) string { return pageSummary(p, savedSummary(trackSummary)) })},
	{"zmb3-spotify/current_users_albums.json", summarize(func(p *Page[Saved[Album]]) string { return pageSummary(p, savedSummary(albumSummary)) })},
	{"joostlek-python-spotify/saved_shows.json", summarize(func(p *Page[Saved[Show]]) string { return pageSummary(p, savedSummary(showSummary)) })},
	{"joostlek-python-spotify/saved_episodes.json", summarize(func(p *Page[Saved[Episode]]) string { return pageSummary(p, savedSummary(episodeSummary)) })},
	{"joostlek-python-spotify/followed_artists.json", summarize(func(f *FollowedArtists) string { return pageSummary(f.Artists, artistSummary) })},
	{"zmb3-spotify/player_available_devices.json", summarize(func(d *Devices) string {
		var s []string
		for _, dv := range d.Devices {
			s = append(s, deviceSummary(dv))
		}
		return strings.Join(s, "\n")
	})},
	{"joostlek-python-spotify/devices.json", summarize(func(d *Devices) string {
		var s []string
		for _, dv := range d.Devices {
			s = append(s, deviceSummary(dv))
		}
		return strings.Join(s, "\n")
	})},
	{"zmb3-spotify/player_state.json", summarize(playbackSummary)},
	{"zmb3-spotify/player_currently_playing.json", summarize(playbackSummary)},
	{"joostlek-python-spotify/playback_1.json", summarize(playbackSummary)},
	{"joostlek-python-spotify/playback_4.json", summarize(playbackSummary)},
	{"joostlek-python-spotify/playback_episode_1.json", summarize(playbackSummary)},
	{"zmb3-spotify/get_queue.json", summarize(func(q *Queue) string {
		s := "now " + playableSummary(q.CurrentlyPlaying)
		return s + fmt.Sprintf("\nqueue of %d, first %s", len(q.Queue), playableSummary(q.Queue[0]))
	})},
	{"zmb3-spotify/player_recently_played.json", summarize(func(p *Page[PlayHistory]) string {
		return pageSummary(p, func(h *PlayHistory) string { return h.PlayedAt + " " + trackSummary(h.Track) })
	})},
	{"zmb3-spotify/search_trackplaylist.json", summarize(func(r *SearchResults) string {
		return pageSummary(r.Tracks, trackSummary) + "\n" + pageSummary(r.Playlists, playlistSummary)
	})},
	{"zmb3-spotify/search_artist.json", summarize(func(r *SearchResults) string { return pageSummary(r.Artists, artistSummary) })},
	{"joostlek-python-spotify/search.json", summarize(func(r *SearchResults) string { return pageSummary(r.Tracks, trackSummary) })},
	{"joostlek-python-spotify/search_all_types_null_playlists.json", summarize(func(r *SearchResults) string {
		return strings.Join([]string{
			pageSummary(r.Tracks, trackSummary), pageSummary(r.Artists, artistSummary), pageSummary(r.Albums, albumSummary),
			pageSummary(r.Playlists, playlistSummary), pageSummary(r.Shows, showSummary), pageSummary(r.Episodes, episodeSummary),
		}, "\n")
	})},
}

// TestRecordedQuirks asserts, on the recordings, each quirk the decoders
// handle.
func TestRecordedQuirks(t *testing.T) {
	load := func(name string) []byte {
		t.Helper()
		b, err := spotifytest.Recorded(name)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	t.Run("null playlist in /me/playlists is nil", func(t *testing.T) {
		p, err := Decode[Page[Playlist]](load("joostlek-python-spotify/current_user_playlist_null_entry.json"))
		if err != nil || p.Items[0] != nil || p.Nulls() != 1 || p.Items[1] == nil {
			t.Fatalf("items[0] = %v, nulls %d, err %v", p.Items[0], p.Nulls(), err)
		}
	})
	t.Run("playlist with both tracks and items reads items", func(t *testing.T) {
		p, err := Decode[Playlist](load("joostlek-python-spotify/playlist_1.json"))
		if err != nil || p.EntriesKey != "items" || !strings.Contains(p.Entries.Href, "/items?") {
			t.Fatalf("key %q href %q err %v", p.EntriesKey, p.Entries.Href, err)
		}
	})
	t.Run("local file: no ID, spotify:local: URI", func(t *testing.T) {
		p, err := Decode[Page[PlaylistEntry]](load("watsonbox-exportify/playlist_tracks_local_files.json"))
		if err != nil {
			t.Fatal(err)
		}
		it := p.Items[0].Item
		if it.Kind() != KindLocal || it.ID() != "" || !strings.HasPrefix(it.URI(), "spotify:local:") {
			t.Fatalf("kind %q id %q uri %q", it.Kind(), it.ID(), it.URI())
		}
	})
	t.Run("null track keeps the entry", func(t *testing.T) {
		p, err := Decode[Page[PlaylistEntry]](load("watsonbox-exportify/playlist_tracks_null_track.json"))
		if err != nil || len(p.Items) != 1 || p.Items[0] == nil || p.Items[0].Item != nil || p.Items[0].AddedAt == "" {
			t.Fatalf("%+v %v", p.Items, err)
		}
	})
	t.Run("episodes name their show as artist", func(t *testing.T) {
		p, err := Decode[Page[PlaylistEntry]](load("zmb3-spotify/playlist_items_episodes.json"))
		if err != nil {
			t.Fatal(err)
		}
		it := p.Items[0].Item
		if it.Kind() != KindEpisode || len(it.Artists()) != 1 || it.Artists()[0] == "" {
			t.Fatalf("kind %q artists %q", it.Kind(), it.Artists())
		}
	})
	t.Run("display_name null is empty, not made up", func(t *testing.T) {
		u, err := Decode[User](load("zmb3-spotify/current_user_display_name_null.json"))
		if err != nil || u.DisplayName != "" || u.Name() != u.ID {
			t.Fatalf("%+v %v", u, err)
		}
	})
	t.Run("no email, country, product or followers", func(t *testing.T) {
		u, err := Decode[User](load("watsonbox-exportify/me.json"))
		if err != nil || u.Email != "" || u.Country != "" || u.Product != "" {
			t.Fatalf("%+v %v", u, err)
		}
	})
	t.Run("null playlists in search", func(t *testing.T) {
		r, err := Decode[SearchResults](load("joostlek-python-spotify/search_all_types_null_playlists.json"))
		if err != nil || r.Playlists.Nulls() != 3 || r.Tracks.Nulls() != 0 {
			t.Fatalf("%v", err)
		}
	})
}
