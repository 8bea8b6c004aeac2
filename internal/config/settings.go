// Package config resolves spotcli's settings (flags > SPOTCLI_* environment >
// config file > defaults) and keeps the token stores and the per-profile locks.
package config

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"
	"github.com/spotcli/spotcli/internal/auth"
)

// Keys and their defaults. Every key is read from SPOTCLI_<KEY> too.
const (
	KeyClientID     = "client_id"
	KeyClientSecret = "client_secret"
	KeyRedirectURI  = "redirect_uri"
	KeyScopes       = "scopes"
	KeyAccountsURL  = "accounts_url"
	KeyAPIURL       = "api_url"
	KeyTokenStore   = "token_store"
	KeyProfile      = "profile"
	KeyMaxWait      = "max_wait"
	KeyTimeout      = "http_timeout"
	KeyKeyringWait  = "keyring_timeout"
	KeyDevice       = "device"
)

// DefaultScopes are asked for at login unless scopes says otherwise.
const DefaultScopes = "user-read-private user-read-email playlist-read-private playlist-read-collaborative user-library-read user-follow-read"

// Default is one documented setting.
type Default struct {
	Key, Value, Meaning string
}

// Defaults lists every key, in the order the docs show them.
func Defaults() []Default {
	return []Default{
		{KeyClientID, "", "the Spotify app's client ID (from the developer dashboard)"},
		{KeyClientSecret, "", "if set, the Authorization Code flow with the client secret is used instead of PKCE"},
		{KeyRedirectURI, "http://127.0.0.1:8888/callback", "loopback redirect URI registered in the app; port 0 or none picks a free port"},
		{KeyScopes, DefaultScopes, "scopes asked for at login, space- or comma-separated"},
		{KeyAccountsURL, "https://accounts.spotify.com", "base of /authorize and /api/token"},
		{KeyAPIURL, "https://api.spotify.com/v1", "base of the Web API"},
		{KeyTokenStore, "auto", "auto (keyring, else file), keyring or file"},
		{KeyProfile, "default", "which stored login to use"},
		{KeyMaxWait, "2m", "longest Retry-After spotcli waits out before failing"},
		{KeyTimeout, "30s", "how long one HTTP request may take before spotcli gives up on it"},
		{KeyKeyringWait, "5s", "how long a keyring call may take (a locked keyring can block forever) before spotcli treats the keyring as unavailable"},
		{KeyDevice, "", "the Spotify Connect device (name, unique name prefix or ID) that player commands target when no device is active"},
	}
}

// profileKeys may be set per profile under profiles.NAME in the config file.
var profileKeys = []string{KeyClientID, KeyClientSecret, KeyRedirectURI, KeyScopes}

// Settings are the resolved settings of one run.
type Settings struct {
	ClientID     string
	ClientSecret string
	RedirectURI  string
	Scopes       []string
	AccountsURL  string
	APIURL       string
	TokenStore   string
	Profile      string
	MaxWait      time.Duration
	Timeout      time.Duration
	KeyringWait  time.Duration
	Device       string

	// ConfigProfiles are the profiles named in the config file.
	ConfigProfiles []string

	Dir        string // SPOTCLI_CONFIG_DIR
	ConfigFile string // the config file read, or the one that would be
	// Warnings found while loading (unknown keys, loose permissions).
	Warnings []string
}

// LoadOptions are the inputs of Load.
type LoadOptions struct {
	Flags      *pflag.FlagSet // flags bound by key name (profile, max-wait, ...)
	ConfigFile string         // --config; empty means Dir/config.yaml
	// Getenv is the environment: SPOTCLI_CONFIG_DIR, SPOTCLI_<KEY>, and
	// HOME or XDG_CONFIG_HOME for the default directory. It is the only
	// environment Load reads (viper's own, the process's, is never asked),
	// so that tests can run side by side; nil means an empty one.
	Getenv func(string) string
	// NoConfigDir leaves the config directory alone (no config file read,
	// no error when there is no home): credentials come from the
	// environment, and HOME may be read-only or missing. An explicit
	// ConfigFile is still read.
	NoConfigDir bool
	// NoEnv ignores the SPOTCLI_<KEY> variables: the file alone is judged
	// (spotcli config set checks the file it is about to write).
	NoEnv bool
	// Profile, when set, is the profile whose settings are resolved,
	// whatever the flags, the environment and the file say.
	Profile string
}

// ConfigDir is SPOTCLI_CONFIG_DIR, or spotcli under the OS's config directory.
func ConfigDir(getenv func(string) string) (string, error) {
	if d := getenv("SPOTCLI_CONFIG_DIR"); d != "" {
		return d, nil
	}
	base, err := userConfigDir(getenv)
	if err != nil {
		return "", fmt.Errorf("cannot find a config directory (%v): set SPOTCLI_CONFIG_DIR", err)
	}
	return filepath.Join(base, "spotcli"), nil
}

// ValidProfile reports whether name is a usable profile name: 1 to 64 of
// letters, digits, '.', '_' and '-', not starting with a punctuation mark,
// so that it is safe as a file name and a keyring user. (A hand-written
// check: a regexp compiled at start-up costs every command.)
func ValidProfile(name string) bool {
	if len(name) == 0 || len(name) > 64 {
		return false
	}
	for i, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case i > 0 && (r == '.' || r == '_' || r == '-'):
		default:
			return false
		}
	}
	return true
}

// Load resolves the settings.
func Load(o LoadOptions) (*Settings, error) {
	getenv := o.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	dir, err := ConfigDir(getenv)
	if err != nil && !o.NoConfigDir {
		return nil, err
	}
	v := viper.New()
	for _, d := range Defaults() {
		v.SetDefault(d.Key, d.Value)
		if o.Flags != nil {
			if f := o.Flags.Lookup(strings.ReplaceAll(d.Key, "_", "-")); f != nil {
				_ = v.BindPFlag(d.Key, f)
			}
		}
	}
	s := &Settings{Dir: dir, ConfigFile: o.ConfigFile}
	if s.ConfigFile == "" {
		s.ConfigFile = filepath.Join(dir, "config.yaml")
	}
	v.SetConfigFile(s.ConfigFile)
	v.SetConfigType("yaml")
	if o.NoConfigDir && o.ConfigFile == "" {
		s.ConfigFile = ""
	} else if err := vetConfigFile(s.ConfigFile, os.Geteuid(), o.ConfigFile != ""); err != nil {
		return nil, err
	} else if err := v.ReadInConfig(); err != nil {
		var nf viper.ConfigFileNotFoundError
		switch {
		case errors.As(err, &nf), o.ConfigFile == "" && errors.Is(err, fs.ErrNotExist):
		default:
			return nil, fmt.Errorf("config file %s: %v: fix or remove it", s.ConfigFile, err)
		}
	} else {
		s.Warnings = append(s.Warnings, checkConfigFile(v, s.ConfigFile)...)
	}

	// SPOTCLI_<KEY> from getenv, over the config file and under a flag the
	// user gave (viper's Set would beat the flag). As viper does, an empty
	// variable counts as unset.
	for _, d := range Defaults() {
		if e := getenv(envName(d.Key)); !o.NoEnv && e != "" && !flagChanged(o.Flags, d.Key) {
			v.Set(d.Key, e)
		}
	}

	for name := range v.GetStringMap("profiles") {
		if ValidProfile(name) {
			s.ConfigProfiles = append(s.ConfigProfiles, name)
		}
	}
	sort.Strings(s.ConfigProfiles)
	s.Profile = v.GetString(KeyProfile)
	if o.Profile != "" {
		s.Profile = o.Profile
	}
	if err := CheckProfile(s.Profile); err != nil {
		return nil, err
	}
	// A profile's own keys in the config file come before the top-level ones,
	// but after flags and the environment.
	for _, k := range profileKeys {
		pk := "profiles." + s.Profile + "." + k
		if !v.InConfig(pk) {
			continue
		}
		if (!o.NoEnv && getenv(envName(k)) != "") || flagChanged(o.Flags, k) {
			continue
		}
		v.Set(k, v.Get(pk))
	}

	s.ClientID = strings.TrimSpace(v.GetString(KeyClientID))
	s.ClientSecret = strings.TrimSpace(v.GetString(KeyClientSecret))
	for _, c := range []struct{ key, val string }{{KeyClientID, s.ClientID}, {KeyClientSecret, s.ClientSecret}} {
		if err := checkCredential(c.key, c.val, s.ConfigFile, o.Flags, o.NoEnv, getenv); err != nil {
			return nil, err
		}
	}
	s.RedirectURI = v.GetString(KeyRedirectURI)
	s.Scopes = SplitScopes(v.GetString(KeyScopes))
	if sl := v.GetStringSlice(KeyScopes); len(s.Scopes) == 0 && len(sl) > 0 {
		s.Scopes = SplitScopes(strings.Join(sl, " "))
	}
	s.AccountsURL = strings.TrimRight(v.GetString(KeyAccountsURL), "/")
	s.APIURL = strings.TrimRight(v.GetString(KeyAPIURL), "/")
	s.TokenStore = v.GetString(KeyTokenStore)
	switch s.TokenStore {
	case "auto", "keyring", "file":
	default:
		return nil, &UsageError{fmt.Sprintf("invalid token_store %q: use auto, keyring or file", s.TokenStore)}
	}
	mw := v.GetString(KeyMaxWait)
	s.MaxWait, err = time.ParseDuration(mw)
	if err != nil || s.MaxWait < 0 {
		return nil, &UsageError{fmt.Sprintf("invalid max_wait %q: use a duration such as 30s, 2m or 1h", mw)}
	}
	to := v.GetString(KeyTimeout)
	s.Timeout, err = time.ParseDuration(to)
	if err != nil || s.Timeout <= 0 {
		return nil, &UsageError{fmt.Sprintf("invalid http_timeout %q: use a positive duration such as 10s or 1m", to)}
	}
	kw := v.GetString(KeyKeyringWait)
	s.KeyringWait, err = time.ParseDuration(kw)
	if err != nil || s.KeyringWait <= 0 {
		return nil, &UsageError{fmt.Sprintf("invalid keyring_timeout %q: use a positive duration such as 5s", kw)}
	}
	s.Device = strings.TrimSpace(v.GetString(KeyDevice))
	for _, u := range []struct{ key, val string }{{KeyAccountsURL, s.AccountsURL}, {KeyAPIURL, s.APIURL}} {
		if err := checkBaseURL(u.key, u.val); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// checkCredential refuses a client ID or secret with whitespace or a
// control character inside (around it, it was trimmed), naming where the
// value came from: a flag, the SPOTCLI_ variable or the config file.
func checkCredential(key, val, file string, flags *pflag.FlagSet, noEnv bool, getenv func(string) string) error {
	where := key + " in " + file
	if fl := flagOf(flags, key); fl != nil && fl.Changed {
		where = "--" + fl.Name
	} else if !noEnv && getenv(envName(key)) != "" {
		where = "SPOTCLI_" + strings.ToUpper(key)
	}
	// A configuration error (auth.SettingError, exit 1), as the same check
	// of the credential variables is: not a bad command line.
	return auth.CheckToken(where, val)
}

func flagOf(flags *pflag.FlagSet, key string) *pflag.Flag {
	if flags == nil {
		return nil
	}
	return flags.Lookup(strings.ReplaceAll(key, "_", "-"))
}

// SplitScopes splits a space- or comma-separated scope list.
func SplitScopes(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' || r == '\n' })
}

// checkConfigFile warns about unknown keys and about a secret that other users
// can read, as ssh does for keys.
func checkConfigFile(v *viper.Viper, path string) []string {
	known := map[string]bool{}
	for _, d := range Defaults() {
		known[d.Key] = true
	}
	var unknown []string
	for _, k := range v.AllKeys() {
		if !v.InConfig(k) {
			continue
		}
		if rest, ok := strings.CutPrefix(k, "profiles."); ok {
			// A profile name may hold dots: the key follows the last one.
			if i := strings.LastIndex(rest, "."); i > 0 && ValidProfile(rest[:i]) && ProfileKey(rest[i+1:]) {
				continue
			}
		} else if known[k] {
			continue
		}
		unknown = append(unknown, k)
	}
	sort.Strings(unknown)
	var warnings []string
	if len(unknown) > 0 {
		warnings = append(warnings, fmt.Sprintf("config file %s: unknown keys ignored: %s", path, strings.Join(unknown, ", ")))
	}
	hasSecret := v.InConfig(KeyClientSecret)
	for _, k := range v.AllKeys() {
		if strings.HasSuffix(k, "."+KeyClientSecret) && v.InConfig(k) {
			hasSecret = true
		}
	}
	if hasSecret {
		if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
			warnings = append(warnings, fmt.Sprintf("config file %s holds a client_secret and can be read by other users (mode %04o): run chmod 600 %s", path, fi.Mode().Perm(), path))
		}
	}
	return warnings
}

// CheckProfile refuses, as a UsageError, a profile name that ValidProfile
// does not allow.
func CheckProfile(name string) error {
	if ValidProfile(name) {
		return nil
	}
	return &UsageError{fmt.Sprintf("invalid profile name %q: use letters, digits, '.', '_' and '-' (at most 64)", name)}
}

// UsageError is a bad setting or flag value: exit code 2.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// Store builds the token store that token_store names.
func (s *Settings) Store(getenv func(string) string, warn io.Writer, backend KeyringBackend) TokenStore {
	both := s.bothStores(getenv, warn, backend)
	switch s.TokenStore {
	case "file":
		return both.File
	case "keyring":
		return both.Keyring
	}
	return both
}

// bothStores is the keyring (calls bounded by keyring_timeout) and the file
// store, read and written as token_store=auto does.
func (s *Settings) bothStores(getenv func(string) string, warn io.Writer, backend KeyringBackend) *AutoStore {
	return &AutoStore{
		Keyring: &KeyringStore{Backend: backend, Service: "spotcli", Timeout: s.KeyringWait, Available: DBusAvailable(getenv)},
		File:    &FileStore{Dir: filepath.Join(s.Dir, "tokens")},
		Warn:    warn,
		// docs/headless.md promises the warning once per profile.
		Once: func(profile string) bool { return s.WarnOnce(profile, "plaintext-warned", "warned") },
	}
}

// LockPath is the lock file that serialises refreshes of a profile.
func (s *Settings) LockPath() string {
	return s.LockPathOf(s.Profile)
}

// LockPathOf is the lock file of profile.
func (s *Settings) LockPathOf(profile string) string {
	return filepath.Join(s.Dir, "locks", profile+".lock")
}

// EveryStore reaches the keyring and the file store together, whatever
// token_store says: logout removes a login from both.
func (s *Settings) EveryStore(getenv func(string) string, warn io.Writer, backend KeyringBackend) TokenStore {
	return s.bothStores(getenv, warn, backend)
}

func envName(key string) string { return "SPOTCLI_" + strings.ToUpper(key) }

// flagChanged reports whether the flag bound to key was given.
func flagChanged(fs *pflag.FlagSet, key string) bool {
	f := flagOf(fs, key)
	return f != nil && f.Changed
}

// userConfigDir is os.UserConfigDir on getenv instead of the process's
// environment.
func userConfigDir(getenv func(string) string) (string, error) {
	switch runtime.GOOS {
	case "windows":
		if d := getenv("AppData"); d != "" {
			return d, nil
		}
		return "", errors.New("%AppData% is not defined")
	case "darwin", "ios":
		if h := getenv("HOME"); h != "" {
			return filepath.Join(h, "Library", "Application Support"), nil
		}
		return "", errors.New("$HOME is not defined")
	case "plan9":
		if h := getenv("home"); h != "" {
			return filepath.Join(h, "lib"), nil
		}
		return "", errors.New("$home is not defined")
	}
	if d := getenv("XDG_CONFIG_HOME"); d != "" {
		if !filepath.IsAbs(d) {
			return "", errors.New("path in $XDG_CONFIG_HOME is relative")
		}
		return d, nil
	}
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, ".config"), nil
	}
	return "", errors.New("neither $XDG_CONFIG_HOME nor $HOME are defined")
}
