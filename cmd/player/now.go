package player

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/template"
	"time"

	"github.com/spf13/cobra"
	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/internal/api"
)

// Formats of now and status.
const (
	formatText = "text"
	formatJSON = "json"
	formatTSV  = "tsv"
)

type nowOptions struct {
	control
	Output   string
	Format   string
	Follow   bool
	Interval time.Duration

	tmpl *template.Template
	// currentOnly: the login lacks user-read-playback-state, so polls go
	// to currently-playing (the item without the device) at once.
	currentOnly bool
	// status prints the device and modes too (player status).
	status bool
}

// NewNowCmd is spotcli now.
func NewNowCmd(f *cmdutil.Factory, runF func(context.Context, *nowOptions) error) *cobra.Command {
	o := &nowOptions{control: control{f: f}}
	c := &cobra.Command{
		Use:   "now",
		Short: "Print what is playing (for status bars and scripts)",
		Long: `Print the item now playing, with one request: "Artist – Title", or for a podcast
episode "Show – Episode". A paused item is printed too (is_playing tells).

When nothing is playing (no active device, or nothing loaded), nothing is
printed and the exit code is 3, so that spotcli now || echo idle works.

-o json prints Spotify's playback state object as it came; -o tsv prints the
fields below, tab-separated, in this order. --format takes a Go template over
these fields:

  artist      the artists, comma-separated (an episode: its show)
  title       the track's or episode's name
  album       the album (an episode: its show)
  uri         the item's spotify: URI
  kind        track, episode or local
  progress    position as M:SS        progress_ms  in milliseconds
  duration    length as M:SS         duration_ms  in milliseconds
  is_playing  true or false
  device      the device's name (empty when Spotify does not say)
  volume      the device's volume, 0-100 (-1 when it has none)
  shuffle     true or false
  repeat      off, track or context
  context     the album, playlist, artist or show URI played from

  spotcli now --format '{{.artist}} - {{.title}} [{{.progress}}/{{.duration}}]'

The function json quotes a field as a JSON string, for status bars that read
JSON:

  spotcli now --format '{"text": {{json .title}}, "tooltip": {{json .album}}}'

--follow prints a line (or a JSON object) each time the item or the play
state changes, until interrupted; an empty line (or null) when playback
stops. It wakes at the expected end of the item and otherwise polls every
--interval, waits out rate limits, backs off on errors and keeps the access
token fresh, so it can run for hours in a status bar.`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.prepare(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runNow(cmd.Context(), o)
		},
	}
	o.addOutputFlags(c)
	c.Flags().BoolVarP(&o.Follow, "follow", "f", false, "print a line each time the item or the play state changes, until interrupted")
	c.Flags().DurationVar(&o.Interval, "interval", 5*time.Second, "with --follow: the longest time between two polls (at least 1s)")
	withScopeHint(f, c)
	return c
}

func (o *nowOptions) addOutputFlags(c *cobra.Command) {
	o.Output = formatText
	c.Flags().VarP(&cmdutil.EnumValue{Val: &o.Output, Allowed: []string{formatText, formatJSON, formatTSV}}, "output", "o", "output format: text, json or tsv")
	c.Flags().StringVar(&o.Format, "format", "", "print with a Go `TEMPLATE` over the fields listed above")
}

// prepare checks the flags together.
func (o *nowOptions) prepare() error {
	if o.Format != "" {
		if o.Output != formatText {
			return cmdutil.UsageErrorf("--format and -o %s contradict each other", o.Output)
		}
		t, err := template.New("format").Option("missingkey=error").Funcs(templateFuncs).Parse(o.Format)
		if err != nil {
			return cmdutil.UsageErrorf("--format: %v", err)
		}
		o.tmpl = t
	}
	if o.Follow && o.Interval < time.Second {
		return cmdutil.UsageErrorf("--interval must be at least 1s, got %s", o.Interval)
	}
	return nil
}

func runNow(ctx context.Context, o *nowOptions) error {
	client, err := o.api()
	if err != nil {
		return err
	}
	if o.Follow {
		return follow(ctx, o, client)
	}
	st, raw, err := o.fetchState(ctx, client)
	if err != nil {
		return err
	}
	if st == nil || st.Item == nil {
		return &cmdutil.SilentExit{Code: cmdutil.ExitNothingPlaying}
	}
	return o.print(o.f.Out, st, raw)
}

// fetchState is GET /me/player (one request with the device and modes);
// a login with only user-read-currently-playing gets the item without them.
func (o *nowOptions) fetchState(ctx context.Context, client *api.Client) (*api.PlaybackState, []byte, error) {
	if o.currentOnly {
		return client.CurrentlyPlaying(ctx)
	}
	st, raw, err := client.PlaybackState(ctx)
	var pe *api.PlayerError
	if errors.As(err, &pe) && pe.API.Status == 403 && strings.Contains(strings.ToLower(pe.API.Message), "scope") {
		if st2, raw2, err2 := client.CurrentlyPlaying(ctx); err2 == nil {
			o.currentOnly = true
			return st2, raw2, nil
		}
	}
	return st, raw, err
}

// templateFuncs are --format's functions: json quotes a value as JSON, for
// status bars that read JSON (waybar's return-type json).
var templateFuncs = template.FuncMap{
	"json": func(v any) (string, error) {
		b, err := json.Marshal(v)
		return string(b), err
	},
}

// fields are the template's fields of a state with an item.
func fields(st *api.PlaybackState) map[string]any {
	it := st.Item
	m := map[string]any{
		"artist": strings.Join(it.Artists(), ", "), "title": it.Name(), "album": "", "uri": it.URI(), "kind": it.Kind(),
		"progress_ms": int64(0), "duration_ms": int64(0), "progress": "0:00", "duration": "",
		"is_playing": st.IsPlaying, "device": "", "volume": -1, "shuffle": st.ShuffleState,
		"repeat": st.RepeatState, "context": "",
	}
	if m["repeat"] == "" {
		m["repeat"] = "off"
	}
	switch {
	case it.Episode != nil && it.Episode.Show != nil:
		m["album"] = it.Episode.Show.Name
	case it.Track != nil && it.Track.Album != nil:
		m["album"] = it.Track.Album.Name
	}
	p := progressOf(st)
	m["progress_ms"], m["progress"] = p.Milliseconds(), clock(p)
	if d, ok := it.Duration(); ok {
		m["duration_ms"], m["duration"] = d.Milliseconds(), clock(d)
	}
	if st.Device != nil {
		m["device"] = st.Device.Name
		if st.Device.VolumePercent != nil {
			m["volume"] = *st.Device.VolumePercent
		}
	}
	if st.Context != nil {
		m["context"] = st.Context.URI()
	}
	return m
}

// clock formats a duration as M:SS, or H:MM:SS from an hour.
func clock(d time.Duration) string {
	s := int64(d / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// print writes one state (with an item) in the chosen format, as one
// write, so that a reader sees whole lines.
func (o *nowOptions) print(w io.Writer, st *api.PlaybackState, raw []byte) error {
	var b bytes.Buffer
	switch {
	case o.Output == formatJSON:
		if err := json.Compact(&b, raw); err != nil {
			return fmt.Errorf("the answer from Spotify is not JSON: %w", err)
		}
		b.WriteByte('\n')
	case o.tmpl != nil:
		if err := o.tmpl.Execute(&b, fields(st)); err != nil {
			return cmdutil.UsageErrorf("--format: %v", err)
		}
		b.WriteByte('\n')
	case o.Output == formatTSV:
		m := fields(st)
		var cols []string
		for _, k := range tsvFields {
			cols = append(cols, fmt.Sprint(m[k]))
		}
		if err := cmdutil.WriteTSV(&b, cols...); err != nil {
			return err
		}
	case o.status:
		writeStatus(&b, fields(st))
	default:
		m := fields(st)
		line := m["title"].(string)
		if a := m["artist"].(string); a != "" {
			line = a + " – " + line
		}
		b.WriteString(cmdutil.CleanCell(line) + "\n")
	}
	_, err := w.Write(b.Bytes())
	return err
}

// tsvFields are -o tsv's columns.
var tsvFields = []string{"artist", "title", "album", "uri", "progress", "duration", "is_playing", "device", "shuffle", "repeat"}

// printIdle writes --follow's line for "nothing plays".
func (o *nowOptions) printIdle(w io.Writer) error {
	line := "\n"
	if o.Output == formatJSON {
		line = "null\n"
	}
	_, err := io.WriteString(w, line)
	return err
}

func writeStatus(b *bytes.Buffer, m map[string]any) {
	state := "paused"
	if m["is_playing"] == true {
		state = "playing"
	}
	onOff := func(v any) string {
		if v == true {
			return "on"
		}
		return "off"
	}
	title := m["title"].(string)
	if a := m["artist"].(string); a != "" {
		title = a + " – " + title
	}
	rows := [][2]string{
		{"Playing", title},
		{"Album", m["album"].(string)},
		{"Progress", fmt.Sprintf("%s / %s (%s)", m["progress"], m["duration"], state)},
	}
	if d := m["device"].(string); d != "" {
		dev := d
		if v := m["volume"].(int); v >= 0 {
			dev += fmt.Sprintf(" (volume %d%%)", v)
		}
		rows = append(rows, [2]string{"Device", dev})
	}
	rows = append(rows,
		[2]string{"Shuffle", onOff(m["shuffle"])},
		[2]string{"Repeat", m["repeat"].(string)},
		[2]string{"URI", m["uri"].(string)},
	)
	if ctx := m["context"].(string); ctx != "" {
		rows = append(rows, [2]string{"Context", ctx})
	}
	for _, r := range rows {
		if r[1] == "" {
			continue
		}
		fmt.Fprintf(b, "%-9s %s\n", r[0]+":", cmdutil.CleanCell(r[1]))
	}
}

type statusOptions = nowOptions

// NewStatusCmd is spotcli player status: now, with the device and modes.
func NewStatusCmd(f *cmdutil.Factory, runF func(context.Context, *statusOptions) error) *cobra.Command {
	o := &nowOptions{control: control{f: f}, status: true}
	c := &cobra.Command{
		Use:   "status",
		Short: "Show what is playing, where, and the shuffle and repeat modes",
		Long: `Show the item now playing, its progress, the device, its volume, and the
shuffle and repeat modes. -o and --format are those of spotcli now (see
spotcli now --help for the fields). Nothing playing: exit code 3.`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.prepare(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runNow(cmd.Context(), o)
		},
	}
	o.addOutputFlags(c)
	return c
}
