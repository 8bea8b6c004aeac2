package player

import (
	"context"

	"github.com/spf13/cobra"
	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/internal/api"
)

type pauseOptions struct{ control }

// NewPauseCmd is spotcli player pause.
func NewPauseCmd(f *cmdutil.Factory, runF func(context.Context, *pauseOptions) error) *cobra.Command {
	o := &pauseOptions{control{f: f}}
	c := &cobra.Command{
		Use:   "pause",
		Short: "Pause playback",
		Long:  "Pause playback; it returns once Spotify reports it paused. Pausing what is already paused succeeds (Spotify itself refuses it).",
		Args:  cmdutil.NoArgs,
		RunE:  runE(o, runF, runPause),
	}
	o.addDeviceFlag(c)
	return c
}

func runPause(ctx context.Context, o *pauseOptions) error {
	err := o.do(ctx, func(client *api.Client, device string) error { return client.Pause(ctx, device) })
	if isRefused(err) {
		if client, cerr := o.api(); cerr == nil {
			if st, ok := peek(ctx, client); ok && (st == nil || !st.IsPlaying) {
				return nil
			}
		}
	}
	if err != nil {
		return err
	}
	// As after next: a status read right after says paused.
	o.settle(ctx, func(st *api.PlaybackState) bool { return st == nil || !st.IsPlaying })
	return nil
}

type skipOptions struct {
	control
	back bool
}

// NewNextCmd is spotcli player next.
func NewNextCmd(f *cmdutil.Factory, runF func(context.Context, *skipOptions) error) *cobra.Command {
	o := &skipOptions{control: control{f: f}}
	c := &cobra.Command{
		Use:   "next",
		Short: "Skip to the next item",
		Long: `Skip to the next item (the queue's first, else the context's next). It returns
once Spotify reports the new item (at most a few seconds), so a spotcli now
right after it never prints the old one.`,
		Args: cmdutil.NoArgs,
		RunE: runE(o, runF, runSkip),
	}
	o.addDeviceFlag(c)
	return c
}

// NewPrevCmd is spotcli player prev.
func NewPrevCmd(f *cmdutil.Factory, runF func(context.Context, *skipOptions) error) *cobra.Command {
	o := &skipOptions{control: control{f: f}, back: true}
	c := &cobra.Command{
		Use:     "prev",
		Aliases: []string{"previous"},
		Short:   "Go back to the previous item (or the start of this one)",
		Long: `Go back to the previous item; past the first seconds of an item, Spotify
restarts it instead. Like next, it returns once Spotify reports the change.`,
		Args: cmdutil.NoArgs,
		RunE: runE(o, runF, runSkip),
	}
	o.addDeviceFlag(c)
	return c
}

func runSkip(ctx context.Context, o *skipOptions) error {
	client, err := o.api()
	if err != nil {
		return err
	}
	// What played before, to see the change: one request.
	before, seen := peek(ctx, client)
	err = o.do(ctx, func(client *api.Client, device string) error {
		if o.back {
			return client.Previous(ctx, device)
		}
		return client.Next(ctx, device)
	})
	if err != nil || !seen || before == nil || before.Item == nil {
		return err
	}
	oldURI, oldPos := itemURI(before), progressOf(before)
	o.settle(ctx, func(st *api.PlaybackState) bool {
		if itemURI(st) != oldURI {
			return true
		}
		// prev restarting the item: the same URI, from the start.
		return o.back && progressOf(st) < oldPos
	})
	return nil
}
