package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/spotcli/spotcli/cmd"
	"github.com/spotcli/spotcli/internal/auth"
	"github.com/spotcli/spotcli/internal/spotifytest"
	"github.com/spotcli/spotcli/internal/spotifytest/fixtures"
)

// The test binary doubles as the spotcli binary and as a fake browser: the
// end-to-end tests run them as separate processes, as a user would.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"spotcli":        spotcliMain,
		"fakebrowser":    fakeBrowserMain,
		"chromebrowser":  chromeBrowserMain,
		"hangingsecrets": hangingSecretsMain,
		"pasting-user":   pastingUserMain,
		"exits":          exitsMain,
		"fakessh":        fakeSSHMain,
		"fakegh":         fakeGHMain,
		"gh":             ghMain,
		"ssh":            sshMain,
		"tunnel-user":    tunnelUserMain,
	})
}

// spotcliMain is the spotcli binary: main.go's main, with its -ldflags unset.
func spotcliMain() {
	f := cmd.NewFactory(cmd.BuildInfo{Version: "dev"})
	// The fake serves spotify.link's share links here (E2E_SHORTLINK_BASE
	// is the test binary's, not spotcli's: the real one has no such hook).
	f.ShortLinkBase = os.Getenv("E2E_SHORTLINK_BASE")
	os.Exit(cmd.RunFactory(f, os.Args[1:]))
}

const (
	testClientID     = "e2eclient0000000000000000000000a"
	testSecretClient = "e2esecret000000000000000000000b"
	testClientSecret = "s3cr3t-client-secret-value-e2e"
)

// harness is one isolated world: a fake Spotify and a fresh config dir.
type harness struct {
	t    *testing.T
	fake *spotifytest.Server
	dir  string
	env  map[string]string
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	fake := spotifytest.New(spotifytest.Config{})
	t.Cleanup(fake.Close)
	redirects := []string{"http://127.0.0.1/callback", "http://[::1]/callback"}
	fake.AddApp(spotifytest.App{ClientID: testClientID, Name: "spotcli e2e", RedirectURIs: redirects})
	fake.AddApp(spotifytest.App{ClientID: testSecretClient, ClientSecret: testClientSecret, Name: "spotcli e2e secret", RedirectURIs: redirects})
	fake.AddUser(spotifytest.User{ID: "alice", DisplayName: "Alice Liddell", Email: "alice@example.com", Country: "GB", Product: "premium"})
	fake.SetCurrentUser("alice")
	dir := t.TempDir()
	h := &harness{t: t, fake: fake, dir: dir, env: map[string]string{
		"PATH":                 os.Getenv("PATH"),
		"HOME":                 filepath.Join(dir, "home"),
		"XDG_CONFIG_HOME":      filepath.Join(dir, "xdg"),
		"SPOTCLI_CONFIG_DIR":   filepath.Join(dir, "config"),
		"SPOTCLI_ACCOUNTS_URL": fake.AccountsURL(),
		"SPOTCLI_API_URL":      fake.APIURL(),
		"E2E_SHORTLINK_BASE":   fake.ShortLinkBase(),
		"SPOTCLI_CLIENT_ID":    testClientID,
		"SPOTCLI_REDIRECT_URI": "http://127.0.0.1:0/callback",
		"SPOTCLI_TOKEN_STORE":  "file",
		"BROWSER":              "fakebrowser",
		"FAKEBROWSER_LOG":      filepath.Join(dir, "browser.json"),
		// A race-enabled binary sleeps 1 s at every successful exit by
		// default; the races themselves are still reported.
		"GORACE": strings.TrimSpace(os.Getenv("GORACE") + " atexit_sleep_ms=0"),
	}}
	for _, k := range []string{"GOCOVERDIR", "SYSTEMROOT", "TMPDIR"} {
		if v, ok := os.LookupEnv(k); ok {
			h.env[k] = v
		}
	}
	return h
}

func (h *harness) environ() []string {
	var out []string
	for k, v := range h.env {
		out = append(out, k+"="+v)
	}
	return out
}

type result struct {
	stdout, stderr string
	code           int
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
}

// command prepares a spotcli process.
func (h *harness) command(ctx context.Context, args ...string) *exec.Cmd {
	c := exec.CommandContext(ctx, "spotcli", args...)
	c.Env = h.environ()
	c.Dir = h.dir
	return c
}

// run runs spotcli to the end with stdin.
func (h *harness) run(stdin string, args ...string) result {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c := h.command(ctx, args...)
	var out, errb bytes.Buffer
	c.Stdin = strings.NewReader(stdin)
	c.Stdout, c.Stderr = &out, &errb
	err := c.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		h.t.Fatalf("run spotcli %v: %v", args, err)
	}
	return result{stdout: out.String(), stderr: errb.String(), code: code}
}

// mustRun runs spotcli and fails the test unless it exits with want.
func (h *harness) mustRun(want int, stdin string, args ...string) result {
	h.t.Helper()
	r := h.run(stdin, args...)
	if r.code != want {
		h.t.Fatalf("spotcli %s: want exit %d, got %s", strings.Join(args, " "), want, r)
	}
	return r
}

func (h *harness) tokenPath(profile string) string {
	return fixtures.TokenFile(h.env["SPOTCLI_CONFIG_DIR"], profile)
}

// record reads the file store's record of a profile.
func (h *harness) record(profile string) *auth.Record {
	h.t.Helper()
	rec := fixtures.ReadRecord(h.t, h.env["SPOTCLI_CONFIG_DIR"], profile)
	if rec == nil {
		h.t.Fatalf("read stored record: no record for profile %q", profile)
	}
	return rec
}

func (h *harness) noRecord(profile string) {
	h.t.Helper()
	if _, err := os.Stat(h.tokenPath(profile)); !os.IsNotExist(err) {
		h.t.Fatalf("a record was stored for profile %q (stat: %v)", profile, err)
	}
}

// seed stores a login for profile as if the user had logged in at loginAt,
// with an access token expiring at expires.
func (h *harness) seed(profile string, loginAt, expires time.Time) *auth.Record {
	h.t.Helper()
	scopes := []string{"user-read-private", "user-read-email", "playlist-read-private", "playlist-read-collaborative"}
	rec := fixtures.Login(h.fake, testClientID, scopes, loginAt, expires)
	h.writeRecord(profile, rec)
	return rec
}

func (h *harness) writeRecord(profile string, rec *auth.Record) {
	h.t.Helper()
	fixtures.WriteRecord(h.t, h.env["SPOTCLI_CONFIG_DIR"], profile, rec)
}

// browserVisit is what the fake browser saw at the end of a login.
type browserVisit struct {
	URL          string            `json:"url"`
	Status       int               `json:"status"`
	Header       map[string]string `json:"header"`
	Body         string            `json:"body"`
	StrayStatus  int               `json:"stray_status,omitempty"`
	StrayBody    string            `json:"stray_body,omitempty"`
	AuthorizeURL string            `json:"authorize_url"`
	Args         []string          `json:"args"` // the browser's argv
}

func (h *harness) browserVisit() browserVisit {
	h.t.Helper()
	var v browserVisit
	// The browser may still be writing when spotcli exits: wait for the log
	// (it is renamed into place whole).
	var b []byte
	var err error
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if b, err = os.ReadFile(h.env["FAKEBROWSER_LOG"]); err == nil || time.Now().After(deadline) {
			break
		}
	}
	if err != nil {
		h.t.Fatalf("the fake browser left no log: %v", err)
	}
	if err := json.Unmarshal(b, &v); err != nil {
		h.t.Fatal(err)
	}
	return v
}

// fakeBrowserMain is the "browser" spotcli opens: it loads the authorize URL
// at the fake Spotify, follows the redirect into spotcli's loopback server,
// and logs the final page. FAKEBROWSER_MODE=stray first sends a callback
// with a forged state, as a hostile page could.
func fakeBrowserMain() {
	// Whatever a browser prints must never reach spotcli's stdout.
	fmt.Println("fakebrowser: opening the page")
	authorize := os.Args[len(os.Args)-1]
	v := browserVisit{AuthorizeURL: authorize, Args: os.Args}
	noFollow := &http.Client{Timeout: 20 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := noFollow.Get(authorize)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fakebrowser:", err)
		os.Exit(1)
	}
	res.Body.Close()
	loc := res.Header.Get("Location")
	if loc == "" {
		fmt.Fprintln(os.Stderr, "fakebrowser: authorize answered", res.Status, "without a redirect")
		os.Exit(1)
	}
	if os.Getenv("FAKEBROWSER_MODE") == "stray" {
		u, _ := url.Parse(loc)
		q := u.Query()
		q.Set("state", "forged-"+q.Get("state"))
		q.Set("code", "forged-code")
		u.RawQuery = q.Encode()
		sr, err := noFollow.Get(u.String())
		if err == nil {
			b, _ := io.ReadAll(sr.Body)
			sr.Body.Close()
			v.StrayStatus, v.StrayBody = sr.StatusCode, string(b)
		}
	}
	if os.Getenv("FAKEBROWSER_MODE") == "stray-only" {
		u, _ := url.Parse(loc)
		q := u.Query()
		q.Set("state", "forged")
		u.RawQuery = q.Encode()
		loc = u.String()
	}
	fr, err := noFollow.Get(loc)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fakebrowser:", err)
		os.Exit(1)
	}
	b, _ := io.ReadAll(fr.Body)
	fr.Body.Close()
	v.URL, v.Status, v.Body = loc, fr.StatusCode, string(b)
	v.Header = map[string]string{}
	for k := range fr.Header {
		v.Header[k] = fr.Header.Get(k)
	}
	out, _ := json.Marshal(v)
	if p := os.Getenv("FAKEBROWSER_LOG"); p != "" {
		_ = os.WriteFile(p+".tmp", out, 0o600)
		_ = os.Rename(p+".tmp", p)
	}
}
