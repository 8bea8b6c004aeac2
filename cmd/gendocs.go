//go:build gendocs

// The command reference generator is built only with -tags gendocs: cobra/doc
// brings go-md2man and blackfriday, whose start-up work (0.6 ms, 200 KB of
// allocations) every run of a release binary would pay for a command users
// never run. Generate with: go run -tags gendocs . gen-docs docs/commands

package cmd

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
	"github.com/spotcli/spotcli/cmd/cmdutil"
)

type genDocsOptions struct {
	f   *cmdutil.Factory
	Dir string
	Man bool
}

// devCommands are the hidden commands of a developer build.
func devCommands(f *cmdutil.Factory) []*cobra.Command {
	return []*cobra.Command{newGenDocsCmd(f)}
}

// newGenDocsCmd writes the command reference: docs/commands in the
// repository (checked by a test), and the man pages of the release archives.
func newGenDocsCmd(f *cmdutil.Factory) *cobra.Command {
	o := &genDocsOptions{f: f}
	c := &cobra.Command{
		Use:    "gen-docs DIR",
		Short:  "Write the command reference (markdown, or man pages with --man) into DIR",
		Hidden: true,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return cmdutil.UsageErrorf("spotcli gen-docs takes one argument, the directory to write to")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Dir = args[0]
			return runGenDocs(cmd.Root(), o)
		},
	}
	c.Flags().BoolVar(&o.Man, "man", false, "write man pages (section 1) instead of markdown; the date comes from SOURCE_DATE_EPOCH")
	return c
}

func runGenDocs(root *cobra.Command, o *genDocsOptions) error {
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return err
	}
	// Pages of commands that no longer exist would linger: remove what an
	// earlier run wrote.
	ext := ".md"
	if o.Man {
		ext = ".1"
	}
	old, err := filepath.Glob(filepath.Join(o.Dir, "spotcli*"+ext))
	if err != nil {
		return err
	}
	for _, p := range old {
		if err := os.Remove(p); err != nil {
			return err
		}
	}
	// The "Auto generated on DATE" footer would make every run differ.
	walk(root, func(c *cobra.Command) { c.DisableAutoGenTag = true })
	if o.Man {
		// The date from SOURCE_DATE_EPOCH, through the Factory: cobra would
		// read the process's environment itself.
		date := o.f.Now()
		if epoch := o.f.Getenv("SOURCE_DATE_EPOCH"); epoch != "" {
			sec, err := strconv.ParseInt(epoch, 10, 64)
			if err != nil {
				return fmt.Errorf("invalid SOURCE_DATE_EPOCH %q: use seconds since 1970", epoch)
			}
			date = time.Unix(sec, 0)
		}
		err = doc.GenManTree(root, &doc.GenManHeader{
			Source: versionLine(BuildInfo{Version: o.f.Build.Version}, nil),
			Manual: "spotcli manual",
			Date:   &date,
		}, o.Dir)
	} else {
		err = doc.GenMarkdownTree(root, o.Dir)
	}
	if err != nil {
		return fmt.Errorf("write the command reference: %w", err)
	}
	return nil
}
