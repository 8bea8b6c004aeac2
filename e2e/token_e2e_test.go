package e2e

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Sixteen processes on one expired token, with Spotify invalidating the old
// refresh token on every refresh: exactly one refresh must happen, and every
// process must print the same valid token.
func TestConcurrentTokenRefreshesOnce(t *testing.T) {
	h := newHarness(t)
	h.fake.SetRotation(true)
	h.seed("default", time.Now().Add(-time.Hour), time.Now().Add(-time.Minute))
	const n = 16
	var wg sync.WaitGroup
	results := make([]result, n)
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			c := h.command(ctx, "token")
			var out, errb bytes.Buffer
			c.Stdout, c.Stderr = &out, &errb
			<-start
			err := c.Run()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else if err != nil {
				code = -1
			}
			results[i] = result{out.String(), errb.String(), code}
		}()
	}
	close(start)
	wg.Wait()
	rec := h.record("default")
	for i, r := range results {
		if r.code != 0 || r.stdout != rec.AccessToken+"\n" {
			t.Errorf("process %d: %s", i, r)
		}
	}
	if got := h.fake.Stats().Refreshes; got != 1 {
		t.Errorf("16 processes made %d refreshes, want exactly 1", got)
	}
	h.mustRun(0, "", "refresh")
}

// The browser gets the authorize URL and nothing else; files that hold
// secrets are 0600 in 0700 directories.
func TestSecretsStayPrivate(t *testing.T) {
	h := newHarness(t)
	h.mustRun(0, "", "login")
	v := h.browserVisit()
	if len(v.Args) != 2 || v.Args[1] != v.AuthorizeURL || !strings.HasPrefix(v.AuthorizeURL, h.fake.AccountsURL()+"/authorize?") {
		t.Errorf("browser argv = %q", v.Args)
	}
	for _, s := range h.fake.Secrets() {
		if strings.Contains(strings.Join(v.Args, " "), s) {
			t.Errorf("a secret reached the browser's argv")
		}
	}
	// Exercise every file spotcli writes: token, lock, warning state, index.
	h.seed("old", time.Now().Add(-175*24*time.Hour), time.Now().Add(-time.Minute))
	h.mustRun(0, "", "token", "--profile", "old")
	dir := h.env["SPOTCLI_CONFIG_DIR"]
	seen := 0
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		seen++
		want := os.FileMode(0o600)
		if fi.IsDir() {
			want = 0o700
		}
		if p == dir {
			return nil // the config dir itself is the user's
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s: mode %04o, want %04o", p, fi.Mode().Perm(), want)
		}
		return nil
	})
	if seen < 8 {
		t.Errorf("only %d files and directories under the config dir", seen)
	}
}
