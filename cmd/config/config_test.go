package configcmd

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/cmd/cmdutil/cmdutiltest"
	"github.com/spotcli/spotcli/internal/config"
)

// run runs spotcli config ARGS in-process and returns stdout, stderr and
// the exit code.
func run(t *testing.T, e *cmdutiltest.Env, stdin string, args ...string) (string, string, int) {
	t.Helper()
	r := e.Factory(stdin)
	c := NewConfigCmd(r.F)
	c.SetArgs(args)
	c.SetIn(r.F.In)
	c.SetOut(io.Discard)
	c.SetErr(io.Discard)
	c.SilenceUsage, c.SilenceErrors = true, true
	err := c.ExecuteContext(context.Background())
	if err != nil {
		r.Err.WriteString("spotcli: " + err.Error() + "\n")
	}
	return r.Out.String(), r.Err.String(), cmdutil.ExitCode(context.Background(), err)
}

func mustRun(t *testing.T, e *cmdutiltest.Env, stdin string, args ...string) string {
	t.Helper()
	out, errs, code := run(t, e, stdin, args...)
	if code != 0 {
		t.Fatalf("config %s: exit %d: %s", strings.Join(args, " "), code, errs)
	}
	return out
}

func TestConfigSetGetUnset(t *testing.T) {
	e := cmdutiltest.New(t)
	path := filepath.Join(e.Dir, "config.yaml")
	for _, d := range config.Defaults() {
		if d.Key == config.KeyClientSecret {
			continue
		}
		if got := mustRun(t, e, "", "get", d.Key); got != d.Value+"\n" {
			t.Errorf("get %s before any set = %q, want the default %q", d.Key, got, d.Value)
		}
	}
	// Every key can be set, and reads back; the directory is created.
	values := map[string]string{
		"client_id": "0123456789abcdef0123456789abcdef", "redirect_uri": "http://127.0.0.1:9999/cb",
		"scopes": "user-read-private user-library-read", "accounts_url": "https://accounts.example.com",
		"api_url": "https://api.example.com/v1", "token_store": "file", "profile": "work",
		"max_wait": "5m", "http_timeout": "10s", "keyring_timeout": "2s", "device": "Kitchen speaker",
	}
	for _, d := range config.Defaults() {
		if d.Key == config.KeyClientSecret {
			mustRun(t, e, "s3cr3t-value\n", "set", d.Key)
			continue
		}
		mustRun(t, e, "", "set", d.Key, values[d.Key])
		if got := mustRun(t, e, "", "get", d.Key); got != values[d.Key]+"\n" {
			t.Errorf("get %s = %q, want %q", d.Key, got, values[d.Key])
		}
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %04o, want 0600", fi.Mode().Perm())
	}
	// The file loads as written, the secret included.
	s, err := config.Load(config.LoadOptions{ConfigFile: path, NoEnv: true, Getenv: os.Getenv})
	if err != nil {
		t.Fatal(err)
	}
	if s.ClientSecret != "s3cr3t-value" || s.ClientID != values["client_id"] || s.TokenStore != "file" || s.Profile != "work" {
		t.Errorf("loaded %+v", s)
	}
	// list shows every key and never the secret.
	out := mustRun(t, e, "", "list")
	if strings.Contains(out, "s3cr3t") || !strings.Contains(out, "client_secret=(set)\n") || !strings.Contains(out, "max_wait=5m\n") {
		t.Errorf("list:\n%s", out)
	}
	if n := strings.Count(out, "\n"); n != len(config.Defaults()) {
		t.Errorf("list has %d lines, want %d", n, len(config.Defaults()))
	}
	// get never prints the secret.
	out, errs, code := run(t, e, "", "get", "client_secret")
	if code != 1 || out != "" || strings.Contains(errs, "s3cr3t") || !strings.Contains(errs, "never prints it") {
		t.Errorf("get client_secret: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	// unset brings the default back.
	mustRun(t, e, "", "unset", "max_wait")
	if got := mustRun(t, e, "", "get", "max_wait"); got != "2m\n" {
		t.Errorf("after unset: %q", got)
	}
	if _, errs, _ := run(t, e, "", "unset", "max_wait"); !strings.Contains(errs, "max_wait was not set") {
		t.Errorf("unset again: %q", errs)
	}
	if left, _ := filepath.Glob(filepath.Join(e.Dir, ".config.yaml*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestConfigSetValidates(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"set", "redirect_uri", "http://localhost:8888/callback"}, "localhost"},
		{[]string{"set", "redirect_uri", "http://example.com/callback"}, "not on a loopback address"},
		{[]string{"set", "max_wait", "soon"}, `invalid max_wait "soon"`},
		{[]string{"set", "http_timeout", "0s"}, "invalid http_timeout"},
		{[]string{"set", "--", "keyring_timeout", "-1s"}, "invalid keyring_timeout"},
		{[]string{"set", "token_store", "vault"}, `invalid token_store "vault"`},
		{[]string{"set", "scopes", " , "}, "scopes cannot be empty"},
		{[]string{"set", "profile", "../x"}, "invalid profile name"},
		{[]string{"set", "client_id", "abc def"}, "client_id holds whitespace"},
		{[]string{"set", "api_url", "ftp://api.example.com"}, "api_url"},
		{[]string{"set", "colour", "blue"}, `unknown setting "colour"`},
		{[]string{"set", "client_secret", "inline"}, "never from the command line"},
		{[]string{"set", "max_wait"}, "needs a VALUE"},
		{[]string{"get", "nope"}, `unknown setting "nope"`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			e := cmdutiltest.New(t)
			mustRun(t, e, "", "set", "max_wait", "1m")
			before, _ := os.ReadFile(filepath.Join(e.Dir, "config.yaml"))
			out, errs, code := run(t, e, "", tt.args...)
			if code != cmdutil.ExitUsage || out != "" || !strings.Contains(errs, tt.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 2 and %q", code, out, errs, tt.want)
			}
			after, _ := os.ReadFile(filepath.Join(e.Dir, "config.yaml"))
			if string(before) != string(after) {
				t.Errorf("the file changed:\n%s", after)
			}
		})
	}
}

func TestConfigProfiles(t *testing.T) {
	e := cmdutiltest.New(t)
	path := filepath.Join(e.Dir, "config.yaml")
	if err := os.MkdirAll(e.Dir, 0o700); err != nil {
		t.Fatal(err)
	}
	// A hand-written file keeps its comments and order.
	orig := "# my settings\nclient_id: top00000000000000000000000000000 # the main app\nmax_wait: 1m\n"
	if err := os.WriteFile(path, []byte(orig), 0o644); err != nil {
		t.Fatal(err)
	}
	e.Setenv("SPOTCLI_PROFILE", "work")
	if got := mustRun(t, e, "", "get", "client_id"); got != "top00000000000000000000000000000\n" {
		t.Errorf("work's client_id before = %q (the top level's)", got)
	}
	mustRun(t, e, "", "set", "client_id", "work0000000000000000000000000000")
	mustRun(t, e, "", "set", "scopes", "user-read-private,user-library-read")
	if got := mustRun(t, e, "", "get", "client_id"); got != "work0000000000000000000000000000\n" {
		t.Errorf("work's client_id = %q", got)
	}
	if _, errs, code := run(t, e, "", "set", "max_wait", "3m"); code != cmdutil.ExitUsage || !strings.Contains(errs, "max_wait is one setting for every profile") {
		t.Errorf("per-profile max_wait: exit %d, %q", code, errs)
	}
	b, _ := os.ReadFile(path)
	for _, want := range []string{"# my settings\n", "client_id: top00000000000000000000000000000 # the main app\n", "profiles:\n  work:\n    client_id: work0000000000000000000000000000\n"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("file lacks %q:\n%s", want, b)
		}
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %04o", fi.Mode().Perm())
	}
	// Loading resolves the profile's own value.
	s, err := config.Load(config.LoadOptions{ConfigFile: path, NoEnv: true, Profile: "work", Getenv: os.Getenv})
	if err != nil || s.ClientID != "work0000000000000000000000000000" || strings.Join(s.Scopes, " ") != "user-read-private user-library-read" {
		t.Fatalf("%v %+v", err, s)
	}
	e.Setenv("SPOTCLI_PROFILE", "")
	if got := mustRun(t, e, "", "get", "client_id"); got != "top00000000000000000000000000000\n" {
		t.Errorf("top level client_id = %q", got)
	}
	e.Setenv("SPOTCLI_PROFILE", "work")
	mustRun(t, e, "", "unset", "client_id")
	if got := mustRun(t, e, "", "get", "client_id"); got != "top00000000000000000000000000000\n" {
		t.Errorf("after unset, work's client_id = %q", got)
	}
}

// spotcli config knows every key of the README's settings table, and the
// table every key spotcli config knows.
func TestReadmeSettingsAreConfigKeys(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, sec, ok := strings.Cut(string(b), "## Settings\n")
	if !ok {
		t.Fatal("README.md has no Settings section")
	}
	sec, _, _ = strings.Cut(sec, "\n## ")
	var readme []string
	for _, l := range strings.Split(sec, "\n") {
		if strings.HasPrefix(l, "| `") {
			k, _, _ := strings.Cut(strings.TrimPrefix(l, "| `"), "`")
			readme = append(readme, k)
		}
	}
	var keys []string
	for _, d := range config.Defaults() {
		keys = append(keys, d.Key)
	}
	if strings.Join(readme, " ") != strings.Join(keys, " ") {
		t.Errorf("README's settings %q, spotcli config's keys %q", readme, keys)
	}
}

// A config file that is a symlink stays one, and the directory of a
// --config file keeps its mode.
func TestConfigSetSymlinkAndDirectory(t *testing.T) {
	e := cmdutiltest.New(t)
	dotfiles := filepath.Join(t.TempDir(), "dotfiles")
	if err := os.MkdirAll(dotfiles, 0o755); err != nil {
		t.Fatal(err)
	}
	real := filepath.Join(dotfiles, "spotcli.yaml")
	if err := os.WriteFile(real, []byte("max_wait: 1m\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(e.Dir, 0o700); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(e.Dir, "config.yaml")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	mustRun(t, e, "", "set", "token_store", "file")
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the symlink was replaced: %v %v", fi.Mode(), err)
	}
	b, _ := os.ReadFile(real)
	if string(b) != "max_wait: 1m\ntoken_store: file\n" {
		t.Errorf("the file it points to:\n%s", b)
	}
	if fi, _ := os.Stat(dotfiles); fi.Mode().Perm() != 0o755 {
		t.Errorf("the directory's mode changed to %04o", fi.Mode().Perm())
	}
}
