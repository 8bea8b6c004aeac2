package api

import (
	"testing"
	"time"
)

// TestHumanDuration: a wait reads as people say it.
func TestHumanDuration(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "0s"},
		{time.Second, "1s"},
		{59 * time.Second, "59s"},
		{60 * time.Second, "1m"},
		{121 * time.Second, "2m1s"},
		{time.Hour, "1h"},
		{11*time.Hour + 26*time.Minute + 30*time.Second, "11h27m"},
		{47*time.Hour + 59*time.Minute, "47h59m"},
		{48 * time.Hour, "2d"},
		{76*time.Hour + time.Second, "3d5h"},
	}
	for _, tt := range tests {
		if got := HumanDuration(tt.d); got != tt.want {
			t.Errorf("HumanDuration(%s) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

// TestRateLimitMessage: how long and until when, in UTC, with the date when
// it is another day.
func TestRateLimitMessage(t *testing.T) {
	at := time.Date(2026, 12, 2, 21, 47, 0, 0, time.FixedZone("CET", 3600))
	tests := []struct {
		name string
		err  RateLimitError
		want string
	}{
		{"the issue's example", RateLimitError{RetryAfter: 11*time.Hour + 27*time.Minute, Until: time.Date(2026, 12, 2, 21, 14, 0, 0, time.UTC)},
			"rate limited by Spotify for 11h27m, until 21:14 UTC: try again then (--max-wait sets how long spotcli waits by itself)"},
		{"a started minute counts", RateLimitError{RetryAfter: 30 * time.Second, Until: time.Date(2026, 12, 2, 9, 13, 20, 0, time.UTC), Reason: "RATE_LIMITED"},
			"rate limited by Spotify for 30s, until 09:14 UTC (RATE_LIMITED): try again then (--max-wait sets how long spotcli waits by itself)"},
		{"another day, in UTC", RateLimitError{RetryAfter: 11*time.Hour + 27*time.Minute, Until: at.Add(11*time.Hour + 27*time.Minute)},
			"rate limited by Spotify for 11h27m, until 2026-12-03 08:14 UTC: try again then (--max-wait sets how long spotcli waits by itself)"},
		{"no clock", RateLimitError{RetryAfter: time.Hour},
			"rate limited by Spotify for 1h: try again then (--max-wait sets how long spotcli waits by itself)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}
