package playlists

import (
	"context"
	"encoding/json"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/internal/api"
)

// completePlaylists offers the user's playlists for a PLAYLIST argument:
// the ID, with the name as its description, read with the stored login (or
// the environment's credentials). It completes only the first argument (the
// items after it are the user's to type). Completion never prompts, prints
// or fails: without a login, or when Spotify does not answer within a few
// seconds, it offers nothing.
func completePlaylists(f *cmdutil.Factory) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return playlistCompletions(cmd, f, toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

// playlistCompletions are the user's playlists whose ID starts with
// toComplete, for completePlaylists and flags that take a PLAYLIST.
func playlistCompletions(cmd *cobra.Command, f *cmdutil.Factory, toComplete string) []cobra.Completion {
	// Warnings (a login about to expire, a plain-text store) would land in
	// the middle of the user's command line.
	f.Err = io.Discard
	f.SetFlags(cmd.Flags())
	client, _, err := f.UserClient()
	if err != nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(cmd.Context(), 5*time.Second)
	defer cancel()
	var out []cobra.Completion
	err = client.Paginate(ctx, "me/playlists", api.PageOptions{PageSize: 50, Limit: 1000, Concurrency: 4}, func(items []json.RawMessage) error {
		for _, raw := range items {
			p, err := api.Decode[api.Playlist](raw)
			if err != nil || p == nil || p.ID == "" || !strings.HasPrefix(p.ID, toComplete) {
				continue
			}
			// One line per suggestion, a tab before the description:
			// neither may come from a name.
			out = append(out, cobra.CompletionWithDesc(p.ID, cmdutil.CleanCell(p.Name)))
		}
		return nil
	})
	if err != nil {
		return nil
	}
	return out
}
