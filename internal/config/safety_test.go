package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spotcli/spotcli/internal/auth"
	"github.com/spotcli/spotcli/internal/config"
)

// TestConfigFileRefusedWhenOthersCanChangeIt: a config file decides where the
// tokens go (accounts_url, api_url), so like ssh spotcli refuses one that
// another user owns or that group or others may write, and says what to run.
func TestConfigFileRefusedWhenOthersCanChangeIt(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows keeps owners and rights in ACLs")
	}
	tests := []struct {
		name  string
		mode  os.FileMode
		setup func(t *testing.T, path string) // after the mode is set
		want  string                          // in the error; "" means accepted
	}{
		{name: "0600 mine", mode: 0o600},
		{name: "0644 mine", mode: 0o644},
		{name: "0400 mine", mode: 0o400},
		{name: "writable by others", mode: 0o646, want: "can be changed by other users (mode 0646), so spotcli does not use it: check its contents, then run chmod go-w PATH"},
		{name: "writable by everybody", mode: 0o666, want: "chmod go-w PATH"},
		{name: "writable by a shared group", mode: 0o660, setup: sharedGroup, want: "can be changed by other users (mode 0660)"},
		{name: "owned by another user", mode: 0o600, setup: otherOwner, want: "belongs to user 4242"},
		{name: "owned by root", mode: 0o644, setup: rootOwner},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, getenv := isolate(t)
			path := filepath.Join(dir, "config.yaml")
			writeFile(t, path, "accounts_url: http://127.0.0.1:9/attacker\n", tt.mode)
			if tt.setup != nil {
				tt.setup(t, path)
			}
			s, err := config.Load(config.LoadOptions{Getenv: getenv})
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Load: %v", err)
				}
				if s.AccountsURL != "http://127.0.0.1:9/attacker" {
					t.Errorf("AccountsURL = %q: the file was not read", s.AccountsURL)
				}
				return
			}
			want := strings.ReplaceAll(tt.want, "PATH", path)
			if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), path) {
				t.Fatalf("Load = %+v, %v; want an error with %q", s, err, want)
			}
			var ue *config.UnsafeFileError
			if !errors.As(err, &ue) {
				t.Errorf("error %T is not an *UnsafeFileError", err)
			}
		})
	}
}

func otherOwner(t *testing.T, path string) {
	if os.Geteuid() != 0 {
		t.Skip("giving a file to another user needs root (CI runs as root)")
	}
	if err := os.Chown(path, 4242, 4242); err != nil {
		t.Fatal(err)
	}
}

func rootOwner(t *testing.T, path string) {
	if os.Geteuid() != 0 {
		t.Skip("giving a file to root needs root (CI runs as root)")
	}
	if err := os.Chown(path, 0, 0); err != nil {
		t.Fatal(err)
	}
}

// sharedGroup gives the file a group that is not the user's private one.
func sharedGroup(t *testing.T, path string) {
	if os.Geteuid() == 0 {
		if err := os.Chown(path, 0, 4242); err != nil {
			t.Fatal(err)
		}
		return
	}
	groups, _ := os.Getgroups()
	for _, g := range groups {
		if g != os.Getgid() {
			if err := os.Chown(path, -1, g); err == nil {
				return
			}
		}
	}
	t.Skip("no group other than the user's own to give the file to")
}

// TestConfigFileNotRegular: a FIFO (or a device) as the config file would
// hang viper's read; it is refused before anything reads it.
func TestConfigFileNotRegular(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no FIFOs")
	}
	dir, getenv := isolate(t)
	path := filepath.Join(dir, "config.yaml")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	err := withinSeconds(t, 10, func() error {
		_, err := config.Load(config.LoadOptions{Getenv: getenv})
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "is not a regular file (a named pipe (FIFO))") {
		t.Fatalf("Load: %v; want a refusal of the FIFO", err)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/zero", path); err != nil {
		t.Fatal(err)
	}
	_, err = config.Load(config.LoadOptions{Getenv: getenv})
	if err == nil || !strings.Contains(err.Error(), "a character device") {
		t.Fatalf("Load: %v; want a refusal of the device", err)
	}
}

// withinSeconds runs f and fails the test if it has not returned after n
// seconds: the behaviour under test is "does not block", and a test that
// blocked forever would only show up as the harness's timeout.
func withinSeconds(t *testing.T, n int, f func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-time.After(time.Duration(n) * time.Second):
		t.Fatalf("still blocked after %d s", n)
		return nil
	}
}

// TestBaseURLsNeedHTTPS: accounts_url gets the refresh token and the client
// secret, api_url every access token; plain http is accepted only for a
// loopback IP literal.
func TestBaseURLsNeedHTTPS(t *testing.T) {
	tests := []struct {
		val  string
		want string // in the error; "" means accepted
	}{
		{val: "https://accounts.spotify.com"},
		{val: "https://127.0.0.1:8443"},
		{val: "http://127.0.0.1:9000"},
		{val: "http://127.9.9.9:9000/base"},
		{val: "http://[::1]:9000"},
		{val: "http://accounts.example.test", want: "use https (plain http is accepted only for a loopback address"},
		{val: "http://192.168.1.10:8080", want: "use https"},
		{val: "http://localhost:9000", want: "use https"},
		{val: "http://127.0.0.1.nip.io", want: "use https"},
		{val: "http://0.0.0.0:9000", want: "use https"},
		{val: "https://", want: "use an https URL"},
		{val: "https:accounts.spotify.com", want: "use an https URL"},
		{val: "https://me:hunter2@accounts.spotify.com", want: "a user name or password does not belong in it"},
	}
	for _, key := range []string{config.KeyAccountsURL, config.KeyAPIURL} {
		for _, tt := range tests {
			t.Run(key+" "+tt.val, func(t *testing.T) {
				_, getenv := isolate(t)
				t.Setenv(envName(key), tt.val)
				_, err := config.Load(config.LoadOptions{Getenv: getenv})
				if tt.want == "" {
					if err != nil {
						t.Fatalf("Load: %v", err)
					}
					return
				}
				var ue *config.UsageError
				if !errors.As(err, &ue) || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), key) {
					t.Fatalf("Load: %v; want a usage error with %q", err, tt.want)
				}
				if strings.Contains(err.Error(), "hunter2") {
					t.Errorf("the error shows the password: %v", err)
				}
			})
		}
	}
}

// TestFileStoreRefusesWhatIsNotASmallFile: a FIFO, a device, a symlink to
// either, or a huge file at tokens/PROFILE.json is refused at once, without
// blocking and without reading it into memory; the way out is logout.
func TestFileStoreRefusesWhatIsNotASmallFile(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no FIFOs")
	}
	tests := []struct {
		name  string
		setup func(t *testing.T, path string)
		want  string
	}{
		{"fifo", func(t *testing.T, path string) {
			if err := syscall.Mkfifo(path, 0o600); err != nil {
				t.Fatal(err)
			}
		}, "not a regular file but a named pipe (FIFO)"},
		{"symlink to a fifo", func(t *testing.T, path string) {
			fifo := filepath.Join(t.TempDir(), "fifo")
			if err := syscall.Mkfifo(fifo, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(fifo, path); err != nil {
				t.Fatal(err)
			}
		}, "not a regular file but a named pipe (FIFO)"},
		{"symlink to /dev/zero", func(t *testing.T, path string) {
			if err := os.Symlink("/dev/zero", path); err != nil {
				t.Fatal(err)
			}
		}, "not a regular file but a character device"},
		{"directory", func(t *testing.T, path string) {
			if err := os.Mkdir(path, 0o700); err != nil {
				t.Fatal(err)
			}
		}, "not a regular file but a directory"},
		{"1 GiB sparse file", func(t *testing.T, path string) {
			writeFile(t, path, "", 0o600)
			if err := os.Truncate(path, 1<<30); err != nil {
				t.Fatal(err)
			}
		}, "1073741824 bytes or more, larger than it can be (64 KiB)"},
		{"64 KiB and one byte", func(t *testing.T, path string) {
			writeFile(t, path, strings.Repeat(" ", config.MaxRecordFile+1), 0o600)
		}, "65537 bytes or more"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := &config.FileStore{Dir: filepath.Join(t.TempDir(), "tokens")}
			if err := os.MkdirAll(st.Dir, 0o700); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(st.Dir, "work.json")
			tt.setup(t, path)
			err := withinSeconds(t, 10, func() error {
				_, err := st.Load("work")
				return err
			})
			var ce *config.CorruptError
			if !errors.As(err, &ce) || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "spotcli logout --profile work") {
				t.Fatalf("Load: %v; want a *CorruptError with %q", err, tt.want)
			}
			// logout's way out works: the thing goes, whatever it is.
			if tt.name != "directory" {
				if removed, err := st.Delete("work"); err != nil || !removed {
					t.Errorf("Delete = %v, %v", removed, err)
				}
			}
		})
	}
}

// TestFileStoreSymlinkToRecord: a symlink to a regular, private record (a
// dotfiles setup) still works.
func TestFileStoreSymlinkToRecord(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symlinks need privileges")
	}
	st := &config.FileStore{Dir: filepath.Join(t.TempDir(), "tokens")}
	real := filepath.Join(t.TempDir(), "real.json")
	writeFile(t, real, string(encode(t, testRecord(t0))), 0o600)
	if err := os.MkdirAll(st.Dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, filepath.Join(st.Dir, "work.json")); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Load("work"); err != nil {
		t.Fatalf("Load: %v", err)
	}
}

// TestFileStoreRefusesReadableRecord: like ssh with a private key, a token
// file that group or others can read or write is refused with the chmod to
// run (the next save writes 0600 anyway, but a refresh token others could
// read must not be used as if nothing happened).
func TestFileStoreRefusesReadableRecord(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows keeps rights in ACLs")
	}
	for _, m := range []os.FileMode{0o644, 0o640, 0o604, 0o620, 0o660} {
		t.Run(m.String(), func(t *testing.T) {
			st := &config.FileStore{Dir: filepath.Join(t.TempDir(), "tokens")}
			path := filepath.Join(st.Dir, "work.json")
			writeFile(t, path, string(encode(t, testRecord(t0))), m)
			rec, err := st.Load("work")
			var ue *config.UnsafeFileError
			if !errors.As(err, &ue) || !strings.Contains(err.Error(), "chmod 600 "+path) || !strings.Contains(err.Error(), "can be read or changed by other users") {
				t.Fatalf("Load = %v, %v; want an *UnsafeFileError naming chmod 600", rec, err)
			}
			if errors.Is(err, auth.ErrNotFound) {
				t.Error("a refused file reads as no login")
			}
			if err := os.Chmod(path, 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := st.Load("work"); err != nil {
				t.Fatalf("after chmod 600: %v", err)
			}
		})
	}
}

// TestStateFilesDoNotBlock: a FIFO in place of the profile index entry or the
// warning state costs an error or a repeated warning, never a hang.
func TestStateFilesDoNotBlock(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no FIFOs")
	}
	dir := t.TempDir()
	s := &config.Settings{Dir: dir, Profile: "work"}
	for _, p := range []string{filepath.Join(dir, "profiles", "work"), filepath.Join(dir, "state", "work.expiry")} {
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := syscall.Mkfifo(p, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := withinSeconds(t, 10, func() error { return s.NoteProfile("work", true) }); err == nil {
		t.Error("NoteProfile into a FIFO: no error")
	}
	withinSeconds(t, 10, func() error {
		if !s.WarnOnce("work", "expiry", "2026-12-02") {
			t.Error("WarnOnce with a FIFO as its state: the warning was dropped")
		}
		return nil
	})
}

// TestConfigFileNamedPipe: a pipe named by --config is the user's choice
// (--config <(pass show spotcli)) and is read.
func TestConfigFileNamedPipe(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no FIFOs")
	}
	_, getenv := isolate(t)
	path := filepath.Join(t.TempDir(), "pipe.yaml")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	go func() {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		f.WriteString("client_id: from-the-pipe\n")
		f.Close()
	}()
	var s *config.Settings
	err := withinSeconds(t, 10, func() error {
		var err error
		s, err = config.Load(config.LoadOptions{Getenv: getenv, ConfigFile: path})
		return err
	})
	if err != nil || s.ClientID != "from-the-pipe" {
		t.Fatalf("Load = %+v, %v", s, err)
	}
}
