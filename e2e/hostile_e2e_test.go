package e2e

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/spotcli/spotcli/internal/spotifytest"
)

// evil is what a playlist's owner or a user's display name can hold: OSC 52
// (writes the clipboard), CSI 2J (clears the screen), an OSC title, BEL,
// NUL, DEL and the C1 CSI (U+009B), which some terminals obey too.
const evil = "\x1b]52;c;ZXZpbA==\x07\x1b[2J\x1b]0;pwned\x07\u009b31m\x00\x7f\u0085 end"

// rawControl returns the first control character in s that a terminal could
// obey (anything but tab and newline), or -1; a byte that is not UTF-8
// counts too.
func rawControl(s string) rune {
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\ufffd"):
			return r
		case r == '\t' || r == '\n':
		case r < 0x20 || r >= 0x7f && r <= 0x9f:
			return r
		}
	}
	return -1
}

// TestNothingRawReachesTheTerminal runs every command that shows Spotify's
// data or messages against names and messages full of escape sequences: no
// control character but tab and newline may reach stdout or stderr raw, in
// any output format (issue 13, item 4).
func TestNothingRawReachesTheTerminal(t *testing.T) {
	h := newHarness(t)
	h.fake.AddUser(spotifytest.User{ID: "alice", DisplayName: "Alice " + evil, Email: "alice@example.com", Country: "GB", Product: "premium"})
	h.fake.AddUser(spotifytest.User{ID: "mallory", DisplayName: "Mallory " + evil})
	h.loginAlice()
	h.fake.AddPlaylists("alice",
		spotifytest.Playlist{ID: "0EvilName0000000000001", Name: "Free music " + evil, Description: evil, Public: true, Tracks: 3},
		spotifytest.Playlist{ID: "0EvilOwner000000000002", Name: "Shared", OwnerID: "mallory", OwnerName: evil, Collaborative: true, Tracks: 1},
	)
	h.fake.AddPlaylistItems("0EvilName0000000000001",
		spotifytest.PlaylistItem{Track: &spotifytest.Track{ID: "0EvilTrack000000000001", Name: "Song " + evil, Artists: []string{evil, "B"}, Album: evil, DurationMS: 60000}},
		spotifytest.PlaylistItem{Track: &spotifytest.Track{Name: "Local " + evil, Artists: []string{evil}, Local: true, DurationMS: 1000}},
	)
	runs := [][]string{
		{"playlists", "items", "0EvilName0000000000001", "-o", "tsv"},
		{"playlists", "items", "0EvilName0000000000001", "-o", "table"},
		{"playlists", "items", "0EvilName0000000000001", "-o", "json"},
		{"playlists", "items", "0EvilName0000000000001", "-o", "ndjson"},
		{"playlists", "-o", "tsv"},
		{"playlists", "-o", "table"},
		{"playlists", "-o", "json"},
		{"playlists", "-o", "ndjson"},
		{"whoami"},
		{"whoami", "--json"},
		{"status"},
		{"status", "--json"},
		{"status", "--check"},
		{"api", "me"},
		{"api", "me", "--jq", ".display_name"},
		{"api", "me", "--jq", "."},
		{"api", "me/playlists", "--paginate"},
		{"api", "me/playlists", "--paginate", "--slurp"},
		{"api", "me/playlists", "--paginate", "--jq", ".name"},
		{"api", "me/playlists", "--paginate", "--jq", ".owner"},
	}
	for _, args := range runs {
		r := h.mustRun(0, "", args...)
		for name, out := range map[string]string{"stdout": r.stdout, "stderr": r.stderr} {
			if c := rawControl(out); c >= 0 {
				t.Errorf("spotcli %s: %s carries %U raw:\n%q", strings.Join(args, " "), name, c, out)
			}
		}
	}

	// The tsv encoding is lossless: the name comes back from its escapes.
	r := h.mustRun(0, "", "playlists", "-o", "tsv")
	first := strings.Split(strings.SplitN(r.stdout, "\n", 2)[0], "\t")
	want := `Free music \x1b]52;c;ZXZpbA==\x07\x1b[2J\x1b]0;pwned\x07\u009b31m\x00\x7f\u0085 end`
	if len(first) < 2 || first[1] != want {
		t.Errorf("tsv name = %q, want %q", first, want)
	}

	// Spotify's error messages (Web API and accounts service) on stderr.
	h.fake.InjectFault(spotifytest.Fault{Path: "/v1/me", Status: 403, Count: 1,
		Body: `{"error":{"status":403,"message":"denied \u001b]52;c;ZXZpbA==\u0007 \u009b2J","reason":"X\u001b[31m"}}`})
	r = h.mustRun(1, "", "whoami")
	if c := rawControl(r.stderr); c >= 0 || !strings.Contains(r.stderr, `denied \x1b]52;c;ZXZpbA==\x07 \u009b2J`) {
		t.Errorf("whoami's error: %U raw, or the message is not shown escaped:\n%q", c, r.stderr)
	}
	h.fake.InjectFault(spotifytest.Fault{Path: "/v1/me", Status: 502, Body: "<html>\x1b[2J\x07 bad gateway</html>"})
	r = h.run("", "api", "me")
	if c := rawControl(r.stderr + r.stdout); c >= 0 || r.code == 0 {
		t.Errorf("api me against a proxy page: exit %d, %U raw:\n%s", r.code, c, r)
	}
	h.fake.ClearFaults()
	h.fake.InjectFault(spotifytest.Fault{Path: "/api/token", Status: 400, Count: 1,
		Body: `{"error":"invalid_grant","error_description":"Refresh token revoked \u001b[2J\u001b]0;x\u0007"}`})
	r = h.run("", "refresh")
	if c := rawControl(r.stderr); c >= 0 || r.code != 4 {
		t.Errorf("refresh refused with an escape in error_description: exit %d, %U raw:\n%s", r.code, c, r)
	}
}

// TestAPIAnswerOver64MiB: an answer larger than spotcli reads used to be cut
// at 64 MiB and printed as if whole, with exit 0; now nothing is printed and
// the exit is 1 (issue 13, item 9).
func TestAPIAnswerOver64MiB(t *testing.T) {
	big := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"items":["`)
		chunk := strings.Repeat("x", 1<<20)
		for i := 0; i < 65; i++ {
			if _, err := io.WriteString(w, chunk); err != nil {
				return
			}
		}
		io.WriteString(w, `"]}`)
	}))
	t.Cleanup(big.Close)
	h := newHarness(t)
	h.env["SPOTCLI_API_URL"] = big.URL + "/v1"
	h.env["SPOTCLI_ACCESS_TOKEN"] = "BQstatic"
	r := h.run("", "api", "me/tracks")
	if r.code != 1 || r.stdout != "" || !strings.Contains(r.stderr, "larger than 64 MiB") {
		t.Fatalf("want exit 1, nothing on stdout and the reason on stderr; got exit %d, %d bytes on stdout, stderr:\n%s", r.code, len(r.stdout), r.stderr)
	}
}

// TestPagerStopsOnHostilePages: a first page claiming a billion items in
// pages of one, and a next link that points at its own page, end with an
// error at once (issue 13, item 8).
func TestPagerStopsOnHostilePages(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		self := "http://" + r.Host + r.URL.Path + "?offset=0&limit=1"
		switch r.URL.Path {
		case "/v1/me/playlists":
			io.WriteString(w, `{"items":[{"id":"p1","name":"one","owner":{"id":"o"},"items":{"total":1}}],"total":1000000000,"limit":1,"offset":0,"next":"`+self+`"}`)
		case "/v1/loop":
			io.WriteString(w, `{"items":[1],"limit":1,"offset":0,"next":"`+self+`"}`)
		}
	}))
	t.Cleanup(srv.Close)
	h := newHarness(t)
	h.env["SPOTCLI_API_URL"] = srv.URL + "/v1"
	h.env["SPOTCLI_ACCESS_TOKEN"] = "BQstatic"
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"playlists", "-o", "tsv"}, "claims 1000000000 items in pages of 1"},
		{[]string{"api", "me/playlists", "--paginate"}, "claims 1000000000 items in pages of 1"},
		{[]string{"api", "loop", "--paginate"}, "leads back to a page already fetched"},
	} {
		r := h.run("", tt.args...)
		if r.code != 1 || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("spotcli %s: want exit 1 with %q, got %s", strings.Join(tt.args, " "), tt.want, r)
		}
	}
}

// TestBrowserGetsNoSpotcliEnvironment: the browser spotcli starts for a
// login sees none of the SPOTCLI_* variables, the client secret least of all
// (issue 13, item 12).
func TestBrowserGetsNoSpotcliEnvironment(t *testing.T) {
	h := newHarness(t)
	h.env["SPOTCLI_CLIENT_ID"] = testSecretClient
	h.env["SPOTCLI_CLIENT_SECRET"] = testClientSecret
	envFile := filepath.Join(h.dir, "browser-env")
	script := filepath.Join(h.dir, "envbrowser")
	// It records its environment, then acts as the usual fake browser.
	if err := os.WriteFile(script, []byte("#!/bin/sh\nenv > "+strconv.Quote(envFile)+"\nexec fakebrowser \"$@\"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	h.env["BROWSER"] = script
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c := h.command(ctx, "login")
	out, err := c.CombinedOutput()
	if err != nil {
		t.Fatalf("login: %v\n%s", err, out)
	}
	env, err := os.ReadFile(envFile)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(env), "SPOTCLI_") || strings.Contains(string(env), testClientSecret) {
		t.Errorf("the browser's environment holds spotcli's:\n%s", env)
	}
	if !strings.Contains(string(env), "HOME=") || !strings.Contains(string(env), "PATH=") {
		t.Errorf("the browser's environment lost HOME or PATH:\n%s", env)
	}
}

// TestKeyringDownIsNotLoggedOut: with token_store=auto, a keyring that is
// locked, never answers or is not there at all, and no login in the file
// store, used to read as "not logged in" (exit 4), and logging in as told put
// a second login in plain text. Now the error says the keyring cannot be
// read (exit 1), and status says so too (issue 13, item 6).
func TestKeyringDownIsNotLoggedOut(t *testing.T) {
	t.Run("no D-Bus session", func(t *testing.T) {
		h := newHarness(t)
		delete(h.env, "DBUS_SESSION_BUS_ADDRESS")
		h.env["SPOTCLI_TOKEN_STORE"] = "auto"
		for _, args := range [][]string{{"token"}, {"whoami"}, {"status"}} {
			r := h.run("", args...)
			if r.code != 1 || !strings.Contains(r.stderr+r.stdout, "the keyring is locked or unreachable") || !strings.Contains(r.stderr+r.stdout, "no D-Bus session") {
				t.Errorf("spotcli %s: want exit 1 saying the keyring cannot be read: %s", args[0], r)
			}
		}
		h.noRecord("default")
	})
	if _, err := exec.LookPath("dbus-run-session"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("dbus-run-session is missing: .ci/setup.sh installs dbus")
		}
		t.Skip("no dbus-run-session: apt-get install dbus (or run scripts/test.sh)")
	}
	for _, tt := range []struct {
		name, script string
		bare         bool
		keyring      string
	}{
		{name: "no unlocked collection", script: `$SPOTCLI`, keyring: "unlock"},
		{name: "a keyring that never answers", bare: true, script: `hangingsecrets "$READY" & for i in $(seq 200); do [ -e "$READY" ] && break; sleep 0.05; done; $SPOTCLI`, keyring: "no answer within 1s"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			h.env["SPOTCLI_TOKEN_STORE"] = "auto"
			h.env["SPOTCLI_KEYRING_TIMEOUT"] = "1s"
			h.env["READY"] = filepath.Join(h.dir, "ready")
			h.env["XDG_DATA_HOME"] = filepath.Join(h.dir, "data")
			h.env["XDG_RUNTIME_DIR"] = filepath.Join(h.dir, "runtime")
			os.MkdirAll(h.env["XDG_RUNTIME_DIR"], 0o700)
			args := []string{}
			if tt.bare {
				cfg := filepath.Join(h.dir, "bus.conf")
				os.WriteFile(cfg, []byte(bareBusConfig), 0o600)
				args = append(args, "--config-file="+cfg)
			}
			h.env["SPOTCLI"] = "spotcli whoami"
			r := h.runProgram("dbus-run-session", append(args, "--", "sh", "-c", tt.script)...)
			if r.code != 1 || !strings.Contains(r.stderr, "the keyring is locked or unreachable") || !strings.Contains(r.stderr, tt.keyring) || strings.Contains(r.stderr, "not logged in") {
				t.Errorf("want exit 1 saying the keyring (%q) cannot be read: %s", tt.keyring, r)
			}
		})
	}
}

// TestUnsafeFilesAreRefused: a config file others can change, plain http to a
// non-loopback accounts_url, and a token file that is a FIFO, huge, or
// readable by others are refused with what to do, and nothing hangs
// (issue 13, items 5, 7 and 12).
func TestUnsafeFilesAreRefused(t *testing.T) {
	t.Run("config file writable by others", func(t *testing.T) {
		h := newHarness(t)
		h.loginAlice()
		cfg := filepath.Join(h.env["SPOTCLI_CONFIG_DIR"], "config.yaml")
		if err := os.WriteFile(cfg, []byte("api_url: http://127.0.0.1:9/v1\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(cfg, 0o666); err != nil {
			t.Fatal(err)
		}
		r := h.run("", "token")
		if r.code != 1 || r.stdout != "" || !strings.Contains(r.stderr, "can be changed by other users (mode 0666)") || !strings.Contains(r.stderr, "chmod go-w "+cfg) {
			t.Errorf("want exit 1 naming chmod go-w: %s", r)
		}
	})
	t.Run("config file of another user", func(t *testing.T) {
		if os.Geteuid() != 0 {
			t.Skip("giving a file to another user needs root (CI runs as root)")
		}
		h := newHarness(t)
		h.loginAlice()
		cfg := filepath.Join(h.dir, "theirs.yaml")
		if err := os.WriteFile(cfg, []byte("accounts_url: http://127.0.0.1:9\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(cfg, 4242, 4242); err != nil {
			t.Fatal(err)
		}
		r := h.run("", "refresh", "--config", cfg)
		if r.code != 1 || !strings.Contains(r.stderr, "belongs to user 4242") || !strings.Contains(r.stderr, "chown 0 "+cfg) {
			t.Errorf("want exit 1 naming chown: %s", r)
		}
	})
	t.Run("plain http accounts_url", func(t *testing.T) {
		h := newHarness(t)
		h.loginAlice()
		h.env["SPOTCLI_ACCOUNTS_URL"] = "http://accounts.example.test"
		r := h.run("", "refresh")
		if r.code != 2 || !strings.Contains(r.stderr, "use https") {
			t.Errorf("want exit 2 asking for https: %s", r)
		}
	})
	for _, tt := range []struct {
		name  string
		setup func(t *testing.T, path string)
		want  string
	}{
		{"token file is a FIFO", func(t *testing.T, path string) {
			if err := syscall.Mkfifo(path, 0o600); err != nil {
				t.Fatal(err)
			}
		}, "not a regular file but a named pipe (FIFO)"},
		{"token file is 1 GiB", func(t *testing.T, path string) {
			if err := os.Truncate(path, 1<<30); err != nil {
				t.Fatal(err)
			}
		}, "larger than it can be (64 KiB)"},
		{"token file readable by others", func(t *testing.T, path string) {
			if err := os.Chmod(path, 0o644); err != nil {
				t.Fatal(err)
			}
		}, "can be read or changed by other users (mode 0644)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.loginAlice()
			path := h.tokenPath("default")
			if strings.Contains(tt.name, "FIFO") {
				os.Remove(path)
			}
			tt.setup(t, path)
			for _, cmd := range []string{"status", "whoami", "token"} {
				r := h.run("", cmd) // run gives up after 60 s: a hang fails
				if r.code != 1 || !strings.Contains(r.stderr+r.stdout, tt.want) {
					t.Errorf("spotcli %s: want exit 1 with %q: %s", cmd, tt.want, r)
				}
			}
		})
	}
}
