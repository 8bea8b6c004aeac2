package api

import (
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseError: any error body, JSON or not, becomes an *Error without a
// panic, keeps its status, and says what happened on one line before any
// hint.
func FuzzParseError(f *testing.F) {
	for _, seed := range []string{
		`{"error":{"status":403,"message":"User not registered in the Developer Dashboard"}}`,
		`{"error":{"status":429,"message":"API rate limit exceeded","reason":"QUOTA_EXCEEDED"}}`,
		`{"error":"invalid_client","error_description":"Invalid client"}`,
		`<html><head><title>502 Bad Gateway</title></head></html>`,
		`{"error":{"status":"x"}}`, `{"error":null}`, `[]`, "", "\n\n\xff\xfe",
	} {
		f.Add(403, seed)
	}
	f.Fuzz(func(t *testing.T, status int, body string) {
		if status < 400 || status > 599 {
			status = 400 + (status%200+200)%200
		}
		e := parseError(&Response{Status: status, Header: http.Header{}, Body: []byte(body)})
		if e == nil || e.Status != status {
			t.Fatalf("parseError = %+v", e)
		}
		msg := e.Error()
		first, _, _ := strings.Cut(msg, "\n")
		if !strings.HasPrefix(first, "Spotify answered ") || strings.ContainsAny(first, "\r") {
			t.Fatalf("message %q", msg)
		}
		if utf8.ValidString(body) && !utf8.ValidString(msg) {
			t.Fatalf("message is not valid UTF-8: %q", msg)
		}
		if len(e.Message) > 130 && !strings.HasPrefix(strings.TrimSpace(body), "{") {
			t.Fatalf("a non-JSON body was not cut: %d bytes", len(e.Message))
		}
	})
}
