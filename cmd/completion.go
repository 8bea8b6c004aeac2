package cmd

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

// formatDescriptions explain the values of -o in completions.
var formatDescriptions = map[string]string{
	formatTable:  "aligned columns",
	formatTSV:    "tab-separated, no header",
	formatJSON:   "one JSON array",
	formatNDJSON: "one JSON object per line",
}

// registerCompletions adds dynamic shell completion to the tree: --profile
// offers the stored profiles, every enum-valued -o/--output its formats, and
// login --scopes Spotify's scopes. Call it after every command is added.
func registerCompletions(root *cobra.Command, f *Factory) {
	_ = root.RegisterFlagCompletionFunc("profile", completeProfiles(f))
	walk(root, func(c *cobra.Command) {
		// c.Flags() holds the command's own flags until it runs; the
		// inherited ones are merged in only then.
		if fl := c.Flags().Lookup("output"); fl != nil {
			if e, ok := fl.Value.(*enumValue); ok {
				_ = c.RegisterFlagCompletionFunc("output", completeEnum(e.allowed, formatDescriptions))
			}
		}
		if c.Parent() == root && c.Name() == "login" && c.Flags().Lookup("scopes") != nil {
			_ = c.RegisterFlagCompletionFunc("scopes", completeScopes)
		}
	})
}

// walk calls fn for c and every command below it.
func walk(c *cobra.Command, fn func(*cobra.Command)) {
	fn(c)
	for _, sub := range c.Commands() {
		walk(sub, fn)
	}
}

// completeProfiles lists the profiles that have (or may have) a login here.
// Completion must never fail or print: any error gives no suggestions.
func completeProfiles(f *Factory) cobra.CompletionFunc {
	return func(cmd *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		s, err := config.Load(config.LoadOptions{
			Flags:      cmd.Flags(),
			ConfigFile: flagString(cmd, "config"),
			Getenv:     f.Getenv,
		})
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []cobra.Completion
		for _, p := range s.KnownProfiles() {
			if strings.HasPrefix(p, toComplete) {
				out = append(out, p)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

func flagString(cmd *cobra.Command, name string) string {
	if fl := cmd.Flags().Lookup(name); fl != nil {
		return fl.Value.String()
	}
	return ""
}

// completeEnum offers a fixed set of words.
func completeEnum(allowed []string, desc map[string]string) cobra.CompletionFunc {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		var out []cobra.Completion
		for _, a := range allowed {
			if strings.HasPrefix(a, toComplete) {
				out = append(out, cobra.CompletionWithDesc(a, desc[a]))
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
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
