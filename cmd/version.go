package cmd

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
	"github.com/spotcli/spotcli/cmd/cmdutil"
)

// versionLine is what spotcli --version and spotcli version print, without
// the newline: "spotcli 1.2.3 (commit abc1234, built 2026-11-29T10:00:00Z)".
// A release sets all three by -ldflags; a binary built from source says dev,
// with the revision and time the go command stamped, when it stamped any.
func versionLine(b BuildInfo, readBuildInfo func() (*debug.BuildInfo, bool)) string {
	v, commit, date := b.Version, b.Commit, b.Date
	if v == "" {
		v = "dev"
	}
	if commit == "" && date == "" && readBuildInfo != nil {
		if bi, ok := readBuildInfo(); ok {
			commit, date = vcsInfo(bi)
		}
	}
	switch {
	case commit != "" && date != "":
		return fmt.Sprintf("spotcli %s (commit %s, built %s)", v, commit, date)
	case commit != "":
		return fmt.Sprintf("spotcli %s (commit %s)", v, commit)
	case date != "":
		return fmt.Sprintf("spotcli %s (built %s)", v, date)
	}
	return "spotcli " + v
}

// vcsInfo is the short revision (with +dirty for uncommitted changes) and
// the commit time that the go command stamps into binaries built in a
// checkout, unless -buildvcs=false.
func vcsInfo(bi *debug.BuildInfo) (commit, date string) {
	var dirty bool
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			commit = s.Value
		case "vcs.time":
			date = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if len(commit) > 7 {
		commit = commit[:7]
	}
	if commit != "" && dirty {
		commit += "+dirty"
	}
	return commit, date
}

func newVersionCmd(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and build date",
		Long: `Print spotcli's version, the commit it was built from and when; the same as
spotcli --version. A binary built from source calls itself dev.`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintln(f.Out, versionLine(f.Build, debug.ReadBuildInfo))
			return err
		},
	}
}
