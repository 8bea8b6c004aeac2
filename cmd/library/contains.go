package library

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/internal/api"
)

type containsOptions struct {
	f     *cmdutil.Factory
	Items []string
}

func newContainsCmd(f *cmdutil.Factory, runF func(context.Context, *containsOptions) error) *cobra.Command {
	o := &containsOptions{f: f}
	return &cobra.Command{
		Use:   "contains [ITEM...]",
		Short: "Say for each item whether your library has it",
		Long: `Print true or false for each item, one a line, in the order given: whether your
library holds it (GET /me/library/contains, 40 a request).

` + itemsHelp,
		Example: `  spotcli library contains spotify:track:4uLU6hMCjMI75M1A2tKUQC
  spotcli search 'artist:ABBA' -o uri --limit 10 | spotcli library contains | grep -c true`,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Items = args
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runContains(cmd.Context(), o)
		},
	}
}

func runContains(ctx context.Context, o *containsOptions) error {
	refs, err := cmdutil.ReadItems(ctx, o.f, o.Items, parser)
	if err != nil || len(refs) == 0 {
		return err
	}
	client, _, err := o.f.UserClient()
	if err != nil {
		return err
	}
	uris := api.URIs(refs)
	got, err := client.LibraryContains(ctx, uris)
	if err != nil {
		return err
	}
	for _, b := range got {
		if _, err := fmt.Fprintln(o.f.Out, b); err != nil {
			return err
		}
	}
	return nil
}
