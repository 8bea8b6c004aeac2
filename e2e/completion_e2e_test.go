package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
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

// TestBashCompletionOffersProfiles completes "spotcli --profile <TAB>" in
// bash, through the generated script and spotcli __complete.
func TestBashCompletionOffersProfiles(t *testing.T) {
	h := newHarness(t)
	now := time.Now()
	h.seed("default", now, now.Add(time.Hour))
	h.seed("work", now, now.Add(time.Hour))
	script := bashScript(t, h)

	// The script takes the words from bash-completion's
	// _get_comp_words_by_ref; without that package, a stand-in that does
	// the same for a plain command line. The words are as bash splits them,
	// the cursor on the last (empty) one.
	out := runBash(t, h, `
if [ -r /usr/share/bash-completion/bash_completion ]; then
  source /usr/share/bash-completion/bash_completion
else
  _get_comp_words_by_ref() {
    cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cword=$COMP_CWORD
    words=("${COMP_WORDS[@]}")
  }
fi
# Outside a real completion, bash's compopt refuses to run.
compopt() { :; }
source `+bashQuote(script)+`
COMP_WORDS=(spotcli --profile "")
COMP_CWORD=2
COMP_LINE="spotcli --profile "
COMP_POINT=${#COMP_LINE}
COMP_TYPE=9
__start_spotcli spotcli "" --profile
printf '%s\n' "${COMPREPLY[@]}"`)
	got := strings.Fields(out)
	if strings.Join(got, " ") != "default work" {
		t.Errorf("bash offers %q for spotcli --profile <TAB>, want default and work", out)
	}

	// The same, asked of spotcli directly.
	r := h.mustRun(0, "", "__complete", "--profile", "")
	if r.stdout != "default\nwork\n:4\n" {
		t.Errorf("spotcli __complete --profile '': %q", r.stdout)
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
