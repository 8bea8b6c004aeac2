package e2e

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/spotcli/spotcli/cmd"
	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/internal/api"
	"github.com/spotcli/spotcli/internal/auth"
	"github.com/spotcli/spotcli/internal/config"
	"github.com/spotcli/spotcli/internal/spotifytest"
)

// TestDocExamples runs every command line the docs show: the ```console,
// ```sh, ```bash and ```shell blocks of README.md and docs/*.md (a new file
// there is read without a change here), and the Examples of every command in
// the tree (a new command's are read too). Each source runs in a world of
// its own (docWorld): the fake Spotify with what the docs name, the app
// "your-client-id" the docs tell the reader to configure, and alice logged
// in on the default profile. The lines of a source run in order, in bash,
// sharing the variables they export, each with the built binary; a line
// must exit 0 unless docExitCodes says otherwise. Where a ```console block
// shows output under a "$ " line, the output (stdout and stderr, as a
// terminal shows them) is compared after normalising what differs from run
// to run (see normaliseDoc); "..." in the doc stands for anything.
//
// The lines that cannot run offline are listed in docOffline with the
// reason; a listed line that no doc shows any more fails the test, so the
// list stays true.
func TestDocExamples(t *testing.T) {
	srcs := append(markdownSources(t), exampleSources(t)...)
	if len(srcs) < 10 {
		t.Fatalf("only %d sources with command lines: the extraction is broken", len(srcs))
	}
	seen := map[string]bool{}
	for _, src := range srcs {
		for _, l := range src.lines {
			seen[l.cmd] = true
		}
	}
	for line := range docOffline {
		if !seen[line] {
			t.Errorf("docOffline lists a line that no doc shows any more: %q", line)
		}
	}
	for _, src := range srcs {
		t.Run(src.name, func(t *testing.T) {
			t.Parallel()
			w := newDocWorld(t)
			ran := 0
			for _, l := range src.lines {
				if reason, ok := docOffline[l.cmd]; ok {
					t.Logf("%s: not run (%s): %s", l.where, reason, l.cmd)
					continue
				}
				w.check(l)
				ran++
			}
			if ran == 0 && len(src.lines) > 0 {
				t.Logf("%s: every line is offline-only", src.name)
			}
		})
	}
}

// docOffline are the lines the docs show that the suite cannot run, with
// the reason.
var docOffline = map[string]string{
	`curl -s -H "Authorization: Bearer $(spotcli token)" https://api.spotify.com/v1/me`: "reaches the real Web API with curl; spotcli token itself runs in the other lines",
	`GOTOOLCHAIN=go1.27.3 go build -o spotcli . && ./spotcli login`:                     "builds spotcli from the checkout with the go command (the binary under test is that build)",
	`scripts/test.sh`: "runs this test suite",
	// docs/install.md and the README's install list: release artifacts,
	// which scripts/goreleaser.sh and scripts/packages.sh build and check.
	`sudo dpkg -i spotcli_1.2.3_amd64.deb                        # or: sudo apt install ./spotcli_1.2.3_amd64.deb`: "installs a release package as root (scripts/packages.sh checks the packages)",
	`sudo dnf install ./spotcli-1.2.3-1.x86_64.rpm`:                                                                "installs a release package as root (scripts/packages.sh checks the packages)",
	`sudo apk add --allow-untrusted ./spotcli_1.2.3_x86_64.apk`:                                                    "installs a release package as root (scripts/packages.sh checks the packages)",
	`sudo dpkg -i spotcli_1.2.3_amd64.deb`:                                                                         "installs a release package as root (scripts/packages.sh checks the packages)",
	`sudo dpkg -r spotcli`:                                                                                         "removes the installed package as root",
	`man -w spotcli`:                                                                                               "needs the package installed (scripts/packages.sh checks the man pages in it)",
	`brew install spotcli/tap/spotcli`:                                                                             "Homebrew and the published tap",
	`sha256sum --ignore-missing -c checksums.txt`:                                                                  "needs a release's downloaded files (scripts/goreleaser.sh builds a snapshot)",
	`mkdir spotcli-1.2.3 && tar -xzf spotcli_1.2.3_linux_amd64.tar.gz -C spotcli-1.2.3 && cd spotcli-1.2.3`:                             "needs a downloaded release archive",
	`install -D -m 755 spotcli ~/.local/bin/spotcli`:                                                                                    "copies files of a release archive",
	`install -D -m 644 -t ~/.local/share/man/man1 man/man1/*.1`:                                                                         "copies files of a release archive",
	`install -D -m 644 completions/spotcli.bash ~/.local/share/bash-completion/completions/spotcli`:                                     "copies files of a release archive",
	`install -D -m 644 completions/_spotcli ~/.local/share/zsh/site-functions/_spotcli`:                                                 "copies files of a release archive",
	`install -D -m 644 completions/spotcli.fish ~/.config/fish/completions/spotcli.fish`:                                                "copies files of a release archive",
	`GOTOOLCHAIN=go1.27.3 go install github.com/spotcli/spotcli@latest`:                                                                 "downloads spotcli's published module",
	`GOTOOLCHAIN=go1.27.3 go run ./bench        # flags: -latency 40ms -playlists 5000 -big 10000 -runs 50 -only paging|export|startup`: "the benchmarks take minutes (docs/performance.md keeps their table)",
	`dbus-run-session -- sh -c '
    printf %s "$KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
    spotcli login'`: "starts a D-Bus session and unlocks a real gnome-keyring with a password (e2e/keyring_e2e_test.go covers the keyring)",
}

// docExitCodes are the lines that are shown failing on purpose, with the
// exit code the doc says.
var docExitCodes = map[string]int{}

// docSource is a doc file or a command's Examples: its command lines in
// order.
type docSource struct {
	name  string
	lines []docLine
}

// docLine is one command line of a doc.
type docLine struct {
	where string // file:line, or the command whose Example it is
	cmd   string // as written, without its prompt ("$ ", "server$ ")
	// want is the output shown under the line in a ```console block; nil
	// when the doc shows none.
	want *string
}

// markdownSources reads README.md and docs/*.md. docs/commands/ is left
// out: it is generated from the Examples, which exampleSources reads.
func markdownSources(t *testing.T) []docSource {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	files = append([]string{filepath.Join("..", "README.md")}, files...)
	var out []docSource
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimPrefix(filepath.ToSlash(f), "../")
		if lines := extractMarkdown(name, string(b)); len(lines) > 0 {
			out = append(out, docSource{name: name, lines: lines})
		}
	}
	return out
}

var fenceRE = regexp.MustCompile("^```([a-z]*)\\s*$")

// promptRE is a shell prompt at the start of a line: "$ ", "server$ ".
var promptRE = regexp.MustCompile(`^([a-z]+)?\$ `)

// extractMarkdown finds the command lines of the shell blocks of a
// Markdown file. In a console block a command starts with a prompt and the
// lines under it are its output; in the other blocks every line that is not
// blank or a comment is a command (a prompt, if any, is dropped). A line
// ending in a backslash, or inside an open quote, goes on on the next.
func extractMarkdown(name, doc string) []docLine {
	var out []docLine
	var block []string
	lang, in, start := "", false, 0
	for i, line := range strings.Split(doc, "\n") {
		if m := fenceRE.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
			if !in {
				in, lang, block, start = true, m[1], nil, i+2
				continue
			}
			in = false
			switch lang {
			case "console":
				out = append(out, consoleLines(name, start, block)...)
			case "sh", "bash", "shell":
				out = append(out, shellLines(name, start, block)...)
			}
			continue
		}
		if in {
			block = append(block, line)
		}
	}
	return out
}

func consoleLines(name string, start int, block []string) []docLine {
	var out []docLine
	for i := 0; i < len(block); i++ {
		if !promptRE.MatchString(block[i]) {
			continue
		}
		l := docLine{where: fmt.Sprintf("%s:%d", name, start+i), cmd: promptRE.ReplaceAllString(block[i], "")}
		var shown []string
		for i+1 < len(block) && !promptRE.MatchString(block[i+1]) {
			i++
			shown = append(shown, block[i])
		}
		if len(shown) > 0 {
			s := strings.Join(shown, "\n") + "\n"
			l.want = &s
		}
		out = append(out, l)
	}
	return out
}

func shellLines(name string, start int, block []string) []docLine {
	var out []docLine
	for i := 0; i < len(block); i++ {
		line := block[i]
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		at := i
		for (strings.HasSuffix(line, `\`) || openQuote(line)) && i+1 < len(block) {
			i++
			line += "\n" + block[i]
		}
		out = append(out, docLine{where: fmt.Sprintf("%s:%d", name, start+at), cmd: promptRE.ReplaceAllString(strings.TrimSpace(line), "")})
	}
	return out
}

// openQuote reports whether s leaves a single or double quote open.
func openQuote(s string) bool {
	var q rune
	for _, r := range s {
		switch {
		case q == 0 && (r == '\'' || r == '"'):
			q = r
		case r == q:
			q = 0
		}
	}
	return q != 0
}

// exampleSources reads the Examples of every command in the tree.
func exampleSources(t *testing.T) []docSource {
	t.Helper()
	root := cmd.NewRootCmd(cmdutil.NewFactory(cmdutil.BuildInfo{Version: "dev"}))
	var out []docSource
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Example != "" && !c.Hidden {
			src := docSource{name: c.CommandPath() + " (Examples)"}
			for _, l := range shellLines(c.CommandPath(), 0, strings.Split(c.Example, "\n")) {
				l.where = c.CommandPath() + " Example"
				src.lines = append(src.lines, l)
			}
			out = append(out, src)
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// The app the docs tell the reader to configure.
const (
	docClientID     = "your-client-id"
	docClientSecret = "your-client-secret"
)

// docPlaylists are alice's playlists in the docs' world: the docs name
// them, so their IDs are fixed. A playlist the user owns, because Spotify
// answers 404 or 403 to a new app for editorial ones (37i9dQZF...).
var docPlaylists = []spotifytest.Playlist{
	{ID: "3cEYpjA9oz9GiPac4AsH4n", Name: "Road trip", Public: true, Tracks: 3},
	{ID: "5ABHKGoOzxkaa28ttQV9sE", Name: "ABBA mix", Public: true, Tracks: 2},
	{ID: "1ItvDjcCLCDC7i2sT2DBbP", Name: "Liked backup", Tracks: 0},
	{ID: "6r1lh7fHMB499vGKtIEJLy", Name: "Focus", Collaborative: true, Tracks: 12},
}

// docWorld is one doc's world.
type docWorld struct {
	*harness
	state   string // the exported variables of the lines run so far
	bin     string // fake ssh and gh
	lastOut string // the stdout of the last line
}

func newDocWorld(t *testing.T) *docWorld {
	h := newHarness(t)
	h.fake.AddApp(spotifytest.App{ClientID: docClientID, ClientSecret: docClientSecret, Name: "spotcli docs", RedirectURIs: []string{"http://127.0.0.1/callback"}})
	h.fake.AddTracks(spotifytest.Track{ID: "4uLU6hMCjMI75M1A2tKUQC", Name: "Never Gonna Give You Up", Artists: []string{"Rick Astley"}})
	h.fake.AddPlaylists("alice", docPlaylists...)
	// The share link the Examples show.
	h.fake.AddShortLink("AbCdEfGhIjK", "https://open.spotify.com/playlist/3cEYpjA9oz9GiPac4AsH4n?si=1a2b3c4d5e6f4a7b")
	for _, p := range docPlaylists {
		if p.Tracks > 0 {
			h.fake.GeneratePlaylistItems(p.ID, p.Tracks)
		}
	}
	// The example client ID of docs/configuration.md, an app too.
	h.fake.AddApp(spotifytest.App{ClientID: "0123456789abcdef0123456789abcdef", ClientSecret: docClientSecret, Name: "spotcli docs example", RedirectURIs: []string{"http://127.0.0.1/callback"}})
	// The player's docs: devices online, one of them playing.
	h.fake.SetDevices("alice",
		spotifytest.Device{ID: "a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2", Name: "Kitchen", Type: "Speaker", Volume: 40, Active: true},
		spotifytest.Device{ID: "f00df00df00df00df00df00df00df00df00df00d", Name: "Laptop", Volume: 60},
	)
	h.fake.AddTracks(spotifytest.Track{ID: "6rqhFgbbKwnb9MLmUQDhG6", Name: "Dancing Queen", Artists: []string{"ABBA"}, DurationMS: 231000})
	h.fake.SetPlayback("alice", spotifytest.Playback{DeviceID: "a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2",
		Items: []spotifytest.Track{{ID: "4uLU6hMCjMI75M1A2tKUQC", Name: "Never Gonna Give You Up", Artists: []string{"Rick Astley"}, DurationMS: 213000},
			{ID: "6rqhFgbbKwnb9MLmUQDhG6", Name: "Dancing Queen", Artists: []string{"ABBA"}, DurationMS: 231000}},
		Progress: 42 * time.Second})
	// The edit commands' Examples: a search for ABBA finds something, the
	// library holds one of its songs, and the files import reads are there
	// (a playlist file of spotcli export, an Exportify CSV).
	h.fake.SaveToLibrary("alice", "spotify:track:6rqhFgbbKwnb9MLmUQDhG6")
	backup := `{"playlist":{"id":"3cEYpjA9oz9GiPac4AsH4n","name":"Road trip","public":true},"items":[{"item":{"uri":"spotify:track:4uLU6hMCjMI75M1A2tKUQC","type":"track"}},{"item":null}]}`
	if err := os.MkdirAll(filepath.Join(h.dir, "backup", "playlists"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{
		filepath.Join("backup", "playlists", "3cEYpjA9oz9GiPac4AsH4n.json"): backup,
		"abba_mix.csv": "Track URI,Track Name\nspotify:track:6rqhFgbbKwnb9MLmUQDhG6,Dancing Queen\n",
	} {
		if err := os.WriteFile(filepath.Join(h.dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// The reader set the client ID in the config file (docs/setup.md);
	// the environment does not carry the harness's.
	delete(h.env, "SPOTCLI_CLIENT_ID")
	cfg := h.env["SPOTCLI_CONFIG_DIR"]
	if err := os.MkdirAll(cfg, 0o700); err != nil {
		t.Fatal(err)
	}
	// The server of docs/headless.md is set up the same way.
	for _, d := range []string{cfg, filepath.Join(h.dir, "server-config")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "config.yaml"), []byte("client_id: "+docClientID+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	w := &docWorld{harness: h, state: filepath.Join(h.dir, "doc-state.sh"), bin: filepath.Join(h.dir, "docbin")}
	if err := os.WriteFile(w.state, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	// ssh and gh as the docs use them: ssh runs its command on "the
	// server" (this machine, with a config directory of its own), gh keeps
	// the secrets it is given in files.
	if err := os.MkdirAll(w.bin, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, prog := range map[string]string{"ssh": "fakessh", "gh": "fakegh"} {
		script := "#!/bin/sh\nexec " + prog + " \"$@\"\n"
		if err := os.WriteFile(filepath.Join(w.bin, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	h.env["PATH"] = w.bin + string(os.PathListSeparator) + h.env["PATH"]
	h.env["FAKESSH_CONFIG_DIR"] = filepath.Join(h.dir, "server-config")
	h.env["FAKEGH_DIR"] = filepath.Join(h.dir, "gh-secrets")
	// The Factory reads the terminal's width from COLUMNS when stdout is
	// no terminal: the docs are written for 80 columns.
	h.env["COLUMNS"] = "80"
	// The docs' placeholders for a secret and a refresh token the reader
	// has at hand.
	h.env["SECRET"] = docClientSecret
	_, spare := h.fake.IssueTokens(docClientID, "alice", docDefaultScopes, spotifytest.FlowPKCE, time.Now())
	h.env["TOKEN"] = spare
	w.login(docDefaultScopes)
	return w
}

// login stores a login of alice with scopes for the default profile, as
// spotcli login --scopes would.
func (w *docWorld) login(scopes []string) {
	now := time.Now()
	access, refresh := w.fake.IssueTokens(docClientID, "alice", scopes, spotifytest.FlowPKCE, now.Add(-time.Hour))
	w.writeRecord("default", &auth.Record{
		AccessToken: access, RefreshToken: refresh, TokenType: "Bearer", ExpiresAt: now.Add(time.Hour),
		Scopes: scopes, ClientID: docClientID, Flow: auth.FlowPKCE, UserID: "alice", UserName: "Alice Liddell",
		LoggedInAt: now.Add(-time.Hour), UpdatedAt: now.Add(-time.Hour),
	})
}

// docDefaultScopes are what spotcli login asks for by default.
var docDefaultScopes = config.SplitScopes(config.DefaultScopes)

// scopesForLine is the default scopes plus those that the spotcli commands
// of line need by api.ScopeRules, beyond the default ones (extra says
// whether there are any).
func scopesForLine(line string) (scopes []string, extra bool) {
	scopes = append([]string{}, docDefaultScopes...)
	have := map[string]bool{}
	for _, s := range scopes {
		have[s] = true
	}
	for _, words := range spotcliCommands(line) {
		path := strings.Join(words, " ")
		for _, r := range api.ScopeRules {
			for _, c := range r.Commands {
				if c == "api" || (path != c && !strings.HasPrefix(path, c+" ")) {
					continue
				}
				// Where any one scope of a rule will do, a default one
				// is enough.
				if slices.ContainsFunc(r.Scopes, func(s string) bool { return have[s] }) {
					continue
				}
				for _, s := range r.Scopes {
					scopes, have[s], extra = append(scopes, s), true, true
				}
			}
		}
	}
	return scopes, extra
}

// spotcliCommands are the command paths of the spotcli commands in a
// shell line: `id=$(spotcli playlists create "x") && spotcli playlists add`
// gives [playlists create] and [playlists add].
func spotcliCommands(line string) [][]string {
	f := strings.Fields(strings.NewReplacer("$(", " ", "(", " ", ")", " ", "|", " | ", "&&", " ; ", ";", " ; ", "=", " ").Replace(line))
	var out [][]string
	for i, w := range f {
		if w != "spotcli" {
			continue
		}
		var words []string
		for _, x := range f[i+1:] {
			if strings.Trim(x, "abcdefghijklmnopqrstuvwxyz-") != "" || strings.HasPrefix(x, "-") {
				break
			}
			words = append(words, x)
		}
		out = append(out, words)
	}
	return out
}

// needsRE is a line's "# needs ..." comment: what the line needs beyond the
// default login, which the doc says next to it: scopes, or client_secret
// (the app's secret, for --app).
var needsRE = regexp.MustCompile(`#\s*needs\s+([a-z_-]+(?:[ ,]+[a-z_-]+)*)\s*$`)

// check runs one line and compares its output with the doc's.
func (w *docWorld) check(l docLine) {
	t := w.t
	t.Helper()
	line := l.cmd
	var extraEnv []string
	// The commands that write (playlists add, library save, ...) need scopes
	// a default login lacks; their --help and the 403 say which. The line
	// runs as after the spotcli login --add-scopes that the hint names.
	scopes, extra := scopesForLine(line)
	if m := needsRE.FindStringSubmatch(line); m != nil {
		for _, n := range strings.FieldsFunc(m[1], func(r rune) bool { return r == ' ' || r == ',' }) {
			if n == "client_secret" {
				extraEnv = append(extraEnv, "SPOTCLI_CLIENT_SECRET="+docClientSecret)
				continue
			}
			scopes, extra = append(scopes, n), true
		}
	}
	if extra {
		w.login(scopes)
		defer w.login(docDefaultScopes)
	}
	// A user at an SSH terminal pastes the address the browser ended up at
	// (docs/headless.md, steps 1 to 3): pasting-user plays that user.
	line = noBrowserRE.ReplaceAllString(line, "pasting-user spotcli$1")
	// "reads it from stdin: paste it": the user pastes what the line
	// before printed.
	stdin := ""
	if strings.Contains(line, "paste it") {
		stdin = w.lastOut
	}
	script := `. "$DOC_STATE"` + "\n" + line + "\n" + `rc=$?; export -p > "$DOC_STATE.new" && mv "$DOC_STATE.new" "$DOC_STATE"; exit $rc`
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	c := exec.CommandContext(ctx, "bash", "-c", script)
	c.Env = append(append(w.environ(), extraEnv...), "DOC_STATE="+w.state)
	c.Dir = w.dir
	// out is what a terminal shows (both streams, in order); stdout alone
	// is what a pipe would pass on. Two goroutines write to out.
	var out lockedBuffer
	var stdout bytes.Buffer
	c.Stdout, c.Stderr = io.MultiWriter(&out, &stdout), &out
	c.Stdin = strings.NewReader(stdin)
	// A spotcli left behind by a killed bash must not hold the test.
	c.WaitDelay = 5 * time.Second
	err := c.Run()
	w.lastOut = stdout.String()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%s: %v", l.where, err)
	}
	if want := docExitCodes[l.cmd]; code != want {
		t.Errorf("%s: %s\nexit %d, want %d; output:\n%s", l.where, l.cmd, code, want, out.String())
		return
	}
	if l.want == nil {
		return
	}
	got := w.normaliseDoc(out.String())
	if !docMatch(normaliseShown(*l.want), got) {
		t.Errorf("%s: %s\nthe doc shows:\n%s\nspotcli printed (normalised):\n%s", l.where, l.cmd, *l.want, got)
	}
}

// lockedBuffer is a bytes.Buffer safe for two writers.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// noBrowserRE is a login with --no-browser, which pasting-user runs.
var noBrowserRE = regexp.MustCompile(`spotcli((?: [^|;&]*)? login(?: [^|;&]*)? --no-browser)`)

var (
	loopbackRE = regexp.MustCompile(`http://127\.0\.0\.1:\d+`)
	storeRE    = regexp.MustCompile(`file \(plain text\) \S+`)
)

// normaliseDoc turns what differs between this run and the reader's into
// what the docs show: the fake's address into Spotify's, the loopback
// server's random port into 8888 (the default redirect URI's), and the
// file store the test uses (every line is a process of its own, and the
// suite must not touch the user's keyring) into the keyring a desktop has.
func (w *docWorld) normaliseDoc(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, w.fake.APIURL(), "https://api.spotify.com/v1")
	s = strings.ReplaceAll(s, w.fake.AccountsURL(), "https://accounts.spotify.com")
	s = loopbackRE.ReplaceAllString(s, "http://127.0.0.1:8888")
	s = storeRE.ReplaceAllString(s, "keyring")
	return normaliseTimes(s)
}

var (
	dateTimeRE = regexp.MustCompile(`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})`)
	dateRE     = regexp.MustCompile(`\d{4}-\d{2}-\d{2}`)
	clockRE    = regexp.MustCompile(`\b\d{2}:\d{2}( UTC)\b`)
	agoRE      = regexp.MustCompile(`\b\d+ days?\b|under a day`)
)

// normaliseTimes makes every time and date in a transcript DATE, TIME or
// N days, on both sides: a doc written on one day shows the dates of that
// day.
func normaliseTimes(s string) string {
	s = dateTimeRE.ReplaceAllString(s, "DATETIME")
	s = dateRE.ReplaceAllString(s, "DATE")
	s = clockRE.ReplaceAllString(s, "TIME$1")
	return agoRE.ReplaceAllString(s, "N days")
}

// normaliseShown is the doc's side of normaliseDoc: its times and dates.
func normaliseShown(s string) string { return normaliseTimes(s) }

// docMatch compares output with what a doc shows: a line "..." stands for
// any number of lines, "..." within a line for any text; runs of white
// space compare equal.
func docMatch(want, got string) bool {
	wl := splitLines(want)
	gl := splitLines(got)
	return matchLines(wl, gl)
}

func splitLines(s string) []string {
	var out []string
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	return out
}

func matchLines(want, got []string) bool {
	if len(want) == 0 {
		return len(got) == 0
	}
	if strings.TrimSpace(want[0]) == "..." {
		for i := 0; i <= len(got); i++ {
			if matchLines(want[1:], got[i:]) {
				return true
			}
		}
		return false
	}
	if len(got) == 0 || !matchLine(want[0], got[0]) {
		return false
	}
	return matchLines(want[1:], got[1:])
}

var spaceRE = regexp.MustCompile(`[ \t]+`)

func matchLine(want, got string) bool {
	want = spaceRE.ReplaceAllString(strings.TrimSpace(want), " ")
	got = spaceRE.ReplaceAllString(strings.TrimSpace(got), " ")
	parts := strings.Split(want, "...")
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile("^" + strings.Join(parts, ".*") + "$").MatchString(got)
}

// TestDocMatch: the comparison the doc test relies on.
func TestDocMatch(t *testing.T) {
	tests := []struct {
		want, got string
		ok        bool
	}{
		{"a\nb\n", "a\nb\n", true},
		{"a\n...\n", "a\nb\nc\n", true},
		{"a\n...\n", "a\n", true},
		{"a\nb\n", "a\nc\n", false},
		{"a\n", "a\nb\n", false},
		{"x=...&y\n", "x=123&y\n", true},
		{"id  name\n", "id\tname\n", true},
		{normaliseTimes("expires about 2026-12-01 (in 40 days), until 09:14 UTC\n"), normaliseTimes("expires about 2027-06-02 (in 182 days), until 23:01 UTC\n"), true},
	}
	for _, tt := range tests {
		if got := docMatch(tt.want, tt.got); got != tt.ok {
			t.Errorf("docMatch(%q, %q) = %v, want %v", tt.want, tt.got, got, tt.ok)
		}
	}
}

// TestExtractMarkdown: what counts as a command line, and its output.
func TestExtractMarkdown(t *testing.T) {
	doc := "text\n```console\n$ spotcli login\nLogged in\nserver$ spotcli whoami\n```\n" +
		"```sh\n# a comment\nexport A=b   # trailing\n\nlaptop$ spotcli token | ssh you@server spotcli login\nsh -c '\n  x'\n```\n```text\nspotcli: not a command\n```\n"
	got := extractMarkdown("d.md", doc)
	var cmds []string
	for _, l := range got {
		cmds = append(cmds, l.cmd)
	}
	want := []string{"spotcli login", "spotcli whoami", "export A=b   # trailing", "spotcli token | ssh you@server spotcli login", "sh -c '\n  x'"}
	if strings.Join(cmds, "|") != strings.Join(want, "|") {
		t.Errorf("commands %q, want %q", cmds, want)
	}
	if got[0].want == nil || *got[0].want != "Logged in\n" || got[1].want != nil {
		t.Errorf("outputs: %v %v", got[0].want, got[1].want)
	}
	if got[0].where != "d.md:3" {
		t.Errorf("where %q", got[0].where)
	}
}

// fakeSSHMain is ssh as the docs use it: "ssh [-L SPEC] HOST [COMMAND]".
// Without a command it is an interactive session, which the next lines of
// the doc stand for; with one it runs COMMAND on "the server": this
// machine, with $FAKESSH_CONFIG_DIR as its spotcli config directory.
func fakeSSHMain() {
	args := os.Args[1:]
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		if args[0] == "-L" || args[0] == "-p" {
			args = args[1:]
		}
		args = args[1:]
	}
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: ssh [-L SPEC] HOST [COMMAND]")
		os.Exit(255)
	}
	if len(args) == 1 {
		return
	}
	c := exec.Command("sh", "-c", strings.Join(args[1:], " "))
	c.Stdin, c.Stdout, c.Stderr = os.Stdin, os.Stdout, os.Stderr
	c.Env = append(os.Environ(), "SPOTCLI_CONFIG_DIR="+os.Getenv("FAKESSH_CONFIG_DIR"))
	if err := c.Run(); err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			os.Exit(ee.ExitCode())
		}
		os.Exit(255)
	}
}

// fakeGHMain is the GitHub CLI's "gh secret set NAME [--body VALUE]"
// (stdin without --body): the secret goes to $FAKEGH_DIR/NAME.
func fakeGHMain() {
	args := os.Args[1:]
	if len(args) < 3 || args[0] != "secret" || args[1] != "set" {
		fmt.Fprintln(os.Stderr, "fakegh: only gh secret set NAME [--body VALUE] is faked")
		os.Exit(1)
	}
	var body []byte
	if len(args) == 5 && args[3] == "--body" {
		body = []byte(args[4])
	} else {
		var err error
		if body, err = readAll(os.Stdin); err != nil {
			os.Exit(1)
		}
	}
	if len(bytes.TrimSpace(body)) == 0 {
		fmt.Fprintln(os.Stderr, "fakegh: empty secret", args[2])
		os.Exit(1)
	}
	dir := os.Getenv("FAKEGH_DIR")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		os.Exit(1)
	}
	if err := os.WriteFile(filepath.Join(dir, args[2]), body, 0o600); err != nil {
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "✓ Set Actions secret %s\n", args[2])
}

func readAll(f *os.File) ([]byte, error) {
	var b bytes.Buffer
	_, err := b.ReadFrom(f)
	return b.Bytes(), err
}

// TestCIWorkflowToolchain: the workflows the docs show build spotcli with
// the Go release go.mod names, explicitly: the runner's default Go (or an
// older release, whose standard library has known vulnerabilities) must
// not build it.
func TestCIWorkflowToolchain(t *testing.T) {
	mod, err := os.ReadFile(filepath.Join("..", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^toolchain go(\S+)$`).FindSubmatch(mod)
	if m == nil {
		t.Fatal("go.mod names no toolchain")
	}
	want := string(m[1])
	files, _ := filepath.Glob(filepath.Join("..", "docs", "*.md"))
	files = append(files, filepath.Join("..", "README.md"))
	found := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, block := range regexp.MustCompile("(?s)```ya?ml\n(.*?)```").FindAllSubmatch(b, -1) {
			y := string(block[1])
			if !strings.Contains(y, "go install") && !strings.Contains(y, "go build") {
				continue
			}
			found++
			for _, v := range regexp.MustCompile(`go-version:\s*"?([^"\s]+)"?`).FindAllStringSubmatch(y, -1) {
				if v[1] != want {
					t.Errorf("%s: a workflow sets up Go %s; go.mod names go%s", f, v[1], want)
				}
			}
			if !strings.Contains(y, "GOTOOLCHAIN: go"+want) && !strings.Contains(y, "GOTOOLCHAIN=go"+want) {
				t.Errorf("%s: a workflow builds spotcli without GOTOOLCHAIN=go%s", f, want)
			}
		}
	}
	if found == 0 {
		t.Error("no workflow that builds spotcli in the docs: the test reads nothing")
	}
}

// TestDocInlineCommands: a command named in the docs' prose (`spotcli
// playlists -o tsv`) is not run, for it is often a fragment (`spotcli api
// PATH`), but it must name a command spotcli has, with flags it takes: a
// renamed command or flag fails here.
func TestDocInlineCommands(t *testing.T) {
	root := cmd.NewRootCmd(cmdutil.NewFactory(cmdutil.BuildInfo{Version: "dev"}))
	files, _ := filepath.Glob(filepath.Join("..", "docs", "*.md"))
	files = append(files, filepath.Join("..", "README.md"))
	span := regexp.MustCompile("`(spotcli(?: [^`]*)?)`")
	checked := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range span.FindAllStringSubmatch(string(b), -1) {
			checked++
			if err := checkInline(root, m[1]); err != nil {
				t.Errorf("%s: `%s`: %v", strings.TrimPrefix(filepath.ToSlash(f), "../"), m[1], err)
			}
		}
	}
	if checked < 10 {
		t.Errorf("only %d inline commands found: the extraction is broken", checked)
	}
	if err := checkInline(root, "spotcli playlists --no-such-flag"); err == nil {
		t.Error("an unknown flag passes the check")
	}
	if err := checkInline(root, "spotcli nosuch"); err == nil {
		t.Error("an unknown command passes the check")
	}
}

// checkInline finds the command a doc names and checks its flags.
func checkInline(root *cobra.Command, line string) error {
	words := strings.Fields(line)[1:]
	var path, flags []string
	inPath := true
	for i := 0; i < len(words); i++ {
		w := words[i]
		switch {
		case strings.HasPrefix(w, "-"):
			flags = append(flags, w)
			// A global flag before the command (--profile ci status):
			// its value is no command word.
			name := strings.TrimLeft(w, "-")
			if gf := root.PersistentFlags().Lookup(name); gf != nil && gf.NoOptDefVal == "" && !strings.Contains(w, "=") {
				i++
			}
		case inPath && w == strings.ToLower(w) && !strings.ContainsAny(w, `"'$/.:=…`):
			path = append(path, w)
		default:
			inPath = false
		}
	}
	// cobra adds help at run time; its topics are the commands (and
	// spotcli's own, such as environment).
	if len(path) > 0 && path[0] == "help" {
		return nil
	}
	// A completion shown being typed (`spotcli pl` to playlists): a prefix.
	if len(path) == 1 && len(flags) == 0 {
		for _, sub := range root.Commands() {
			if strings.HasPrefix(sub.Name(), path[0]) {
				return nil
			}
		}
	}
	c, rest, err := root.Find(path)
	if err != nil {
		return err
	}
	// Words after the command are its arguments (PATH, a playlist).
	if c == root && len(rest) > 0 {
		return fmt.Errorf("spotcli has no command %q", rest[0])
	}
	for _, fl := range flags {
		name := strings.TrimLeft(strings.SplitN(fl, "=", 2)[0], "-")
		var found bool
		if strings.HasPrefix(fl, "--") {
			found = c.Flags().Lookup(name) != nil || c.InheritedFlags().Lookup(name) != nil
		} else {
			found = c.Flags().ShorthandLookup(name) != nil || c.InheritedFlags().ShorthandLookup(name) != nil
		}
		if !found && name != "help" && name != "h" {
			return fmt.Errorf("%s takes no flag %s", c.CommandPath(), fl)
		}
	}
	return nil
}
