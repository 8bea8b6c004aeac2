package e2e

// The token lifecycle across processes (issue 13): logins, logouts and
// refreshes that overlap, saves that cannot succeed, short token lifetimes.

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/spotcli/spotcli/internal/config"
)

// holdLock takes the profile's refresh lock as a refresh under way in
// another process holds it; the returned func releases it.
func (h *harness) holdLock(profile string) func() {
	h.t.Helper()
	unlock, err := config.FileLock(filepath.Join(h.env["SPOTCLI_CONFIG_DIR"], "locks", profile+".lock"))(context.Background())
	if err != nil {
		h.t.Fatal(err)
	}
	return unlock
}

// start runs spotcli in the background; wait returns its result.
func (h *harness) start(args ...string) (wait func() result) {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	c := h.command(ctx, args...)
	var out, errb bytes.Buffer
	c.Stdout, c.Stderr = &out, &errb
	if err := c.Start(); err != nil {
		cancel()
		h.t.Fatal(err)
	}
	return func() result {
		defer cancel()
		err := c.Wait()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			h.t.Fatalf("spotcli %v: %v", args, err)
		}
		return result{stdout: out.String(), stderr: errb.String(), code: code}
	}
}

// TestLogoutWaitsForRefresh: logout deletes under the profile's lock, so a
// refresh under way (holding the lock) saves first and logout then removes
// what it saved: "Logged out" stays true (issue 13, item 2). Before, logout
// deleted at once and the refresh wrote the login back.
func TestLogoutWaitsForRefresh(t *testing.T) {
	h := newHarness(t)
	h.seed("default", time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	release := h.holdLock("default")
	wait := h.start("logout")
	// Long enough for an unlocked logout to have finished many times over;
	// a slow machine only makes this check weaker, never wrong.
	time.Sleep(500 * time.Millisecond)
	if _, err := os.Stat(h.tokenPath("default")); err != nil {
		t.Fatalf("logout removed the login while a refresh held the lock: %v", err)
	}
	// The refresh under way saves its answer, then lets go.
	rec := h.record("default")
	rec.AccessToken, rec.UpdatedAt = rec.AccessToken+"-refreshed", time.Now()
	h.writeRecord("default", rec)
	release()
	if r := wait(); r.code != 0 || !strings.Contains(r.stderr, "Logged out") {
		t.Fatalf("logout: %s", r)
	}
	h.noRecord("default")
	h.mustRun(4, "", "status")
}

// TestLoginWaitsForRefresh: login stores under the profile's lock, so a
// refresh of the old login under way does not overwrite the new one (issue
// 13, item 2).
func TestLoginWaitsForRefresh(t *testing.T) {
	h := newHarness(t)
	old := h.seed("default", time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	release := h.holdLock("default")
	wait := h.start("login")
	waitFor(t, func() bool { return h.fake.Stats().TokenRequests["authorization_code"] > 0 })
	time.Sleep(500 * time.Millisecond)
	if got := h.record("default"); got.AccessToken != old.AccessToken {
		t.Fatal("login stored while a refresh held the lock")
	}
	release()
	if r := wait(); r.code != 0 {
		t.Fatalf("login: %s", r)
	}
	if got := h.record("default"); got.AccessToken == old.AccessToken || got.RefreshToken == old.RefreshToken {
		t.Error("the new login was not stored")
	}
}

// TestRefreshNotSentWhenSaveWouldFail: a refresh whose answer could not be
// saved is not sent, so the stored login keeps working (issue 13, item 3):
// a file size limit (ulimit -f) below the record's size, and, where the
// permission bits bind (not root), a read-only tokens directory. Before,
// Spotify rotated the token, the save failed, and the login was lost.
func TestRefreshNotSentWhenSaveWouldFail(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("ulimit -f and permissions as on Linux")
	}
	cases := []struct {
		name  string
		setup func(h *harness) (run func() result, undo func())
	}{
		{"file size limit", func(h *harness) (func() result, func()) {
			return func() result {
				return h.runProgram("sh", "-c", "ulimit -f 1 && exec spotcli token")
			}, func() {}
		}},
	}
	if os.Geteuid() != 0 {
		cases = append(cases, struct {
			name  string
			setup func(h *harness) (run func() result, undo func())
		}{"read-only tokens directory", func(h *harness) (func() result, func()) {
			dir := filepath.Dir(h.tokenPath("default"))
			if err := os.Chmod(dir, 0o500); err != nil {
				h.t.Fatal(err)
			}
			return func() result { return h.run("", "token") }, func() { os.Chmod(dir, 0o700) }
		}})
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.fake.SetRotation(true)
			rec := h.seed("default", time.Now().Add(-time.Hour), time.Now().Add(-time.Minute))
			// A record over 1 KiB, the size limit of the first case.
			rec.UserName = strings.Repeat("A", 700)
			h.writeRecord("default", rec)
			before, _ := os.ReadFile(h.tokenPath("default"))
			run, undo := tt.setup(h)
			r := run()
			undo()
			if r.code != 1 || !strings.Contains(r.stderr, "refresh not sent") || r.stdout != "" {
				t.Errorf("want exit 1 saying the refresh was not sent: %s", r)
			}
			if got := h.fake.Stats().Refreshes; got != 0 {
				t.Errorf("%d refreshes sent, want 0", got)
			}
			if after, _ := os.ReadFile(h.tokenPath("default")); !bytes.Equal(before, after) {
				t.Error("the stored login changed")
			}
			// Once the store can be written again, the login works.
			h.mustRun(0, "", "token")
		})
	}
}
