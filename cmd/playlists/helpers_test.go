package playlists

import (
	"context"
	"io"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spotcli/spotcli/cmd/cmdutil"
)

// parse runs a command's flag and argument parsing only.
func parse(t *testing.T, c *cobra.Command, args ...string) error {
	t.Helper()
	c.SetArgs(args)
	c.SetOut(io.Discard)
	c.SetErr(io.Discard)
	c.SilenceUsage, c.SilenceErrors = true, true
	return c.ExecuteContext(context.Background())
}

func wantCode(t *testing.T, err error, want int) {
	t.Helper()
	if got := cmdutil.ExitCode(context.Background(), err); got != want {
		t.Fatalf("exit code %d (%v), want %d", got, err, want)
	}
}
