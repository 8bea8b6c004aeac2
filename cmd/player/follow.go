package player

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/internal/api"
	"github.com/spotcli/spotcli/internal/auth"
)

// Timing of --follow.
const (
	// endSlack is how long after an item's expected end the next poll
	// goes: Spotify switches items a moment after the end.
	endSlack = 300 * time.Millisecond
	// lateFirst is the first retry when the item should have ended and
	// Spotify still shows it; retries double up to --interval.
	lateFirst = 500 * time.Millisecond
	// errFirst and errMost bound the back-off after failed polls.
	errFirst = 2 * time.Second
	errMost  = 5 * time.Minute
)

// follow prints a line at every change of item or play state until ctx
// ends. Each poll is one request; the token source refreshes the access
// token under the profile's lock as for any command.
func follow(ctx context.Context, o *nowOptions, client *api.Client) error {
	var (
		printed  bool
		lastKey  string
		late     time.Duration // the current retry delay for an overdue item
		errDelay time.Duration
		warned   bool
	)
	for {
		st, raw, err := o.fetchState(ctx, client)
		if ctx.Err() != nil {
			return &cmdutil.SilentExit{Code: cmdutil.ExitInterrupted}
		}
		if err != nil {
			delay, fatal := retryDelay(err, errDelay)
			if fatal {
				return err
			}
			errDelay = delay
			if !warned {
				cmdutil.Warn(o.f.Err, "%v; retrying in %s", err, delay.Round(time.Second))
				warned = true
			}
			if o.wait(ctx, delay) != nil {
				return &cmdutil.SilentExit{Code: cmdutil.ExitInterrupted}
			}
			continue
		}
		errDelay, warned = 0, false

		key := stateKey(st)
		if !printed || key != lastKey {
			if st == nil || st.Item == nil {
				err = o.printIdle(o.f.Out)
			} else {
				err = o.print(o.f.Out, st, raw)
			}
			if err != nil {
				// EPIPE (| head) ends spotcli quietly with exit 0.
				return err
			}
			printed, lastKey, late = true, key, 0
		}

		delay := o.Interval
		if st != nil && st.Item != nil && st.IsPlaying {
			if d, ok := st.Item.Duration(); ok {
				left := d - progressOf(st)
				switch {
				case left > 0 && left+endSlack < delay:
					delay, late = left+endSlack, 0
				case left <= 0:
					// Overdue: Spotify has not switched yet.
					late = min(retryLate(late), o.Interval)
					delay = late
				}
			}
		}
		if o.wait(ctx, delay) != nil {
			return &cmdutil.SilentExit{Code: cmdutil.ExitInterrupted}
		}
	}
}

// retryLate is the next delay before polling an overdue item again.
func retryLate(prev time.Duration) time.Duration { return max(prev*2, lateFirst) }

// stateKey is what --follow compares: the item and whether it plays.
func stateKey(st *api.PlaybackState) string {
	if st == nil || st.Item == nil {
		return ""
	}
	return fmt.Sprintf("%s|%t", st.Item.URI(), st.IsPlaying)
}

// retryDelay says how long to wait after a failed poll, or that waiting
// cannot help (a login needed, a missing scope, a bad answer).
func retryDelay(err error, prev time.Duration) (time.Duration, bool) {
	var (
		rl *api.RateLimitError
		ln *auth.LoginNeededError
		ae *api.Error
	)
	switch {
	case errors.As(err, &ln):
		return 0, true
	case errors.As(err, &rl):
		// Longer than --max-wait for one request, but a follower has time.
		return max(rl.RetryAfter, time.Second), false
	case errors.As(err, &ae) && ae.Status >= 400 && ae.Status < 500 && ae.Status != http.StatusTooManyRequests:
		return 0, true
	}
	return min(max(prev*2, errFirst), errMost), false
}
