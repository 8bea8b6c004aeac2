package config

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/gofrs/flock"
	"github.com/spotcli/spotcli/internal/auth"
)

// LockWait is how long a process waits for another one's refresh.
const LockWait = 2 * time.Minute

// FileLock returns the cross-process lock at path. The OS releases it when
// the holder dies, even by kill -9, so a crash never leaves it stuck.
func FileLock(path string) auth.Locker {
	return func(ctx context.Context) (func(), error) {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("create lock directory: %w", err)
		}
		l := flock.New(path, flock.SetPermissions(0o600))
		wait, cancel := context.WithTimeout(ctx, LockWait)
		defer cancel()
		ok, err := l.TryLockContext(wait, 10*time.Millisecond)
		switch {
		case ok:
			return func() { _ = l.Unlock() }, nil
		case ctx.Err() != nil:
			// The caller gave up (or its own deadline passed): not our wait.
			return nil, ctx.Err()
		case wait.Err() == nil && err != nil:
			// The lock file could not be opened or locked at all.
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		return nil, fmt.Errorf("another spotcli process has held the refresh lock %s for over %s", path, LockWait)
	}
}
