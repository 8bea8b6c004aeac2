package config

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/url"
	"os"
	"strings"
)

// maxConfigFile bounds the config file: a settings file is a few hundred
// bytes, and viper reads it whole.
const maxConfigFile = 1 << 20

// UnsafeFileError refuses a file that others could have written (a config
// file that can send the tokens elsewhere) or read (a stored login), as ssh
// refuses such a config file or private key. Fix names the command that
// makes it safe.
type UnsafeFileError struct {
	What, Path, Why, Fix string
}

func (e *UnsafeFileError) Error() string {
	return fmt.Sprintf("%s %s %s, so spotcli does not use it: %s", e.What, e.Path, e.Why, e.Fix)
}

// vetConfigFile refuses a config file that someone other than the user (or
// root) owns or may change, as ssh does with ~/.ssh/config: its accounts_url
// and api_url decide where the tokens are sent. A file that does not exist is
// fine (nothing is read). At the default path, one that is not a regular file
// or is huge is refused, since reading it could hang or eat the memory; a
// file named by --config may be a pipe (--config <(pass show spotcli)).
func vetConfigFile(path string, euid int, named bool) error {
	fi, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("config file %s: %v", path, err)
	}
	if !fi.Mode().IsRegular() && !(named && fi.Mode()&(fs.ModeNamedPipe|fs.ModeCharDevice) != 0) {
		return fmt.Errorf("config file %s is not a regular file (%s): replace it with a file, or point --config elsewhere", path, kind(fi))
	}
	if fi.Mode().IsRegular() && fi.Size() > maxConfigFile {
		return fmt.Errorf("config file %s is %d bytes, more than a config file can be (1 MiB): fix or remove it", path, fi.Size())
	}
	uid, gid, ok := ownerOf(fi)
	if !ok || euid < 0 {
		return nil
	}
	if uid != euid && uid != 0 {
		return &UnsafeFileError{What: "config file", Path: path,
			Why: fmt.Sprintf("belongs to user %d, not to you (user %d) or root", uid, euid),
			Fix: fmt.Sprintf("check its contents, then run chown %d %s (or remove it)", euid, path)}
	}
	perm := fi.Mode().Perm()
	if perm&0o002 != 0 || perm&0o020 != 0 && !privateGroup(uid, gid) {
		return &UnsafeFileError{What: "config file", Path: path,
			Why: fmt.Sprintf("can be changed by other users (mode %04o)", perm),
			Fix: "check its contents, then run chmod go-w " + path}
	}
	return nil
}

// vetTokenFile refuses a stored login that other users can read or change,
// as ssh refuses a private key that is not 0600: the file holds a refresh
// token, and one others may have read must be treated as leaked.
func vetTokenFile(profile, path string, fi fs.FileInfo, euid int) error {
	uid, _, ok := ownerOf(fi)
	if !ok || euid < 0 {
		return nil
	}
	if uid != euid {
		return &UnsafeFileError{What: "the stored login of profile " + fmt.Sprintf("%q in", profile), Path: path,
			Why: fmt.Sprintf("belongs to user %d, not to you (user %d)", uid, euid),
			Fix: fmt.Sprintf("remove it and run spotcli login --profile %s", profile)}
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return &UnsafeFileError{What: "the stored login of profile " + fmt.Sprintf("%q in", profile), Path: path,
			Why: fmt.Sprintf("can be read or changed by other users (mode %04o)", perm),
			Fix: fmt.Sprintf("run chmod 600 %s; if someone else may have read it, run spotcli logout --profile %s and log in again", path, profile)}
	}
	return nil
}

// notRegularError is a path that holds something other than a file.
type notRegularError struct{ fi fs.FileInfo }

func (e *notRegularError) Error() string { return "not a regular file but " + kind(e.fi) }

// tooLargeError is a file larger than its kind can be.
type tooLargeError struct{ size, max int64 }

func (e *tooLargeError) Error() string {
	return fmt.Sprintf("%d bytes or more, larger than it can be (%d KiB)", e.size, e.max>>10)
}

// readSmallFile reads a regular file of at most max bytes without ever
// blocking: a FIFO, a device or a symlink to one is refused before it is
// read (and, against a swap in between, after it is opened), and a file that
// grows past max is cut off by the read, not read whole. It returns the
// file's information as seen by the open file.
func readSmallFile(path string, max int64) ([]byte, fs.FileInfo, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fi, &notRegularError{fi}
	}
	if fi.Size() > max {
		return nil, fi, &tooLargeError{fi.Size(), max}
	}
	f, err := os.OpenFile(path, os.O_RDONLY|openNonBlock, 0)
	if err != nil {
		return nil, fi, err
	}
	defer f.Close()
	ofi, err := f.Stat()
	if err != nil {
		return nil, fi, err
	}
	if !ofi.Mode().IsRegular() {
		return nil, ofi, &notRegularError{ofi}
	}
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, ofi, err
	}
	if int64(len(b)) > max {
		return nil, ofi, &tooLargeError{int64(len(b)), max}
	}
	return b, ofi, nil
}

// kind names what a non-regular file is, for messages.
func kind(fi fs.FileInfo) string {
	switch m := fi.Mode(); {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	}
	return "not a regular file (mode " + fi.Mode().String() + ")"
}

// checkBaseURL accepts https, and plain http only for a loopback IP literal
// (127.0.0.0/8, [::1]): accounts_url receives the refresh token and the
// client secret, api_url every access token, and plain http anywhere else
// hands them to whoever is on the path. A name such as localhost is not
// accepted over http: what it resolves to is not spotcli's to check.
func checkBaseURL(key, val string) error {
	u, err := url.Parse(val)
	if err != nil || u.Host == "" || u.Opaque != "" || (u.Scheme != "https" && u.Scheme != "http") {
		return &UsageError{fmt.Sprintf("invalid %s %q: use an https URL", key, val)}
	}
	if u.User != nil {
		return &UsageError{fmt.Sprintf("invalid %s %q: a user name or password does not belong in it", key, redactUser(u))}
	}
	if u.Scheme == "http" {
		ip := net.ParseIP(u.Hostname())
		if ip == nil || !ip.IsLoopback() {
			return &UsageError{fmt.Sprintf("invalid %s %q: use https (plain http is accepted only for a loopback address such as http://127.0.0.1:PORT, since it would send the tokens unencrypted)", key, val)}
		}
	}
	return nil
}

func redactUser(u *url.URL) string {
	c := *u
	c.User = url.User("REDACTED")
	return strings.Replace(c.String(), "REDACTED@", "…@", 1)
}
