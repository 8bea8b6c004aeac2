package api

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseRef(t *testing.T) {
	const id = "4uLU6hMCjMI75M1A2tKUQC"
	all := RefParser{Kinds: []string{"track", "episode", "album", "artist", "playlist", "show", "audiobook", "user"}}
	tests := []struct {
		in      string
		p       RefParser
		want    Ref
		wantErr string
	}{
		{in: "spotify:track:" + id, want: Ref{Type: "track", ID: id}},
		{in: "  spotify:episode:" + id + " ", want: Ref{Type: "episode", ID: id}},
		{in: id, want: Ref{Type: "track", ID: id}},
		{in: "https://open.spotify.com/track/" + id, want: Ref{Type: "track", ID: id}},
		{in: "https://open.spotify.com/track/" + id + "?si=abc123&context=x", want: Ref{Type: "track", ID: id}},
		{in: "https://open.spotify.com/intl-de/track/" + id, want: Ref{Type: "track", ID: id}},
		{in: "https://open.spotify.com/embed/episode/" + id + "?utm_source=generator", want: Ref{Type: "episode", ID: id}},
		{in: "open.spotify.com/track/" + id, want: Ref{Type: "track", ID: id}},
		{in: "http://open.spotify.com/track/" + id + "#x", want: Ref{Type: "track", ID: id}},
		{in: "https://open.spotify.com/intl-pt/embed/track/" + id + "/", want: Ref{Type: "track", ID: id}},
		{in: "spotify:user:bob:playlist:" + id, p: all, want: Ref{Type: "playlist", ID: id}},
		{in: "https://open.spotify.com/user/bob/playlist/" + id, p: all, want: Ref{Type: "playlist", ID: id}},
		{in: "spotify:album:" + id, p: all, want: Ref{Type: "album", ID: id}},
		{in: "spotify:user:bob", p: all, want: Ref{Type: "user", ID: "bob"}},
		{in: "current", p: RefParser{Keywords: []string{"current"}}, want: Ref{Keyword: "current"}},
		{in: "current", wantErr: `"current" is not a Spotify item`},
		{in: "spotify:album:" + id, wantErr: `"spotify:album:` + id + `" is an album: only tracks or episodes can be given here`},
		{in: "https://open.spotify.com/album/" + id, wantErr: "is an album: only tracks or episodes"},
		{in: "spotify:local:ABBA:Gold:Waterloo:168", wantErr: "is a local file: Spotify's Web API cannot add local files"},
		{in: "spotify:track:short", wantErr: `"spotify:track:short" is not a Spotify URI`},
		{in: "spotify:track:" + id + ":x", wantErr: "is not a Spotify URI"},
		{in: "spotify:thing:" + id, wantErr: "is not a Spotify URI"},
		{in: "https://example.com/track/" + id, wantErr: "is not a Spotify link"},
		{in: "https://spotify.link/abc", wantErr: "is a short share link"},
		{in: "https://open.spotify.com/track/", wantErr: "is not a link to a Spotify item"},
		{in: "ftp://open.spotify.com/track/" + id, wantErr: "is not a Spotify link"},
		{in: id + "x", wantErr: "is not a Spotify item"},
		{in: "", wantErr: "empty item"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := tt.p.Parse(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
	if u := (Ref{Type: "track", ID: id}).URI(); u != "spotify:track:"+id {
		t.Errorf("URI %q", u)
	}
}

func TestReadLines(t *testing.T) {
	const a, b = "4uLU6hMCjMI75M1A2tKUQC", "0TnOYISbd1XYRBk9myaseg"
	in := "\ufeffspotify:track:" + a + "\r\n\n# a comment\n   \nhttps://open.spotify.com/episode/" + b + "?si=1\n" + a + "\n"
	got, err := RefParser{}.ReadLines(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []RefLine{
		{Ref{Type: "track", ID: a}, 1},
		{Ref{Type: "episode", ID: b}, 5},
		{Ref{Type: "track", ID: a}, 6},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}

	var lines []string
	for i := range 14 {
		if i%2 == 0 {
			lines = append(lines, "bad"+string(rune('a'+i)))
		} else {
			lines = append(lines, a)
		}
	}
	_, err = RefParser{}.ReadLines(strings.NewReader(strings.Join(lines, "\n")))
	var bl *BadLinesError
	if !errors.As(err, &bl) || len(bl.Bad) != 7 || bl.Bad[0].Line != 1 || bl.Bad[6].Line != 13 {
		t.Fatalf("err = %v", err)
	}
	if msg := err.Error(); !strings.HasPrefix(msg, `line 1: "bada" is not a Spotify item`) || !strings.Contains(msg, "\nline 3: ") || !strings.HasSuffix(msg, "nothing was sent") {
		t.Errorf("message:\n%s", msg)
	}

	_, err = RefParser{}.ParseArgs([]string{a, "nope"})
	if err == nil || strings.Contains(err.Error(), "line") || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("args: %v", err)
	}
}

func TestURIs(t *testing.T) {
	refs := []RefLine{{Ref: Ref{Type: "track", ID: "4uLU6hMCjMI75M1A2tKUQC"}, Line: 1}, {Ref: Ref{Keyword: "current"}}}
	if got := URIs(refs); len(got) != 2 || got[0] != "spotify:track:4uLU6hMCjMI75M1A2tKUQC" || got[1] != "current" {
		t.Errorf("URIs = %q", got)
	}
}
