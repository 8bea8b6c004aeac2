package player

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/internal/api"
)

// listOutput is -o of the lists that are not paged (devices, queue): the
// formats of every listing.
type listOutput struct {
	Output string
	JSON   bool
}

func (l *listOutput) addFlags(c *cobra.Command) {
	cmdutil.AddOutputFlags(c, &l.Output, &l.JSON)
}

func (l *listOutput) resolveJSON(cmd *cobra.Command) error {
	return cmdutil.ResolveJSON(cmd, l.JSON, &l.Output)
}

// write prints items: json and ndjson as Spotify sent them, tsv and table
// from their rows, uri the items' URIs (nil: the items have none, as
// devices).
func (l *listOutput) write(f *cmdutil.Factory, header []string, fit int, raws []json.RawMessage, rows [][]string, uris []string) error {
	switch format := f.Format(l.Output); format {
	case cmdutil.FormatJSON, cmdutil.FormatNDJSON:
		jw := f.JSONWriter(format == cmdutil.FormatJSON)
		for _, r := range raws {
			if err := jw.Write(r); err != nil {
				return err
			}
		}
		return jw.Close()
	case cmdutil.FormatURI:
		if uris == nil {
			return cmdutil.UsageErrorf("-o uri: these have no Spotify URI; use -o tsv or -o json")
		}
		for _, u := range uris {
			if u == "" {
				continue // an item Spotify sent as null
			}
			if _, err := fmt.Fprintln(f.Out, u); err != nil {
				return err
			}
		}
		return nil
	case cmdutil.FormatTSV:
		for _, r := range rows {
			if err := cmdutil.WriteTSV(f.Out, r...); err != nil {
				return err
			}
		}
		return nil
	}
	return cmdutil.WriteTable(f.Out, f.TermWidth(), fit, header, rows)
}

type devicesOptions struct {
	control
	listOutput
}

// NewDevicesCmd is spotcli player devices.
func NewDevicesCmd(f *cmdutil.Factory, runF func(context.Context, *devicesOptions) error) *cobra.Command {
	o := &devicesOptions{control: control{f: f}}
	c := &cobra.Command{
		Use:   "devices",
		Short: "List Spotify Connect devices",
		Long: `List the Spotify Connect devices online: the active one is marked *. Columns:
active, name, type, volume (empty when the device has none), ID. -o tsv gives
id, name, type, is_active, volume; -o json Spotify's device objects.`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.resolveJSON(cmd); err != nil {
				return err
			}
			return runE(o, runF, runDevices)(cmd, args)
		},
	}
	o.addFlags(c)
	return c
}

func runDevices(ctx context.Context, o *devicesOptions) error {
	client, err := o.api()
	if err != nil {
		return err
	}
	devs, raw, err := client.Devices(ctx)
	if err != nil {
		return err
	}
	var body struct {
		Devices []json.RawMessage `json:"devices"`
	}
	_ = json.Unmarshal(raw, &body)
	format := o.Output
	if format == "" && o.f.StdoutTTY() {
		format = cmdutil.FormatTable
	}
	var rows [][]string
	for _, d := range devs {
		if d == nil {
			continue
		}
		vol := ""
		if d.VolumePercent != nil {
			vol = strconv.Itoa(*d.VolumePercent)
		}
		if format == cmdutil.FormatTable {
			mark := ""
			if d.IsActive {
				mark = "*"
			}
			rows = append(rows, []string{mark, d.Name, d.Type, vol, d.ID})
		} else {
			rows = append(rows, []string{d.ID, d.Name, d.Type, strconv.FormatBool(d.IsActive), vol})
		}
	}
	return o.write(o.f, []string{"", "NAME", "TYPE", "VOLUME", "ID"}, 1, body.Devices, rows, nil)
}

type queueOptions struct {
	control
	listOutput
	Items []string
}

// NewQueueCmd is spotcli player queue.
func NewQueueCmd(f *cmdutil.Factory, runF func(context.Context, *queueOptions) error) *cobra.Command {
	o := &queueOptions{control: control{f: f}}
	c := &cobra.Command{
		Use:   "queue [ITEM...]",
		Short: "List the queue, or add tracks and episodes to it",
		Long: `Without ITEM, list what plays next (the queue, then the context), as a listing:
position, artists, title, URI (-o tsv the same, -o json Spotify's objects).
With ITEMs (tracks or episodes: spotify: URIs, open.spotify.com links or
current), add them to the queue in the order given.

  spotcli player queue spotify:track:4uLU6hMCjMI75M1A2tKUQC
  spotcli player queue -o tsv | cut -f4`,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Items = args
			if err := o.resolveJSON(cmd); err != nil {
				return err
			}
			return runE(o, runF, runQueue)(cmd, args)
		},
	}
	o.addFlags(c)
	o.addDeviceFlag(c)
	return c
}

func runQueue(ctx context.Context, o *queueOptions) error {
	if len(o.Items) == 0 {
		return listQueue(ctx, o)
	}
	items, err := parseItems(ctx, &o.control, o.Items)
	if err != nil {
		return err
	}
	for _, it := range items {
		if it.context() {
			return cmdutil.UsageErrorf("the queue takes tracks and episodes, not %s %s: play it with spotcli player play", it.Type, it.URI())
		}
	}
	for _, it := range items {
		if err := o.do(ctx, func(client *api.Client, device string) error { return client.AddToQueue(ctx, device, it.URI()) }); err != nil {
			return err
		}
	}
	return nil
}

func listQueue(ctx context.Context, o *queueOptions) error {
	client, err := o.api()
	if err != nil {
		return err
	}
	q, raw, err := client.Queue(ctx)
	if err != nil {
		return err
	}
	var body struct {
		Queue []json.RawMessage `json:"queue"`
	}
	_ = json.Unmarshal(raw, &body)
	var rows [][]string
	uris := []string{}
	for i, p := range q.Queue {
		if p == nil {
			rows, uris = append(rows, []string{strconv.Itoa(i + 1), "", "", ""}), append(uris, "")
			continue
		}
		rows = append(rows, []string{strconv.Itoa(i + 1), strings.Join(p.Artists(), ", "), p.Name(), p.URI()})
		uris = append(uris, p.URI())
	}
	return o.write(o.f, []string{"#", "ARTIST", "TITLE", "URI"}, 2, body.Queue, rows, uris)
}

type recentOptions struct {
	control
	list cmdutil.ListOptions
}

// NewRecentCmd is spotcli player recent.
func NewRecentCmd(f *cmdutil.Factory, runF func(context.Context, *recentOptions) error) *cobra.Command {
	o := &recentOptions{control: control{f: f}}
	c := &cobra.Command{
		Use:   "recent",
		Short: "List recently played tracks",
		Long: `List the tracks played recently, newest first (Spotify keeps about the last 50):
played at, artists, title, URI. -o json and ndjson give Spotify's play
history objects.`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.list.ResolveJSON(cmd); err != nil {
				return err
			}
			return runE(o, runF, runRecent)(cmd, args)
		},
	}
	o.list.AddFlags(c, "tracks")
	return c
}

func runRecent(ctx context.Context, o *recentOptions) error {
	client, err := o.api()
	if err != nil {
		return err
	}
	err = o.list.List(ctx, o.f, client, "me/player/recently-played", cmdutil.Listing{
		Header: []string{"PLAYED AT", "ARTIST", "TITLE", "URI"},
		Fit:    2,
		URI:    cmdutil.WrappedURI("track"), // a play history object holds its track

		Rows: func(_ int, raw json.RawMessage) ([]string, []string, error) {
			h, err := api.Decode[api.PlayHistory](raw)
			if err != nil {
				return nil, nil, err
			}
			row := []string{"", "", "", ""}
			if h != nil {
				row[0] = h.PlayedAt
				if h.Track != nil {
					row[1], row[2], row[3] = strings.Join(h.Track.ArtistNames(), ", "), h.Track.Name, h.Track.URI()
				}
			}
			return row, row, nil
		},
	})
	return api.ExplainPlayerError(err, api.ScopeReadRecent)
}

type transferOptions struct {
	control
	Target string
	Play   bool
}

// NewTransferCmd is spotcli player transfer.
func NewTransferCmd(f *cmdutil.Factory, runF func(context.Context, *transferOptions) error) *cobra.Command {
	o := &transferOptions{control: control{f: f}}
	c := &cobra.Command{
		Use:   "transfer DEVICE",
		Short: "Move playback to another device",
		Long: `Move playback to DEVICE (a name, case-insensitive, a unique prefix of one, or
an ID: spotcli player devices lists them). It keeps playing or stays paused
as it was; --play starts it.

  spotcli player transfer kitchen --play`,
		Args: exactArgs(1, "a DEVICE name or ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Target = args[0]
			return runE(o, runF, runTransfer)(cmd, args)
		},
	}
	c.Flags().BoolVar(&o.Play, "play", false, "start playing on the device")
	complete := completeDevices(f)
	c.ValidArgsFunction = func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return complete(cmd, args, toComplete)
	}
	return c
}

func runTransfer(ctx context.Context, o *transferOptions) error {
	d, err := o.resolve(ctx, o.Target)
	if err != nil {
		return err
	}
	return o.client.Transfer(ctx, d.ID, o.Play)
}
