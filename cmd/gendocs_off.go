//go:build !gendocs

package cmd

import (
	"github.com/spf13/cobra"
	"github.com/spotcli/spotcli/cmd/cmdutil"
)

// devCommands are the hidden commands of a developer build (gendocs.go);
// a release binary has none.
func devCommands(*cmdutil.Factory) []*cobra.Command { return nil }
