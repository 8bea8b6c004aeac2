package config

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spotcli/spotcli/internal/auth"
	"go.yaml.in/yaml/v3"
)

// File is the config file as spotcli config edits it: a YAML document whose
// comments and order survive a change. (yaml.v3 is viper's own YAML
// library, which reads the file too.)
type File struct {
	Path string
	doc  *yaml.Node // a document holding one mapping
}

// ReadFile reads the config file at path; one that does not exist is empty.
func ReadFile(path string) (*File, error) {
	f := &File{Path: path, doc: &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.MappingNode, Tag: "!!map"}}}}
	if err := vetConfigFile(path, os.Geteuid(), false); err != nil { // a pipe cannot be edited
		return nil, err
	}
	b, _, err := readSmallFile(path, maxConfigFile)
	if errors.Is(err, fs.ErrNotExist) {
		return f, nil
	}
	if err != nil {
		return nil, fmt.Errorf("config file %s: %w", path, err)
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return f, nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("config file %s: %v: fix or remove it", path, err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("config file %s is not a YAML mapping of keys to values: fix or remove it", path)
	}
	f.doc = &doc
	return f, nil
}

// KnownKey reports whether key is a setting (Defaults).
func KnownKey(key string) bool {
	for _, d := range Defaults() {
		if d.Key == key {
			return true
		}
	}
	return false
}

// ProfileKey reports whether key may be set per profile (profiles.NAME.KEY).
func ProfileKey(key string) bool { return slices.Contains(profileKeys, key) }

// DefaultOf is key's default value.
func DefaultOf(key string) string {
	for _, d := range Defaults() {
		if d.Key == key {
			return d.Value
		}
	}
	return ""
}

func (f *File) root() *yaml.Node { return f.doc.Content[0] }

// lookup finds key in mapping m.
func lookup(m *yaml.Node, key string) (int, *yaml.Node) {
	if m == nil || m.Kind != yaml.MappingNode {
		return -1, nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return i, m.Content[i+1]
		}
	}
	return -1, nil
}

func (f *File) section(profile string) *yaml.Node {
	_, ps := lookup(f.root(), "profiles")
	_, p := lookup(ps, profile)
	return p
}

func scalar(n *yaml.Node) string {
	switch n.Kind {
	case yaml.ScalarNode:
		return n.Value
	case yaml.SequenceNode: // scopes as a list
		var parts []string
		for _, c := range n.Content {
			parts = append(parts, c.Value)
		}
		return strings.Join(parts, " ")
	}
	return ""
}

// Get is key's value for profile ("" is the top level) as the file sets
// it: the profile's own, else the top level's. Where says which
// ("profiles.work.client_id"); ok is false when the file does not set it.
func (f *File) Get(profile, key string) (value, where string, ok bool) {
	if profile != "" && ProfileKey(key) {
		if _, n := lookup(f.section(profile), key); n != nil {
			return scalar(n), "profiles." + profile + "." + key, true
		}
	}
	if _, n := lookup(f.root(), key); n != nil {
		return scalar(n), key, true
	}
	return "", "", false
}

// target is the mapping that a change of key for profile goes to.
func (f *File) target(profile, key string, create bool) (*yaml.Node, error) {
	if profile == "" {
		return f.root(), nil
	}
	if !ProfileKey(key) {
		return nil, &UsageError{fmt.Sprintf("%s is one setting for every profile: set it without --profile (per profile: %s)", key, strings.Join(profileKeys, ", "))}
	}
	if p := f.section(profile); p != nil || !create {
		return p, nil
	}
	_, ps := lookup(f.root(), "profiles")
	if ps == nil {
		ps = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		f.root().Content = append(f.root().Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "profiles"}, ps)
	}
	if ps.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("config file %s: profiles is not a mapping of profile names: fix it", f.Path)
	}
	p := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	ps.Content = append(ps.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: profile}, p)
	return p, nil
}

// Set sets key for profile ("" is the top level), checking the value as
// loading the file would; Write keeps the change.
func (f *File) Set(profile, key, value string) error {
	if err := CheckKey(key); err != nil {
		return err
	}
	if profile != "" {
		if err := CheckProfile(profile); err != nil {
			return err
		}
	}
	value = strings.TrimSpace(value)
	if err := checkValue(key, value); err != nil {
		return err
	}
	m, err := f.target(profile, key, true)
	if err != nil {
		return err
	}
	if _, n := lookup(m, key); n != nil {
		*n = yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: value, HeadComment: n.HeadComment, LineComment: n.LineComment}
		return nil
	}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: value})
	return nil
}

// Unset removes key for profile ("" is the top level); it reports whether
// the file set it there.
func (f *File) Unset(profile, key string) (bool, error) {
	if err := CheckKey(key); err != nil {
		return false, err
	}
	m, err := f.target(profile, key, false)
	if err != nil || m == nil {
		return false, err
	}
	i, _ := lookup(m, key)
	if i < 0 {
		return false, nil
	}
	m.Content = slices.Delete(m.Content, i, i+2)
	return true, nil
}

// CheckKey refuses, as a UsageError naming the settings, a key that is not
// one.
func CheckKey(key string) error {
	if KnownKey(key) {
		return nil
	}
	var keys []string
	for _, d := range Defaults() {
		keys = append(keys, d.Key)
	}
	return &UsageError{fmt.Sprintf("unknown setting %q: the settings are %s", key, strings.Join(keys, ", "))}
}

// checkValue refuses what Load or login would refuse, before the file is
// written.
func checkValue(key, value string) error {
	switch key {
	case KeyClientID, KeyClientSecret:
		if err := auth.CheckToken(key, value); err != nil {
			return &UsageError{err.Error()}
		}
		if value == "" {
			return &UsageError{fmt.Sprintf("%s cannot be empty: use spotcli config unset %s", key, key)}
		}
	case KeyRedirectURI:
		if _, err := auth.ParseRedirectURI(value); err != nil {
			return &UsageError{err.Error()}
		}
	case KeyScopes:
		if len(SplitScopes(value)) == 0 {
			return &UsageError{"scopes cannot be empty: list them space- or comma-separated, or use spotcli config unset scopes for the default"}
		}
		for _, sc := range SplitScopes(value) {
			if err := auth.CheckToken("scope "+sc, sc); err != nil {
				return &UsageError{err.Error()}
			}
		}
	}
	return nil
}

// Write checks the changed file as Load reads it (for the top level and
// for profile) and replaces the old one atomically, 0600 in a 0700
// directory (it may hold client_secret). It returns Load's warnings.
func (f *File) Write(profile string) ([]string, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if len(f.root().Content) > 0 || f.doc.HeadComment != "" {
		if err := enc.Encode(f.doc); err != nil {
			return nil, err
		}
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	// A config file that is a symlink (dotfiles) is written where it
	// points, and stays a symlink.
	target := f.Path
	if t, err := filepath.EvalSymlinks(f.Path); err == nil {
		target = t
	}
	dir := filepath.Dir(target)
	// The directory is created 0700 if need be, but an existing one (that
	// of --config FILE, say) keeps its mode.
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("write %s: %w", f.Path, err)
	}
	var warnings []string
	var checkErr error
	err := writeFile(target, buf.Bytes(), func(tmp string) error {
		warnings, checkErr = f.check(tmp, profile)
		return checkErr
	})
	if checkErr != nil {
		return nil, checkErr
	}
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", f.Path, err)
	}
	return warnings, nil
}

// check loads the written but not yet renamed file tmp as Load will read
// it, for the top level and for profile, and returns the top level's
// warnings (naming f.Path).
func (f *File) check(tmp, profile string) ([]string, error) {
	var warnings []string
	for _, p := range []string{"", profile} {
		s, err := Load(LoadOptions{ConfigFile: tmp, NoConfigDir: true, NoEnv: true, Profile: p, Getenv: func(string) string { return "" }})
		if err != nil {
			msg := "not written: " + strings.ReplaceAll(err.Error(), tmp, f.Path)
			var ue *UsageError
			if errors.As(err, &ue) {
				return nil, &UsageError{msg}
			}
			return nil, errors.New(msg)
		}
		if _, err := auth.ParseRedirectURI(s.RedirectURI); err != nil {
			return nil, &UsageError{"not written: " + err.Error()}
		}
		if p == "" {
			for _, w := range s.Warnings {
				warnings = append(warnings, strings.ReplaceAll(w, tmp, f.Path))
			}
		}
	}
	return warnings, nil
}

// Edit reads the config file at path, applies change and writes the file
// back (when change reports a change), under a lock in lockDir (the
// config directory's locks, "" for none), so that two edits at once do not
// lose one of them. It returns Write's warnings.
func Edit(ctx context.Context, path, lockDir, profile string, change func(*File) (bool, error)) ([]string, error) {
	if lockDir != "" {
		unlock, err := FileLock(filepath.Join(lockDir, "config.lock"))(ctx)
		if err != nil {
			return nil, fmt.Errorf("lock the config file: %w", err)
		}
		defer unlock()
	}
	cf, err := ReadFile(path)
	if err != nil {
		return nil, err
	}
	changed, err := change(cf)
	if err != nil || !changed {
		return nil, err
	}
	return cf.Write(profile)
}

// LockDir is where Edit's lock lives: the config directory's locks, or ""
// when there is no config directory.
func LockDir(getenv func(string) string) string {
	dir, err := ConfigDir(getenv)
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "locks")
}
