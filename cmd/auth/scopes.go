package authcmd

import (
	"strings"

	"github.com/spf13/cobra"
	"github.com/spotcli/spotcli/internal/config"
)

// spotifyScopes are the scopes Spotify's accounts service knows, with what
// each grants, for completing login --scopes.
var spotifyScopes = []cobra.Completion{
	cobra.CompletionWithDesc("ugc-image-upload", "upload images (playlist covers)"),
	cobra.CompletionWithDesc("user-read-playback-state", "read the player state and devices"),
	cobra.CompletionWithDesc("user-modify-playback-state", "control playback (Premium)"),
	cobra.CompletionWithDesc("user-read-currently-playing", "read what is playing"),
	cobra.CompletionWithDesc("app-remote-control", "remote control (iOS and Android SDKs)"),
	cobra.CompletionWithDesc("streaming", "play in the Web Playback SDK (Premium)"),
	cobra.CompletionWithDesc("playlist-read-private", "read private playlists"),
	cobra.CompletionWithDesc("playlist-read-collaborative", "read collaborative playlists"),
	cobra.CompletionWithDesc("playlist-modify-private", "change private playlists"),
	cobra.CompletionWithDesc("playlist-modify-public", "change public playlists"),
	cobra.CompletionWithDesc("user-follow-modify", "follow and unfollow artists and users"),
	cobra.CompletionWithDesc("user-follow-read", "read followed artists and users"),
	cobra.CompletionWithDesc("user-read-playback-position", "read the playback position in episodes"),
	cobra.CompletionWithDesc("user-top-read", "read top artists and tracks"),
	cobra.CompletionWithDesc("user-read-recently-played", "read recently played tracks"),
	cobra.CompletionWithDesc("user-library-modify", "change saved tracks, albums, episodes"),
	cobra.CompletionWithDesc("user-library-read", "read saved tracks, albums, episodes"),
	cobra.CompletionWithDesc("user-read-email", "read the email address"),
	cobra.CompletionWithDesc("user-read-private", "read the subscription, country, explicit filter"),
	cobra.CompletionWithDesc("user-personalized", "personalized content"),
	cobra.CompletionWithDesc("user-soa-link", "link a partner account (Open Access partners)"),
	cobra.CompletionWithDesc("user-soa-unlink", "unlink a partner account (Open Access partners)"),
	cobra.CompletionWithDesc("soa-manage-entitlements", "manage entitlements (Open Access partners)"),
	cobra.CompletionWithDesc("soa-manage-partner", "manage partner data (Open Access partners)"),
	cobra.CompletionWithDesc("soa-create-partner", "create partners (Open Access partners)"),
}

// completeScopes offers Spotify's scopes for a comma-separated list: after
// "user-read-private,", the scopes not yet listed, each after that prefix.
func completeScopes(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	prefix, last := "", toComplete
	if i := strings.LastIndex(toComplete, ","); i >= 0 {
		prefix, last = toComplete[:i+1], toComplete[i+1:]
	}
	have := map[string]bool{}
	for _, s := range config.SplitScopes(prefix) {
		have[s] = true
	}
	var out []cobra.Completion
	for _, c := range spotifyScopes {
		name, desc, _ := strings.Cut(c, "\t")
		if have[name] || !strings.HasPrefix(name, last) {
			continue
		}
		out = append(out, cobra.CompletionWithDesc(prefix+name, desc))
	}
	// No space after a scope: the user may add ",next".
	return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
}
