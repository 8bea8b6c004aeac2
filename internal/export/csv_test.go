package export

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCSVRow(t *testing.T) {
	tests := []struct {
		name, kind, in string
		want           []string // nil: no row
	}{
		{"old shape, under track", "playlist",
			`{"added_at":"2020-01-01T00:00:00Z","added_by":{"id":"bob","uri":"spotify:user:bob"},"track":{"type":"track","uri":"spotify:track:a","name":"A","artists":[{"uri":"spotify:artist:x","name":"X, Jr."}],"album":{"uri":"spotify:album:b","name":"B","artists":[],"images":[{"url":"https://i/1"}],"release_date":"2001"},"disc_number":1,"track_number":2,"duration_ms":3,"explicit":true,"external_ids":{"isrc":"USX"}}}`,
			[]string{"spotify:track:a", "A", "spotify:artist:x", `X\, Jr.`, "spotify:album:b", "B", "", "", "2001", "https://i/1", "1", "2", "3", "true", "USX", "spotify:user:bob", "2020-01-01T00:00:00Z"}},
		{"local file", "playlist",
			`{"added_at":null,"is_local":true,"item":{"type":"track","id":null,"is_local":true,"uri":"spotify:local:a:b:c:1","name":"L","artists":[{"name":"Me","uri":null}],"album":{"name":"Tapes","uri":null,"images":[]},"duration_ms":1000}}`,
			[]string{"spotify:local:a:b:c:1", "L", "", "Me", "", "Tapes", "", "", "", "", "0", "0", "1000", "false", "", "", ""}},
		{"null entry", "playlist", `{"added_at":"2020-01-01T00:00:00Z","item":null,"track":null}`, nil},
		{"not JSON", "playlist", `{`, nil},
		{"saved album", "albums", `{"added_at":"2021-02-03T04:05:06Z","album":{"uri":"spotify:album:c","name":"C","album_type":"compilation","artists":[{"uri":"spotify:artist:y","name":"Y"},{"uri":"spotify:artist:z","name":"Z"}],"release_date":"1999-05","release_date_precision":"month","total_tracks":12}}`,
			[]string{"spotify:album:c", "C", "compilation", "spotify:artist:y, spotify:artist:z", "Y, Z", "1999-05", "month", "12", "2021-02-03T04:05:06Z"}},
		{"saved show", "shows", `{"added_at":"2021-02-03T04:05:06Z","show":{"uri":"spotify:show:s","name":"S","publisher":"P","total_episodes":7}}`,
			[]string{"spotify:show:s", "S", "P", "7", "2021-02-03T04:05:06Z"}},
		{"saved episode", "episodes", `{"added_at":"2021-02-03T04:05:06Z","episode":{"uri":"spotify:episode:e","name":"E","show":{"uri":"spotify:show:s","name":"S"},"release_date":"2021-01-01","duration_ms":60000,"explicit":false}}`,
			[]string{"spotify:episode:e", "E", "spotify:show:s", "S", "2021-01-01", "60000", "false", "2021-02-03T04:05:06Z"}},
		{"saved null", "tracks", `{"added_at":"2021-02-03T04:05:06Z","track":null}`, nil},
		{"artist", "artists", `{"uri":"spotify:artist:q","name":"Q","genres":["a","b"]}`, []string{"spotify:artist:q", "Q", "a, b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := csvRow(tt.kind, []byte(tt.in))
			if ok != (tt.want != nil) {
				t.Fatalf("ok = %v, row %q", ok, got)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if got != nil && len(got) != len(columnsOf(tt.kind)) {
				t.Errorf("%d fields, %d columns", len(got), len(columnsOf(tt.kind)))
			}
		})
	}
}

func TestCSVQuoting(t *testing.T) {
	var b bytes.Buffer
	w := &csvWriter{w: &b}
	if err := w.row(`a "quoted" one`, "comma, here", "new\nline", "", "日本"); err != nil {
		t.Fatal(err)
	}
	if want := `"a ""quoted"" one","comma, here","new` + "\n" + `line","","日本"` + "\n"; b.String() != want {
		t.Errorf("got %q\nwant %q", b.String(), want)
	}
}
