package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// The profile index and the warning state are small non-secret files in the
// config directory. The index exists because an OS keyring cannot be listed.

func (s *Settings) indexDir() string { return filepath.Join(s.Dir, "profiles") }

// statePath is where profile's non-secret state file named name lives (the
// once-a-day warnings, the refused login).
func (s *Settings) statePath(profile, name string) string {
	return filepath.Join(s.Dir, "state", profile+"."+name)
}

// NoteProfile records that profile has (present) or no longer has a login.
func (s *Settings) NoteProfile(profile string, present bool) error {
	p := filepath.Join(s.indexDir(), profile)
	if !present {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	}
	if err := os.MkdirAll(s.indexDir(), 0o700); err != nil {
		return err
	}
	// Non-blocking: a FIFO put there must not hang the command.
	f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY|openNonBlock, 0o600)
	if err != nil {
		return err
	}
	return f.Close()
}

// KnownProfiles lists the profiles that may have a login here: those in the
// index, in the file store, in the config file, and the active one.
func (s *Settings) KnownProfiles() []string {
	set := map[string]bool{s.Profile: true}
	for _, p := range s.ConfigProfiles {
		set[p] = true
	}
	if es, err := os.ReadDir(s.indexDir()); err == nil {
		for _, e := range es {
			if ValidProfile(e.Name()) {
				set[e.Name()] = true
			}
		}
	}
	if es, err := os.ReadDir(filepath.Join(s.Dir, "tokens")); err == nil {
		for _, e := range es {
			name, ok := strings.CutSuffix(e.Name(), ".json")
			if ok && ValidProfile(name) {
				set[name] = true
			}
		}
	}
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// WarnOnce reports whether the warning named key for profile has not been
// given on day yet, and records that it now has. Without a writable config
// directory it always reports true: a warning too many beats a lost one.
func (s *Settings) WarnOnce(profile, key, day string) bool {
	p := s.statePath(profile, key)
	if b, _, err := readSmallFile(p, 1<<10); err == nil && strings.TrimSpace(string(b)) == day {
		return false
	}
	_ = WriteFileAtomic(p, []byte(day+"\n"))
	return true
}
