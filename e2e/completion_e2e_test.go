package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/spotcli/spotcli/internal/spotifytest"
)

// bashScript writes the bash completion script that spotcli generates.
func bashScript(t *testing.T, h *harness) string {
	t.Helper()
	r := h.mustRun(0, "", "completion", "bash")
	if r.stderr != "" {
		t.Errorf("spotcli completion bash wrote to stderr: %q", r.stderr)
	}
	p := filepath.Join(t.TempDir(), "spotcli.bash")
	if err := os.WriteFile(p, []byte(r.stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func needBash(t *testing.T) string {
	t.Helper()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash here")
	}
	return bash
}

// runBash runs a bash script in the harness's environment.
func runBash(t *testing.T, h *harness, script string) string {
	t.Helper()
	c := exec.Command(needBash(t), "--norc", "--noprofile", "-c", script)
	c.Env = h.environ()
	c.Dir = h.dir
	var stderr strings.Builder
	c.Stderr = &stderr
	out, err := c.Output()
	if err != nil {
		t.Fatalf("bash: %v\n%s%s", err, out, stderr.String())
	}
	return string(out)
}

// TestBashCompletionLoads: the script parses, and sourcing it registers the
// completion of spotcli.
func TestBashCompletionLoads(t *testing.T) {
	h := newHarness(t)
	bash := needBash(t)
	script := bashScript(t, h)
	if out, err := exec.Command(bash, "-n", script).CombinedOutput(); err != nil {
		t.Fatalf("bash -n: %v\n%s", err, out)
	}
	out := runBash(t, h, "source "+bashQuote(script)+" && complete -p spotcli")
	if !regexp.MustCompile(`^complete .*-F __start_spotcli spotcli\n$`).MatchString(out) {
		t.Errorf("complete -p spotcli after sourcing the script: %q", out)
	}
}

// bashComplete completes the command line words (the cursor at the end of
// the last) in a bash that sources spotcli's script, through the script and
// spotcli __complete, and returns what bash would offer. withPackage loads
// the bash-completion package first; without it, nothing of it is there.
func bashComplete(t *testing.T, h *harness, script string, withPackage bool, words ...string) []string {
	t.Helper()
	const pkg = "/usr/share/bash-completion/bash_completion"
	load := `if declare -F _get_comp_words_by_ref >/dev/null; then echo "bash-completion is loaded" >&2; exit 3; fi`
	if withPackage {
		if _, err := os.Stat(pkg); err != nil {
			skipUnlessCI(t, "the bash-completion package is not installed")
		}
		load = "source " + pkg
	}
	var quoted []string
	for _, w := range words {
		quoted = append(quoted, bashQuote(w))
	}
	line := strings.Join(words, " ")
	out := runBash(t, h, load+`
# Outside a real completion, bash's compopt refuses to run.
compopt() { :; }
source `+bashQuote(script)+`
COMP_WORDS=(`+strings.Join(quoted, " ")+`)
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMP_LINE=`+bashQuote(line)+`
COMP_POINT=${#COMP_LINE}
COMP_TYPE=9
__start_spotcli spotcli "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"`)
	return strings.Fields(out)
}

// TestBashCompletionOffersProfiles completes "spotcli --profile <TAB>" in
// bash, with and without the bash-completion package (README: completion
// needs nothing installed).
func TestBashCompletionOffersProfiles(t *testing.T) {
	h := newHarness(t)
	now := time.Now()
	h.seed("default", now, now.Add(time.Hour))
	h.seed("work", now, now.Add(time.Hour))
	script := bashScript(t, h)
	for _, withPackage := range []bool{false, true} {
		got := bashComplete(t, h, script, withPackage, "spotcli", "--profile", "")
		if strings.Join(got, " ") != "default work" {
			t.Errorf("bash-completion loaded %v: bash offers %q for spotcli --profile <TAB>, want default and work", withPackage, got)
		}
		got = bashComplete(t, h, script, withPackage, "spotcli", "--profile", "w")
		if strings.Join(got, " ") != "work" {
			t.Errorf("bash-completion loaded %v: bash offers %q for spotcli --profile w<TAB>", withPackage, got)
		}
	}

	// The same, asked of spotcli directly.
	r := h.mustRun(0, "", "__complete", "--profile", "")
	if r.stdout != "default\nwork\n:4\n" {
		t.Errorf("spotcli __complete --profile '': %q", r.stdout)
	}
}

// TestBashCompletionWithoutPackage: in a bash without bash-completion,
// commands and flags complete too.
func TestBashCompletionWithoutPackage(t *testing.T) {
	h := newHarness(t)
	script := bashScript(t, h)
	if got := bashComplete(t, h, script, false, "spotcli", "playl"); strings.Join(got, " ") != "playlists" {
		t.Errorf("spotcli playl<TAB>: %q", got)
	}
	if got := bashComplete(t, h, script, false, "spotcli", "playlists", "--li"); strings.Join(got, " ") != "--limit" {
		t.Errorf("spotcli playlists --li<TAB>: %q", got)
	}
}

// TestCompletePlaylistItems: "spotcli playlists items <TAB>" offers the
// user's playlists through the stored login: the ID, the name as its
// description; nothing (and no error) without a login.
func TestCompletePlaylistItems(t *testing.T) {
	h := newHarness(t)
	r := h.mustRun(0, "", "__complete", "playlists", "items", "")
	if r.stdout != ":4\n" || strings.Contains(r.stderr, "spotcli:") {
		t.Errorf("without a login: %s", r)
	}
	h.loginAlice()
	h.fake.AddPlaylists("alice",
		spotifytest.Playlist{ID: "3cEYpjA9oz9GiPac4AsH4n", Name: "Road trip", Public: true},
		spotifytest.Playlist{ID: "5ABHKGoOzxkaa28ttQV9sE", Name: "ABBA\tmix\nnew line", Public: true},
	)
	r = h.mustRun(0, "", "__complete", "playlists", "items", "")
	if want := "3cEYpjA9oz9GiPac4AsH4n\tRoad trip\n5ABHKGoOzxkaa28ttQV9sE\tABBA mix new line\n:4\n"; r.stdout != want {
		t.Errorf("spotcli __complete playlists items '':\n%q\nwant\n%q", r.stdout, want)
	}
	r = h.mustRun(0, "", "__complete", "playlists", "items", "5A")
	if !strings.HasPrefix(r.stdout, "5ABHKGoOzxkaa28ttQV9sE\t") || strings.Contains(r.stdout, "3cEY") {
		t.Errorf("a prefix: %q", r.stdout)
	}
	script := bashScript(t, h)
	if got := bashComplete(t, h, script, false, "spotcli", "playlists", "items", "3c"); strings.Join(got, " ") != "3cEYpjA9oz9GiPac4AsH4n" {
		t.Errorf("bash offers %q for spotcli playlists items 3c<TAB>", got)
	}
}

// TestVersionFromLdflags builds spotcli as a release does, with -ldflags.
func TestVersionFromLdflags(t *testing.T) {
	if testing.Short() {
		t.Skip("builds spotcli")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	bin := filepath.Join(t.TempDir(), "spotcli")
	build := exec.Command(gobin, "build", "-trimpath", "-buildvcs=false", "-o", bin,
		"-ldflags", "-X main.version=1.2.3 -X main.commit=abc1234 -X main.date=2026-11-29T10:00:00Z", "..")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, arg := range []string{"--version", "version"} {
		out, err := exec.Command(bin, arg).Output()
		if err != nil {
			t.Fatalf("spotcli %s: %v", arg, err)
		}
		if want := "spotcli 1.2.3 (commit abc1234, built 2026-11-29T10:00:00Z)\n"; string(out) != want {
			t.Errorf("spotcli %s = %q, want %q", arg, out, want)
		}
	}
}

func bashQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
