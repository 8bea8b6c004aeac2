package playlists

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/internal/api"
)

type dedupeOptions struct {
	f        *cmdutil.Factory
	Playlist string
	DryRun   bool
}

func newDedupeCmd(f *cmdutil.Factory, runF func(context.Context, *dedupeOptions) error) *cobra.Command {
	o := &dedupeOptions{f: f}
	c := &cobra.Command{
		Use:   "dedupe PLAYLIST",
		Short: "Remove repeated items from a playlist, keeping the first of each",
		Long: `Keep the first occurrence of each track or episode of a playlist and remove the
later ones, in place; the order of what stays does not change. ` + PlaylistHelp + `

stdout lists what was removed (with --dry-run: what would be), one line each,
tab-separated: the position it had (counting from 1), the URI, the name, the
artists (or the show).

Spotify's API removes every occurrence of an item at once, so spotcli removes
the repeated items and puts the first occurrence of each back where it was:
that copy's added date becomes today. Local files and unavailable items are
left alone. If Spotify fails between the two, the error names the items to
put back and the command that does it.`,
		Example: `  spotcli playlists dedupe "Liked backup" --dry-run
  spotcli playlists dedupe 3cEYpjA9oz9GiPac4AsH4n | cut -f2`,
		ValidArgsFunction: completePlaylists(f),
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return cmdutil.UsageErrorf("spotcli playlists dedupe takes one PLAYLIST, got %d arguments", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkPlaylistArg(args[0]); err != nil {
				return err
			}
			o.Playlist = args[0]
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runDedupe(cmd.Context(), o)
		},
	}
	c.Flags().BoolVar(&o.DryRun, "dry-run", false, "only print what would be removed")
	return c
}

func runDedupe(ctx context.Context, o *dedupeOptions) error {
	client, _, err := o.f.UserClient()
	if err != nil {
		return err
	}
	t, err := resolvePlaylistArg(ctx, o.f, client, o.Playlist)
	if err != nil {
		return err
	}
	var uris []string
	var rows []itemRow
	path := "playlists/" + url.PathEscape(t.ID) + "/items?additional_types=track%2Cepisode"
	err = client.Paginate(ctx, path, api.PageOptions{PageSize: 50, Concurrency: 4}, func(items []json.RawMessage) error {
		for _, raw := range items {
			r, err := decodeEntry(raw)
			if err != nil {
				return fmt.Errorf("unexpected playlist item from Spotify at position %d: %v", len(uris)+1, err)
			}
			uris = append(uris, api.EntryURI(raw))
			rows = append(rows, r)
		}
		return nil
	})
	if err != nil {
		return explainWrite(err, "GET", t)
	}
	dups, steps := api.PlanDedupe(uris)
	if !o.DryRun && len(steps) > 0 {
		if err := client.ApplyDedupe(ctx, t.ID, steps); err != nil {
			return dedupeFailure(t, err)
		}
	}
	for _, d := range dups {
		r := rows[d.Position]
		if err := cmdutil.WriteTSV(o.f.Out, strconv.Itoa(d.Position+1), d.URI, r.name, r.artists); err != nil {
			return err
		}
	}
	verb := "removed"
	if o.DryRun {
		verb = "would remove"
	}
	fmt.Fprintf(o.f.Err, "%s %d repeated items of %d from %s\n", verb, len(dups), len(uris), t.label())
	return nil
}

func dedupeFailure(t *target, err error) error {
	var de *api.DedupeError
	if !errors.As(err, &de) {
		return fmt.Errorf("nothing was removed from %s: %w", t.label(), explainWrite(err, "DELETE", t))
	}
	var b strings.Builder
	for _, in := range de.Missing {
		fmt.Fprintf(&b, "\n  spotcli playlists add %s --position %d %s", t.ID, in.Position, strings.Join(in.URIs, " "))
	}
	check := ""
	var unknown *api.UnknownOutcomeError
	if errors.As(de, &unknown) {
		check = fmt.Sprintf(" (the outcome of the last request is unknown: check spotcli playlists items %s first)", t.ID)
	}
	return fmt.Errorf("dedupe of %s stopped half way: %w; put the first copies back with%s:%s",
		t.label(), explainWrite(de, "POST", t), check, b.String())
}
