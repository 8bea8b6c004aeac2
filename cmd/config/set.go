package configcmd

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/internal/config"
)

type setOptions struct {
	f          *cmdutil.Factory
	Key, Value string
}

func newSetCmd(f *cmdutil.Factory, runF func(context.Context, *setOptions) error) *cobra.Command {
	o := &setOptions{f: f}
	return &cobra.Command{
		Use:   "set KEY VALUE",
		Short: "Set a setting in the config file",
		Long: `Set KEY to VALUE in the config file (for --profile NAME and a per-profile key:
in the profile's section), after checking the value as loading the file does.
The directory is created if need be, and the file replaced atomically, 0600.

client_secret is read from stdin (one line), never from the command line, where
other users can see it.`,
		Example: `  spotcli config set client_id 0123456789abcdef0123456789abcdef
  spotcli config set redirect_uri http://127.0.0.1:8888/callback
  spotcli config set token_store file
  printf '%s\n' "$SECRET" | spotcli config set client_secret`,
		Args:              cobra.RangeArgs(1, 2),
		ValidArgsFunction: completeKeys,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Key = args[0]
			if err := knownKey(o.Key); err != nil {
				return err
			}
			switch {
			case o.Key == config.KeyClientSecret && len(args) == 2:
				return cmdutil.UsageErrorf(`client_secret is read from stdin, never from the command line (other users can see it there): printf '%%s\n' "$SECRET" | spotcli config set client_secret`)
			case o.Key != config.KeyClientSecret && len(args) != 2:
				return cmdutil.UsageErrorf("spotcli config set %s needs a VALUE (see 'spotcli config set --help')", o.Key)
			case len(args) == 2:
				o.Value = args[1]
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runSet(cmd.Context(), o)
		},
	}
}

func runSet(ctx context.Context, o *setOptions) error {
	if o.Key == config.KeyClientSecret {
		line, err := bufio.NewReader(io.LimitReader(o.f.In, 4<<10)).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("read client_secret from stdin: %w", err)
		}
		if o.Value = strings.TrimSpace(line); o.Value == "" {
			return cmdutil.UsageErrorf(`client_secret is read from stdin, and stdin was empty: printf '%%s\n' "$SECRET" | spotcli config set client_secret`)
		}
	}
	path, profile, err := target(o.f)
	if err != nil {
		return err
	}
	warnings, err := config.Edit(ctx, path, config.LockDir(o.f.Getenv), profile, func(cf *config.File) (bool, error) {
		return true, cf.Set(profile, o.Key, o.Value)
	})
	if err != nil {
		return err
	}
	for _, w := range warnings {
		cmdutil.Warn(o.f.Err, "%s", w)
	}
	fmt.Fprintf(o.f.Err, "Set %s in %s\n", o.Key, where(path, profile))
	return nil
}
