package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// WriteFileAtomic writes a secret file: 0600, in a 0700 directory, through a
// temporary file and a rename so that a crash leaves the old file or the new
// one, never a torn one.
func WriteFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if runtime.GOOS != "windows" {
		if err := os.Chmod(dir, 0o700); err != nil {
			return err
		}
	}
	return writeFile(path, data, nil)
}

// UserFiles writes secret files the user named (--save-refresh-token), in
// directories that are the user's: they are never created and their
// permissions are never changed. It is auth.FileWriter.
type UserFiles struct{}

// ProbeDir is the package's ProbeDir.
func (UserFiles) ProbeDir(dir string, size int) error { return ProbeDir(dir, size) }

// WriteFile writes data to path as a 0600 file, atomically, in the
// existing directory of path.
func (UserFiles) WriteFile(path string, data []byte) error { return writeFile(path, data, nil) }

// writeFile writes data to path as a 0600 file through a temporary file in
// the same directory and a rename. A check that is not nil reads the
// temporary file before the rename; its error leaves path as it was.
func writeFile(path string, data []byte, check func(tmp string) error) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // a no-op after the rename
	if err := f.Chmod(0o600); err != nil && runtime.GOOS != "windows" {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if check != nil {
		if err := check(tmp); err != nil {
			f.Close()
			return err
		}
	}
	if runtime.GOOS == "windows" { // an open file cannot be renamed there
		if err := f.Sync(); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		return os.Rename(tmp, path)
	}
	// Rename first, sync after: a token Spotify has just rotated must be on
	// record as soon as possible, because a process killed before the rename
	// loses it for good. The rename is atomic for every other process either
	// way, and ext4 and xfs write a renamed-over file's data before the
	// rename's metadata, so a power cut does not leave a torn file either.
	if err := os.Rename(tmp, path); err != nil {
		f.Close()
		return err
	}
	serr := f.Sync()
	cerr := f.Close()
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return errors.Join(serr, cerr)
}

// ProbeDir proves that a file of size bytes can be written in dir, by
// writing one and removing it: a read-only mount, a full disk or a file size
// limit (ulimit -f) fails here, before a refresh, instead of after Spotify
// rotated the token. Permission bits alone would not tell, as root ignores
// them.
func ProbeDir(dir string, size int) error {
	f, err := os.CreateTemp(dir, ".spotcli-probe-*")
	if err != nil {
		return fmt.Errorf("cannot write in %s: %w", dir, unwrapPath(err))
	}
	name := f.Name()
	_, werr := f.Write(make([]byte, size))
	cerr := f.Close()
	rerr := os.Remove(name)
	if err := errors.Join(werr, cerr); err != nil {
		return fmt.Errorf("cannot write %d bytes in %s: %w", size, dir, unwrapPath(err))
	}
	if rerr != nil {
		return fmt.Errorf("cannot remove a file in %s: %w", dir, unwrapPath(rerr))
	}
	return nil
}

// unwrapPath drops the *PathError's operation and temporary file name, which
// would only confuse: "permission denied" says it.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
