package playlists

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/internal/api"
)

type createOptions struct {
	f             *cmdutil.Factory
	Name          string
	Description   string
	Public        bool
	Collaborative bool
}

func newCreateCmd(f *cmdutil.Factory, runF func(context.Context, *createOptions) error) *cobra.Command {
	o := &createOptions{f: f}
	c := &cobra.Command{
		Use:   "create NAME",
		Short: "Create a playlist and print its ID",
		Long: `Create a playlist in your library (POST /me/playlists) and print its ID on
stdout, nothing else, so that a script can keep it:

  id=$(spotcli playlists create "Road trip")

The playlist is private unless --public is given; --collaborative makes a
private playlist others can change. It needs the playlist-modify-private scope
(playlist-modify-public with --public).`,
		Example: `  spotcli playlists create "Road trip"
  spotcli playlists create "ABBA mix" --public --description "The best of ABBA"
  id=$(spotcli playlists create "Shared" --collaborative) && spotcli playlists add "$id" spotify:track:4uLU6hMCjMI75M1A2tKUQC`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 || args[0] == "" {
				return cmdutil.UsageErrorf("spotcli playlists create takes one NAME, got %d arguments", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Name = args[0]
			if o.Public && o.Collaborative {
				return cmdutil.UsageErrorf("--public and --collaborative contradict each other: Spotify's collaborative playlists are private")
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runCreate(cmd.Context(), o)
		},
	}
	c.Flags().StringVar(&o.Description, "description", "", "the playlist's description")
	c.Flags().BoolVar(&o.Public, "public", false, "make it public (default private)")
	c.Flags().BoolVar(&o.Collaborative, "collaborative", false, "let others change it (a private playlist)")
	return c
}

func runCreate(ctx context.Context, o *createOptions) error {
	client, _, err := o.f.UserClient()
	if err != nil {
		return err
	}
	id, err := createPlaylist(ctx, client, o.Name, o.Description, o.Public, o.Collaborative)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(o.f.Out, id)
	return err
}

// createPlaylist creates a playlist; a creation whose outcome is unknown is
// not repeated: the error lists what the library now holds of that name.
func createPlaylist(ctx context.Context, client *api.Client, name, description string, public, collaborative bool) (string, error) {
	id, err := client.CreatePlaylist(ctx, name, description, public, collaborative)
	var unknown *api.UnknownOutcomeError
	switch {
	case errors.As(err, &unknown):
		t, rerr := resolvePlaylist(ctx, client, name)
		var nf *notFoundError
		switch {
		case errors.As(rerr, &nf):
			return "", fmt.Errorf("creating %q: %w; your library holds no playlist of that name, so it was not created: run the command again", name, err)
		case rerr == nil:
			return "", fmt.Errorf("creating %q: %w; your library now holds a playlist of that name, %s: check whether it is the new one before creating another", name, err, t.ID)
		}
		return "", fmt.Errorf("creating %q: %w; check with spotcli playlists before creating another", name, err)
	}
	return id, err
}
