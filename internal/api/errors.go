package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spotcli/spotcli/internal/auth"
)

// Error is an error answer of the Web API: Spotify's
// {"error":{"status":N,"message":"...","reason":"..."}}, or the first line of a
// body that is not JSON (a proxy's HTML page).
type Error struct {
	Status  int
	Message string
	Reason  string
	Hint    string
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("Spotify answered %d", e.Status)
	if t := http.StatusText(e.Status); t != "" {
		msg += " " + t
	}
	if e.Message != "" {
		msg += ": " + e.Message
	}
	if e.Reason != "" {
		msg += " (" + e.Reason + ")"
	}
	if e.Hint != "" {
		msg += "\n" + e.Hint
	}
	return msg
}

// RateLimitError is a 429 whose Retry-After is longer than spotcli will wait.
type RateLimitError struct {
	RetryAfter time.Duration
	Reason     string
	// Until is when Spotify will take requests again (the clock at the
	// answer plus RetryAfter); zero leaves it out of the message.
	Until time.Time
}

func (e *RateLimitError) Error() string {
	msg := "rate limited by Spotify for " + HumanDuration(e.RetryAfter)
	if !e.Until.IsZero() {
		msg += ", until " + untilUTC(e.Until, e.Until.Add(-e.RetryAfter))
	}
	if e.Reason != "" {
		msg += " (" + e.Reason + ")"
	}
	return msg + ": try again then (--max-wait sets how long spotcli waits by itself)"
}

// HumanDuration is d as people say it: 45s, 2m5s, 11h27m, 3d4h.
func HumanDuration(d time.Duration) string {
	s := int64(d.Round(time.Second) / time.Second)
	switch {
	case s < 60:
		return fmt.Sprintf("%ds", s)
	case s < 3600:
		if s%60 == 0 {
			return fmt.Sprintf("%dm", s/60)
		}
		return fmt.Sprintf("%dm%ds", s/60, s%60)
	case s < 48*3600:
		// Seconds no longer matter; a started minute counts.
		m := (s + 59) / 60
		if m%60 == 0 {
			return fmt.Sprintf("%dh", m/60)
		}
		return fmt.Sprintf("%dh%dm", m/60, m%60)
	}
	h := (s + 3599) / 3600
	if h%24 == 0 {
		return fmt.Sprintf("%dd", h/24)
	}
	return fmt.Sprintf("%dd%dh", h/24, h%24)
}

// untilUTC is t in UTC to the minute, with the date when it is not the day
// of now.
func untilUTC(t, now time.Time) string {
	t, now = t.UTC(), now.UTC()
	// A started minute counts: "until 09:14" must not be too early.
	if t.Second() > 0 || t.Nanosecond() > 0 {
		t = t.Truncate(time.Minute).Add(time.Minute)
	}
	if t.Format(time.DateOnly) != now.Format(time.DateOnly) {
		return t.Format("2006-01-02 15:04") + " UTC"
	}
	return t.Format("15:04") + " UTC"
}

// parseError decodes an error answer.
func parseError(r *Response) *Error {
	e := &Error{Status: r.Status}
	var body struct {
		Error json.RawMessage `json:"error"`
	}
	var inner struct {
		Status  int    `json:"status"`
		Message string `json:"message"`
		Reason  string `json:"reason"`
	}
	switch {
	case json.Unmarshal(r.Body, &body) == nil && len(body.Error) > 0 && json.Unmarshal(body.Error, &inner) == nil:
		e.Message, e.Reason = inner.Message, inner.Reason
	case json.Unmarshal(r.Body, &body) == nil && len(body.Error) > 0:
		// The accounts service's {"error":"code"} shape.
		var s string
		_ = json.Unmarshal(body.Error, &s)
		e.Message = s
	default:
		e.Message = firstLine(string(r.Body), 120)
	}
	// Nothing Spotify (or a proxy) wrote reaches a terminal raw.
	e.Message, e.Reason = auth.Printable(e.Message), auth.Printable(e.Reason)
	e.Hint = hint(e)
	return e
}

func hint(e *Error) string {
	m := strings.ToLower(e.Message)
	switch {
	case e.Status == 403 && strings.Contains(m, "not registered"):
		return "hint: the Spotify app is in development mode: add this user's email under User Management in the app's page of the developer dashboard"
	case e.Status == 403 && (strings.Contains(m, "premium") || e.Reason == "PREMIUM_REQUIRED"):
		return "hint: this needs a Spotify Premium account (in development mode, the app owner's account must be Premium)"
	case e.Status == 403 && strings.Contains(m, "scope"):
		return "hint: the login lacks a scope this call needs: run spotcli login --add-scopes SCOPE (Spotify's documentation of the endpoint names it)"
	case e.Status == 404:
		return "hint: check the id or path; Spotify also answers 404 for items the user cannot see"
	}
	return ""
}

// firstLine is s's first line, printable (auth.Printable), cut to max bytes
// of that printable form with "…": escaping a byte makes it up to four, so
// the cut is made after it, never inside an escape.
func firstLine(s string, max int) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		_, n := utf8.DecodeRuneInString(s[i:])
		p := auth.Printable(s[i : i+n])
		if b.Len()+len(p) > max {
			b.WriteString("…")
			break
		}
		b.WriteString(p)
		i += n
	}
	return b.String()
}

// retryAfter reads Retry-After as seconds or an HTTP date; a missing or bad
// value means one second, so that a retry never hammers.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	// Digits beyond int64 are a very long wait (ParseInt gives MaxInt64),
	// not a bad value.
	if n, err := strconv.ParseInt(v, 10, 64); (err == nil || errors.Is(err, strconv.ErrRange)) && n >= 0 {
		if n > 1<<31 {
			n = 1 << 31
		}
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
		return 0
	}
	return time.Second
}

// secretParams are query parameters whose values never reach a log.
var secretParams = []string{"code", "state", "code_verifier", "code_challenge", "access_token", "refresh_token", "client_secret", "token"}

// redactURL returns u with secret query values masked.
func redactURL(u *url.URL) string {
	if u.RawQuery == "" {
		return u.String()
	}
	q := u.Query()
	changed := false
	for _, k := range secretParams {
		if q.Has(k) {
			q.Set(k, "REDACTED")
			changed = true
		}
	}
	if !changed {
		return u.String()
	}
	c := *u
	c.RawQuery = q.Encode()
	return c.String()
}
