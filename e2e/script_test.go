package e2e

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/spotcli/spotcli/internal/api"
	"github.com/spotcli/spotcli/internal/auth"
	"github.com/spotcli/spotcli/internal/spotifytest"
)

// TestScripts runs the CLI sessions of testdata/script/*.txtar: each is a
// terminal session against its own fake Spotify, with the file token store
// (every exec line is a process of its own), read like the docs.
//
// Besides testscript's own commands, a script has:
//
//	fake playlists N          alice gets N generated playlists ("Playlist 0001"...)
//	fake items ID N           playlist ID gets N generated tracks
//	fake user ID NAME         a Spotify account ID, named NAME
//	fake signin ID            the browser is signed in to Spotify as ID
//	fake rotation on|off      refreshing replaces the refresh token
//	fake revoke               Spotify stops accepting every refresh token
//	fake expire               every access token expires
//	fake tokens VAR           a new login of alice: $VAR_ACCESS, $VAR_REFRESH
//	fake player               alice's Kitchen speaker (active) and Laptop; the
//	                          Kitchen plays two tracks of a playlist (player.go)
//	fake idle                 no device is active
//	seed PROFILE DAYS [expired|player]
//	                          a stored login of alice made DAYS ago (its access
//	                          token fresh, or expired; or with the player's scopes)
//
// and the programs fakebrowser (spotcli's $BROWSER: it approves the login),
// exits (exits N COMMAND... succeeds when COMMAND exits with N) and
// pasting-user (runs its arguments as a user at an SSH terminal: it opens
// the URL spotcli prints in a browser elsewhere and pastes back the address
// that browser ends up at).
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "script"),
		RequireExplicitExec: true,
		UpdateScripts:       *update, // go test -run TestScripts ./e2e -update rewrites cmp files
		Setup: func(env *testscript.Env) error {
			fake := spotifytest.New(spotifytest.Config{})
			env.Defer(fake.Close)
			redirects := []string{"http://127.0.0.1/callback"}
			fake.AddApp(spotifytest.App{ClientID: testClientID, Name: "spotcli e2e", RedirectURIs: redirects})
			fake.AddApp(spotifytest.App{ClientID: testSecretClient, ClientSecret: testClientSecret, Name: "spotcli e2e secret", RedirectURIs: redirects})
			fake.AddUser(spotifytest.User{ID: "alice", DisplayName: "Alice Liddell", Email: "alice@example.com", Country: "GB", Product: "premium"})
			fake.SetCurrentUser("alice")
			env.Values["fake"] = fake
			w := env.WorkDir
			for k, v := range map[string]string{
				"HOME":                 filepath.Join(w, "home"),
				"XDG_CONFIG_HOME":      filepath.Join(w, "xdg"),
				"SPOTCLI_CONFIG_DIR":   filepath.Join(w, "config"),
				"SPOTCLI_ACCOUNTS_URL": fake.AccountsURL(),
				"SPOTCLI_API_URL":      fake.APIURL(),
				"SPOTCLI_CLIENT_ID":    testClientID,
				"SPOTCLI_REDIRECT_URI": "http://127.0.0.1:0/callback",
				"SPOTCLI_TOKEN_STORE":  "file",
				"BROWSER":              "fakebrowser",
				"FAKEBROWSER_LOG":      filepath.Join(w, "browser.json"),
				"CLIENT_SECRET":        testClientSecret,
				"SECRET_CLIENT_ID":     testSecretClient,
				"API":                  fake.APIURL(),
				"GORACE":               strings.TrimSpace(os.Getenv("GORACE") + " atexit_sleep_ms=0"),
			} {
				env.Setenv(k, v)
			}
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"fake": scriptFake,
			"seed": scriptSeed,
		},
	})
}

func scriptFake(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! fake")
	}
	fake := ts.Value("fake").(*spotifytest.Server)
	need := func(n int) {
		if len(args) != n {
			ts.Fatalf("usage: fake %s: want %d arguments", args[0], n-1)
		}
	}
	if len(args) == 0 {
		ts.Fatalf("usage: fake VERB ARGS...")
	}
	switch args[0] {
	case "playlists":
		need(2)
		n, err := strconv.Atoi(args[1])
		ts.Check(err)
		fake.GeneratePlaylists("alice", n)
	case "items":
		need(3)
		n, err := strconv.Atoi(args[2])
		ts.Check(err)
		fake.GeneratePlaylistItems(args[1], n)
	case "user":
		need(3)
		fake.AddUser(spotifytest.User{ID: args[1], DisplayName: args[2]})
	case "signin":
		need(2)
		fake.SetCurrentUser(args[1])
	case "rotation":
		need(2)
		fake.SetRotation(args[1] == "on")
	case "revoke":
		fake.RevokeRefreshTokens()
	case "expire":
		fake.ExpireAccessTokens()
	case "player", "idle":
		scriptPlayer(ts, fake, args[0])
	case "tokens":
		need(2)
		access, refresh := fake.IssueTokens(testClientID, "alice", defaultScopes, spotifytest.FlowPKCE, time.Now())
		ts.Setenv(args[1]+"_ACCESS", access)
		ts.Setenv(args[1]+"_REFRESH", refresh)
	default:
		ts.Fatalf("fake: unknown verb %q", args[0])
	}
}

func scriptSeed(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 || len(args) > 3 || (len(args) == 3 && args[2] != "expired" && args[2] != "player") {
		ts.Fatalf("usage: seed PROFILE DAYS [expired|player]")
	}
	scopes := defaultScopes
	if len(args) == 3 && args[2] == "player" {
		scopes = append(slices.Clone(defaultScopes), api.PlayerScopes...)
		args = args[:2]
	}
	fake := ts.Value("fake").(*spotifytest.Server)
	days, err := strconv.Atoi(args[1])
	ts.Check(err)
	now := time.Now()
	loginAt := now.Add(-time.Duration(days) * 24 * time.Hour)
	expires := now.Add(time.Hour)
	if len(args) == 3 {
		expires = now.Add(-time.Hour)
	}
	access, refresh := fake.IssueTokens(testClientID, "alice", scopes, spotifytest.FlowPKCE, loginAt)
	rec := &auth.Record{
		AccessToken: access, RefreshToken: refresh, TokenType: "Bearer", ExpiresAt: expires,
		Scopes: scopes, ClientID: testClientID, Flow: auth.FlowPKCE, UserID: "alice", UserName: "Alice Liddell",
		LoggedInAt: loginAt, UpdatedAt: loginAt,
	}
	b, err := rec.Encode()
	ts.Check(err)
	path := filepath.Join(ts.Getenv("SPOTCLI_CONFIG_DIR"), "tokens", args[0]+".json")
	ts.Check(os.MkdirAll(filepath.Dir(path), 0o700))
	ts.Check(os.WriteFile(path, b, 0o600))
}

// pastingUserMain runs os.Args[1:] as a user at a terminal whose browser
// cannot reach the machine: it waits for the authorize URL on the
// command's stderr, loads it in "a browser elsewhere" (which the fake
// approves at once), and types the address that browser was sent to into
// the command's stdin. The command's output passes through; its exit code
// is ours.
func pastingUserMain() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: pasting-user COMMAND [ARGS...]")
		os.Exit(2)
	}
	c := exec.Command(os.Args[1], os.Args[2:]...)
	c.Stdout = os.Stdout
	stdin, err := c.StdinPipe()
	if err != nil {
		fmt.Fprintln(os.Stderr, "pasting-user:", err)
		os.Exit(1)
	}
	stderr, err := c.StderrPipe()
	if err != nil {
		fmt.Fprintln(os.Stderr, "pasting-user:", err)
		os.Exit(1)
	}
	if err := c.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "pasting-user:", err)
		os.Exit(1)
	}
	prefix := os.Getenv("SPOTCLI_ACCOUNTS_URL") + "/authorize?"
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		line := sc.Text()
		fmt.Fprintln(os.Stderr, line)
		if !strings.HasPrefix(line, prefix) {
			continue
		}
		noFollow := &http.Client{Timeout: 20 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err := noFollow.Get(line)
		if err != nil {
			fmt.Fprintln(os.Stderr, "pasting-user:", err)
			continue
		}
		res.Body.Close()
		_, _ = io.WriteString(stdin, res.Header.Get("Location")+"\n")
	}
	stdin.Close()
	err = c.Wait()
	if ee, ok := err.(*exec.ExitError); ok {
		os.Exit(ee.ExitCode())
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "pasting-user:", err)
		os.Exit(1)
	}
}

// exitsMain is "exits N COMMAND [ARGS...]": it runs COMMAND with our
// streams and succeeds when it exits with N, so that a script can tell
// exit 2 from exit 4.
func exitsMain() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: exits CODE COMMAND [ARGS...]")
		os.Exit(2)
	}
	want, err := strconv.Atoi(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "exits:", err)
		os.Exit(2)
	}
	c := exec.Command(os.Args[2], os.Args[3:]...)
	c.Stdin, c.Stdout, c.Stderr = os.Stdin, os.Stdout, os.Stderr
	got := 0
	if err := c.Run(); err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			fmt.Fprintln(os.Stderr, "exits:", err)
			os.Exit(1)
		}
		got = ee.ExitCode()
	}
	if got != want {
		fmt.Fprintf(os.Stderr, "exits: %s exited with %d, want %d\n", os.Args[2], got, want)
		os.Exit(1)
	}
}
