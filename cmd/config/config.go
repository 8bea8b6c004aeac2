// Package configcmd holds spotcli config: get, set, unset and list the
// settings of the config file, checked as loading them would be.
package configcmd

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/internal/config"
)

// NewConfigCmd is spotcli config and its subcommands.
func NewConfigCmd(f *cmdutil.Factory) *cobra.Command {
	c := &cobra.Command{
		Use:   "config",
		Short: "Read and change the settings in the config file",
		Long: `Read and change the settings of the config file (--config, default
$SPOTCLI_CONFIG_DIR/config.yaml) without editing YAML by hand. set checks the
value as loading the file does (redirect URI rules, scopes, durations, token
store, URLs), creates the directory, and replaces the file atomically, 0600.

With --profile NAME (or SPOTCLI_PROFILE), client_id, client_secret,
redirect_uri and scopes are read and written in the profile's own section
(profiles.NAME), which comes before the top level for that profile; the other
settings are one for every profile. A flag or a SPOTCLI_<KEY> variable still
comes before the file (spotcli help environment).

Settings:
` + settingsTable(),
		Example: `  spotcli config set client_id 0123456789abcdef0123456789abcdef
  spotcli config get redirect_uri
  spotcli config set --profile work scopes "user-read-private playlist-read-private"
  printf '%s\n' "$SECRET" | spotcli config set client_secret
  spotcli config list`,
		Args: cmdutil.NoArgs,
	}
	c.AddCommand(newGetCmd(f, nil), newSetCmd(f, nil), newUnsetCmd(f, nil), newListCmd(f, nil))
	return c
}

func settingsTable() string {
	var b strings.Builder
	for _, d := range config.Defaults() {
		def := d.Value
		if def == "" {
			def = "none"
		}
		fmt.Fprintf(&b, "  %-16s %s (default: %s)\n", d.Key, d.Meaning, def)
	}
	return strings.TrimRight(b.String(), "\n")
}

// completeKeys offers the settings' names.
func completeKeys(_ *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []cobra.Completion
	for _, d := range config.Defaults() {
		out = append(out, cobra.CompletionWithDesc(d.Key, d.Meaning))
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// target is the config file and the section a command reads or changes:
// the profile's with --profile, else the top level ("").
func target(f *cmdutil.Factory) (string, string, error) {
	path, err := f.ConfigPath()
	if err != nil {
		return "", "", err
	}
	profile := f.ProfileFlag()
	if profile != "" {
		if err := config.CheckProfile(profile); err != nil {
			return "", "", err
		}
	}
	return path, profile, nil
}

// file reads the config file of target.
func file(f *cmdutil.Factory) (*config.File, string, error) {
	path, profile, err := target(f)
	if err != nil {
		return nil, "", err
	}
	cf, err := config.ReadFile(path)
	return cf, profile, err
}

// value is what the config file gives key in profile's section (else the
// top level's), or key's default; set says whether the file sets it.
func value(cf *config.File, profile, key string) (v string, set bool) {
	if v, _, set = cf.Get(profile, key); !set {
		v = config.DefaultOf(key)
	}
	return v, set
}

// where names a section for people.
func where(path, profile string) string {
	if profile == "" {
		return path
	}
	return fmt.Sprintf("%s (profile %s)", path, profile)
}

// oneKey wants one argument, a known setting (get and unset).
func oneKey(cmd *cobra.Command, args []string) error {
	if err := cobra.ExactArgs(1)(cmd, args); err != nil {
		return err
	}
	return knownKey(args[0])
}

// knownKey refuses an unknown setting as a usage error.
func knownKey(key string) error {
	if err := config.CheckKey(key); err != nil {
		return cmdutil.UsageErrorf("%s (see 'spotcli config --help')", err)
	}
	return nil
}
