package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spotcli/spotcli/internal/api"
	"github.com/spotcli/spotcli/internal/auth"
	"github.com/spotcli/spotcli/internal/config"
)

// TestExitCode is the table of which error gives which exit code.
func TestExitCode(t *testing.T) {
	t.Parallel()
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	live := context.Background()
	loginNeeded := &auth.LoginNeededError{Reason: "the refresh token is no longer valid"}
	tests := []struct {
		name string
		ctx  context.Context
		err  error
		want int
	}{
		{"no error", live, nil, ExitOK},
		{"no error after an interrupt", canceled, nil, ExitOK},
		{"an error", live, errors.New("boom"), ExitError},
		{"a Web API error", live, &api.Error{Status: 500, Message: "oops"}, ExitError},
		{"a file error", live, &fs.PathError{Op: "open", Path: "x", Err: fs.ErrNotExist}, ExitError},
		{"our usage error", live, UsageErrorf("bad --limit"), ExitUsage},
		{"our usage error, wrapped", live, fmt.Errorf("parse: %w", UsageErrorf("bad")), ExitUsage},
		{"a bad setting (internal/config)", live, &config.UsageError{Msg: "unknown token_store"}, ExitUsage},
		{"a bad setting, wrapped", live, fmt.Errorf("settings: %w", &config.UsageError{Msg: "x"}), ExitUsage},
		{"a setting the credentials need (internal/auth) is a configuration error", live, &auth.SettingError{Msg: "SPOTCLI_CLIENT_ID is not set"}, ExitError},
		{"rate limited beyond --max-wait", live, &api.RateLimitError{RetryAfter: time.Hour}, ExitRateLimited},
		{"rate limited, wrapped", live, fmt.Errorf("list: %w", &api.RateLimitError{RetryAfter: time.Hour}), ExitRateLimited},
		{"a rotated refresh token not saved (internal/auth)", live, &auth.RotationError{File: "f", Err: errors.New("read-only")}, ExitError},
		{"cobra: unknown command", live, errors.New(`unknown command "nope" for "spotcli"`), ExitUsage},
		{"cobra: unknown flag", live, errors.New("unknown flag: --nope"), ExitUsage},
		{"cobra: unknown shorthand", live, errors.New("unknown shorthand flag: 'z' in -z"), ExitUsage},
		{"cobra: argument count", live, errors.New("accepts 1 arg(s), received 2"), ExitUsage},
		{"cobra: too few arguments", live, errors.New("requires at least 1 arg(s), only received 0"), ExitUsage},
		{"cobra: bad value", live, errors.New(`invalid argument "x" for "--limit" flag`), ExitUsage},
		{"cobra: missing value", live, errors.New("flag needs an argument: --limit"), ExitUsage},
		{"cobra: bad syntax", live, errors.New("bad flag syntax: ---x"), ExitUsage},
		{"cobra: exclusive flags", live, errors.New("if any flags in the group [app refresh-token] are set none of the others can be"), ExitUsage},
		{"a message that only mentions a flag", live, errors.New("Spotify said: unknown flag"), ExitError},
		{"login needed", live, loginNeeded, ExitLogin},
		{"login needed, wrapped", live, fmt.Errorf("refresh: %w", loginNeeded), ExitLogin},
		{"a silent exit", live, &SilentExit{Code: ExitLogin}, ExitLogin},
		{"a silent exit, even interrupted", canceled, &SilentExit{Code: 3}, 3},
		{"stdout closed (| head)", live, fmt.Errorf("write: %w", syscall.EPIPE), ExitOK},
		{"stdout closed while interrupted", canceled, syscall.EPIPE, ExitOK},
		{"any error after an interrupt", canceled, errors.New("context canceled"), ExitInterrupted},
		{"a usage error after an interrupt", canceled, UsageErrorf("bad"), ExitInterrupted},
		{"login needed after an interrupt", canceled, loginNeeded, ExitInterrupted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ExitCode(tt.ctx, tt.err); got != tt.want {
				t.Errorf("ExitCode(%v) = %d, want %d", tt.err, got, tt.want)
			}
		})
	}
}

// TestExitCodesHelp: the help lists every code the table gives.
func TestExitCodesHelp(t *testing.T) {
	t.Parallel()
	for _, code := range []int{ExitOK, ExitError, ExitUsage, ExitNothingPlaying, ExitLogin, ExitRateLimited, ExitInterrupted} {
		if !strings.Contains(ExitCodesHelp, fmt.Sprintf("\n  %-4d ", code)) {
			t.Errorf("ExitCodesHelp does not document %d:\n%s", code, ExitCodesHelp)
		}
	}
}
