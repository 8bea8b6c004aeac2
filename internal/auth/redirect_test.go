package auth_test

import (
	"strings"
	"testing"

	"github.com/spotcli/spotcli/internal/auth"
)

func TestParseRedirectURI(t *testing.T) {
	const rule = "Spotify accepts only http://127.0.0.1:PORT/PATH or http://[::1]:PORT/PATH"
	tests := []struct {
		in      string
		want    string   // u.String() when valid
		wantErr []string // substrings of the error when invalid
	}{
		// Accepted.
		{in: "http://127.0.0.1:8888/callback", want: "http://127.0.0.1:8888/callback"},
		{in: "http://127.0.0.1/callback", want: "http://127.0.0.1/callback"},
		{in: "http://127.0.0.1:0/callback", want: "http://127.0.0.1:0/callback"},
		{in: "http://127.0.0.1:65535/cb", want: "http://127.0.0.1:65535/cb"},
		{in: "http://[::1]:8888/callback", want: "http://[::1]:8888/callback"},
		{in: "http://[::1]/callback", want: "http://[::1]/callback"},
		{in: "http://127.0.0.1:8888/", want: "http://127.0.0.1:8888/"},
		// Sent to Spotify as registered, which compares redirect URIs as strings.
		{in: "http://127.0.0.1:8888", want: "http://127.0.0.1:8888"},
		{in: "http://127.0.0.1", want: "http://127.0.0.1"},

		// Refused.
		{in: "http://localhost:8888/callback", wantErr: []string{"localhost", rule}},
		{in: "http://localhost/callback", wantErr: []string{"localhost", rule}},
		{in: "https://127.0.0.1:8888/callback", wantErr: []string{"http loopback", rule}},
		{in: "https://example.com/callback", wantErr: []string{"http loopback", rule}},
		{in: "ftp://127.0.0.1/callback", wantErr: []string{rule}},
		{in: "", wantErr: []string{rule}},
		{in: "http://192.168.1.2:8888/callback", wantErr: []string{"not on a loopback address", rule}},
		{in: "http://0.0.0.0:8888/callback", wantErr: []string{"not on a loopback address", rule}},
		{in: "http://127.0.0.2:8888/callback", wantErr: []string{"not on a loopback address", rule}},
		{in: "http://[::]:8888/callback", wantErr: []string{"not on a loopback address", rule}},
		{in: "http://example.com/callback", wantErr: []string{"not on a loopback address", rule}},
		// Loopback, but not the literal Spotify accepts.
		{in: "http://[::ffff:127.0.0.1]:8888/callback", wantErr: []string{"not on a loopback address", rule}},
		{in: "http://[0:0:0:0:0:0:0:1]:8888/callback", wantErr: []string{"not on a loopback address", rule}},
		{in: "http://[::1%25lo]:8888/callback", wantErr: []string{rule}},
		{in: "http://127.0.0.1:8888/callback?x=1", wantErr: []string{"query"}},
		{in: "http://127.0.0.1:8888/callback#top", wantErr: []string{"fragment"}},
		{in: "http://user@127.0.0.1:8888/callback", wantErr: []string{"user info"}},
		{in: "http://user:pw@127.0.0.1:8888/callback", wantErr: []string{"user info"}},
		{in: "http://127.0.0.1:65536/callback", wantErr: []string{"invalid port"}},
		{in: "http://127.0.0.1:99999/callback", wantErr: []string{"invalid port"}},
		{in: "http://127.0.0.1:port/callback", wantErr: []string{"not a URL"}},
		{in: "http://127.0.0.1:-1/callback", wantErr: []string{"not a URL"}},
		{in: "127.0.0.1:8888/callback", wantErr: []string{"not a URL"}},
		{in: "http://127.0.0.1:8888/%zz", wantErr: []string{"not a URL"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			u, err := auth.ParseRedirectURI(tt.in)
			if tt.wantErr != nil {
				if err == nil {
					t.Fatalf("ParseRedirectURI(%q) = %v, want an error", tt.in, u)
				}
				for _, w := range tt.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q does not mention %q", err, w)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseRedirectURI(%q): %v", tt.in, err)
			}
			if got := u.String(); got != tt.want {
				t.Errorf("ParseRedirectURI(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
