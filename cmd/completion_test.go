package cmd

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/cobra"

	"github.com/spotcli/spotcli/cmd/cmdutil"
)

// runComplete runs cobra's hidden __complete command, as the shell scripts do,
// and returns the suggestions (without descriptions) and the directive line.
func runComplete(t *testing.T, env map[string]string, args ...string) (words []string, directive string) {
	t.Helper()
	var out, errb bytes.Buffer
	f := NewFactory(BuildInfo{Version: "dev"})
	f.In, f.Out, f.Err = &bytes.Buffer{}, &out, &errb
	f.Getenv = func(k string) string { return env[k] }
	code := Main(context.Background(), f, append([]string{cobra.ShellCompRequestCmd}, args...))
	if code != cmdutil.ExitOK {
		t.Fatalf("spotcli __complete %q: exit %d, stderr %q", args, code, errb.String())
	}
	for _, line := range strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n") {
		if strings.HasPrefix(line, ":") {
			directive = line
			continue
		}
		word, _, _ := strings.Cut(line, "\t")
		words = append(words, word)
	}
	return words, directive
}

func writeCompletionFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestCompleteProfile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeCompletionFile(t, filepath.Join(dir, "tokens", "default.json"), "{}")
	writeCompletionFile(t, filepath.Join(dir, "tokens", "work.json"), "{}")
	writeCompletionFile(t, filepath.Join(dir, "profiles", "personal"), "")
	writeCompletionFile(t, filepath.Join(dir, "config.yaml"), "profiles:\n  band:\n    client_id: x\n")
	env := map[string]string{"SPOTCLI_CONFIG_DIR": dir}

	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"every stored profile", []string{"--profile", ""}, []string{"band", "default", "personal", "work"}},
		{"prefix", []string{"--profile", "w"}, []string{"work"}},
		{"after a command", []string{"playlists", "--profile", "p"}, []string{"personal"}},
		{"--profile=", []string{"--profile="}, []string{"band", "default", "personal", "work"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, directive := runComplete(t, env, tt.args...)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("completions (-want +got):\n%s", diff)
			}
			if directive != ":4" {
				t.Errorf("directive %q, want :4 (no file completion)", directive)
			}
		})
	}
}

// TestCompleteProfileNeverFails: a config that cannot be read gives no
// suggestions, and no error.
func TestCompleteProfileNeverFails(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeCompletionFile(t, filepath.Join(dir, "tokens", "work.json"), "{}")
	writeCompletionFile(t, filepath.Join(dir, "config.yaml"), "client_id: [unclosed\n")
	got, directive := runComplete(t, map[string]string{"SPOTCLI_CONFIG_DIR": dir}, "--profile", "")
	if len(got) != 0 || directive != ":4" {
		t.Errorf("got %q %s, want no suggestions and :4", got, directive)
	}
	got, _ = runComplete(t, map[string]string{"SPOTCLI_CONFIG_DIR": dir}, "--config", filepath.Join(dir, "missing.yaml"), "--profile", "")
	if len(got) != 0 {
		t.Errorf("with a missing --config file: got %q, want nothing", got)
	}
}

func TestCompleteProfileWithConfigFlag(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	other := filepath.Join(t.TempDir(), "other.yaml")
	writeCompletionFile(t, other, "profiles:\n  fromflag:\n    client_id: x\n")
	got, _ := runComplete(t, map[string]string{"SPOTCLI_CONFIG_DIR": dir}, "--config", other, "--profile", "f")
	if diff := cmp.Diff([]string{"fromflag"}, got); diff != "" {
		t.Errorf("completions (-want +got):\n%s", diff)
	}
}

// TestCompleteOutput: every command with an -o/--output of fixed words
// offers them, so listing commands added later get it too.
func TestCompleteOutput(t *testing.T) {
	t.Parallel()
	root := NewRootCmd(NewFactory(BuildInfo{}))
	var checked int
	walk(root, func(c *cobra.Command) {
		fl := c.LocalNonPersistentFlags().Lookup("output")
		if fl == nil {
			return
		}
		e, ok := fl.Value.(*cmdutil.EnumValue)
		if !ok {
			return
		}
		checked++
		path := strings.Fields(c.CommandPath())[1:]
		for _, form := range [][]string{{"-o", ""}, {"--output", ""}} {
			got, directive := runComplete(t, nil, append(append([]string{}, path...), form...)...)
			if diff := cmp.Diff(e.Allowed, got); diff != "" {
				t.Errorf("spotcli %s %s completions (-want +got):\n%s", c.CommandPath(), form[0], diff)
			}
			if directive != ":4" {
				t.Errorf("directive %q, want :4", directive)
			}
		}
	})
	if checked == 0 {
		t.Fatal("no command has an -o flag of fixed words")
	}
	got, _ := runComplete(t, nil, "playlists", "-o", "t")
	if diff := cmp.Diff([]string{"table", "tsv"}, got); diff != "" {
		t.Errorf("playlists -o t (-want +got):\n%s", diff)
	}
}

func TestCompleteScopes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, toComplete string
		want             []string
	}{
		{"prefix", "playlist-modify", []string{"playlist-modify-private", "playlist-modify-public"}},
		{"after a comma, the scopes not yet listed", "playlist-read-private,playlist-read-", []string{"playlist-read-private,playlist-read-collaborative"}},
		{"unknown", "nonsense", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, directive := runComplete(t, nil, "login", "--scopes", tt.toComplete)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("completions (-want +got):\n%s", diff)
			}
			if directive != ":6" {
				t.Errorf("directive %q, want :6 (no space, no file completion)", directive)
			}
		})
	}
	all, _ := runComplete(t, nil, "login", "--scopes", "")
	for _, s := range []string{"user-read-private", "user-read-email", "playlist-read-private", "playlist-read-collaborative", "user-library-read", "user-modify-playback-state", "streaming"} {
		if !hasWord(all, s) {
			t.Errorf("login --scopes does not offer %s; got %q", s, all)
		}
	}
}

func hasWord(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
