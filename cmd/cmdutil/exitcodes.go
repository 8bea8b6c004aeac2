package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"syscall"

	"github.com/spotcli/spotcli/internal/api"
	"github.com/spotcli/spotcli/internal/auth"
	"github.com/spotcli/spotcli/internal/config"
)

// Exit codes, documented in the root help and the README. ExitCode is the
// one place that maps an error to them.
const (
	ExitOK    = 0
	ExitError = 1
	ExitUsage = 2
	// ExitNothingPlaying is spotcli now's (and player status's) answer when
	// no item is playing: nothing on stdout, so that
	// `spotcli now || echo idle` works.
	ExitNothingPlaying = 3
	ExitLogin          = 4
	// ExitRateLimited is a Retry-After longer than max_wait: try again
	// later, nothing is broken (CI can tell "later" from "broken").
	ExitRateLimited = 5
	ExitInterrupted = 130
)

// ExitCodesHelp ends the root command's help.
const ExitCodesHelp = `Exit codes:
  0    ok
  1    error
  2    usage error (unknown flag, bad value)
  3    nothing is playing (spotcli now, spotcli player status)
  4    login needed (no stored login, refresh token no longer valid)
  5    rate limited by Spotify for longer than --max-wait: try again later
  130  interrupted (Ctrl-C)`

// UsageError is a bad command line: exit code 2. It is the one usage-error
// type of the commands; internal/config's UsageError (a bad setting value)
// maps to the same code. internal/auth's SettingError (a setting the
// credentials need and lack, such as a client_secret for --app) is a
// configuration error, exit 1: the command line was right.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// UsageErrorf is a UsageError with a formatted message.
func UsageErrorf(format string, a ...any) error {
	return &UsageError{fmt.Errorf(format, a...)}
}

// SilentExit ends a command with Code after it has said everything: Main
// prints nothing more.
type SilentExit struct{ Code int }

func (e *SilentExit) Error() string { return fmt.Sprintf("exit %d", e.Code) }

// ExitCode maps an error to spotcli's exit codes.
func ExitCode(ctx context.Context, err error) int {
	var (
		se  *SilentExit
		ue  *UsageError
		cue *config.UsageError
		ln  *auth.LoginNeededError
		rl  *api.RateLimitError
	)
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &se):
		return se.Code
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
	case errors.As(err, &rl):
		return ExitRateLimited
	}
	return ExitError
}

// isCobraUsage recognises cobra's own errors about the command line, which
// are plain errors.
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "accepts ", "requires at least", "invalid argument", "flag needs an argument", "bad flag syntax", "if any flags in the group"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}
