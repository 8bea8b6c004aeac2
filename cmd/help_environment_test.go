package cmd

import (
	"bytes"
	"context"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/internal/config"
)

// The table of spotcli help environment is the one in
// docs/configuration.md, and it names every variable spotcli reads.
func TestEnvironmentDoc(t *testing.T) {
	b, err := os.ReadFile("../docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	const start = "<!-- the table of spotcli help environment (cmd/help_environment.go); TestEnvironmentDoc compares -->\n"
	i := strings.Index(doc, start)
	j := strings.Index(doc, "<!-- end of the table -->")
	if i < 0 || j < i {
		t.Fatal("docs/configuration.md lacks the environment table's markers")
	}
	if got, want := doc[i+len(start):j], environmentMarkdown(); got != want {
		t.Errorf("docs/configuration.md's environment table differs from spotcli help environment's; put this between the markers:\n%s", want)
	}
	names := map[string]bool{}
	for _, v := range environment {
		names[v.Name] = true
	}
	for _, d := range config.Defaults() {
		if k := "SPOTCLI_" + strings.ToUpper(d.Key); !names[k] {
			t.Errorf("%s (setting %s) is not in the environment table", k, d.Key)
		}
	}
	for _, k := range []string{"SPOTCLI_ACCESS_TOKEN", "SPOTCLI_REFRESH_TOKEN", "SPOTCLI_CONFIG_DIR", "BROWSER"} {
		if !names[k] {
			t.Errorf("%s is not in the environment table", k)
		}
	}
	// Every SPOTCLI_ variable the docs mention is one spotcli reads.
	for _, m := range regexp.MustCompile(`SPOTCLI_[A-Z_]+[A-Z]`).FindAllString(doc, -1) {
		if m != "SPOTCLI_KEY" && !names[m] {
			t.Errorf("docs/configuration.md names %s, which is not in the environment table", m)
		}
	}
}

func TestHelpEnvironment(t *testing.T) {
	var out, errb bytes.Buffer
	f := NewFactory(BuildInfo{Version: "dev"})
	f.In, f.Out, f.Err = &bytes.Buffer{}, &out, &errb
	f.Getenv = func(string) string { return "" }
	if code := Main(context.Background(), f, []string{"help", "environment"}); code != cmdutil.ExitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, v := range environment {
		if !strings.Contains(out.String(), v.Name+"\n    "+v.Meaning+"\n") {
			t.Errorf("help environment lacks %s", v.Name)
		}
	}
	if !strings.Contains(out.String(), "Precedence: a flag comes first") {
		t.Errorf("help environment lacks the precedence:\n%s", out.String())
	}
}
