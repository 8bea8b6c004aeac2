package api

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Secrets a request carries in its query, headers and body; none may reach
// the debug log.
var debugSecrets = []string{
	"S-CODE", "S-STATE", "S-ACCESS", "S-REFRESH", "S-CLIENT", "S-VERIFIER", "S-CHALLENGE", "S-TOKEN",
	"S-BEARER", "S-HEADER", "S-BODY",
}

const secretQuery = "code=S-CODE&state=S-STATE&access_token=S-ACCESS&refresh_token=S-REFRESH" +
	"&client_secret=S-CLIENT&code_verifier=S-VERIFIER&code_challenge=S-CHALLENGE&token=S-TOKEN&market=US"

func TestDebugTransport(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		method  string
		status  int  // answered by the server
		hangUp  bool // close the connection instead
		wantLog []string
	}{
		{name: "POST ok", method: "POST", status: 200, wantLog: []string{"debug: POST http://", "/v1/me/x?", " -> 200 ("}},
		{name: "GET not found", method: "GET", status: 404, wantLog: []string{"debug: GET http://", " -> 404 ("}},
		{name: "connection closed", method: "POST", hangUp: true, wantLog: []string{"debug: POST http://", ": error after "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				if tt.hangUp {
					hangUp(t, w)
					return
				}
				writeJSON(w, tt.status, `{"error":{"status":`+strconv.Itoa(tt.status)+`,"message":"m"}}`)
			})
			var log bytes.Buffer
			c := newClient(t, srv, staticToken("S-BEARER"))
			c.HTTP.Transport = &DebugTransport{Base: c.HTTP.Transport, Out: &log}
			c.Attempts = 1
			c.Header = http.Header{"X-Api-Key": {"S-HEADER"}, "Cookie": {"sid=S-HEADER"}}
			_, _ = c.Do(context.Background(), tt.method, "me/x?"+secretQuery, []byte(`{"password":"S-BODY"}`))

			got := log.String()
			if n := strings.Count(got, "\n"); n != 1 {
				t.Errorf("log has %d lines, want 1:\n%s", n, got)
			}
			want := append([]string{
				"code=REDACTED", "state=REDACTED", "access_token=REDACTED", "refresh_token=REDACTED",
				"client_secret=REDACTED", "code_verifier=REDACTED", "code_challenge=REDACTED", "&token=REDACTED",
				"market=US",
			}, tt.wantLog...)
			for _, s := range want {
				if !strings.Contains(got, s) {
					t.Errorf("log lacks %q:\n%s", s, got)
				}
			}
			for _, s := range append(debugSecrets, "Authorization", "Bearer", "password") {
				if strings.Contains(got, s) {
					t.Errorf("log contains %q:\n%s", s, got)
				}
			}
		})
	}
}

// TestDebugTransportTokenEndpoint sends what a code exchange sends: secrets in
// a form body and in Basic authorization.
func TestDebugTransportTokenEndpoint(t *testing.T) {
	t.Parallel()
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"access_token":"S-ACCESS","refresh_token":"S-REFRESH","token_type":"Bearer","expires_in":3600}`)
	})
	var log bytes.Buffer
	hc := &http.Client{Transport: &DebugTransport{Base: &http.Transport{DisableKeepAlives: true}, Out: &log}}
	form := url.Values{"grant_type": {"authorization_code"}, "code": {"S-CODE"}, "code_verifier": {"S-VERIFIER"}, "client_secret": {"S-CLIENT"}}
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/api/token", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("client-id", "S-CLIENT")
	res, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	got := log.String()
	if want := "debug: POST " + srv.URL + "/api/token -> 200 ("; !strings.HasPrefix(got, want) {
		t.Errorf("log = %q, want it to start with %q", got, want)
	}
	for _, s := range append(debugSecrets, "Basic", "grant_type") {
		if strings.Contains(got, s) {
			t.Errorf("log contains %q: %s", s, got)
		}
	}
}

func TestDebugTransportConcurrent(t *testing.T) {
	t.Parallel()
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{}`)
	})
	var log bytes.Buffer
	c := newClient(t, srv, staticToken("tok"))
	c.HTTP.Transport = &DebugTransport{Base: c.HTTP.Transport, Out: &log}
	const n = 16
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			if _, err := c.Do(context.Background(), http.MethodGet, "me?i="+strconv.Itoa(i), nil); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSuffix(log.String(), "\n"), "\n")
	if len(lines) != n {
		t.Fatalf("%d log lines, want %d:\n%s", len(lines), n, log.String())
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "debug: GET ") || !strings.Contains(l, " -> 200 (") {
			t.Errorf("malformed line %q", l)
		}
	}
}

func TestRedactURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
	}{
		{"https://api.spotify.com/v1/me", "https://api.spotify.com/v1/me"},
		{"https://api.spotify.com/v1/search?q=a+b&type=track", "https://api.spotify.com/v1/search?q=a+b&type=track"},
		{"http://127.0.0.1:8888/callback?code=S-CODE&state=S-STATE", "http://127.0.0.1:8888/callback?code=REDACTED&state=REDACTED"},
		{"https://x.test/a?refresh_token=S-REFRESH&limit=5", "https://x.test/a?limit=5&refresh_token=REDACTED"},
		{"https://x.test/a?access_token=S-ACCESS&access_token=S-TOKEN", "https://x.test/a?access_token=REDACTED"},
	}
	for _, tt := range tests {
		u, err := url.Parse(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if got := redactURL(u); got != tt.want {
			t.Errorf("redactURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
