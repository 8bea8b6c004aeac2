package api

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestParseError(t *testing.T) {
	t.Parallel()
	html := "<html><head><title>502 Bad Gateway</title></head>\r\n<body><center><h1>502 Bad Gateway</h1></center></body>\r\n</html>\r\n"
	tests := []struct {
		name        string
		method      string // GET unless set; POST keeps 5xx from being retried
		status      int
		contentType string
		body        string
		want        Error // Hint is checked with hintHas
		hintHas     []string
		errHas      []string
		errHasNot   []string
	}{
		{
			name:    "user not registered",
			status:  403,
			body:    `{"error":{"status":403,"message":"User not registered in the Developer Dashboard"}}`,
			want:    Error{Status: 403, Message: "User not registered in the Developer Dashboard"},
			hintHas: []string{"development mode", "User Management"},
			errHas:  []string{"Spotify answered 403 Forbidden: User not registered in the Developer Dashboard\nhint: "},
		},
		{
			name:    "premium required",
			status:  403,
			body:    `{"error":{"status":403,"message":"Player command failed: Premium required","reason":"PREMIUM_REQUIRED"}}`,
			want:    Error{Status: 403, Message: "Player command failed: Premium required", Reason: "PREMIUM_REQUIRED"},
			hintHas: []string{"Premium"},
			errHas:  []string{"Premium required (PREMIUM_REQUIRED)"},
		},
		{
			name:    "premium by reason only",
			status:  403,
			body:    `{"error":{"status":403,"message":"Forbidden","reason":"PREMIUM_REQUIRED"}}`,
			want:    Error{Status: 403, Message: "Forbidden", Reason: "PREMIUM_REQUIRED"},
			hintHas: []string{"Premium"},
		},
		{
			name:    "missing scope",
			status:  403,
			body:    `{"error":{"status":403,"message":"Insufficient client scope"}}`,
			want:    Error{Status: 403, Message: "Insufficient client scope"},
			hintHas: []string{"scope", "spotcli login"},
		},
		{
			name:   "other 403 has no hint",
			status: 403,
			body:   `{"error":{"status":403,"message":"Forbidden"}}`,
			want:   Error{Status: 403, Message: "Forbidden"},
		},
		{
			name:    "not found",
			status:  404,
			body:    `{"error":{"status":404,"message":"Resource not found"}}`,
			want:    Error{Status: 404, Message: "Resource not found"},
			hintHas: []string{"check the id"},
			errHas:  []string{"Spotify answered 404 Not Found: Resource not found\nhint: check the id"},
		},
		{
			name:   "accounts service shape",
			status: 400,
			body:   `{"error":"invalid_client"}`,
			want:   Error{Status: 400, Message: "invalid_client"},
			errHas: []string{"Spotify answered 400 Bad Request: invalid_client"},
		},
		{
			name:        "proxy HTML",
			method:      "POST",
			status:      502,
			contentType: "text/html",
			body:        html,
			want:        Error{Status: 502, Message: "<html><head><title>502 Bad Gateway</title></head>"},
			errHasNot:   []string{"invalid character", "JSON", "json", "<body>"},
		},
		{
			name:        "plain text after blank lines",
			status:      400,
			contentType: "text/plain",
			body:        "\n\n  upstream connect error or disconnect/reset before headers\nreset reason: overflow\n",
			want:        Error{Status: 400, Message: "upstream connect error or disconnect/reset before headers"},
			errHasNot:   []string{"reset reason"},
		},
		{
			name:        "long line cut",
			status:      400,
			contentType: "text/plain",
			body:        strings.Repeat("x", 500) + "\nsecond",
			want:        Error{Status: 400, Message: strings.Repeat("x", 120) + "…"},
		},
		{
			name:        "long line cut between runes",
			status:      400,
			contentType: "text/plain",
			body:        "a" + strings.Repeat("é", 100),
			want:        Error{Status: 400, Message: "a" + strings.Repeat("é", 59) + "…"},
		},
		{
			name:   "empty body",
			method: "POST",
			status: 500,
			want:   Error{Status: 500},
			errHas: []string{"Spotify answered 500 Internal Server Error"},
		},
		{
			name:   "JSON without error",
			status: 400,
			body:   `{"message":"bad"}`,
			want:   Error{Status: 400, Message: `{"message":"bad"}`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				ct := tt.contentType
				if ct == "" {
					ct = "application/json"
				}
				w.Header().Set("Content-Type", ct)
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			})
			c := newClient(t, srv, staticToken("tok"))
			method := tt.method
			if method == "" {
				method = http.MethodGet
			}
			resp, err := c.Do(context.Background(), method, "me", nil)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want *Error", err)
			}
			if resp == nil || resp.Status != tt.status || string(resp.Body) != tt.body {
				t.Errorf("response = %+v, want status %d and the body", resp, tt.status)
			}
			if diff := cmp.Diff(tt.want, *e, cmpopts.IgnoreFields(Error{}, "Hint")); diff != "" {
				t.Errorf("Error (-want +got):\n%s", diff)
			}
			if !utf8.ValidString(e.Message) {
				t.Errorf("message %q is not valid UTF-8", e.Message)
			}
			if len(tt.hintHas) == 0 && e.Hint != "" {
				t.Errorf("hint = %q, want none", e.Hint)
			}
			for _, s := range tt.hintHas {
				if !strings.Contains(e.Hint, s) {
					t.Errorf("hint %q lacks %q", e.Hint, s)
				}
			}
			msg := err.Error()
			for _, s := range tt.errHas {
				if !strings.Contains(msg, s) {
					t.Errorf("error %q lacks %q", msg, s)
				}
			}
			for _, s := range tt.errHasNot {
				if strings.Contains(msg, s) {
					t.Errorf("error %q contains %q", msg, s)
				}
			}
		})
	}
}

func TestRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	const longest = time.Duration(1<<31) * time.Second
	tests := []struct {
		name string
		in   string
		want time.Duration
	}{
		{name: "seconds", in: "1", want: time.Second},
		{name: "zero", in: "0", want: 0},
		{name: "minutes worth", in: "120", want: 2 * time.Minute},
		{name: "spaces", in: " 7 ", want: 7 * time.Second},
		{name: "plus sign", in: "+3", want: 3 * time.Second},
		{name: "HTTP date", in: now.Add(90 * time.Second).Format(http.TimeFormat), want: 90 * time.Second},
		{name: "RFC 850 date", in: "Thursday, 02-Jan-25 03:05:05 GMT", want: time.Minute},
		{name: "ANSI C date", in: "Thu Jan  2 03:04:15 2025", want: 10 * time.Second},
		{name: "date passed", in: now.Add(-time.Hour).Format(http.TimeFormat), want: 0},
		{name: "date now", in: now.Format(http.TimeFormat), want: 0},
		{name: "empty", in: "", want: time.Second},
		{name: "blank", in: "  ", want: time.Second},
		{name: "garbage", in: "soon", want: time.Second},
		{name: "fraction", in: "1.5", want: time.Second},
		{name: "unit", in: "5s", want: time.Second},
		{name: "negative", in: "-1", want: time.Second},
		{name: "very negative", in: "-99999999999999999999", want: time.Second},
		{name: "huge", in: "9999999999", want: longest},
		{name: "cap", in: "2147483648", want: longest},
		{name: "below cap", in: "2147483647", want: (1<<31 - 1) * time.Second},
		{name: "beyond int64", in: "99999999999999999999", want: longest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := retryAfter(tt.in, now); got != tt.want {
				t.Errorf("retryAfter(%q) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestErrorMessages(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want string
	}{
		{name: "status only", err: &Error{Status: 500}, want: "Spotify answered 500 Internal Server Error"},
		{name: "unknown status", err: &Error{Status: 599, Message: "x"}, want: "Spotify answered 599: x"},
		{
			name: "all fields",
			err:  &Error{Status: 403, Message: "m", Reason: "R", Hint: "hint: h"},
			want: "Spotify answered 403 Forbidden: m (R)\nhint: h",
		},
		{
			name: "rate limit",
			err:  &RateLimitError{RetryAfter: 90 * time.Second},
			want: "rate limited by Spotify for 1m30s: try again then (--max-wait sets how long spotcli waits by itself)",
		},
		{
			name: "rate limit rounded, with reason",
			err:  &RateLimitError{RetryAfter: 1500 * time.Millisecond, Reason: "QUOTA_EXCEEDED"},
			want: "rate limited by Spotify for 2s (QUOTA_EXCEEDED): try again then (--max-wait sets how long spotcli waits by itself)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
}
