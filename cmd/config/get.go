package configcmd

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/internal/config"
)

type getOptions struct {
	f   *cmdutil.Factory
	Key string
}

func newGetCmd(f *cmdutil.Factory, runF func(context.Context, *getOptions) error) *cobra.Command {
	o := &getOptions{f: f}
	return &cobra.Command{
		Use:   "get KEY",
		Short: "Print a setting's value in the config file (or its default)",
		Long: `Print the value that the config file gives KEY (for --profile NAME: the profile's
own, else the top level's), or its default when the file does not set it. A
SPOTCLI_<KEY> variable or flag that overrides it is named on stderr.
client_secret is never printed: config list says whether it is set.`,
		Example:           "  spotcli config get redirect_uri",
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: completeKeys,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Key = args[0]
			if err := knownKey(o.Key); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runGet(cmd.Context(), o)
		},
	}
}

func runGet(_ context.Context, o *getOptions) error {
	cf, profile, err := file(o.f)
	if err != nil {
		return err
	}
	v, _, ok := cf.Get(profile, o.Key)
	if !ok {
		v = config.DefaultOf(o.Key)
	}
	if env := "SPOTCLI_" + strings.ToUpper(o.Key); strings.TrimSpace(o.f.Getenv(env)) != "" {
		cmdutil.Warn(o.f.Err, "%s is set and comes before the config file in this shell", env)
	}
	if o.Key == config.KeyClientSecret {
		if !ok {
			return fmt.Errorf("client_secret is not set in %s", where(cf.Path, profile))
		}
		return fmt.Errorf("client_secret is set in %s, and spotcli never prints it", where(cf.Path, profile))
	}
	_, err = fmt.Fprintln(o.f.Out, v)
	return err
}
