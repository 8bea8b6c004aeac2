package auth

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The pages must render alone: an external asset would cost a request that
// can leak the callback address, and the CSP forbids it anyway.
func TestPagesAreSelfContained(t *testing.T) {
	for _, p := range []page{
		{Status: http.StatusOK, Title: "Logged in to spotcli", Body: "spotcli is now logged in."},
		{Status: http.StatusOK, Title: "Login cancelled", Body: "Nothing was stored."},
		{Status: http.StatusBadRequest, Title: "Login failed", Body: `<script>alert("x")</script>`},
	} {
		t.Run(p.Title, func(t *testing.T) {
			rec := httptest.NewRecorder()
			writePage(rec, p)
			body := rec.Body.String()
			if rec.Code != p.Status {
				t.Errorf("status %d, want %d", rec.Code, p.Status)
			}
			for _, bad := range []string{"src=", "href=", "url(", "@import", "http://", "https://", "<script"} {
				if strings.Contains(body, bad) {
					t.Errorf("the page holds %q:\n%s", bad, body)
				}
			}
			for _, want := range []string{"<h1>" + p.Title + "</h1>", "prefers-color-scheme: dark", `name="color-scheme" content="light dark"`} {
				if !strings.Contains(body, want) {
					t.Errorf("the page lacks %q:\n%s", want, body)
				}
			}
			if got := rec.Header().Get("Cache-Control"); got != "no-store" {
				t.Errorf("Cache-Control %q", got)
			}
		})
	}
}
