package library

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/spf13/cobra"
	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/internal/api"
)

type writeOptions struct {
	f      *cmdutil.Factory
	Items  []string
	method string // PUT saves, DELETE removes
}

func newSaveCmd(f *cmdutil.Factory, runF func(context.Context, *writeOptions) error) *cobra.Command {
	return newWriteCmd(f, runF, http.MethodPut)
}

func newWriteCmd(f *cmdutil.Factory, runF func(context.Context, *writeOptions) error, method string) *cobra.Command {
	o := &writeOptions{f: f, method: method}
	c := &cobra.Command{
		Use:   "save [ITEM...]",
		Short: "Save tracks, albums, episodes or shows to your library",
		Long: `Save items to your library (PUT /me/library), 40 a request, in the order given.
Saving what is saved already changes nothing, so a failed run can simply be
run again; a request that was sent but never answered is checked with
/me/library/contains before anything else is sent.

` + itemsHelp,
		Example: `  spotcli library save spotify:track:4uLU6hMCjMI75M1A2tKUQC spotify:album:1ATL5GLyefJaxhQzSPVrLX
  spotcli search 'artist:ABBA' -o uri --limit 10 | spotcli library save`,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Items = args
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runWrite(cmd.Context(), o)
		},
	}
	if method == http.MethodDelete {
		c.Use = "remove [ITEM...]"
		c.Short = "Remove tracks, albums, episodes or shows from your library"
		c.Long = `Remove items from your library (DELETE /me/library), 40 a request. Removing
what is not there changes nothing, so a failed run can simply be run again; a
request that was sent but never answered is checked with /me/library/contains
before anything else is sent.

` + itemsHelp
		c.Example = `  spotcli library remove spotify:track:4uLU6hMCjMI75M1A2tKUQC
  spotcli library tracks -o uri | head -n 5 | spotcli library remove`
	}
	return c
}

func runWrite(ctx context.Context, o *writeOptions) error {
	refs, err := cmdutil.ReadItems(ctx, o.f, o.Items, parser)
	if err != nil {
		return err
	}
	if len(refs) == 0 {
		fmt.Fprintln(o.f.Err, "no items on stdin: nothing to do")
		return nil
	}
	client, _, err := o.f.UserClient()
	if err != nil {
		return err
	}
	uris := api.URIs(refs)
	verb, write := "saved", client.SaveToLibrary
	if o.method == http.MethodDelete {
		verb, write = "removed", client.RemoveFromLibrary
	}
	err = write(ctx, uris, nil)
	var be *api.BatchError
	switch {
	case errors.As(err, &be) && be.Done == 0:
		return be.Err
	case errors.As(err, &be):
		return fmt.Errorf("%s %d of %d items; the next is %s; run the same command again to finish (it is safe to repeat): %w",
			verb, be.Done, be.Total, cmdutil.Where(refs, be.Done), be.Err)
	case err != nil:
		return err
	}
	fmt.Fprintf(o.f.Err, "%s %d items\n", verb, len(uris))
	return nil
}
