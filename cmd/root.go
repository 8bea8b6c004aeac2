// Package cmd is spotcli's command tree: the root command, which registers
// the command groups (cmd/auth, cmd/playlists, cmd/library, cmd/search,
// cmd/export, cmd/api, cmd/config, cmd/player), completion, version, help
// environment and gen-docs; Main runs it and turns its error into the exit
// code (cmd/cmdutil/exitcodes.go).
package cmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	apicmd "github.com/spotcli/spotcli/cmd/api"
	authcmd "github.com/spotcli/spotcli/cmd/auth"
	"github.com/spotcli/spotcli/cmd/cmdutil"
	configcmd "github.com/spotcli/spotcli/cmd/config"
	exportcmd "github.com/spotcli/spotcli/cmd/export"
	"github.com/spotcli/spotcli/cmd/library"
	"github.com/spotcli/spotcli/cmd/player"
	"github.com/spotcli/spotcli/cmd/playlists"
	"github.com/spotcli/spotcli/cmd/search"
)

// BuildInfo is set by main from -ldflags.
type BuildInfo = cmdutil.BuildInfo

// NewFactory returns the Factory of the real process.
func NewFactory(build BuildInfo) *cmdutil.Factory { return cmdutil.NewFactory(build) }

// Run is the whole process, for main and for the end-to-end tests' copy of
// the binary: it ends on Ctrl-C or SIGTERM, and returns the exit code.
func Run(build BuildInfo, args []string) int {
	return RunFactory(NewFactory(build), args)
}

// RunFactory is Run with a Factory the caller made (the end-to-end tests'
// binary sets ShortLinkBase on it).
func RunFactory(f *cmdutil.Factory, args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// With SIGPIPE handled, a write to a closed pipe returns EPIPE instead of
	// killing the process, and Main ends quietly with exit 0.
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
	return Main(ctx, f, args)
}

// Main runs spotcli with args and returns the exit code.
func Main(ctx context.Context, f *cmdutil.Factory, args []string) int {
	// Everything spotcli writes on stderr (errors quoting Spotify, warnings)
	// reaches the terminal with its control characters escaped.
	if _, ok := f.Err.(cmdutil.SafeWriter); !ok {
		f.Err = cmdutil.SafeWriter{W: f.Err}
	}
	root := NewRootCmd(f) // with f's stdout and stderr
	root.SetArgs(args)
	root.SetIn(f.In)
	ran, err := root.ExecuteContextC(ctx)
	code := cmdutil.ExitCode(ctx, err)
	var se *cmdutil.SilentExit
	if code == cmdutil.ExitOK || errors.As(err, &se) {
		return code
	}
	if code == cmdutil.ExitInterrupted {
		fmt.Fprintln(f.Err, "spotcli: interrupted")
		return code
	}
	fmt.Fprintf(f.Err, "spotcli: %s\n", cmdutil.WithProfile(err.Error(), f.Profile()))
	if code == cmdutil.ExitUsage && !strings.Contains(err.Error(), "--help") {
		// The help of the command that refused the line, not the root's.
		path := "spotcli"
		if ran != nil {
			path = ran.CommandPath()
		}
		fmt.Fprintf(f.Err, "Run '%s --help' for usage.\n", path)
	}
	return code
}

// NewRootCmd builds the command tree. Nothing here touches the network, the
// keyring or the config file: that happens in the run functions.
func NewRootCmd(f *cmdutil.Factory) *cobra.Command {
	if f.ItemKeywords == nil {
		// "current" is an ITEM wherever one is taken: the item now playing.
		f.ItemKeywords = map[string]cmdutil.ItemResolver{"current": player.CurrentFor}
	}
	root := &cobra.Command{
		Use:   "spotcli",
		Short: "A command-line client for the Spotify Web API, made for scripts",
		Long: `spotcli logs in to Spotify once (in the browser, with PKCE), keeps the tokens in the
OS keyring, and gives every later command a valid access token. Its output is
made for pipes: data on stdout, everything else on stderr.

` + cmdutil.ExitCodesHelp,
		// What --version prints after "spotcli ", as spotcli version does.
		Version:       strings.TrimPrefix(versionLine(f.Build, debug.ReadBuildInfo), "spotcli "),
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRun: func(cmd *cobra.Command, _ []string) {
			f.SetFlags(cmd.Flags())
		},
	}
	root.SetVersionTemplate("spotcli {{.Version}}\n")
	// Defined here rather than by cobra at run time, so that the generated
	// docs list it too.
	root.Flags().BoolP("version", "v", false, "print the version, commit and build date")
	// --config, --profile, --debug, --save-refresh-token, --max-wait.
	f.AddGlobalFlags(root.PersistentFlags())
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &cmdutil.UsageError{Err: fmt.Errorf("%w (see 'spotcli %s --help')", err, strings.TrimPrefix(c.CommandPath(), "spotcli "))}
	})

	root.AddCommand(
		authcmd.NewLoginCmd(f, nil),
		authcmd.NewRefreshCmd(f, nil),
		authcmd.NewTokenCmd(f, nil),
		authcmd.NewLogoutCmd(f, nil),
		authcmd.NewStatusCmd(f, nil),
		authcmd.NewWhoamiCmd(f, nil),
		playlists.NewPlaylistsCmd(f, nil),
		search.NewSearchCmd(f, nil),
		libraryCmd(f),
		exportcmd.NewExportCmd(f, nil),
		apicmd.NewAPICmd(f, nil),
		configcmd.NewConfigCmd(f),
		player.NewNowCmd(f, nil),
		player.NewPlayerCmd(f),
	)
	root.AddCommand(newVersionCmd(f), newEnvironmentCmd())
	root.AddCommand(devCommands(f)...)
	// After every AddCommand: completions are registered by walking the tree.
	registerCompletions(root, f)
	// cobra's completion commands keep the writer they are made with.
	root.SetOut(f.Out)
	root.SetErr(f.Err)
	setupBashCompletion(root)
	return root
}

// libraryCmd is library KIND with the edit subcommands (save, remove,
// contains).
func libraryCmd(f *cmdutil.Factory) *cobra.Command {
	c := library.NewLibraryCmd(f, nil)
	library.AddEditCommands(c, f)
	return c
}
