package cmdutil

import "testing"

func TestURIs(t *testing.T) {
	tests := []struct {
		name, in, want string
		wrapped        bool
	}{
		{"playlist", `{"id":"x","uri":"spotify:playlist:x"}`, "spotify:playlist:x", false},
		{"no uri", `{"id":"x"}`, "", false},
		{"entry, new shape", `{"added_at":null,"item":{"uri":"spotify:track:a"}}`, "spotify:track:a", true},
		{"entry, old shape", `{"item":null,"track":{"uri":"spotify:track:b"}}`, "spotify:track:b", true},
		{"entry Spotify no longer has", `{"item":null,"track":null}`, "", true},
		{"local file", `{"item":{"uri":"spotify:local:a:b:c:1","id":null}}`, "spotify:local:a:b:c:1", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fn := OwnURI
			if tt.wrapped {
				fn = WrappedURI("item", "track")
			}
			got, err := fn([]byte(tt.in))
			if err != nil || got != tt.want {
				t.Errorf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
	if _, err := WrappedURI("track")([]byte(`[1]`)); err == nil {
		t.Error("an array decoded")
	}
}
