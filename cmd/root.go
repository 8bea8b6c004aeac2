// Package cmd is spotcli's command tree: it turns flags into options, calls
// internal/*, and maps errors to exit codes in one place.
package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/spotcli/spotcli/internal/auth"
	"github.com/spotcli/spotcli/internal/config"
)

// Exit codes, documented in the root help and the README.
const (
	ExitOK          = 0
	ExitError       = 1
	ExitUsage       = 2
	ExitLogin       = 4
	ExitInterrupted = 130
)

const exitCodesHelp = `Exit codes:
  0    ok
  1    error
  2    usage error (unknown flag, bad value)
  4    login needed (no stored login, refresh token no longer valid)
  130  interrupted (Ctrl-C)`

// BuildInfo is set by main from -ldflags.
type BuildInfo struct {
	Version, Commit, Date string
}

// usageError is a bad command line: exit code 2.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usageErrorf(format string, a ...any) error {
	return &usageError{fmt.Errorf(format, a...)}
}

// Main runs spotcli with args and returns the exit code.
func Main(ctx context.Context, f *Factory, args []string) int {
	root := NewRootCmd(f)
	root.SetArgs(args)
	root.SetIn(f.In)
	root.SetOut(f.Out)
	root.SetErr(f.Err)
	err := root.ExecuteContext(ctx)
	code := ExitCode(ctx, err)
	var se *silentExit
	if code == ExitOK || errors.As(err, &se) {
		return code
	}
	if code == ExitInterrupted {
		fmt.Fprintln(f.Err, "spotcli: interrupted")
		return code
	}
	fmt.Fprintf(f.Err, "spotcli: %v\n", err)
	if code == ExitUsage && !strings.Contains(err.Error(), "--help") {
		fmt.Fprintln(f.Err, "Run 'spotcli --help' for usage.")
	}
	return code
}

// ExitCode maps an error to spotcli's exit codes.
func ExitCode(ctx context.Context, err error) int {
	var (
		se  *silentExit
		ue  *usageError
		cue *config.UsageError
		ln  *auth.LoginNeededError
	)
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &se):
		return se.code
	case errors.Is(err, syscall.EPIPE):
		// The reader of stdout has gone (| head): that is how a pipeline ends.
		return ExitOK
	case ctx.Err() != nil:
		// Interrupted: whatever failed, it failed because of the interrupt.
		return ExitInterrupted
	case errors.As(err, &ue), errors.As(err, &cue), isCobraUsage(err):
		return ExitUsage
	case errors.As(err, &ln):
		return ExitLogin
	}
	return ExitError
}

func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "accepts ", "requires at least", "invalid argument", "flag needs an argument", "bad flag syntax", "if any flags in the group"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

// NewRootCmd builds the command tree. Nothing here touches the network, the
// keyring or the config file: that happens in the run functions.
func NewRootCmd(f *Factory) *cobra.Command {
	root := &cobra.Command{
		Use:   "spotcli",
		Short: "A command-line client for the Spotify Web API, made for scripts",
		Long: `spotcli logs in to Spotify once (in the browser, with PKCE), keeps the tokens in the
OS keyring, and gives every later command a valid access token. Its output is
made for pipes: data on stdout, everything else on stderr.

` + exitCodesHelp,
		// What --version prints after "spotcli ", as spotcli version does.
		Version:       strings.TrimPrefix(versionLine(f.Build, debug.ReadBuildInfo), "spotcli "),
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRun: func(cmd *cobra.Command, _ []string) {
			f.flags = cmd.Flags()
		},
	}
	root.SetVersionTemplate("spotcli {{.Version}}\n")
	// Defined here rather than by cobra at run time, so that the generated
	// docs list it too.
	root.Flags().BoolP("version", "v", false, "print the version, commit and build date")
	pf := root.PersistentFlags()
	pf.StringVar(&f.configFile, "config", "", "config file (default $SPOTCLI_CONFIG_DIR/config.yaml)")
	pf.String("profile", "", "stored login to use (default \"default\"; env SPOTCLI_PROFILE)")
	pf.BoolVar(&f.debug, "debug", false, "log every HTTP request (method, URL, status) to stderr, secrets redacted")
	pf.StringVar(&f.saveRefreshToken, "save-refresh-token", "", "with SPOTCLI_REFRESH_TOKEN: write a refresh token that Spotify rotated to `FILE` (0600)")
	pf.String("max-wait", "", "longest Retry-After to wait out before failing (default 2m; env SPOTCLI_MAX_WAIT)")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &usageError{fmt.Errorf("%w (see 'spotcli %s --help')", err, strings.TrimPrefix(c.CommandPath(), "spotcli "))}
	})

	root.AddCommand(
		newLoginCmd(f, nil),
		newRefreshCmd(f, nil),
		newTokenCmd(f, nil),
		newLogoutCmd(f, nil),
		newStatusCmd(f, nil),
		newWhoamiCmd(f, nil),
		newPlaylistsCmd(f, nil),
		newAPICmd(f, nil),
	)
	root.AddCommand(newVersionCmd(f))
	root.AddCommand(devCommands(f)...)
	// After every AddCommand: completions are registered by walking the tree.
	registerCompletions(root, f)
	return root
}

// noArgs refuses positional arguments with a usage error.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageErrorf("spotcli %s takes no arguments, got %q", cmd.Name(), args[0])
	}
	return nil
}

// warn writes one line to stderr.
func warn(w io.Writer, format string, a ...any) {
	fmt.Fprintf(w, "warning: "+format+"\n", a...)
}
