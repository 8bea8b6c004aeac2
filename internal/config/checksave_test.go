package config_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spotcli/spotcli/internal/auth"
	"github.com/spotcli/spotcli/internal/config"
)

// unwritableDir is a directory no file can be created in, even by root
// (who ignores permission bits): /proc then.
func unwritableDir(t *testing.T) string {
	t.Helper()
	if os.Geteuid() == 0 {
		return "/proc"
	}
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(dir, 0o700) })
	return dir
}

// TestFileStoreCheckSave: the probe before a refresh fails exactly where the
// save after it would (issue 13, item 3).
func TestFileStoreCheckSave(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix permissions")
	}
	t.Parallel()
	ok := &config.FileStore{Dir: t.TempDir()}
	if err := ok.CheckSave("work"); err != nil {
		t.Fatalf("writable directory: %v", err)
	}
	if names := dirNames(t, ok.Dir); len(names) != 0 {
		t.Errorf("probe left %v behind", names)
	}
	// A missing directory is created, as Save would.
	missing := &config.FileStore{Dir: filepath.Join(t.TempDir(), "tokens")}
	if err := missing.CheckSave("work"); err != nil {
		t.Errorf("missing directory: %v", err)
	}
	if m := mode(t, missing.Dir); m != 0o700 {
		t.Errorf("created directory mode %04o, want 0700", m)
	}
	for name, dir := range map[string]string{
		"unwritable directory":              unwritableDir(t),
		"directory under an unwritable one": filepath.Join(unwritableDir(t), "tokens"),
	} {
		st := &config.FileStore{Dir: dir}
		err := st.CheckSave("work")
		if err == nil {
			t.Errorf("%s: CheckSave = nil", name)
			continue
		}
		if !strings.Contains(err.Error(), dir) {
			t.Errorf("%s: error %q does not name %s", name, err, dir)
		}
		// The save it predicts fails too.
		if err := st.Save("work", testRecord(t0)); err == nil {
			t.Errorf("%s: Save succeeded where CheckSave failed", name)
		}
	}
}

const fsizeChildEnv = "SPOTCLI_TEST_FSIZE_CHILD"

// TestFileStoreCheckSaveFileSizeLimit runs the probe under ulimit -f 1
// (1 KiB, below a record's 2 KiB) in a child process: the limit is the
// process's, and the other tests of this package write files in parallel.
func TestFileStoreCheckSaveFileSizeLimit(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("RLIMIT_FSIZE as on Linux")
	}
	if dir := os.Getenv(fsizeChildEnv); dir != "" {
		lim := &syscall.Rlimit{Cur: 1024, Max: 1024}
		if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, lim); err != nil {
			t.Fatal(err)
		}
		st := &config.FileStore{Dir: dir}
		err := st.CheckSave("work")
		if err == nil || !errors.Is(err, syscall.EFBIG) {
			t.Fatalf("CheckSave under a 1 KiB file size limit = %v, want EFBIG", err)
		}
		// A record that big cannot be saved either.
		big := testRecord(t0)
		big.Scopes = []string{strings.Repeat("s", 1200)}
		if err := st.Save("work", big); err == nil {
			t.Fatal("Save of a 1.3 KiB record under a 1 KiB limit succeeded")
		}
		return
	}
	t.Parallel()
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestFileStoreCheckSaveFileSizeLimit$", "-test.count=1")
	cmd.Env = append(os.Environ(), fsizeChildEnv+"="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if names := dirNames(t, dir); len(names) != 0 {
		t.Errorf("probe left %v behind", names)
	}
}

// TestAutoStoreCheckSave probes the file only when the login lives there.
func TestAutoStoreCheckSave(t *testing.T) {
	t.Parallel()
	f := newAuto(t, newFakeKeyring(), true)
	if err := f.st.Save("work", testRecord(t0)); err != nil {
		t.Fatal(err)
	}
	f.file.Dir = unwritableDir(t)
	if err := f.st.CheckSave("work"); err != nil {
		t.Errorf("login in the keyring: CheckSave = %v, want nil", err)
	}
	g := newAuto(t, newFakeKeyring(), false)
	if err := g.file.Save("work", testRecord(t0)); err != nil {
		t.Fatal(err)
	}
	if _, err := g.st.Load("work"); err != nil {
		t.Fatal(err)
	}
	g.file.Dir = unwritableDir(t)
	if err := g.st.CheckSave("work"); err == nil {
		t.Error("login in an unwritable file store: CheckSave = nil")
	}
}

// TestAutoStorePlainTextWarningOnce: with token_store=auto and no keyring,
// the warning that the login went to plain text comes with the save that
// put it there, not again with every refresh in later processes (issue 13,
// item 12).
func TestAutoStorePlainTextWarningOnce(t *testing.T) {
	t.Parallel()
	f := newAuto(t, newFakeKeyring(), false)
	if err := f.st.Save("work", testRecord(t0)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(f.warn.String(), "plain text") {
		t.Fatalf("first save: warnings %q, want the plain-text warning", f.warn)
	}
	for i := 1; i <= 3; i++ {
		// A new process: a new store that reads the login, then saves its
		// refresh.
		next := newAuto(t, newFakeKeyring(), false)
		next.file.Dir = f.file.Dir
		if _, err := next.st.Load("work"); err != nil {
			t.Fatal(err)
		}
		if err := next.st.Save("work", testRecord(t0.Add(time.Duration(i)*time.Hour))); err != nil {
			t.Fatal(err)
		}
		if next.warn.Len() != 0 {
			t.Errorf("refresh %d: warnings %q, want none", i, next.warn)
		}
	}
	got, err := f.file.Load("work")
	if err != nil || !got.UpdatedAt.Equal(t0.Add(3*time.Hour)) {
		t.Errorf("file store holds %v, %v; want the last refresh", got, err)
	}
	var _ auth.Store = f.st
}
