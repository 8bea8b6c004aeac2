package cmdutiltest

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spotcli/spotcli/cmd/cmdutil"
)

// Parse runs a command's flag and argument parsing only (the command's runF
// captures the options instead of running), with empty stdin and its output
// discarded.
func Parse(t *testing.T, c *cobra.Command, args ...string) error {
	t.Helper()
	c.SetArgs(args)
	c.SetIn(strings.NewReader(""))
	c.SetOut(io.Discard)
	c.SetErr(io.Discard)
	c.SilenceUsage, c.SilenceErrors = true, true
	return c.ExecuteContext(context.Background())
}

// WantCode fails the test unless err maps to the exit code want.
func WantCode(t *testing.T, err error, want int) {
	t.Helper()
	if got := cmdutil.ExitCode(context.Background(), err); got != want {
		t.Fatalf("exit code %d (%v), want %d", got, err, want)
	}
}

// WantError fails the test unless err says want and maps to the exit code
// code.
func WantError(t *testing.T, err error, want string, code int) {
	t.Helper()
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v, want %q", err, want)
	}
	WantCode(t, err, code)
}
