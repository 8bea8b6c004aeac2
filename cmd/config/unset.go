package configcmd

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/internal/config"
)

type unsetOptions struct {
	f   *cmdutil.Factory
	Key string
}

func newUnsetCmd(f *cmdutil.Factory, runF func(context.Context, *unsetOptions) error) *cobra.Command {
	o := &unsetOptions{f: f}
	return &cobra.Command{
		Use:               "unset KEY",
		Short:             "Remove a setting from the config file (its default applies again)",
		Long:              "Remove KEY from the config file (for --profile NAME: from the profile's section, so that the top level's value applies to it again). Succeeds also when the file did not set it.",
		Example:           "  spotcli config unset scopes",
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
			return runUnset(cmd.Context(), o)
		},
	}
}

func runUnset(ctx context.Context, o *unsetOptions) error {
	path, profile, err := target(o.f)
	if err != nil {
		return err
	}
	removed := false
	warnings, err := config.Edit(ctx, path, config.LockDir(o.f.Getenv), profile, func(cf *config.File) (bool, error) {
		removed, err = cf.Unset(profile, o.Key)
		return removed, err
	})
	if err != nil {
		return err
	}
	if !removed {
		fmt.Fprintf(o.f.Err, "%s was not set in %s\n", o.Key, where(path, profile))
		return nil
	}
	for _, w := range warnings {
		cmdutil.Warn(o.f.Err, "%s", w)
	}
	fmt.Fprintf(o.f.Err, "Removed %s from %s\n", o.Key, where(path, profile))
	return nil
}
