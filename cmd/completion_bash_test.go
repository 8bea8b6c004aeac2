package cmd

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
)

// TestBashCompletionNeedsNoPackage: the script calls the bash-completion
// package's functions only from its stand-ins, which check that they are
// there.
func TestBashCompletionNeedsNoPackage(t *testing.T) {
	f := NewFactory(BuildInfo{Version: "dev"})
	var out, errb bytes.Buffer
	f.Out, f.Err = &out, &errb
	if code := Main(context.Background(), f, []string{"completion", "bash"}); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	script := out.String()
	if !strings.HasPrefix(script, "# bash completion V2 for spotcli") {
		t.Errorf("the script starts with %q", strings.SplitN(script, "\n", 2)[0])
	}
	standIns, rest, ok := strings.Cut(script, "\n__spotcli_debug()")
	if !ok {
		t.Fatal("no __spotcli_debug in the script")
	}
	for _, fn := range []string{"_get_comp_words_by_ref", "_filedir", "_init_completion"} {
		bare := regexp.MustCompile(`(^|[^A-Za-z0-9_])` + fn + `\b`)
		lines := strings.Split(rest, "\n")
		for i, l := range lines {
			if !bare.MatchString(l) || strings.HasPrefix(strings.TrimSpace(l), "#") {
				continue
			}
			// A call is fine right after the check that the function is
			// there (cobra's own guard of _init_completion).
			guarded := false
			for j := max(i-2, 0); j <= i; j++ {
				guarded = guarded || strings.Contains(lines[j], "declare -F "+fn)
			}
			if !guarded {
				t.Errorf("the script calls %s without checking that it is there: %q", fn, l)
			}
		}
		if fn != "_init_completion" && !strings.Contains(standIns, "declare -F "+fn) {
			t.Errorf("no stand-in for %s", fn)
		}
	}
	// The help says it needs nothing.
	out.Reset()
	Main(context.Background(), f, []string{"completion", "bash", "--help"})
	if strings.Contains(out.String(), "depends on the 'bash-completion' package") {
		t.Errorf("the help still says it needs bash-completion:\n%s", out.String())
	}
}
