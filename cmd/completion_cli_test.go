package cmd_test

import (
	"strings"
	"testing"
)

func TestOtherShellCompletions(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for shell, marker := range map[string]string{
		"zsh":        "#compdef spotcli",
		"fish":       "complete -c spotcli",
		"powershell": "Register-ArgumentCompleter",
	} {
		r := h.MustRun(0, "", "completion", shell)
		if !strings.Contains(r.Stdout, marker) {
			t.Errorf("spotcli completion %s lacks %q", shell, marker)
		}
	}
}

// TestVersionFromSource: a binary built from source without VCS stamping
// (go test's, or go build -buildvcs=false) says dev and nothing more.
func TestVersionFromSource(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, args := range [][]string{{"--version"}, {"version"}} {
		r := h.MustRun(0, "", args...)
		if r.Stdout != "spotcli dev\n" || r.Stderr != "" {
			t.Errorf("spotcli %s: %s", args[0], r)
		}
	}
}
