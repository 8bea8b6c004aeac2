package configcmd

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/internal/config"
)

type listOptions struct {
	f *cmdutil.Factory
}

func newListCmd(f *cmdutil.Factory, runF func(context.Context, *listOptions) error) *cobra.Command {
	o := &listOptions{f: f}
	return &cobra.Command{
		Use:   "list",
		Short: "Print every setting of the config file as KEY=VALUE",
		Long: `Print every setting as KEY=VALUE, one a line: the config file's value (for
--profile NAME: the profile's own, else the top level's), or the default. The
client secret's value is never printed: client_secret=(set) or empty.`,
		Example: "  spotcli config list\n  spotcli config list --profile work",
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runList(cmd.Context(), o)
		},
	}
}

func runList(_ context.Context, o *listOptions) error {
	cf, profile, err := file(o.f)
	if err != nil {
		return err
	}
	var b strings.Builder
	for _, d := range config.Defaults() {
		v, _, ok := cf.Get(profile, d.Key)
		if !ok {
			v = d.Value
		}
		if d.Key == config.KeyClientSecret && v != "" {
			v = "(set)"
		}
		fmt.Fprintf(&b, "%s=%s\n", d.Key, v)
	}
	_, err = fmt.Fprint(o.f.Out, b.String())
	return err
}
