//go:build !gendocs

package cmd

import "github.com/spf13/cobra"

// devCommands are the hidden commands of a developer build (gendocs.go);
// a release binary has none.
func devCommands(*Factory) []*cobra.Command { return nil }
