package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spotcli/spotcli/internal/spotifytest"
	"github.com/spotcli/spotcli/internal/spotifytest/fixtures"
	"go.yaml.in/yaml/v3"
)

// The recipes of docs/headless.md and docs/ci.md, run as written (a block
// after a "<!-- recipe: NAME -->" line) on fresh machines: a laptop with a
// browser, a server without one, and a CI runner. Only the placeholders
// are replaced (your-client-id, the port 8888, Spotify's hosts, which are
// the fake's); gh and ssh are stand-ins that keep secrets in a directory
// and run a command on the "server".

// machine is one fresh computer: its own HOME and nothing configured.
type machine struct {
	name string
	dir  string
	env  map[string]string
}

type world struct {
	t        *testing.T
	fake     *spotifytest.Server
	port     int
	secrets  string // gh's secrets, one file each
	clientID string
}

func newWorld(t *testing.T) *world {
	fake := spotifytest.New(spotifytest.Config{})
	t.Cleanup(fake.Close)
	redirects := []string{"http://127.0.0.1/callback"}
	fake.AddApp(spotifytest.App{ClientID: testClientID, Name: "spotcli e2e", RedirectURIs: redirects})
	fake.AddApp(spotifytest.App{ClientID: testSecretClient, ClientSecret: testClientSecret, Name: "spotcli e2e secret", RedirectURIs: redirects})
	fake.AddUser(spotifytest.User{ID: "alice", DisplayName: "Alice Liddell", Email: "alice@example.com", Country: "GB", Product: "premium"})
	fake.SetCurrentUser("alice")
	fake.GeneratePlaylists("alice", 3)
	w := &world{t: t, fake: fake, port: fixtures.FreePort(t), secrets: filepath.Join(t.TempDir(), "secrets"), clientID: testClientID}
	if err := os.MkdirAll(w.secrets, 0o700); err != nil {
		t.Fatal(err)
	}
	return w
}

// machine is a fresh computer. Only where Spotify is and the redirect URI's
// port (a free one for the doc's 8888) are set.
func (w *world) machine(name string, browser bool) *machine {
	dir := filepath.Join(w.t.TempDir(), name)
	m := &machine{name: name, dir: dir, env: map[string]string{
		"PATH":                 os.Getenv("PATH"),
		"HOME":                 filepath.Join(dir, "home"),
		"XDG_CONFIG_HOME":      filepath.Join(dir, "home", ".config"),
		"SPOTCLI_ACCOUNTS_URL": w.fake.AccountsURL(),
		"SPOTCLI_API_URL":      w.fake.APIURL(),
		"SPOTCLI_REDIRECT_URI": fmt.Sprintf("http://127.0.0.1:%d/callback", w.port),
		"FAKEGH_DIR":           w.secrets,
		"GORACE":               strings.TrimSpace(os.Getenv("GORACE") + " atexit_sleep_ms=0"),
	}}
	if browser {
		m.env["BROWSER"] = "fakebrowser"
	}
	for _, k := range []string{"GOCOVERDIR", "TMPDIR"} {
		if v, ok := os.LookupEnv(k); ok {
			m.env[k] = v
		}
	}
	for _, d := range []string{m.env["HOME"], filepath.Join(dir, "work")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			w.t.Fatal(err)
		}
	}
	return m
}

func (m *machine) environ(extra map[string]string) []string {
	var out []string
	for k, v := range m.env {
		if _, ok := extra[k]; !ok {
			out = append(out, k+"="+v)
		}
	}
	for k, v := range extra {
		out = append(out, k+"="+v)
	}
	return out
}

// sh runs script with bash -e in m's work directory.
func (w *world) sh(m *machine, stdin, script string, extra map[string]string, wrap ...string) result {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	args := append(append([]string{}, wrap...), "bash", "-e", "-c", script)
	c := exec.CommandContext(ctx, args[0], args[1:]...)
	c.Env = m.environ(extra)
	c.Dir = filepath.Join(m.dir, "work")
	c.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	c.Stdout, c.Stderr = &out, &errb
	err := c.Run()
	r := result{stdout: out.String(), stderr: errb.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		w.t.Fatalf("%s: %v", script, err)
	}
	return r
}

func (w *world) mustSh(m *machine, stdin, script string, extra map[string]string, wrap ...string) result {
	w.t.Helper()
	r := w.sh(m, stdin, script, extra, wrap...)
	if r.code != 0 {
		w.t.Fatalf("on the %s: %s\n%s", m.name, script, r)
	}
	return r
}

// recipe is the block after "<!-- recipe: NAME [k=v...] -->" in doc, with
// the placeholders replaced.
func (w *world) recipe(doc, name string) (string, map[string]string) {
	w.t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "docs", doc))
	if err != nil {
		w.t.Fatal(err)
	}
	text := string(b)
	re := regexp.MustCompile(`(?m)^<!-- recipe: ` + regexp.QuoteMeta(name) + `((?: \S+=\S+)*) -->\n` + "```" + `(\w+)\n((?s:.*?))` + "```\n")
	m := re.FindStringSubmatch(text)
	if m == nil {
		w.t.Fatalf("docs/%s has no recipe %s", doc, name)
	}
	attrs := map[string]string{"lang": m[2]}
	for _, kv := range strings.Fields(m[1]) {
		k, v, _ := strings.Cut(kv, "=")
		attrs[k] = v
	}
	body := strings.NewReplacer(
		"your-client-id", w.clientID,
		"your-client-secret", testClientSecret,
		"8888", strconv.Itoa(w.port),
		"https://accounts.spotify.com", w.fake.AccountsURL(),
	).Replace(m[3])
	return body, attrs
}

// session runs a recipe whose lines start with "laptop$ " or "server$ "
// (none: the laptop) on that machine, one line at a time, each line's
// stdin being what the line before printed (the user pastes it). Lines
// that follow a command in a console block are its expected output.
func (w *world) session(doc, name string, machines map[string]*machine) {
	w.t.Helper()
	body, attrs := w.recipe(doc, name)
	var wrap []string
	switch attrs["user"] {
	case "paste":
		wrap = []string{"pasting-user"}
	case "tunnel":
		wrap = []string{"tunnel-user"}
	}
	var last result
	var printed string
	var want []string
	check := func() {
		got := last.stderr + last.stdout
		for _, line := range want {
			pat := "(?m)^" + strings.ReplaceAll(regexp.QuoteMeta(line), `\.\.\.`, ".*") + "$"
			if !regexp.MustCompile(pat).MatchString(got) {
				w.t.Errorf("docs/%s, recipe %s: the output lacks %q:\n%s", doc, name, line, got)
			}
		}
		want = nil
	}
	for _, line := range strings.Split(strings.TrimRight(body, "\n"), "\n") {
		m := machines["laptop"]
		cmd := line
		switch {
		case strings.HasPrefix(line, "laptop$ "):
			cmd = strings.TrimPrefix(line, "laptop$ ")
		case strings.HasPrefix(line, "server$ "):
			m, cmd = machines["server"], strings.TrimPrefix(line, "server$ ")
		case attrs["lang"] == "console":
			// the output of the command before
			want = append(want, line)
			continue
		}
		if want != nil {
			check()
		}
		var lineWrap []string
		if strings.Contains(cmd, "login --no-browser") {
			lineWrap = wrap
		}
		last = w.mustSh(m, printed, cmd, map[string]string{"FAKESSH_ENV": w.sshEnv(machines["server"])}, lineWrap...)
		printed = last.stdout
	}
	check()
}

// sshEnv writes the server's environment where the ssh stand-in finds it.
func (w *world) sshEnv(server *machine) string {
	if server == nil {
		return ""
	}
	p := filepath.Join(server.dir, "sshenv.json")
	b, _ := json.Marshal(server.env)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		w.t.Fatal(err)
	}
	return p
}

func (w *world) loggedIn(m *machine, profile string) {
	w.t.Helper()
	r := w.mustSh(m, "", "spotcli --profile "+profile+" status", nil)
	if !strings.Contains(r.stdout, "Status:         usable\n") {
		w.t.Errorf("on the %s: %s", m.name, r)
	}
}

func TestHeadlessRecipes(t *testing.T) {
	w := newWorld(t)
	laptop, server := w.machine("laptop", true), w.machine("server", false)
	machines := map[string]*machine{"laptop": laptop, "server": server}

	// The laptop logs in as the docs' README says (a browser is there).
	w.mustSh(laptop, "", "spotcli login --client-id "+w.clientID, nil)

	w.session("headless.md", "headless-setup", machines)
	w.session("headless.md", "headless-paste", machines)
	w.loggedIn(server, "default")
	w.mustSh(server, "", "spotcli logout", nil)
	w.session("headless.md", "headless-tunnel", machines)
	w.loggedIn(server, "default")
	w.mustSh(server, "", "spotcli logout", nil)
	w.session("headless.md", "headless-refresh-token", machines)
	w.loggedIn(server, "default")
	w.mustSh(server, "", "spotcli logout", nil)
	w.session("headless.md", "headless-refresh-token-ssh", machines)
	w.loggedIn(server, "default")
}

func TestCIRecipes(t *testing.T) {
	w := newWorld(t)
	w.clientID = testSecretClient
	laptop := w.machine("laptop", true)

	// Step 1 and the secrets, in one shell.
	tok, _ := w.recipe("ci.md", "ci-token")
	sec, _ := w.recipe("ci.md", "ci-secrets")
	w.mustSh(laptop, "", tok+sec, nil)
	for _, s := range []string{"SPOTCLI_CLIENT_ID", "SPOTCLI_CLIENT_SECRET", "SPOTCLI_REFRESH_TOKEN"} {
		if b, err := os.ReadFile(filepath.Join(w.secrets, s)); err != nil || len(bytes.TrimSpace(b)) == 0 {
			t.Fatalf("secret %s not stored: %v", s, err)
		}
	}
	w.loggedIn(laptop, "ci")
	if err := os.WriteFile(filepath.Join(w.secrets, "SECRETS_WRITER_TOKEN"), []byte("github_pat_x"), 0o600); err != nil {
		t.Fatal(err)
	}

	// The workflow on a fresh runner, Spotify rotating the refresh token:
	// the job stores the new one, and the next run works with it.
	w.fake.SetRotation(true)
	before := w.secretValue("SPOTCLI_REFRESH_TOKEN")
	w.runWorkflow()
	if after := w.secretValue("SPOTCLI_REFRESH_TOKEN"); after == before {
		t.Error("the workflow did not store the rotated refresh token")
	}
	w.runWorkflow()

	// The renewal, in a new shell on the laptop, months later.
	w.fake.SetRotation(false)
	before = w.secretValue("SPOTCLI_REFRESH_TOKEN")
	renew, _ := w.recipe("ci.md", "ci-renew")
	w.mustSh(laptop, "", renew, nil)
	if after := w.secretValue("SPOTCLI_REFRESH_TOKEN"); after == before {
		t.Error("the renewal did not replace the secret")
	}
	w.runWorkflow()
}

func (w *world) secretValue(name string) string {
	b, err := os.ReadFile(filepath.Join(w.secrets, name))
	if err != nil {
		w.t.Fatal(err)
	}
	return string(b)
}

// runWorkflow runs the run: steps of ci.md's workflow on a fresh runner, as
// GitHub Actions does: bash -e, the step's env with secrets filled in,
// $GITHUB_ENV carried to later steps. The steps that install things are
// the runner's business (spotcli is on PATH).
func (w *world) runWorkflow() {
	w.t.Helper()
	body, _ := w.recipe("ci.md", "ci-workflow")
	var wf struct {
		Jobs map[string]struct {
			Steps []struct {
				Name string            `yaml:"name"`
				Uses string            `yaml:"uses"`
				Env  map[string]string `yaml:"env"`
				Run  string            `yaml:"run"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal([]byte(body), &wf); err != nil {
		w.t.Fatal(err)
	}
	runner := w.machine("runner", false)
	temp := filepath.Join(runner.dir, "runner-temp")
	genv := filepath.Join(runner.dir, "github-env")
	if err := os.MkdirAll(temp, 0o700); err != nil {
		w.t.Fatal(err)
	}
	expr := regexp.MustCompile(`\$\{\{\s*([a-z]+)\.([A-Za-z_]+)\s*\}\}`)
	ran := 0
	for _, job := range wf.Jobs {
		for _, st := range job.Steps {
			if st.Run == "" || strings.Contains(st.Run, "go install") {
				continue
			}
			env := map[string]string{"RUNNER_TEMP": temp, "GITHUB_ENV": genv}
			if b, err := os.ReadFile(genv); err == nil {
				for _, l := range strings.Split(string(b), "\n") {
					if k, v, ok := strings.Cut(l, "="); ok {
						env[k] = v
					}
				}
			}
			for k, v := range st.Env {
				env[k] = expr.ReplaceAllStringFunc(v, func(s string) string {
					m := expr.FindStringSubmatch(s)
					switch m[1] {
					case "secrets":
						return w.secretValue(m[2])
					case "github":
						return "me/spotcli-backup"
					}
					return s
				})
			}
			w.mustSh(runner, "", st.Run, env)
			ran++
		}
	}
	if ran < 3 {
		w.t.Fatalf("ran %d steps of the workflow", ran)
	}
	b, err := os.ReadFile(filepath.Join(runner.dir, "work", "playlists.ndjson"))
	if err != nil || strings.Count(string(b), "\n") != 3 {
		w.t.Errorf("playlists.ndjson: %v\n%s", err, b)
	}
}

// ghMain is the GitHub CLI as the recipes use it: gh secret set NAME, the
// value from --body or stdin, kept in $FAKEGH_DIR/NAME.
func ghMain() {
	args := os.Args[1:]
	if len(args) < 3 || args[0] != "secret" || args[1] != "set" {
		fmt.Fprintln(os.Stderr, "gh stand-in: only gh secret set NAME [--body VALUE] is known, got", args)
		os.Exit(2)
	}
	var value []byte
	if len(args) == 5 && args[3] == "--body" {
		value = []byte(args[4])
	} else if len(args) == 3 {
		var err error
		if value, err = io.ReadAll(os.Stdin); err != nil {
			fmt.Fprintln(os.Stderr, "gh stand-in:", err)
			os.Exit(1)
		}
	} else {
		fmt.Fprintln(os.Stderr, "gh stand-in: unknown arguments", args)
		os.Exit(2)
	}
	if len(bytes.TrimSpace(value)) == 0 {
		fmt.Fprintln(os.Stderr, "gh stand-in: an empty secret")
		os.Exit(1)
	}
	if err := os.WriteFile(filepath.Join(os.Getenv("FAKEGH_DIR"), args[2]), value, 0o600); err != nil {
		fmt.Fprintln(os.Stderr, "gh stand-in:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "✓ Set Actions secret %s\n", args[2])
}

// sshMain is ssh to the "server": options and the host are skipped, and
// the remote command runs with the server's environment ($FAKESSH_ENV) and
// ssh's streams. Without a command (the shell of ssh -L) it returns at once.
func sshMain() {
	args := os.Args[1:]
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		if args[0] == "-L" || args[0] == "-p" || args[0] == "-i" {
			args = args[1:]
		}
		args = args[1:]
	}
	if len(args) < 2 {
		return
	}
	b, err := os.ReadFile(os.Getenv("FAKESSH_ENV"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "ssh stand-in:", err)
		os.Exit(255)
	}
	var env map[string]string
	if err := json.Unmarshal(b, &env); err != nil {
		fmt.Fprintln(os.Stderr, "ssh stand-in:", err)
		os.Exit(255)
	}
	c := exec.Command("sh", "-c", strings.Join(args[1:], " "))
	for k, v := range env {
		c.Env = append(c.Env, k+"="+v)
	}
	c.Dir = env["HOME"]
	c.Stdin, c.Stdout, c.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := c.Run(); err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			os.Exit(ee.ExitCode())
		}
		fmt.Fprintln(os.Stderr, "ssh stand-in:", err)
		os.Exit(255)
	}
}

// tunnelUserMain runs its arguments as a user whose laptop forwards the
// redirect URI's port to the server (ssh -L): it opens the printed
// authorize URL in the laptop's browser, which the fake approves, and that
// browser's request to 127.0.0.1:PORT reaches the command's own loopback
// server, as through the tunnel.
func tunnelUserMain() {
	c := exec.Command(os.Args[1], os.Args[2:]...)
	c.Stdout, c.Stdin = os.Stdout, os.Stdin
	stderr, err := c.StderrPipe()
	if err != nil {
		os.Exit(1)
	}
	if err := c.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "tunnel-user:", err)
		os.Exit(1)
	}
	prefix := os.Getenv("SPOTCLI_ACCOUNTS_URL") + "/authorize?"
	buf := make([]byte, 0, 4096)
	chunk := make([]byte, 1024)
	opened := false
	for {
		n, rerr := stderr.Read(chunk)
		os.Stderr.Write(chunk[:n])
		buf = append(buf, chunk[:n]...)
		if !opened {
			for _, line := range strings.Split(string(buf), "\n") {
				if strings.HasPrefix(line, prefix) && strings.Contains(string(buf), line+"\n") {
					opened = true
					go func(u string) {
						noFollow := &http.Client{Timeout: 20 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
						res, err := noFollow.Get(u)
						if err != nil {
							return
						}
						res.Body.Close()
						if r2, err := noFollow.Get(res.Header.Get("Location")); err == nil {
							r2.Body.Close()
						}
					}(line)
					break
				}
			}
		}
		if rerr != nil {
			break
		}
	}
	if err := c.Wait(); err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			os.Exit(ee.ExitCode())
		}
		os.Exit(1)
	}
}
