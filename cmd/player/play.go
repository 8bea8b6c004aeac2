package player

import (
	"context"
	"errors"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/internal/api"
)

type playOptions struct {
	control
	Items []string
}

// NewPlayCmd is spotcli player play.
func NewPlayCmd(f *cmdutil.Factory, runF func(context.Context, *playOptions) error) *cobra.Command {
	o := &playOptions{control: control{f: f}}
	c := &cobra.Command{
		Use:   "play [ITEM...]",
		Short: "Start or resume playback",
		Long: `Without ITEM, resume playback. Tracks and episodes play as a list, in the order
given; one album, playlist, artist or show plays as the context (with its
order, shuffle and repeat). ITEM is a spotify: URI, an open.spotify.com link,
or current.

  spotcli player play
  spotcli player play spotify:playlist:3cEYpjA9oz9GiPac4AsH4n --device Kitchen
  spotcli player play spotify:track:4uLU6hMCjMI75M1A2tKUQC spotify:track:6rqhFgbbKwnb9MLmUQDhG6

It returns once Spotify reports the new item (at most a few seconds), so a
spotcli now right after it prints that item.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Items = args
			return runE(o, runF, runPlay)(cmd, args)
		},
	}
	o.addDeviceFlag(c)
	return c
}

func runPlay(ctx context.Context, o *playOptions) error {
	items, err := parseItems(ctx, &o.control, o.Items)
	if err != nil {
		return err
	}
	var req api.PlayRequest
	for _, it := range items {
		switch {
		case it.context() && (req.ContextURI != "" || len(req.URIs) > 0), !it.context() && req.ContextURI != "":
			return cmdutil.UsageErrorf("play takes one album, playlist, artist or show, or any number of tracks and episodes, not both")
		case it.context():
			req.ContextURI = it.URI()
		default:
			req.URIs = append(req.URIs, it.URI())
		}
	}
	err = o.do(ctx, func(client *api.Client, device string) error {
		return client.Play(ctx, device, req)
	})
	if len(items) == 0 && isRefused(err) {
		// Spotify refuses to resume what plays: check, and call it done.
		if client, cerr := o.api(); cerr == nil {
			if st, ok := peek(ctx, client); ok && st != nil && st.IsPlaying {
				return nil
			}
		}
	}
	if err != nil {
		return err
	}
	o.settle(ctx, func(st *api.PlaybackState) bool {
		switch {
		case st == nil:
			return false
		case req.ContextURI != "":
			return st.Context != nil && st.Context.URI() == req.ContextURI && st.Item != nil
		case len(req.URIs) > 0:
			return itemURI(st) == req.URIs[0]
		}
		return st.IsPlaying
	})
	return nil
}

// isRefused reports Spotify's 403 "Restriction violated", its answer to a
// command the player cannot take now (pausing what is paused).
func isRefused(err error) bool {
	var pe *api.PlayerError
	return errors.As(err, &pe) && pe.API.Status == 403 && strings.Contains(strings.ToLower(pe.API.Message), "restriction")
}
