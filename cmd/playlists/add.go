package playlists

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/internal/api"
)

type addOptions struct {
	f        *cmdutil.Factory
	Playlist string
	Items    []string
	Position *int
	Unique   bool
}

func newAddCmd(f *cmdutil.Factory, runF func(context.Context, *addOptions) error) *cobra.Command {
	o := &addOptions{f: f}
	var position int
	c := &cobra.Command{
		Use:   "add PLAYLIST [ITEM...]",
		Short: "Add tracks and episodes to a playlist",
		Long: `Add tracks and episodes to a playlist, in the order given, at the end or at
--position. ` + PlaylistHelp + `

` + cmdutil.ItemsHelp + `

Items go to Spotify in batches of 100. If a batch fails for good, the error
says how many items were added and which input line comes next; run the same
command again with --unique to add the rest without doubling anything. If a
batch was sent but never answered, spotcli reads the playlist to see whether
it arrived before it sends anything else.

--unique skips items the playlist already holds and items repeated in the
input. A summary goes to stderr; stdout stays empty.`,
		Example: `  spotcli playlists add "Road trip" spotify:track:4uLU6hMCjMI75M1A2tKUQC
  spotcli search 'artist:ABBA' -o uri --limit 30 | spotcli playlists add "ABBA mix"
  spotcli library tracks -o uri | spotcli playlists add "Liked backup" --unique
  spotcli playlists add 3cEYpjA9oz9GiPac4AsH4n --position 0 https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC?si=x`,
		ValidArgsFunction: completePlaylists(f),
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return cmdutil.UsageErrorf("spotcli playlists add needs a PLAYLIST, then the items (or none, to read them from stdin)")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkPlaylistArg(args[0]); err != nil {
				return err
			}
			o.Playlist, o.Items = args[0], args[1:]
			if cmd.Flags().Changed("position") {
				o.Position = &position
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runAdd(cmd.Context(), o)
		},
	}
	c.Flags().Var(&cmdutil.IntRange{Val: &position, Min: 0}, "position", "insert the items at this position (0 is the top; default the end)")
	c.Flags().BoolVar(&o.Unique, "unique", false, "skip items the playlist already has or the input repeats")
	return c
}

func runAdd(ctx context.Context, o *addOptions) error {
	refs, client, t, err := editInput(ctx, o.f, o.Items, o.Playlist, "add")
	if err != nil || len(refs) == 0 {
		return err
	}
	send, skipped, err := selectNew(ctx, client, t, refs, o.Unique, false)
	if err != nil {
		return explainWrite(err, "GET", t)
	}
	if o.Position != nil && t.Length != nil && *o.Position > *t.Length {
		return cmdutil.UsageErrorf("--position %d is past the end of %s, which has %d items", *o.Position, t.label(), *t.Length)
	}
	if err := addRefs(ctx, client, t, send, o.Position, "add", cmdutil.Where); err != nil {
		return err
	}
	msg := fmt.Sprintf("added %d items to %s", len(send), t.label())
	if skipped > 0 {
		msg += fmt.Sprintf(", skipped %d already there or repeated", skipped)
	}
	fmt.Fprintln(o.f.Err, msg)
	return nil
}

// selectNew keeps the refs to send. With unique, items the playlist holds
// and repeats of the input go; with multiset, each entry the playlist holds
// cancels one equal item of the input (how an import resumes: the input's
// own repeats stay). Reading the playlist tells its length too.
func selectNew(ctx context.Context, client *api.Client, t *target, refs []api.RefLine, unique, multiset bool) ([]api.RefLine, int, error) {
	if !unique && !multiset {
		return refs, 0, nil
	}
	have, err := client.PlaylistURIs(ctx, t.ID)
	if err != nil {
		return nil, 0, err
	}
	n := len(have)
	t.Length = &n
	count := map[string]int{}
	for _, u := range have {
		count[u]++
	}
	var out []api.RefLine
	for _, r := range refs {
		u := r.URI()
		switch {
		case multiset && count[u] > 0:
			count[u]--
			continue
		case unique && count[u] > 0:
			continue
		}
		if unique {
			count[u] = 1
		}
		out = append(out, r)
	}
	return out, len(refs) - len(out), nil
}

// addRefs sends refs to the playlist and, when a batch fails, says how far
// it got and how to finish. verb names the command for the rerun hint.
func addRefs(ctx context.Context, client *api.Client, t *target, refs []api.RefLine, position *int, verb string, where func([]api.RefLine, int) string) error {
	uris := api.URIs(refs)
	_, err := client.AddPlaylistItems(ctx, t.ID, uris, api.AddOptions{Position: position, Length: t.Length})
	if err == nil {
		return nil
	}
	var be *api.BatchError
	if !errors.As(err, &be) {
		return explainWrite(err, "POST", t)
	}
	cause := explainWrite(be.Err, "POST", t)
	rerun := "run the same command again with --unique to add the rest without duplicates"
	if verb == "import" {
		rerun = fmt.Sprintf("run spotcli playlists import again with --into %s to add the rest without duplicates", t.ID)
	}
	var unknown *api.UnknownOutcomeError
	isUnknown := errors.As(be.Err, &unknown)
	if be.Done == 0 && !isUnknown {
		return cause // nothing was written
	}
	if isUnknown {
		return fmt.Errorf("added %d of %d items to %s; the batch from %s was sent but its outcome is unknown and reading the playlist did not settle it: check it with spotcli playlists items %s, then %s: %w",
			be.Done, be.Total, t.label(), where(refs, be.Done), t.ID, rerun, cause)
	}
	return fmt.Errorf("added %d of %d items to %s; the next is %s: %s: %w", be.Done, be.Total, t.label(), where(refs, be.Done), rerun, cause)
}

// editInput reads the ITEMs of an edit (its arguments, or stdin) and then
// resolves PLAYLIST: every bad line is reported before anything is asked of
// Spotify. No items is not an error: it says so on stderr, and refs is empty.
func editInput(ctx context.Context, f *cmdutil.Factory, items []string, playlist, verb string) ([]api.RefLine, *api.Client, *target, error) {
	refs, err := cmdutil.ReadItems(ctx, f, items, api.RefParser{})
	if err != nil {
		return nil, nil, nil, err
	}
	if len(refs) == 0 {
		fmt.Fprintf(f.Err, "no items on stdin: nothing to %s\n", verb)
		return nil, nil, nil, nil
	}
	client, _, err := f.UserClient()
	if err != nil {
		return nil, nil, nil, err
	}
	t, err := resolvePlaylistArg(ctx, f, client, playlist)
	if err != nil {
		return nil, nil, nil, err
	}
	return refs, client, t, nil
}
