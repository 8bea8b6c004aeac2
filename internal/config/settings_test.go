package config_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/spf13/pflag"
	"github.com/spotcli/spotcli/internal/config"
)

// Tests that call isolate use t.Setenv, so they never run in parallel: viper
// reads SPOTCLI_<KEY> from the process environment.

// isolate points HOME and XDG_CONFIG_HOME at empty temporary directories,
// unsets SPOTCLI_CONFIG_DIR and every SPOTCLI_<KEY> (viper ignores empty
// variables), and returns a fresh config directory with a getenv that knows
// only SPOTCLI_CONFIG_DIR.
func isolate(t *testing.T) (dir string, getenv func(string) string) {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, "xdg"))
	t.Setenv("SPOTCLI_CONFIG_DIR", "")
	for _, d := range config.Defaults() {
		t.Setenv(envName(d.Key), "")
	}
	dir = t.TempDir()
	return dir, func(k string) string {
		if k == "SPOTCLI_CONFIG_DIR" {
			return dir
		}
		return ""
	}
}

func envName(key string) string  { return "SPOTCLI_" + strings.ToUpper(key) }
func flagName(key string) string { return strings.ReplaceAll(key, "_", "-") }

// newFlags declares a string flag per key, as cmd does (empty defaults), and
// parses args.
func newFlags(t *testing.T, args ...string) *pflag.FlagSet {
	t.Helper()
	fs := pflag.NewFlagSet("spotcli", pflag.ContinueOnError)
	for _, d := range config.Defaults() {
		fs.String(flagName(d.Key), "", d.Meaning)
	}
	if err := fs.Parse(args); err != nil {
		t.Fatalf("parse flags %q: %v", args, err)
	}
	return fs
}

func writeFile(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // whatever the umask
		t.Fatal(err)
	}
}

func mustDuration(s string) time.Duration {
	d, err := time.ParseDuration(s)
	if err != nil {
		panic(err)
	}
	return d
}

// settingsKeys describes every key: a value for each layer and how a raw
// value shows in Settings.
var settingsKeys = []struct {
	key              string
	flag, env, file  string
	get              func(*config.Settings) any
	want             func(raw string) any
	defaultWantValue any
}{
	{key: config.KeyClientID, flag: "flag-id", env: "env-id", file: "file-id",
		get: func(s *config.Settings) any { return s.ClientID }, want: func(r string) any { return r }},
	{key: config.KeyClientSecret, flag: "flag-secret", env: "env-secret", file: "file-secret",
		get: func(s *config.Settings) any { return s.ClientSecret }, want: func(r string) any { return r }},
	{key: config.KeyRedirectURI, flag: "http://127.0.0.1:1111/flag", env: "http://127.0.0.1:2222/env", file: "http://127.0.0.1:3333/file",
		get: func(s *config.Settings) any { return s.RedirectURI }, want: func(r string) any { return r }},
	{key: config.KeyScopes, flag: "flag-a flag-b", env: "env-a,env-b", file: "file-a, file-b",
		get: func(s *config.Settings) any { return s.Scopes }, want: func(r string) any { return config.SplitScopes(r) }},
	{key: config.KeyAccountsURL, flag: "https://flag.accounts.test", env: "https://env.accounts.test", file: "https://file.accounts.test",
		get: func(s *config.Settings) any { return s.AccountsURL }, want: func(r string) any { return r }},
	{key: config.KeyAPIURL, flag: "https://flag.api.test/v1", env: "https://env.api.test/v1", file: "https://file.api.test/v1",
		get: func(s *config.Settings) any { return s.APIURL }, want: func(r string) any { return r }},
	// Only three valid values: flag and file share one, so "flag+file" is
	// checked by TestLoadTokenStoreFlagOverFile.
	{key: config.KeyTokenStore, flag: "file", env: "keyring", file: "file",
		get: func(s *config.Settings) any { return s.TokenStore }, want: func(r string) any { return r }},
	{key: config.KeyProfile, flag: "flag-profile", env: "env-profile", file: "file-profile",
		get: func(s *config.Settings) any { return s.Profile }, want: func(r string) any { return r }},
	{key: config.KeyMaxWait, flag: "1s", env: "2m30s", file: "1h",
		get: func(s *config.Settings) any { return s.MaxWait }, want: func(r string) any { return mustDuration(r) }},
	{key: config.KeyTimeout, flag: "2s", env: "45s", file: "3m",
		get: func(s *config.Settings) any { return s.Timeout }, want: func(r string) any { return mustDuration(r) }},
	{key: config.KeyKeyringWait, flag: "2s", env: "1s", file: "10s",
		get: func(s *config.Settings) any { return s.KeyringWait }, want: func(r string) any { return mustDuration(r) }},
	{key: config.KeyDevice, flag: "Flag Speaker", env: "Env Phone", file: "File Laptop",
		get: func(s *config.Settings) any { return s.Device }, want: func(r string) any { return r }},
}

func defaultValue(t *testing.T, key string) string {
	t.Helper()
	for _, d := range config.Defaults() {
		if d.Key == key {
			return d.Value
		}
	}
	t.Fatalf("no default for %s", key)
	return ""
}

func TestDefaultsTable(t *testing.T) {
	keys := []string{
		config.KeyClientID, config.KeyClientSecret, config.KeyRedirectURI, config.KeyScopes,
		config.KeyAccountsURL, config.KeyAPIURL, config.KeyTokenStore, config.KeyProfile, config.KeyMaxWait,
		config.KeyTimeout, config.KeyKeyringWait, config.KeyDevice,
	}
	var got []string
	for _, d := range config.Defaults() {
		got = append(got, d.Key)
		if d.Meaning == "" {
			t.Errorf("default %s has no meaning", d.Key)
		}
	}
	if diff := cmp.Diff(keys, got); diff != "" {
		t.Errorf("Defaults() keys (-want +got):\n%s", diff)
	}
	if len(settingsKeys) != len(keys) {
		t.Errorf("settingsKeys covers %d keys, want %d", len(settingsKeys), len(keys))
	}
}

func TestLoadDefaults(t *testing.T) {
	dir, getenv := isolate(t)
	for _, flags := range []*pflag.FlagSet{nil, newFlags(t)} {
		s, err := config.Load(config.LoadOptions{Flags: flags, Getenv: getenv})
		if err != nil {
			t.Fatal(err)
		}
		want := &config.Settings{
			ClientID:     defaultValue(t, config.KeyClientID),
			ClientSecret: defaultValue(t, config.KeyClientSecret),
			RedirectURI:  "http://127.0.0.1:8888/callback",
			Scopes:       []string{"user-read-private", "user-read-email", "playlist-read-private", "playlist-read-collaborative"},
			AccountsURL:  "https://accounts.spotify.com",
			APIURL:       "https://api.spotify.com/v1",
			TokenStore:   "auto",
			Profile:      "default",
			MaxWait:      2 * time.Minute,
			Timeout:      30 * time.Second,
			KeyringWait:  5 * time.Second,
			Dir:          dir,
			ConfigFile:   filepath.Join(dir, "config.yaml"),
		}
		if diff := cmp.Diff(want, s); diff != "" {
			t.Errorf("Load with flags=%v (-want +got):\n%s", flags != nil, diff)
		}
		for _, k := range settingsKeys {
			if got, w := k.get(s), k.want(defaultValue(t, k.key)); !cmp.Equal(w, got) {
				t.Errorf("%s = %v, want the Defaults() value %v", k.key, got, w)
			}
		}
	}
}

// TestLoadPrecedence sets every key in every combination of flag, env and
// config file: flag > SPOTCLI_<KEY> > config file > default.
func TestLoadPrecedence(t *testing.T) {
	layers := []string{"flag", "env", "file"}
	for _, k := range settingsKeys {
		for mask := 0; mask < 8; mask++ {
			var set []string
			for i, l := range layers {
				if mask&(1<<i) != 0 {
					set = append(set, l)
				}
			}
			name := k.key + "/" + strings.Join(set, "+")
			if len(set) == 0 {
				name = k.key + "/none"
			}
			t.Run(name, func(t *testing.T) {
				dir, getenv := isolate(t)
				want := k.want(defaultValue(t, k.key))
				if mask&4 != 0 {
					writeFile(t, filepath.Join(dir, "config.yaml"), fmt.Sprintf("%s: %q\n", k.key, k.file), 0o600)
					want = k.want(k.file)
				}
				if mask&2 != 0 {
					t.Setenv(envName(k.key), k.env)
					want = k.want(k.env)
				}
				var args []string
				if mask&1 != 0 {
					args = append(args, "--"+flagName(k.key)+"="+k.flag)
					want = k.want(k.flag)
				}
				s, err := config.Load(config.LoadOptions{Flags: newFlags(t, args...), Getenv: getenv})
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want, k.get(s)); diff != "" {
					t.Errorf("%s (-want +got):\n%s", k.key, diff)
				}
			})
		}
	}
}

func TestLoadTokenStoreFlagOverFile(t *testing.T) {
	dir, getenv := isolate(t)
	writeFile(t, filepath.Join(dir, "config.yaml"), "token_store: file\n", 0o600)
	s, err := config.Load(config.LoadOptions{Flags: newFlags(t, "--token-store=keyring"), Getenv: getenv})
	if err != nil {
		t.Fatal(err)
	}
	if s.TokenStore != "keyring" {
		t.Errorf("TokenStore = %q, want keyring", s.TokenStore)
	}
}

func TestLoadTrimsValues(t *testing.T) {
	dir, getenv := isolate(t)
	writeFile(t, filepath.Join(dir, "config.yaml"), `client_id: "  id  "
client_secret: " secret "
accounts_url: https://accounts.test//
api_url: https://api.test/v1/
`, 0o600)
	s, err := config.Load(config.LoadOptions{Getenv: getenv})
	if err != nil {
		t.Fatal(err)
	}
	got := []string{s.ClientID, s.ClientSecret, s.AccountsURL, s.APIURL}
	want := []string{"id", "secret", "https://accounts.test", "https://api.test/v1"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestConfigDir(t *testing.T) {
	tests := []struct {
		name       string
		spotcliDir string // SPOTCLI_CONFIG_DIR through getenv
		xdg        string // XDG_CONFIG_HOME, relative to the temporary home
		want       string // relative to the temporary home
		linuxOnly  bool
	}{
		{name: "SPOTCLI_CONFIG_DIR", spotcliDir: "custom", xdg: "xdg", want: "custom"},
		{name: "XDG_CONFIG_HOME", xdg: "xdg", want: "xdg/spotcli", linuxOnly: true},
		{name: "HOME/.config", want: ".config/spotcli", linuxOnly: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.linuxOnly && runtime.GOOS != "linux" {
				t.Skip("XDG_CONFIG_HOME is the config directory on Linux only")
			}
			home := t.TempDir()
			t.Setenv("HOME", home)
			xdg := ""
			if tt.xdg != "" {
				xdg = filepath.Join(home, tt.xdg)
			}
			t.Setenv("XDG_CONFIG_HOME", xdg)
			t.Setenv("SPOTCLI_CONFIG_DIR", "")
			getenv := func(k string) string {
				if k == "SPOTCLI_CONFIG_DIR" && tt.spotcliDir != "" {
					return filepath.Join(home, tt.spotcliDir)
				}
				return ""
			}
			want := filepath.Join(home, tt.want)
			got, err := config.ConfigDir(getenv)
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("ConfigDir = %q, want %q", got, want)
			}

			// Load reads config.yaml there.
			writeFile(t, filepath.Join(want, "config.yaml"), "client_id: from-dir\n", 0o600)
			for _, d := range config.Defaults() {
				t.Setenv(envName(d.Key), "")
			}
			s, err := config.Load(config.LoadOptions{Getenv: getenv})
			if err != nil {
				t.Fatal(err)
			}
			if s.Dir != want || s.ConfigFile != filepath.Join(want, "config.yaml") || s.ClientID != "from-dir" {
				t.Errorf("Load: Dir %q, ConfigFile %q, ClientID %q; want Dir %q and client_id from its config.yaml", s.Dir, s.ConfigFile, s.ClientID, want)
			}
		})
	}
}

func TestLoadNilGetenvUsesEnvironment(t *testing.T) {
	_, _ = isolate(t)
	dir := t.TempDir()
	t.Setenv("SPOTCLI_CONFIG_DIR", dir)
	s, err := config.Load(config.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Dir != dir {
		t.Errorf("Dir = %q, want SPOTCLI_CONFIG_DIR %q", s.Dir, dir)
	}
}

func TestLoadConfigFileOption(t *testing.T) {
	tests := []struct {
		name         string
		defaultFile  string // content of Dir/config.yaml; "" means none
		explicitFile string // content of --config FILE; "" means FILE is missing
		explicit     bool
		wantClientID string
		wantErr      bool
	}{
		{name: "no file at all", wantClientID: ""},
		{name: "default file", defaultFile: "client_id: default-file\n", wantClientID: "default-file"},
		{name: "explicit file overrides the default one", defaultFile: "client_id: default-file\n",
			explicit: true, explicitFile: "client_id: explicit-file\n", wantClientID: "explicit-file"},
		{name: "explicit file without the default one", explicit: true, explicitFile: "client_id: explicit-file\n", wantClientID: "explicit-file"},
		{name: "explicit file missing", defaultFile: "client_id: default-file\n", explicit: true, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, getenv := isolate(t)
			if tt.defaultFile != "" {
				writeFile(t, filepath.Join(dir, "config.yaml"), tt.defaultFile, 0o600)
			}
			var explicit string
			if tt.explicit {
				explicit = filepath.Join(t.TempDir(), "other.yml")
				if tt.explicitFile != "" {
					writeFile(t, explicit, tt.explicitFile, 0o600)
				}
			}
			s, err := config.Load(config.LoadOptions{ConfigFile: explicit, Getenv: getenv})
			if tt.wantErr {
				if err == nil {
					t.Fatalf("Load succeeded, want an error")
				}
				if !strings.Contains(err.Error(), explicit) {
					t.Errorf("error %q does not name the file %s", err, explicit)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s.ClientID != tt.wantClientID {
				t.Errorf("ClientID = %q, want %q", s.ClientID, tt.wantClientID)
			}
			wantFile := filepath.Join(dir, "config.yaml")
			if tt.explicit {
				wantFile = explicit
			}
			if s.ConfigFile != wantFile || s.Dir != dir {
				t.Errorf("ConfigFile %q, Dir %q; want %q, %q", s.ConfigFile, s.Dir, wantFile, dir)
			}
		})
	}
}

const profilesConfig = `client_id: top-id
client_secret: top-secret
scopes: top-a top-b
profiles:
  work:
    client_id: work-id
    redirect_uri: http://127.0.0.1:9999/work
    scopes: [work-a, work-b]
  home:
    client_id: home-id
    client_secret: home-secret
  my.team:
    client_id: team-id
`

func TestLoadProfiles(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		env   map[string]string
		extra string // appended to the config file
		want  [4]any // ClientID, ClientSecret, RedirectURI, Scopes
	}{
		{name: "default profile uses the top-level keys",
			want: [4]any{"top-id", "top-secret", "http://127.0.0.1:8888/callback", []string{"top-a", "top-b"}}},
		{name: "profile by flag", args: []string{"--profile=work"},
			want: [4]any{"work-id", "top-secret", "http://127.0.0.1:9999/work", []string{"work-a", "work-b"}}},
		{name: "profile by env", env: map[string]string{"SPOTCLI_PROFILE": "work"},
			want: [4]any{"work-id", "top-secret", "http://127.0.0.1:9999/work", []string{"work-a", "work-b"}}},
		{name: "profile by config file", extra: "profile: work\n",
			want: [4]any{"work-id", "top-secret", "http://127.0.0.1:9999/work", []string{"work-a", "work-b"}}},
		{name: "env beats the profile's key", args: []string{"--profile=work"},
			env:  map[string]string{"SPOTCLI_CLIENT_ID": "env-id", "SPOTCLI_SCOPES": "env-a,env-b"},
			want: [4]any{"env-id", "top-secret", "http://127.0.0.1:9999/work", []string{"env-a", "env-b"}}},
		{name: "flag beats the profile's key", args: []string{"--profile=work", "--client-id=flag-id", "--redirect-uri=http://127.0.0.1:1/flag"},
			env:  map[string]string{"SPOTCLI_CLIENT_ID": "env-id"},
			want: [4]any{"flag-id", "top-secret", "http://127.0.0.1:1/flag", []string{"work-a", "work-b"}}},
		{name: "another profile does not see work's keys", args: []string{"--profile=home"},
			want: [4]any{"home-id", "home-secret", "http://127.0.0.1:8888/callback", []string{"top-a", "top-b"}}},
		{name: "profile without a section falls back to the top level", args: []string{"--profile=other"},
			want: [4]any{"top-id", "top-secret", "http://127.0.0.1:8888/callback", []string{"top-a", "top-b"}}},
		{name: "profile name with a dot", args: []string{"--profile=my.team"},
			want: [4]any{"team-id", "top-secret", "http://127.0.0.1:8888/callback", []string{"top-a", "top-b"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, getenv := isolate(t)
			writeFile(t, filepath.Join(dir, "config.yaml"), profilesConfig+tt.extra, 0o600)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			s, err := config.Load(config.LoadOptions{Flags: newFlags(t, tt.args...), Getenv: getenv})
			if err != nil {
				t.Fatal(err)
			}
			got := [4]any{s.ClientID, s.ClientSecret, s.RedirectURI, s.Scopes}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ClientID, ClientSecret, RedirectURI, Scopes (-want +got):\n%s", diff)
			}
			if len(s.Warnings) != 0 {
				t.Errorf("Warnings = %q, want none", s.Warnings)
			}
		})
	}
}

func TestLoadScopes(t *testing.T) {
	tests := []struct {
		name string
		file string
		env  string
		args []string
		want []string
	}{
		{name: "file space-separated", file: "scopes: a b  c\n", want: []string{"a", "b", "c"}},
		{name: "file comma-separated", file: "scopes: a,b,c\n", want: []string{"a", "b", "c"}},
		{name: "file comma and space", file: "scopes: 'a, b ,c'\n", want: []string{"a", "b", "c"}},
		{name: "file YAML flow list", file: "scopes: [a, b]\n", want: []string{"a", "b"}},
		{name: "file YAML block list", file: "scopes:\n  - a\n  - b\n  - c\n", want: []string{"a", "b", "c"}},
		{name: "profile YAML list", file: "profile: p\nprofiles:\n  p:\n    scopes:\n      - x\n      - y\n", want: []string{"x", "y"}},
		{name: "env comma-separated", env: "a,b", want: []string{"a", "b"}},
		{name: "env space-separated", env: "a b", want: []string{"a", "b"}},
		{name: "flag comma and space", args: []string{"--scopes=a, b"}, want: []string{"a", "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, getenv := isolate(t)
			if tt.file != "" {
				writeFile(t, filepath.Join(dir, "config.yaml"), tt.file, 0o600)
			}
			if tt.env != "" {
				t.Setenv("SPOTCLI_SCOPES", tt.env)
			}
			s, err := config.Load(config.LoadOptions{Flags: newFlags(t, tt.args...), Getenv: getenv})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, s.Scopes); diff != "" {
				t.Errorf("Scopes (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSplitScopes(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{" , ", nil},
		{"a", []string{"a"}},
		{"a b", []string{"a", "b"}},
		{"a,b", []string{"a", "b"}},
		{" a ,, b\tc\nd ", []string{"a", "b", "c", "d"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, config.SplitScopes(tt.in), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("SplitScopes(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestLoadBadConfigFile(t *testing.T) {
	tests := []struct {
		name    string
		content string
	}{
		{"unclosed flow sequence", "client_id: [unclosed\n"},
		{"tab indentation", "profiles:\n\twork:\n\t\tclient_id: x\n"},
		{"plain text", "this is not a config file\n"},
		{"a list", "- a\n- b\n"},
		{"JSON garbage", "{\"client_id\": \n"},
		{"duplicate key", "client_id: a\nclient_id: b\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, getenv := isolate(t)
			path := filepath.Join(dir, "config.yaml")
			writeFile(t, path, tt.content, 0o600)
			_, err := config.Load(config.LoadOptions{Getenv: getenv})
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("error %q does not name the file %s", err, path)
			}
			var ue *config.UsageError
			if errors.As(err, &ue) {
				t.Errorf("error %q is a UsageError; a broken config file is not a usage mistake", err)
			}
		})
	}
}

func TestLoadWarnings(t *testing.T) {
	tests := []struct {
		name    string
		content string
		mode    os.FileMode
		want    []string // with PATH standing for the config file
	}{
		{name: "clean", content: "client_id: x\nprofiles:\n  work:\n    client_id: y\n", mode: 0o644},
		{name: "empty file", content: "", mode: 0o644},
		{name: "unknown keys", content: "client_id: x\ncolour: blue\nnested:\n  deep: 1\nprofiles:\n  work:\n    token_store: file\n    client_id: y\n", mode: 0o600,
			want: []string{"config file PATH: unknown keys ignored: colour, nested.deep, profiles.work.token_store"}},
		{name: "secret at 0644", content: "client_secret: s\n", mode: 0o644,
			want: []string{"config file PATH holds a client_secret and can be read by other users (mode 0644): run chmod 600 PATH"}},
		{name: "secret at 0640", content: "client_secret: s\n", mode: 0o640,
			want: []string{"config file PATH holds a client_secret and can be read by other users (mode 0640): run chmod 600 PATH"}},
		{name: "profile secret at 0604", content: "profiles:\n  work:\n    client_secret: s\n", mode: 0o604,
			want: []string{"config file PATH holds a client_secret and can be read by other users (mode 0604): run chmod 600 PATH"}},
		{name: "secret at 0600", content: "client_secret: s\nprofiles:\n  work:\n    client_secret: s\n", mode: 0o600},
		{name: "secret at 0400", content: "client_secret: s\n", mode: 0o400},
		{name: "no secret at 0644", content: "client_id: x\n", mode: 0o644},
		{name: "unknown key and loose secret", content: "client_secret: s\nclientid: x\n", mode: 0o644,
			want: []string{
				"config file PATH: unknown keys ignored: clientid",
				"config file PATH holds a client_secret and can be read by other users (mode 0644): run chmod 600 PATH",
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, getenv := isolate(t)
			path := filepath.Join(dir, "config.yaml")
			writeFile(t, path, tt.content, tt.mode)
			s, err := config.Load(config.LoadOptions{Getenv: getenv})
			if err != nil {
				t.Fatalf("Load: %v (warnings are not errors)", err)
			}
			var want []string
			for _, w := range tt.want {
				want = append(want, strings.ReplaceAll(w, "PATH", path))
			}
			if diff := cmp.Diff(want, s.Warnings); diff != "" {
				t.Errorf("Warnings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		file string
		want string // in the message
	}{
		{name: "token_store by flag", args: []string{"--token-store=vault"}, want: `invalid token_store "vault"`},
		{name: "token_store by env", env: map[string]string{"SPOTCLI_TOKEN_STORE": "Keyring"}, want: `invalid token_store "Keyring"`},
		{name: "token_store by file", file: "token_store: plain\n", want: `invalid token_store "plain"`},
		{name: "max_wait abc", args: []string{"--max-wait=abc"}, want: `invalid max_wait "abc"`},
		{name: "max_wait -1s", env: map[string]string{"SPOTCLI_MAX_WAIT": "-1s"}, want: `invalid max_wait "-1s"`},
		{name: "max_wait without unit", file: "max_wait: 30\n", want: `invalid max_wait "30"`},
		{name: "max_wait empty", args: []string{"--max-wait="}, want: `invalid max_wait ""`},
		{name: "profile ../x", args: []string{"--profile=../x"}, want: `invalid profile name "../x"`},
		{name: "profile empty", args: []string{"--profile="}, want: `invalid profile name ""`},
		{name: "profile a/b", env: map[string]string{"SPOTCLI_PROFILE": "a/b"}, want: `invalid profile name "a/b"`},
		{name: "profile 65 chars", args: []string{"--profile=" + strings.Repeat("p", 65)}, want: `invalid profile name "` + strings.Repeat("p", 65) + `"`},
		{name: "profile leading dot", file: "profile: .hidden\n", want: `invalid profile name ".hidden"`},
		{name: "profile with space", args: []string{"--profile=a b"}, want: `invalid profile name "a b"`},
		{name: "accounts_url without scheme", args: []string{"--accounts-url=accounts.spotify.com"}, want: `invalid accounts_url "accounts.spotify.com"`},
		{name: "accounts_url ftp", file: "accounts_url: ftp://accounts.test\n", want: `invalid accounts_url "ftp://accounts.test"`},
		{name: "accounts_url empty", env: map[string]string{"SPOTCLI_ACCOUNTS_URL": " "}, want: `invalid accounts_url " "`},
		{name: "api_url without scheme", file: "api_url: api.spotify.com/v1\n", want: `invalid api_url "api.spotify.com/v1"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, getenv := isolate(t)
			if tt.file != "" {
				writeFile(t, filepath.Join(dir, "config.yaml"), tt.file, 0o600)
			}
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			s, err := config.Load(config.LoadOptions{Flags: newFlags(t, tt.args...), Getenv: getenv})
			var ue *config.UsageError
			if !errors.As(err, &ue) {
				t.Fatalf("Load = %+v, %v; want a *UsageError", s, err)
			}
			if !strings.Contains(ue.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", ue, tt.want)
			}
		})
	}
}

func TestLoadValidEdgeValues(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		check func(*config.Settings) bool
	}{
		{name: "profile of 64 chars", args: []string{"--profile=" + strings.Repeat("p", 64)},
			check: func(s *config.Settings) bool { return s.Profile == strings.Repeat("p", 64) }},
		{name: "profile with . _ -", args: []string{"--profile=A.b_c-9"},
			check: func(s *config.Settings) bool { return s.Profile == "A.b_c-9" }},
		{name: "max_wait 0", args: []string{"--max-wait=0"},
			check: func(s *config.Settings) bool { return s.MaxWait == 0 }},
		{name: "http URLs", args: []string{"--accounts-url=http://127.0.0.1:1", "--api-url=http://127.0.0.1:2/v1"},
			check: func(s *config.Settings) bool {
				return s.AccountsURL == "http://127.0.0.1:1" && s.APIURL == "http://127.0.0.1:2/v1"
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, getenv := isolate(t)
			s, err := config.Load(config.LoadOptions{Flags: newFlags(t, tt.args...), Getenv: getenv})
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(s) {
				t.Errorf("unexpected settings %+v", s)
			}
		})
	}
}

func TestSettingsStores(t *testing.T) {
	dir := t.TempDir()
	getenv := func(string) string { return "" }
	tokens := filepath.Join(dir, "tokens")
	fk := newFakeKeyring()
	tests := []struct {
		tokenStore string
		check      func(t *testing.T, st config.TokenStore)
	}{
		{"file", func(t *testing.T, st config.TokenStore) {
			fs, ok := st.(*config.FileStore)
			if !ok || fs.Dir != tokens {
				t.Errorf("Store = %#v, want a FileStore in %s", st, tokens)
			}
		}},
		{"keyring", func(t *testing.T, st config.TokenStore) {
			ks, ok := st.(*config.KeyringStore)
			if !ok || ks.Service != "spotcli" || ks.Timeout != time.Second || ks.Backend != fk || ks.Available == nil {
				t.Errorf("Store = %#v, want a KeyringStore for service spotcli", st)
			}
		}},
		{"auto", func(t *testing.T, st config.TokenStore) {
			as, ok := st.(*config.AutoStore)
			if !ok || as.File == nil || as.File.Dir != tokens || as.Keyring == nil || as.Keyring.Service != "spotcli" {
				t.Errorf("Store = %#v, want an AutoStore over keyring and %s", st, tokens)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.tokenStore, func(t *testing.T) {
			s := &config.Settings{Dir: dir, TokenStore: tt.tokenStore, Profile: "work", KeyringWait: time.Second}
			tt.check(t, s.Store(getenv, nil, fk))

			every, ok := s.EveryStore(getenv, nil, fk).(*config.AutoStore)
			if !ok || every.File == nil || every.File.Dir != tokens || every.Keyring == nil || every.Keyring.Backend != fk {
				t.Errorf("EveryStore = %#v, want an AutoStore over keyring and %s", every, tokens)
			}
			if got, want := s.LockPath(), filepath.Join(dir, "locks", "work.lock"); got != want {
				t.Errorf("LockPath = %q, want %q", got, want)
			}
		})
	}
}
