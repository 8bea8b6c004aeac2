package authcmd_test

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/spotcli/spotcli/internal/spotifytest"
)

// Faults of the token endpoint during a refresh: each either recovers or
// fails with a clear message, and the stored login survives, so that the
// next run works once the accounts service is back.
func TestTokenEndpointFaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		fault    spotifytest.Fault
		code     int
		stderr   string
		requests int // refresh requests the fake saw
	}{
		{"500 once", spotifytest.Fault{Status: 500, Count: 1}, 0, "", 2},
		{"502 once", spotifytest.Fault{Status: 502, Count: 1}, 0, "", 2},
		{"503 once", spotifytest.Fault{Status: 503, Count: 1}, 0, "", 2},
		{"503 always", spotifytest.Fault{Status: 503}, 1, "answered 503", 3},
		{"body that is not JSON", spotifytest.Fault{Status: 200, Body: "<html><body>Service Unavailable</body></html>"}, 1, "no usable answer", 1},
		{"200 without access_token", spotifytest.Fault{Status: 200, Body: `{"token_type":"Bearer","expires_in":3600}`}, 1, "missing access_token", 1},
		{"connection reset", spotifytest.Fault{Reset: true}, 1, "no usable answer", 1},
		{"never answers", spotifytest.Fault{Hang: true}, 1, "no answer from the accounts service in time", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			h.Env["SPOTCLI_HTTP_TIMEOUT"] = "1s"
			h.Fake.SetRotation(true)
			h.Seed("default", time.Now().Add(-time.Hour), time.Now().Add(-time.Minute))
			before, _ := os.ReadFile(h.TokenPath("default"))
			f := tt.fault
			f.Path = "/api/token"
			h.Fake.InjectFault(f)
			r := h.MustRun(tt.code, "", "token")
			if tt.code != 0 {
				if !strings.Contains(r.Stderr, tt.stderr) || r.Stdout != "" {
					t.Errorf("want %q in stderr: %s", tt.stderr, r)
				}
				if after, _ := os.ReadFile(h.TokenPath("default")); !bytes.Equal(before, after) {
					t.Error("a failed refresh changed the stored login")
				}
			}
			if got := h.Fake.Stats().TokenRequests["refresh_token"]; got != tt.requests {
				t.Errorf("refresh requests = %d, want %d", got, tt.requests)
			}
			h.Fake.ClearFaults()
			h.MustRun(0, "", "token")
			h.MustRun(0, "", "refresh")
		})
	}
}
