package playlists

import (
	"encoding/json"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/internal/api"
)

// completePlaylists offers the user's playlists for a PLAYLIST argument:
// each ID, with its name as the description. It completes only the first
// argument (the items after it are the user's to type) and never fails or
// prints: without a login, or with Spotify unreachable, it offers nothing.
func completePlaylists(f *cmdutil.Factory) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return playlistCompletions(cmd, f, toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

func playlistCompletions(cmd *cobra.Command, f *cmdutil.Factory, toComplete string) []cobra.Completion {
	f.SetFlags(cmd.Flags())
	client, _, err := f.UserClient()
	if err != nil {
		return nil
	}
	var out []cobra.Completion
	_ = client.Paginate(cmd.Context(), "me/playlists", api.PageOptions{PageSize: 50, Concurrency: 4}, func(items []json.RawMessage) error {
		for _, raw := range items {
			p, err := api.Decode[api.Playlist](raw)
			if err != nil || p == nil || !strings.HasPrefix(p.ID, toComplete) {
				continue
			}
			out = append(out, cobra.CompletionWithDesc(p.ID, cmdutil.CleanCell(p.Name)))
		}
		return nil
	})
	return out
}
