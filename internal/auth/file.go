package auth

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// FileWriter writes the --save-refresh-token file. internal/config owns the
// writing of secret files (config.UserFiles): the file is 0600, written
// atomically, in the user's directory, which is never created or changed.
type FileWriter interface {
	// ProbeDir proves that a file of size bytes can be written in dir now.
	ProbeDir(dir string, size int) error
	WriteFile(path string, data []byte) error
}

var errNoFileWriter = errors.New("no file writer for --save-refresh-token")

// checkSaveFile makes sure that the SaveRefreshToken file can be written.
func (r *Resolver) checkSaveFile() error {
	path := r.SaveRefreshToken
	if r.Files == nil {
		return errNoFileWriter
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return fmt.Errorf("--save-refresh-token %s is a directory: name a file", path)
	}
	if err := r.Files.ProbeDir(filepath.Dir(path), 4096); err != nil {
		return fmt.Errorf("--save-refresh-token %s: %w", path, err)
	}
	return nil
}

// writeSaveFile writes data to the SaveRefreshToken file.
func (r *Resolver) writeSaveFile(data []byte) error {
	if r.Files == nil {
		return errNoFileWriter
	}
	return r.Files.WriteFile(r.SaveRefreshToken, data)
}
