package config

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/spotcli/spotcli/internal/auth"
	"github.com/zalando/go-keyring"
)

// TokenStore keeps one login record per profile.
type TokenStore interface {
	auth.Store
	Delete(profile string) (removed bool, err error)
	// Location says where the profile's record was last read from or written
	// to, in words for people: "keyring", "file (plain text) PATH".
	Location(profile string) string
}

// CorruptError is a stored record that cannot be decoded. It is never
// overwritten by a read: the user decides.
type CorruptError struct {
	Profile string
	Where   string
	Err     error
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("the stored login of profile %q in %s cannot be read (%v): run spotcli logout --profile %s, then spotcli login --profile %s",
		e.Profile, e.Where, e.Err, e.Profile, e.Profile)
}

func (e *CorruptError) Unwrap() error { return e.Err }

// FileStore keeps records as JSON files, 0600 in a 0700 directory.
type FileStore struct {
	Dir string // the tokens directory
}

func (s *FileStore) path(profile string) string {
	return filepath.Join(s.Dir, profile+".json")
}

func (s *FileStore) Location(profile string) string {
	return "file (plain text) " + s.path(profile)
}

// MaxRecordFile bounds a token file: a record is a few kilobytes at most,
// and a larger file is not one (nor is it read whole into memory).
const MaxRecordFile = 64 << 10

func (s *FileStore) Load(profile string) (*auth.Record, error) {
	path := s.path(profile)
	b, fi, err := readSmallFile(path, MaxRecordFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, auth.ErrNotFound
	}
	var nr *notRegularError
	var tl *tooLargeError
	if errors.As(err, &nr) || errors.As(err, &tl) {
		return nil, &CorruptError{Profile: profile, Where: path, Err: err}
	}
	if err != nil {
		return nil, fmt.Errorf("read stored login: %w", err)
	}
	if err := vetTokenFile(profile, path, fi, os.Geteuid()); err != nil {
		return nil, err
	}
	rec, err := auth.DecodeRecord(b)
	if err != nil {
		return nil, &CorruptError{Profile: profile, Where: s.path(profile), Err: err}
	}
	return rec, nil
}

func (s *FileStore) Save(profile string, rec *auth.Record) error {
	b, err := rec.Encode()
	if err != nil {
		return err
	}
	return WriteFileAtomic(s.path(profile), b)
}

// CheckSave proves that Save can write in the tokens directory now (not
// read-only, not full, no file size limit in the way), so that a refresh
// is not sent when its answer could not be kept.
func (s *FileStore) CheckSave(string) error {
	// Save creates the directory; so does the check (a first login).
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return fmt.Errorf("create %s: %w", s.Dir, err)
	}
	return ProbeDir(s.Dir, auth.MaxRecordSize)
}

func (s *FileStore) Delete(profile string) (bool, error) {
	err := os.Remove(s.path(profile))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

// KeyringBackend is the part of go-keyring spotcli uses.
type KeyringBackend interface {
	Get(service, user string) (string, error)
	Set(service, user, secret string) error
	Delete(service, user string) error
}

// SystemKeyring is the OS keyring through go-keyring (or its mock, after
// keyring.MockInit).
type SystemKeyring struct{}

func (SystemKeyring) Get(service, user string) (string, error) { return keyring.Get(service, user) }
func (SystemKeyring) Set(service, user, secret string) error {
	return keyring.Set(service, user, secret)
}
func (SystemKeyring) Delete(service, user string) error { return keyring.Delete(service, user) }

// ErrKeyringUnavailable wraps every failure to reach the OS keyring.
var ErrKeyringUnavailable = errors.New("OS keyring unavailable")

// KeyringStore keeps records in the OS keyring: service "spotcli", user = profile.
type KeyringStore struct {
	Backend KeyringBackend
	Service string
	Timeout time.Duration
	// Available answers at once whether trying is worth it (on Linux: is there
	// a D-Bus session at all); nil means always.
	Available func() error
}

// DBusAvailable is KeyringStore.Available for the real system: on Linux and
// the BSDs the keyring is the Secret Service on the D-Bus session bus.
func DBusAvailable(getenv func(string) string) func() error {
	return func() error {
		switch runtime.GOOS {
		case "darwin", "windows":
			return nil
		}
		if getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
			return fmt.Errorf("%w: no D-Bus session (DBUS_SESSION_BUS_ADDRESS is not set)", ErrKeyringUnavailable)
		}
		return nil
	}
}

func (s *KeyringStore) Location(string) string { return "keyring" }

// call runs one keyring operation with a timeout: D-Bus can block forever on
// a locked collection whose unlock prompt nobody will answer.
func (s *KeyringStore) call(op func() error) error {
	if s.Available != nil {
		if err := s.Available(); err != nil {
			// AutoStore falls back to the file only on ErrKeyringUnavailable.
			if !errors.Is(err, ErrKeyringUnavailable) {
				err = fmt.Errorf("%w: %v", ErrKeyringUnavailable, err)
			}
			return err
		}
	}
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	done := make(chan error, 1)
	go func() { done <- op() }()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case err := <-done:
		if err == nil || errors.Is(err, keyring.ErrNotFound) {
			return err
		}
		return fmt.Errorf("%w: %v", ErrKeyringUnavailable, err)
	case <-t.C:
		return fmt.Errorf("%w: no answer within %s (is the keyring locked?)", ErrKeyringUnavailable, timeout)
	}
}

func (s *KeyringStore) Load(profile string) (*auth.Record, error) {
	var secret string
	err := s.call(func() error {
		var err error
		secret, err = s.Backend.Get(s.Service, profile)
		return err
	})
	if errors.Is(err, keyring.ErrNotFound) {
		return nil, auth.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	rec, err := auth.DecodeRecord([]byte(secret))
	if err != nil {
		return nil, &CorruptError{Profile: profile, Where: "the OS keyring", Err: err}
	}
	return rec, nil
}

func (s *KeyringStore) Save(profile string, rec *auth.Record) error {
	b, err := rec.Encode()
	if err != nil {
		return err
	}
	return s.call(func() error { return s.Backend.Set(s.Service, profile, string(b)) })
}

func (s *KeyringStore) Delete(profile string) (bool, error) {
	err := s.call(func() error { return s.Backend.Delete(s.Service, profile) })
	if errors.Is(err, keyring.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// KeyringDownError is token_store=auto finding no login in the file store
// while the keyring, where it would be, cannot be asked.
type KeyringDownError struct {
	Profile string
	Err     error // wraps ErrKeyringUnavailable
}

func (e *KeyringDownError) Error() string {
	return fmt.Sprintf("the keyring is locked or unreachable (%v), so the login of profile %q cannot be read: unlock the keyring (or run spotcli where its D-Bus session is) and try again; to keep logins in a plain-text file instead, set token_store to file and run spotcli login",
		e.Err, e.Profile)
}

func (e *KeyringDownError) Unwrap() error { return e.Err }

// AutoStore prefers the keyring and falls back to the file store, with one
// warning, when the keyring cannot be reached. Reads look in both and take the
// newer record, so a token refreshed while the keyring was away is not lost.
type AutoStore struct {
	Keyring *KeyringStore
	File    *FileStore
	Warn    io.Writer
	// Once reports whether the plain-text warning is still to be given for
	// a profile, and records that it now is (a state file: once per
	// profile, not once per process); nil warns once per process.
	Once func(profile string) bool

	mu    sync.Mutex
	where map[string]string
	said  bool
}

func (s *AutoStore) note(profile, where string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.where == nil {
		s.where = map[string]string{}
	}
	s.where[profile] = where
}

func (s *AutoStore) Location(profile string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if w, ok := s.where[profile]; ok {
		return w
	}
	return "keyring"
}

// inFile reports whether profile's login was last read from or written to
// the file store.
func (s *AutoStore) inFile(profile string) bool {
	return s.Location(profile) != s.Keyring.Location(profile)
}

func (s *AutoStore) Load(profile string) (*auth.Record, error) {
	kr, kerr := s.Keyring.Load(profile)
	if kerr != nil && !errors.Is(kerr, auth.ErrNotFound) && !errors.Is(kerr, ErrKeyringUnavailable) {
		return nil, kerr
	}
	fr, ferr := s.File.Load(profile)
	if ferr != nil && !errors.Is(ferr, auth.ErrNotFound) {
		return nil, ferr
	}
	if kerr != nil && fr == nil && errors.Is(kerr, ErrKeyringUnavailable) {
		// The login may well be in the keyring: "not logged in" would send
		// the user to log in again, into a plain-text file.
		return nil, &KeyringDownError{Profile: profile, Err: kerr}
	}
	switch {
	case kr != nil && (fr == nil || !fr.UpdatedAt.After(kr.UpdatedAt)):
		s.note(profile, s.Keyring.Location(profile))
		return kr, nil
	case fr != nil:
		s.note(profile, s.File.Location(profile))
		return fr, nil
	}
	return nil, auth.ErrNotFound
}

// CheckSave checks the file store when the login was read from it: a save
// goes there when the keyring does not answer. A keyring cannot be probed
// without writing to it.
func (s *AutoStore) CheckSave(profile string) error {
	if s.inFile(profile) {
		return s.File.CheckSave(profile)
	}
	return nil
}

func (s *AutoStore) Save(profile string, rec *auth.Record) error {
	// A login read from the plain-text file was warned about when it went
	// there; its refreshes are not warned about again.
	inFile := s.inFile(profile)
	kerr := s.Keyring.Save(profile, rec)
	if kerr == nil {
		s.note(profile, s.Keyring.Location(profile))
		// A plain-text copy left from a time without keyring would be stale now.
		_, _ = s.File.Delete(profile)
		return nil
	}
	if err := s.File.Save(profile, rec); err != nil {
		return fmt.Errorf("save to keyring: %v; save to file: %w", kerr, err)
	}
	s.note(profile, s.File.Location(profile))
	s.mu.Lock()
	said := s.said
	s.said = true
	s.mu.Unlock()
	if !said && !inFile && s.Warn != nil && (s.Once == nil || s.Once(profile)) {
		fmt.Fprintf(s.Warn, "warning: %v; the login was stored in plain text in %s (set token_store to keyring or file to choose)\n", kerr, s.File.path(profile))
	}
	return nil
}

func (s *AutoStore) Delete(profile string) (bool, error) {
	kremoved, kerr := s.Keyring.Delete(profile)
	fremoved, ferr := s.File.Delete(profile)
	if ferr != nil {
		return kremoved || fremoved, ferr
	}
	if kerr != nil && !errors.Is(kerr, ErrKeyringUnavailable) {
		return kremoved || fremoved, kerr
	}
	if kerr != nil && s.Warn != nil {
		fmt.Fprintf(s.Warn, "warning: %v: a login stored there, if any, was not removed; run spotcli logout again where the keyring answers\n", kerr)
	}
	return kremoved || fremoved, nil
}
