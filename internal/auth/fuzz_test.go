package auth

import (
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

// FuzzCallback feeds arbitrary callback queries and pasted lines to the
// loopback handler: it never panics, and only an answer carrying the login's
// state can reach the code exchange or end the login.
func FuzzCallback(f *testing.F) {
	const state = "s3cr3t-state-0123456789abcdefghijklmnopqrstu"
	for _, seed := range []string{
		"code=abc&state=" + state,
		"error=access_denied&state=" + state,
		"code=abc&state=wrong",
		"code=abc",
		"state=" + state,
		"",
		"code=%ZZ&state=" + state,
		"http://127.0.0.1:8888/callback?code=abc&state=" + state,
		"code=a&code=b&state=" + state + "&state=other",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, input string) {
		q, err := url.ParseQuery(input)
		if u, uerr := url.Parse(input); err != nil && uerr == nil {
			q = u.Query()
		}
		exchanged := 0
		c := &callback{state: state, done: make(chan result, 1), exchange: func(code string) (*Record, error) {
			exchanged++
			return &Record{AccessToken: "t"}, nil
		}}
		p := c.handle(q)
		matches := q.Get("state") == state
		if !matches && (exchanged > 0 || len(c.done) > 0 || !p.Ignored) {
			t.Fatalf("a callback with state %q was not ignored", q.Get("state"))
		}
		if matches && p.Ignored {
			t.Fatal("the login's own state was ignored")
		}
		if p.Status < 200 || p.Status > 599 || p.Title == "" {
			t.Fatalf("bad page %+v", p)
		}
		if code := q.Get("code"); code != "" && len(code) > 3 && strings.Contains(p.Body, code) {
			t.Fatal("the page echoes the code")
		}
		// A second answer never ends the login again.
		if matches {
			if p2 := c.handle(q); p2.Status != http.StatusConflict || exchanged > 1 {
				t.Fatalf("second callback: %+v, %d exchanges", p2, exchanged)
			}
		}
	})
}

// FuzzDecodeRecord: decoding never panics, and what decodes re-encodes to a
// record that decodes to the same value.
func FuzzDecodeRecord(f *testing.F) {
	for _, seed := range []string{
		`{"v":1,"access_token":"a","refresh_token":"r","expires_at":"2026-01-01T00:00:00Z","client_id":"c","flow":"pkce","logged_in_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z"}`,
		`{"v":1,"access_token":"a","client_id":"c","flow":"client_credentials","expires_at":"2026-01-01T00:00:00Z","logged_in_at":"0001-01-01T00:00:00Z","updated_at":"0001-01-01T00:00:00Z"}`,
		`{"v":2}`, `null`, `[]`, `{"v":1,"flow":"pkce"} trailing`, "",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		rec, err := DecodeRecord(b)
		if err != nil {
			return
		}
		enc, err := rec.Encode()
		if err != nil {
			if len(b) <= MaxRecordSize/2 && !strings.Contains(err.Error(), "limit") {
				t.Fatalf("decoded record does not encode: %v", err)
			}
			return
		}
		again, err := DecodeRecord(enc)
		if err != nil {
			t.Fatalf("re-encoded record does not decode: %v", err)
		}
		if !reflect.DeepEqual(normal(rec), normal(again)) {
			t.Fatalf("round trip changed the record:\n%+v\n%+v", rec, again)
		}
	})
}

// normal drops what JSON cannot round-trip exactly: monotonic clock
// readings and time zone names.
func normal(r *Record) Record {
	c := *r
	c.ExpiresAt, c.LoggedInAt, c.UpdatedAt = c.ExpiresAt.UTC(), c.LoggedInAt.UTC(), c.UpdatedAt.UTC()
	if len(c.Scopes) == 0 {
		c.Scopes = nil
	}
	return c
}
