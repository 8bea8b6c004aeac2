package e2e

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/spotcli/spotcli/internal/auth"
	"github.com/spotcli/spotcli/internal/config"
	"github.com/spotcli/spotcli/internal/spotifytest/fixtures"
)

func TestLoginThroughBrowser(t *testing.T) {
	tests := []struct {
		name     string
		clientID string
		secret   string
		flow     auth.Flow
		redirect string
	}{
		{"pkce", testClientID, "", auth.FlowPKCE, "http://127.0.0.1:0/callback"},
		{"pkce on IPv6 loopback", testClientID, "", auth.FlowPKCE, "http://[::1]/callback"},
		{"client secret", testSecretClient, testClientSecret, auth.FlowSecret, "http://127.0.0.1:0/callback"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			if strings.Contains(tt.redirect, "::1") {
				if ln, err := net.Listen("tcp", "[::1]:0"); err != nil {
					t.Skip("no IPv6 loopback on this machine")
				} else {
					ln.Close()
				}
			}
			h.env["SPOTCLI_CLIENT_ID"] = tt.clientID
			h.env["SPOTCLI_CLIENT_SECRET"] = tt.secret
			h.env["SPOTCLI_REDIRECT_URI"] = tt.redirect
			r := h.mustRun(0, "", "login")
			if r.stdout != "" {
				t.Errorf("login wrote to stdout (the browser's output must not reach it): %q", r.stdout)
			}
			if !strings.Contains(r.stderr, "Logged in as Alice Liddell (alice); token stored in file (plain text) ") {
				t.Errorf("stderr lacks the logged-in line:\n%s", r.stderr)
			}
			rec := h.record("default")
			if rec.Flow != tt.flow || rec.UserID != "alice" || rec.UserName != "Alice Liddell" || rec.ClientID != tt.clientID {
				t.Errorf("stored record = %+v", rec)
			}
			if rec.RefreshToken == "" || rec.AccessToken == "" || rec.LoggedInAt.IsZero() || !rec.ExpiresAt.After(time.Now().Add(50*time.Minute)) {
				t.Errorf("stored record lacks tokens or times: %+v", rec)
			}
			if got := strings.Join(rec.Scopes, " "); got != config.DefaultScopes {
				t.Errorf("scopes = %v", rec.Scopes)
			}
			v := h.browserVisit()
			if v.Status != http.StatusOK || !strings.Contains(v.Body, "Logged in to spotcli") {
				t.Errorf("final page: %d %s", v.Status, v.Body)
			}
			if v.Header["Cache-Control"] != "no-store" || v.Header["Referrer-Policy"] != "no-referrer" {
				t.Errorf("final page headers: %v", v.Header)
			}
			code := queryParam(v.URL, "code")
			for _, secret := range []string{code, rec.AccessToken, rec.RefreshToken, tt.secret} {
				if secret != "" && strings.Contains(v.Body, secret) {
					t.Errorf("final page holds a secret")
				}
			}
			if strings.Contains(tt.redirect, ":0/") && strings.Contains(v.AuthorizeURL, "%3A0%2F") {
				t.Errorf("the authorize URL names port 0 instead of the port listened on: %s", v.AuthorizeURL)
			}
			if tt.flow == auth.FlowPKCE && !strings.Contains(v.AuthorizeURL, "code_challenge_method=S256") {
				t.Errorf("no PKCE challenge in %s", v.AuthorizeURL)
			}

			tok := h.mustRun(0, "", "token")
			if tok.stdout != rec.AccessToken+"\n" {
				t.Errorf("token printed %q, want the stored access token", tok.stdout)
			}
			// The refresh must authenticate as the flow requires (the fake
			// refuses Basic for PKCE tokens and a missing secret otherwise).
			h.mustRun(0, "", "refresh")
			if got := h.fake.Stats().Refreshes; got != 1 {
				t.Errorf("refreshes = %d, want 1", got)
			}
		})
	}
}

func queryParam(raw, key string) string {
	i := strings.Index(raw, "?")
	if i < 0 {
		return ""
	}
	for _, kv := range strings.Split(raw[i+1:], "&") {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			return v
		}
	}
	return ""
}

// startLogin starts `spotcli login --no-browser` and returns the authorize URL
// it printed, a pipe to its stdin, and a wait function.
func startLogin(t *testing.T, h *harness, args ...string) (authorize string, stdin io.WriteCloser, wait func() result, pid int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	c := h.command(ctx, append([]string{"login", "--no-browser"}, args...)...)
	stdin, _ = c.StdinPipe()
	stderr, _ := c.StderrPipe()
	var stdout strings.Builder
	c.Stdout = &stdout
	if err := c.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	var all strings.Builder
	urlc := make(chan string, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(stderr)
		sent := false
		for sc.Scan() {
			line := sc.Text()
			all.WriteString(line + "\n")
			if !sent && strings.HasPrefix(line, h.fake.AccountsURL()+"/authorize?") {
				urlc <- line
				sent = true
			}
		}
		if !sent {
			close(urlc)
		}
	}()
	authorize, ok := <-urlc
	if !ok {
		<-done
		t.Fatalf("login printed no authorize URL:\n%s", all.String())
	}
	var once sync.Once
	var res result
	wait = func() result {
		once.Do(func() {
			<-done
			err := c.Wait()
			cancel()
			res = result{stdout: stdout.String(), stderr: all.String(), code: c.ProcessState.ExitCode()}
			_ = err
		})
		return res
	}
	t.Cleanup(func() { _ = c.Process.Kill(); wait() })
	return authorize, stdin, wait, c.Process.Pid
}

// authorizeRedirect does what the browser would, without following the
// redirect: it returns the address Spotify sent the browser to.
func authorizeRedirect(t *testing.T, authorize string) string {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(authorize)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusFound {
		t.Fatalf("authorize answered %s", res.Status)
	}
	return res.Header.Get("Location")
}

func TestLoginByPastedURL(t *testing.T) {
	h := newHarness(t)
	authorize, stdin, wait, _ := startLogin(t, h)
	loc := authorizeRedirect(t, authorize)
	// A pasted address with the wrong state is refused, and the login goes
	// on waiting for the right one.
	forged := strings.Replace(loc, "state=", "state=forged", 1)
	io.WriteString(stdin, "not a url at all\n"+forged+"\n"+loc+"\n")
	stdin.Close()
	r := wait()
	if r.code != 0 {
		t.Fatalf("login by paste: %s", r)
	}
	if !strings.Contains(r.stderr, "does not belong to the login in progress") {
		t.Errorf("the forged paste was not reported:\n%s", r.stderr)
	}
	if h.record("default").UserID != "alice" {
		t.Error("not stored")
	}
	if got := h.fake.Stats().TokenRequests["authorization_code"]; got != 1 {
		t.Errorf("token requests = %d, want 1", got)
	}
}

func TestLoginInterrupted(t *testing.T) {
	h := newHarness(t)
	port := fixtures.FreePort(t)
	h.env["SPOTCLI_REDIRECT_URI"] = "http://127.0.0.1:" + strconv.Itoa(port) + "/callback"
	// startLogin returns after the URL was printed, so the server listens.
	_, _, wait, pid := startLogin(t, h)
	if err := syscall.Kill(pid, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	r := wait()
	if r.code != 130 {
		t.Fatalf("want exit 130 on SIGINT: %s", r)
	}
	if !fixtures.PortFree(port) {
		t.Error("port still taken after SIGINT")
	}
	h.noRecord("default")
}
