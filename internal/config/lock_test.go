package config_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spotcli/spotcli/internal/config"
)

func TestFileLockCreatesFile(t *testing.T) {
	skipPermsOnWindows(t)
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "spotcli", "locks")
	path := filepath.Join(dir, "work.lock")
	lock := config.FileLock(path)
	for i := 0; i < 2; i++ { // the lock can be taken again after unlock
		unlock, err := lock(context.Background())
		if err != nil {
			t.Fatalf("lock %d: %v", i, err)
		}
		if m := mode(t, path); m != 0o600 {
			t.Errorf("lock file mode %04o, want 0600", m)
		}
		if m := mode(t, dir); m != 0o700 {
			t.Errorf("lock dir mode %04o, want 0700", m)
		}
		unlock()
	}
}

// TestFileLockExcludes uses two lockers on one path in one process: flock
// locks belong to open files, so they exclude each other as two processes do.
func TestFileLockExcludes(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "locks", "work.lock")
	unlock1, err := config.FileLock(path)(context.Background())
	if err != nil {
		t.Fatal(err)
	}

	var released atomic.Bool
	acquired := make(chan bool, 1) // whether the first holder had let go
	errc := make(chan error, 1)
	go func() {
		unlock2, err := config.FileLock(path)(context.Background())
		if err != nil {
			errc <- err
			return
		}
		acquired <- released.Load()
		unlock2()
	}()

	// While the first holder has it, nobody else gets it.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if unlock3, err := config.FileLock(path)(ctx); err == nil {
		unlock3()
		t.Fatal("a second locker got the lock while the first held it")
	} else if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("lock with an expired context = %v, want context.DeadlineExceeded", err)
	}
	select {
	case <-acquired:
		t.Fatal("the waiting locker got the lock while the first held it")
	case err := <-errc:
		t.Fatal(err)
	default:
	}

	released.Store(true)
	unlock1()
	select {
	case wasReleased := <-acquired:
		if !wasReleased {
			t.Error("the waiting locker got the lock before the first one unlocked")
		}
	case err := <-errc:
		t.Fatalf("waiting locker: %v", err)
	}
}

func TestFileLockContextCanceled(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		cancelEarly bool
	}{
		{name: "canceled while waiting"},
		{name: "canceled before", cancelEarly: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "work.lock")
			unlock1, err := config.FileLock(path)(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			defer unlock1()
			ctx, cancel := context.WithCancel(context.Background())
			if tt.cancelEarly {
				cancel()
			}
			errc := make(chan error, 1)
			go func() {
				unlock, err := config.FileLock(path)(ctx)
				if err == nil {
					unlock()
				}
				errc <- err
			}()
			cancel()
			if err := <-errc; !errors.Is(err, context.Canceled) {
				t.Errorf("lock = %v, want context.Canceled", err)
			}
		})
	}
}

func TestFileLockErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		path func(t *testing.T) string
		want string
	}{
		{name: "parent is a file", path: func(t *testing.T) string {
			f := filepath.Join(t.TempDir(), "file")
			writeFile(t, f, "", 0o600)
			return filepath.Join(f, "work.lock")
		}, want: "create lock directory"},
		{name: "lock path is a directory", path: func(t *testing.T) string {
			d := filepath.Join(t.TempDir(), "work.lock")
			if err := os.Mkdir(d, 0o700); err != nil {
				t.Fatal(err)
			}
			return d
		}, want: "work.lock"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := tt.path(t)
			unlock, err := config.FileLock(path)(context.Background())
			if err == nil {
				unlock()
				t.Fatal("lock succeeded")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
			// A failure to open the lock is not another process holding it.
			if strings.Contains(err.Error(), "another spotcli process") {
				t.Errorf("error %q blames another process", err)
			}
		})
	}
}
