package auth

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

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

// checkSecretFile makes sure that writeSecretFile(path) can succeed.
func checkSecretFile(path string) error {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return fmt.Errorf("--save-refresh-token %s is a directory: name a file", path)
	}
	if err := ProbeDir(filepath.Dir(path), 4096); err != nil {
		return fmt.Errorf("--save-refresh-token %s: %w", path, err)
	}
	return nil
}

// writeSecretFile writes data to path as a 0600 file, through a temporary
// file in the same directory and a rename, so that a crash leaves the old
// file or the new one. The directory is the user's: it is never created and
// its permissions are never changed.
func writeSecretFile(path string, data []byte) error {
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
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}
