package cmdutil

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

// NoArgs refuses positional arguments with a usage error.
func NoArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return UsageErrorf("spotcli %s takes no arguments, got %q", cmd.Name(), args[0])
	}
	return nil
}

// Warn writes one line to stderr.
func Warn(w io.Writer, format string, a ...any) {
	fmt.Fprintf(w, "warning: "+format+"\n", a...)
}
