package player

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/internal/api"
)

type seekOptions struct {
	control
	Position string
}

// NewSeekCmd is spotcli player seek.
func NewSeekCmd(f *cmdutil.Factory, runF func(context.Context, *seekOptions) error) *cobra.Command {
	o := &seekOptions{control: control{f: f}}
	c := &cobra.Command{
		Use:   "seek POSITION",
		Short: "Move to a position in the item",
		Long: `Move to POSITION in the item now playing: seconds (90), M:SS (1:30) or H:MM:SS;
+N or -N (in any of these forms) moves from the current position.

  spotcli player seek 1:30
  spotcli player seek +15`,
		Args: exactArgs(1, "a POSITION such as 1:30 or 90"),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Position = args[0]
			return runE(o, runF, runSeek)(cmd, args)
		},
	}
	o.addDeviceFlag(c)
	return c
}

// parsePosition reads seconds, M:SS or H:MM:SS, with an optional sign
// (relative).
func parsePosition(s string) (d time.Duration, sign int, err error) {
	s = strings.TrimSpace(s)
	bad := cmdutil.UsageErrorf("invalid position %q: use seconds (90), M:SS (1:30) or H:MM:SS, optionally with + or -", s)
	sign, s = cutSign(s)
	parts := strings.Split(s, ":")
	if len(parts) > 3 || s == "" {
		return 0, 0, bad
	}
	var total float64
	for i, p := range parts {
		n, err := strconv.ParseFloat(p, 64)
		if err != nil || n < 0 || p == "" || strings.ContainsAny(p, "eE+-") {
			return 0, 0, bad
		}
		if i > 0 && n >= 60 {
			return 0, 0, bad
		}
		if i < len(parts)-1 && n != float64(int64(n)) {
			return 0, 0, bad
		}
		total = total*60 + n
	}
	if total > 24*3600 {
		return 0, 0, bad
	}
	return time.Duration(total * float64(time.Second)), sign, nil
}

// cutSign cuts a leading + (1) or - (-1) from s; 0 when there is none: a
// relative position or volume.
func cutSign(s string) (sign int, rest string) {
	switch {
	case strings.HasPrefix(s, "+"):
		return 1, s[1:]
	case strings.HasPrefix(s, "-"):
		return -1, s[1:]
	}
	return 0, s
}

func runSeek(ctx context.Context, o *seekOptions) error {
	d, sign, err := parsePosition(o.Position)
	if err != nil {
		return err
	}
	if sign != 0 {
		client, err := o.api()
		if err != nil {
			return err
		}
		st, _, err := client.CurrentlyPlaying(ctx)
		if err != nil {
			return err
		}
		if st == nil || st.Item == nil {
			return errors.New("nothing is playing: a relative position needs an item")
		}
		d = max(progressOf(st)+time.Duration(sign)*d, 0)
	}
	return o.do(ctx, func(client *api.Client, device string) error { return client.Seek(ctx, device, d) })
}

type volumeOptions struct {
	control
	Volume string
}

// NewVolumeCmd is spotcli player volume.
func NewVolumeCmd(f *cmdutil.Factory, runF func(context.Context, *volumeOptions) error) *cobra.Command {
	o := &volumeOptions{control: control{f: f}}
	c := &cobra.Command{
		Use:   "volume N|+N|-N",
		Short: "Set the volume (0 to 100), or change it by N",
		Long: `Set the device's volume to N percent (0 to 100), or raise (+N) or lower (-N)
it, stopping at 0 and 100. Some devices (phones, some speakers) do not let
their volume be set remotely.

  spotcli player volume 40
  spotcli player volume -- -10`,
		Args: exactArgs(1, "a volume N, +N or -N"),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Volume = args[0]
			return runE(o, runF, runVolume)(cmd, args)
		},
	}
	o.addDeviceFlag(c)
	return c
}

func parseVolume(s string) (n, sign int, err error) {
	s = strings.TrimSpace(s)
	sign, s = cutSign(s)
	n, err = strconv.Atoi(s)
	if err != nil || n < 0 || n > 100 || strings.HasPrefix(s, "+") {
		return 0, 0, cmdutil.UsageErrorf("invalid volume %q: use a whole number from 0 to 100, or +N or -N to change it", s)
	}
	return n, sign, nil
}

func runVolume(ctx context.Context, o *volumeOptions) error {
	n, sign, err := parseVolume(o.Volume)
	if err != nil {
		return err
	}
	if sign == 0 {
		return o.do(ctx, func(client *api.Client, device string) error { return client.SetVolume(ctx, device, n) })
	}
	// Relative: the device's volume now, from the device list (which also
	// resolves --device).
	return o.do(ctx, func(client *api.Client, device string) error {
		devs, _, err := client.Devices(ctx)
		if err != nil {
			return err
		}
		var cur *api.Device
		for _, d := range devs {
			if d != nil && (device != "" && d.ID == device || device == "" && d.IsActive) {
				cur = d
			}
		}
		if cur == nil && device == "" {
			return errNoActive{}
		}
		if cur == nil || cur.VolumePercent == nil {
			return fmt.Errorf("this device does not tell its volume, so it cannot be changed by %s%d: give a volume from 0 to 100", map[int]string{1: "+", -1: "-"}[sign], n)
		}
		return client.SetVolume(ctx, device, min(max(*cur.VolumePercent+sign*n, 0), 100))
	})
}

type modeOptions struct {
	control
	State string
}

// NewShuffleCmd is spotcli player shuffle.
func NewShuffleCmd(f *cmdutil.Factory, runF func(context.Context, *modeOptions) error) *cobra.Command {
	return newModeCmd(f, runF, "shuffle", "Turn shuffle on or off", "", []string{"on", "off"},
		func(client *api.Client, ctx context.Context, device, state string) error {
			return client.SetShuffle(ctx, device, state == "on")
		})
}

// NewRepeatCmd is spotcli player repeat.
func NewRepeatCmd(f *cmdutil.Factory, runF func(context.Context, *modeOptions) error) *cobra.Command {
	return newModeCmd(f, runF, "repeat", "Set the repeat mode",
		"Set the repeat mode: off, track (this item over and over) or context (the album, playlist... from its start).",
		[]string{"off", "track", "context"}, (*api.Client).SetRepeat)
}

// newModeCmd is a command that sets a mode of the player to one of states.
func newModeCmd(f *cmdutil.Factory, runF func(context.Context, *modeOptions) error, name, short, long string, states []string,
	set func(client *api.Client, ctx context.Context, device, state string) error) *cobra.Command {
	o := &modeOptions{control: control{f: f}}
	list := strings.Join(states[:len(states)-1], ", ") + " or " + states[len(states)-1]
	c := &cobra.Command{
		Use:       name + " " + strings.Join(states, "|"),
		Short:     short,
		Long:      long,
		Args:      exactArgs(1, list),
		ValidArgs: states,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.State = args[0]
			if !slices.Contains(states, o.State) {
				return cmdutil.UsageErrorf("%s takes %s, got %q", name, list, o.State)
			}
			return runE(o, runF, func(ctx context.Context, o *modeOptions) error {
				return o.do(ctx, func(client *api.Client, device string) error { return set(client, ctx, device, o.State) })
			})(cmd, args)
		},
	}
	o.addDeviceFlag(c)
	return c
}

// exactArgs wants n arguments, naming what they are in its error.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return cmdutil.UsageErrorf("spotcli player %s takes %s (see 'spotcli player %s --help')", cmd.Name(), what, cmd.Name())
		}
		return nil
	}
}

// errNoActive is NO_ACTIVE_DEVICE found in the device list rather than
// answered by Spotify: no device is active.
type errNoActive struct{}

func (errNoActive) Error() string {
	return "no active device: open Spotify somewhere, or pass --device (spotcli player devices lists them)"
}

func (errNoActive) Is(target error) bool { return target == api.ErrNoActiveDevice }
