package playlists

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/internal/api"
)

type removeOptions struct {
	f        *cmdutil.Factory
	Playlist string
	Items    []string
}

func newRemoveCmd(f *cmdutil.Factory, runF func(context.Context, *removeOptions) error) *cobra.Command {
	o := &removeOptions{f: f}
	c := &cobra.Command{
		Use:   "remove PLAYLIST [ITEM...]",
		Short: "Remove tracks and episodes from a playlist, every occurrence",
		Long: `Remove every occurrence of each item from a playlist. ` + PlaylistHelp + `

` + cmdutil.ItemsHelp + `

Items go to Spotify in batches of 100. Removing is safe to repeat: if a batch
fails, run the same command again. A batch that was sent but never answered is
checked by reading the playlist before anything else is sent.`,
		Example: `  spotcli playlists remove "Road trip" spotify:track:4uLU6hMCjMI75M1A2tKUQC
  spotcli playlists items 3cEYpjA9oz9GiPac4AsH4n -o ndjson | jq -r 'select(.item.explicit) | .item.uri' | spotcli playlists remove 3cEYpjA9oz9GiPac4AsH4n`,
		ValidArgsFunction: completePlaylists(f),
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return cmdutil.UsageErrorf("spotcli playlists remove needs a PLAYLIST, then the items (or none, to read them from stdin)")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkPlaylistArg(args[0]); err != nil {
				return err
			}
			o.Playlist, o.Items = args[0], args[1:]
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runRemove(cmd.Context(), o)
		},
	}
	return c
}

func runRemove(ctx context.Context, o *removeOptions) error {
	refs, client, t, err := editInput(ctx, o.f, o.Items, o.Playlist, "remove")
	if err != nil || len(refs) == 0 {
		return err
	}
	uris := api.URIs(refs)
	_, err = client.RemovePlaylistItems(ctx, t.ID, uris, nil)
	var be *api.BatchError
	switch {
	case errors.As(err, &be) && be.Done == 0:
		return explainWrite(be.Err, "DELETE", t)
	case errors.As(err, &be):
		return fmt.Errorf("removed %d of %d distinct items from %s; removing is safe to repeat: run the same command again: %w",
			be.Done, be.Total, t.label(), explainWrite(be.Err, "DELETE", t))
	case err != nil:
		return explainWrite(err, "DELETE", t)
	}
	fmt.Fprintf(o.f.Err, "removed every occurrence of %d items from %s\n", len(distinctRefs(refs)), t.label())
	return nil
}

func distinctRefs(refs []api.RefLine) map[string]bool {
	m := map[string]bool{}
	for _, r := range refs {
		m[r.URI()] = true
	}
	return m
}
