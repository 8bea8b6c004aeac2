//go:build gendocs

package cmd

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spotcli/spotcli/cmd/cmdutil"
)

// genDocs runs spotcli gen-docs in-process into a fresh directory and
// returns its files by name.
func genDocs(t *testing.T, args ...string) map[string]string {
	t.Helper()
	return genDocsEnv(t, nil, args...)
}

// genDocsEnv is genDocs with the environment env.
func genDocsEnv(t *testing.T, env map[string]string, args ...string) map[string]string {
	t.Helper()
	dir := t.TempDir()
	var out, errb bytes.Buffer
	f := NewFactory(BuildInfo{Version: "dev"})
	f.In, f.Out, f.Err = &bytes.Buffer{}, &out, &errb
	f.Getenv = func(k string) string { return env[k] }
	if code := Main(context.Background(), f, append(append([]string{"gen-docs"}, args...), dir)); code != cmdutil.ExitOK {
		t.Fatalf("spotcli gen-docs: exit %d, stderr %q", code, errb.String())
	}
	if out.Len() > 0 || errb.Len() > 0 {
		t.Errorf("spotcli gen-docs printed: stdout %q, stderr %q", out.String(), errb.String())
	}
	return readDir(t, dir)
}

func readDir(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = string(b)
	}
	return files
}

func names(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestDocsAreCurrent fails when docs/commands differs from what the command
// tree generates. Fix: go run -tags gendocs . gen-docs docs/commands
func TestDocsAreCurrent(t *testing.T) {
	t.Parallel()
	want := genDocs(t)
	got := readDir(t, filepath.Join("..", "docs", "commands"))
	if diff := cmp.Diff(names(want), names(got)); diff != "" {
		t.Errorf("docs/commands has other files than gen-docs writes (-generated +committed):\n%s", diff)
	}
	for name, w := range want {
		g, ok := got[name]
		if !ok {
			continue
		}
		if diff := cmp.Diff(w, g); diff != "" {
			t.Errorf("docs/commands/%s is out of date (-generated +committed):\n%s", name, diff)
		}
	}
	if t.Failed() {
		t.Log("regenerate the command reference: go run -tags gendocs . gen-docs docs/commands")
	}
}

// TestDocsDoNotDependOnTheMachine: the generated reference carries no path
// of this machine (a flag default under $HOME, say) and no generation date.
func TestDocsDoNotDependOnTheMachine(t *testing.T) {
	t.Parallel()
	var leaks []string
	for _, v := range []string{"HOME", "TMPDIR", "XDG_CONFIG_HOME"} {
		if s := os.Getenv(v); len(s) > 1 {
			leaks = append(leaks, s)
		}
	}
	if d, err := os.UserConfigDir(); err == nil {
		leaks = append(leaks, d)
	}
	if wd, err := os.Getwd(); err == nil {
		// The test runs in cmd/: the repository's root is one up.
		leaks = append(leaks, wd, filepath.Dir(wd))
	}
	for name, content := range genDocs(t) {
		if strings.Contains(content, "Auto generated") {
			t.Errorf("%s has cobra's dated footer", name)
		}
		for _, l := range leaks {
			if strings.Contains(content, l) {
				t.Errorf("%s contains %q, which depends on the machine", name, l)
			}
		}
	}
}

func TestGenDocsManPages(t *testing.T) {
	t.Parallel()
	pages := genDocsEnv(t, map[string]string{"SOURCE_DATE_EPOCH": "1795000000"}, "--man") // 2026-11-18
	for _, want := range []string{"spotcli.1", "spotcli-login.1", "spotcli-token.1", "spotcli-completion-bash.1", "spotcli-version.1"} {
		if _, ok := pages[want]; !ok {
			t.Errorf("no man page %s; got %q", want, names(pages))
		}
	}
	if _, ok := pages["spotcli-gen-docs.1"]; ok {
		t.Error("the hidden gen-docs command has a man page")
	}
	// Dated by SOURCE_DATE_EPOCH, so that a release's pages are reproducible.
	if th := `.TH "SPOTCLI-LOGIN" "1" "Nov 2026" "spotcli dev" "spotcli manual"`; !strings.Contains(pages["spotcli-login.1"], th) {
		t.Errorf("spotcli-login.1 lacks the header %s:\n%s", th, pages["spotcli-login.1"])
	}
}

// TestGenDocsRemovesStalePages: a page of a command that no longer exists
// does not survive a regeneration; other files do.
func TestGenDocsRemovesStalePages(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, n := range []string{"spotcli_gone.md", "README.txt"} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var errb bytes.Buffer
	f := NewFactory(BuildInfo{Version: "dev"})
	f.In, f.Out, f.Err = &bytes.Buffer{}, &bytes.Buffer{}, &errb
	if code := Main(context.Background(), f, []string{"gen-docs", dir}); code != cmdutil.ExitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	files := readDir(t, dir)
	if _, ok := files["spotcli_gone.md"]; ok {
		t.Error("stale spotcli_gone.md survived")
	}
	if _, ok := files["README.txt"]; !ok {
		t.Error("gen-docs removed a file it did not write")
	}
	if _, ok := files["spotcli_login.md"]; !ok {
		t.Error("no spotcli_login.md")
	}
}
