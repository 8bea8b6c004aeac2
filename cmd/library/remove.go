package library

import (
	"context"
	"net/http"

	"github.com/spf13/cobra"
	"github.com/spotcli/spotcli/cmd/cmdutil"
)

func newRemoveCmd(f *cmdutil.Factory, runF func(context.Context, *writeOptions) error) *cobra.Command {
	return newWriteCmd(f, runF, http.MethodDelete)
}
