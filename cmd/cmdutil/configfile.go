package cmdutil

import (
	"path/filepath"
	"strings"

	"github.com/spotcli/spotcli/internal/config"
)

// ConfigPath is the config file this run reads and spotcli config edits:
// --config, else config.yaml in the config directory. Unlike Settings it
// reads nothing, so that a broken file can still be fixed.
func (f *Factory) ConfigPath() (string, error) {
	if f.configFile != "" {
		return f.configFile, nil
	}
	dir, err := config.ConfigDir(f.Getenv)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "config.yaml"), nil
}

// ProfileFlag is the profile that --profile or SPOTCLI_PROFILE names, or
// "" when neither does.
func (f *Factory) ProfileFlag() string {
	if f.flags != nil {
		if fl := f.flags.Lookup("profile"); fl != nil && fl.Changed {
			return fl.Value.String()
		}
	}
	return strings.TrimSpace(f.Getenv("SPOTCLI_PROFILE"))
}

// Interactive reports whether a prompt may be shown: stdin and stdout are
// both terminals. Never in tests or pipes.
func (f *Factory) Interactive() bool {
	return f.StdinTTY != nil && f.StdinTTY() && f.StdoutTTY != nil && f.StdoutTTY()
}
