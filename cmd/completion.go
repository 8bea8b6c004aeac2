package cmd

import (
	"strings"

	"github.com/spf13/cobra"
	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/internal/config"
)

// formatDescriptions explain the values of -o in completions.
var formatDescriptions = map[string]string{
	cmdutil.FormatTable:  "aligned columns",
	cmdutil.FormatTSV:    "tab-separated, no header",
	cmdutil.FormatJSON:   "one JSON array",
	cmdutil.FormatNDJSON: "one JSON object per line",
	cmdutil.FormatURI:    "one Spotify URI per line",
}

// registerCompletions adds dynamic shell completion to the tree: --profile
// offers the stored profiles, and every enum-valued -o/--output its formats
// (login registers its own for --scopes). Call it after every command is
// added.
func registerCompletions(root *cobra.Command, f *cmdutil.Factory) {
	_ = root.RegisterFlagCompletionFunc("profile", completeProfiles(f))
	walk(root, func(c *cobra.Command) {
		// c.Flags() holds the command's own flags until it runs; the
		// inherited ones are merged in only then.
		if fl := c.Flags().Lookup("output"); fl != nil {
			if e, ok := fl.Value.(*cmdutil.EnumValue); ok {
				_ = c.RegisterFlagCompletionFunc("output", completeEnum(e.Allowed, formatDescriptions))
			}
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
func completeProfiles(f *cmdutil.Factory) cobra.CompletionFunc {
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
