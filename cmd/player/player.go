// Package player is spotcli now and the spotcli player group: what is
// playing, and control of Spotify Connect devices.
package player

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/internal/api"
	"github.com/spotcli/spotcli/internal/config"
)

// NewPlayerCmd is the player group.
func NewPlayerCmd(f *cmdutil.Factory) *cobra.Command {
	c := &cobra.Command{
		Use:   "player",
		Short: "Control Spotify Connect playback: play, pause, next, devices, queue...",
		Long: `Control playback on your Spotify Connect devices (the desktop and mobile apps,
speakers, the web player) and read what they play.

Reading (status, devices, queue, recent) works with any account; controlling
playback needs Spotify Premium. The login needs the scopes
user-read-playback-state, user-modify-playback-state,
user-read-currently-playing and user-read-recently-played.

Control commands take --device NAME|ID: a device's name (case-insensitive), a
unique prefix of it, or its ID; spotcli player devices lists them. Without
--device they act on the active device; when none is active and the device
setting names one (SPOTCLI_DEVICE, or device: in the config file), they
target that one.

An ITEM is a spotify: URI (spotify:track:ID, spotify:album:ID, ...), an
open.spotify.com link, or current: the item now playing.`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	c.AddCommand(
		NewStatusCmd(f, nil),
		NewPlayCmd(f, nil),
		NewPauseCmd(f, nil),
		NewNextCmd(f, nil),
		NewPrevCmd(f, nil),
		NewSeekCmd(f, nil),
		NewVolumeCmd(f, nil),
		NewShuffleCmd(f, nil),
		NewRepeatCmd(f, nil),
		NewQueueCmd(f, nil),
		NewDevicesCmd(f, nil),
		NewTransferCmd(f, nil),
		NewRecentCmd(f, nil),
	)
	withScopeHint(f, c)
	return c
}

// withScopeHint makes c's commands, and those below it, answer a missing
// scope with the login command that adds it to the login's own scopes.
func withScopeHint(f *cmdutil.Factory, c *cobra.Command) {
	if run := c.RunE; run != nil {
		c.RunE = func(cmd *cobra.Command, args []string) error { return scopeHint(f, run(cmd, args)) }
	}
	for _, sub := range c.Commands() {
		withScopeHint(f, sub)
	}
}

// scopeError is a missing scope, with the command that fixes it.
type scopeError struct {
	msg string
	err error
}

func (e *scopeError) Error() string { return e.msg }
func (e *scopeError) Unwrap() error { return e.err }

func scopeHint(f *cmdutil.Factory, err error) error {
	var pe *api.PlayerError
	if !errors.As(err, &pe) || pe.Scope == "" {
		return err
	}
	have := config.SplitScopes(config.DefaultScopes)
	if src, cerr := f.Credentials(); cerr == nil {
		if rec, rerr := src.Record(); rerr == nil && len(rec.Scopes) > 0 {
			have = rec.Scopes
		}
	}
	// login --add-scopes keeps the login's scopes: name the player's that
	// it lacks, the one refused first.
	add := []string{pe.Scope}
	for _, s := range api.PlayerScopes {
		if !slices.Contains(have, s) && !slices.Contains(add, s) {
			add = append(add, s)
		}
	}
	flags := ""
	if s, serr := f.Settings(); serr == nil {
		flags = cmdutil.LoginFlags(s.Profile)
	}
	return &scopeError{
		msg: fmt.Sprintf("the login lacks the %s scope: add the player's scopes to the login with:\n  spotcli login --add-scopes %s%s", pe.Scope, strings.Join(add, ","), flags),
		err: err,
	}
}

// Timing of the wait for Spotify to show a command's effect: its state
// endpoints lag behind a next or a play by up to a second or two.
const (
	settleTimeout = 4 * time.Second
	settleFirst   = 150 * time.Millisecond
)

// control is what every control command shares: the client and the device
// to act on.
type control struct {
	f *cmdutil.Factory
	// Device is --device: a name, unique name prefix or ID.
	Device string
	// sleep waits between polls; tests may shorten it.
	sleep func(ctx context.Context, d time.Duration) error

	client   *api.Client
	resolved map[string]*api.Device // by query, so that queue A B resolves --device once
}

func (c *control) addDeviceFlag(cmd *cobra.Command) {
	cmd.Flags().StringVar(&c.Device, "device", "", "act on this `DEVICE`: a name (case-insensitive), a unique prefix of one, or an ID (default: the active device, else the device setting)")
	_ = cmd.RegisterFlagCompletionFunc("device", completeDevices(c.f))
}

// completeDevices offers the names of the devices online, asking Spotify
// (for at most 3 s). Completion never fails and never prints: any error
// gives no suggestions.
func completeDevices(f *cmdutil.Factory) cobra.CompletionFunc {
	return func(cmd *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		// This process only completes: what it would say goes nowhere.
		f.Err = io.Discard
		f.SetFlags(cmd.Flags())
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		client, _, err := f.UserClient()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		devs, _, err := client.Devices(ctx)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []cobra.Completion
		for _, d := range devs {
			if d == nil || d.ID == "" || !strings.HasPrefix(strings.ToLower(d.Name), strings.ToLower(toComplete)) {
				continue
			}
			desc := d.Type
			if d.IsActive {
				desc += ", active"
			}
			out = append(out, cobra.CompletionWithDesc(d.Name, desc))
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

func (c *control) api() (*api.Client, error) {
	if c.client != nil {
		return c.client, nil
	}
	client, _, err := c.f.UserClient()
	if err != nil {
		return nil, err
	}
	c.client = client
	return client, nil
}

func (c *control) wait(ctx context.Context, d time.Duration) error {
	if c.sleep != nil {
		return c.sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// do runs a control call on the right device. With --device it resolves
// the device first and targets it. Without, it acts on the active device;
// if there is none and the device setting names one, it targets that one,
// once: a 404 NO_ACTIVE_DEVICE means the command did nothing, so sending it
// again is safe.
func (c *control) do(ctx context.Context, call func(client *api.Client, deviceID string) error) error {
	client, err := c.api()
	if err != nil {
		return err
	}
	if c.Device != "" {
		d, err := c.resolve(ctx, c.Device)
		if err != nil {
			return err
		}
		return call(client, d.ID)
	}
	err = call(client, "")
	if !errors.Is(err, api.ErrNoActiveDevice) {
		return err
	}
	s, serr := c.f.Settings()
	if serr != nil || s.Device == "" {
		return err
	}
	d, rerr := c.resolve(ctx, s.Device)
	if rerr != nil {
		return fmt.Errorf("no active device, and the device setting %q: %w", s.Device, rerr)
	}
	return call(client, d.ID)
}

// resolve finds a device by ID, name or unique name prefix.
func (c *control) resolve(ctx context.Context, query string) (*api.Device, error) {
	if d, ok := c.resolved[query]; ok {
		return d, nil
	}
	client, err := c.api()
	if err != nil {
		return nil, err
	}
	devs, _, err := client.Devices(ctx)
	if err != nil {
		return nil, err
	}
	d, err := matchDevice(devs, query)
	if err != nil {
		return nil, err
	}
	if c.resolved == nil {
		c.resolved = map[string]*api.Device{}
	}
	c.resolved[query] = d
	return d, nil
}

// matchDevice picks the device query names: its ID exactly, else its name
// case-insensitively, else the one device whose name starts with it.
func matchDevice(devs []*api.Device, query string) (*api.Device, error) {
	q := strings.TrimSpace(query)
	var live []*api.Device
	for _, d := range devs {
		if d != nil {
			live = append(live, d)
		}
	}
	if len(live) == 0 {
		return nil, errors.New("no Spotify Connect device is online: open Spotify on one (spotcli player devices lists them)")
	}
	pick := func(d *api.Device) (*api.Device, error) {
		if d.ID == "" {
			return nil, fmt.Errorf("device %q cannot be controlled through the Web API (Spotify gives it no ID)", d.Name)
		}
		return d, nil
	}
	for _, d := range live {
		if d.ID != "" && d.ID == q {
			return pick(d)
		}
	}
	var named, prefixed []*api.Device
	for _, d := range live {
		switch n := strings.ToLower(d.Name); {
		case n == strings.ToLower(q):
			named = append(named, d)
		case q != "" && strings.HasPrefix(n, strings.ToLower(q)):
			prefixed = append(prefixed, d)
		}
	}
	for _, set := range [][]*api.Device{named, prefixed} {
		switch len(set) {
		case 0:
			continue
		case 1:
			return pick(set[0])
		}
		return nil, fmt.Errorf("%q matches %d devices (%s): give more of the name, or the ID (spotcli player devices lists them)", q, len(set), deviceNames(set))
	}
	return nil, fmt.Errorf("no device matches %q; online: %s (spotcli player devices lists them)", q, deviceNames(live))
}

func deviceNames(devs []*api.Device) string {
	names := make([]string, len(devs))
	for i, d := range devs {
		names[i] = fmt.Sprintf("%q", d.Name)
	}
	return strings.Join(names, ", ")
}

// peek reads what plays without failing: the wait after a command is a
// courtesy, and a login without the reading scopes just skips it.
func peek(ctx context.Context, client *api.Client) (*api.PlaybackState, bool) {
	st, _, err := client.CurrentlyPlaying(ctx)
	if err != nil {
		return nil, false
	}
	return st, true
}

// settle waits, briefly and boundedly, until Spotify's state shows what a
// command did (done says when), so that a `spotcli now` right after it does
// not print the old item. It reports whether it saw the change.
func (c *control) settle(ctx context.Context, done func(*api.PlaybackState) bool) bool {
	client, err := c.api()
	if err != nil {
		return false
	}
	deadline := time.Now().Add(settleTimeout)
	delay := settleFirst
	for {
		st, ok := peek(ctx, client)
		if !ok {
			return false
		}
		if done(st) {
			return true
		}
		if time.Now().Add(delay).After(deadline) {
			cmdutil.Warn(c.f.Err, "Spotify does not show the change yet; spotcli now may show the previous item for a moment")
			return false
		}
		if c.wait(ctx, delay) != nil {
			return false
		}
		delay = min(delay*3/2, time.Second)
	}
}

// itemURI is the URI of what plays, "" for nothing.
func itemURI(st *api.PlaybackState) string {
	if st == nil || st.Item == nil {
		return ""
	}
	return st.Item.URI()
}

func progressOf(st *api.PlaybackState) time.Duration {
	if st == nil || st.ProgressMS == nil {
		return 0
	}
	return time.Duration(*st.ProgressMS) * time.Millisecond
}

// runFunc is a command's run function, or the runF through which a test
// sees the options its command line made.
type runFunc[T any] func(context.Context, *T) error

func runE[T any](o *T, runF runFunc[T], run runFunc[T]) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, _ []string) error {
		if runF != nil {
			return runF(cmd.Context(), o)
		}
		return run(cmd.Context(), o)
	}
}
