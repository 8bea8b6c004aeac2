// Package cmdutil holds what every command shares: the Factory (streams,
// settings, stores, HTTP clients, credentials), the output formats, the
// listing code, and the exit codes with the errors that choose them.
package cmdutil

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"github.com/spotcli/spotcli/internal/api"
	"github.com/spotcli/spotcli/internal/auth"
	"github.com/spotcli/spotcli/internal/config"
	"golang.org/x/term"
)

// BuildInfo is set by main from -ldflags.
type BuildInfo struct {
	Version, Commit, Date string
}

// Factory carries what commands depend on. Everything costly (settings,
// stores, HTTP clients) is built lazily, so that --help touches nothing.
type Factory struct {
	In       io.Reader
	Out, Err io.Writer
	Build    BuildInfo
	Getenv   func(string) string
	// Environ is the whole environment, for the child processes spotcli
	// starts (the browser, with auth.BrowserEnv). Like Getenv, only
	// NewFactory gives it the process's.
	Environ func() []string
	Now     func() time.Time
	// StdoutTTY reports whether stdout is a terminal; TermWidth its width.
	StdoutTTY func() bool
	// StdinTTY reports whether stdin is a terminal (nil: it is not), which
	// prompts need too.
	StdinTTY  func() bool
	TermWidth func() int
	// StderrTTY reports whether stderr is a terminal, where a live progress
	// line may be drawn; nil means it is not.
	StderrTTY func() bool
	// Keyring is the OS keyring (or a mock in unit tests).
	Keyring config.KeyringBackend
	// OpenBrowser opens a URL for the user; nil uses $BROWSER or the OS default.
	OpenBrowser func(url string) error
	// ItemKeywords are words an ITEM may be besides references, each with
	// what resolves it (the player commands give "current"); see ReadItems.
	ItemKeywords map[string]ItemResolver
	// ShortLinkBase replaces https://spotify.link for tests, whose fake
	// serves the share links; empty (always, in the real binary) is
	// spotify.link itself.
	ShortLinkBase string

	// Set from the global flags when a command runs.
	flags      *pflag.FlagSet
	configFile string
	debug      bool

	saveRefreshToken string

	settings *config.Settings
	store    config.TokenStore
	client   *http.Client
	resolver *auth.Resolver
	creds    *auth.Source // Credentials
	appCreds *auth.Source // AppCredentials
}

// AddGlobalFlags defines the root's persistent flags; the Factory reads
// their values when a command runs.
func (f *Factory) AddGlobalFlags(pf *pflag.FlagSet) {
	pf.StringVar(&f.configFile, "config", "", "config file (default $SPOTCLI_CONFIG_DIR/config.yaml)")
	pf.String("profile", "", "stored login to use (default \"default\"; env SPOTCLI_PROFILE)")
	pf.BoolVar(&f.debug, "debug", false, "log every HTTP request (method, URL, status) to stderr, secrets redacted")
	pf.StringVar(&f.saveRefreshToken, "save-refresh-token", "", "with SPOTCLI_REFRESH_TOKEN: write a refresh token that Spotify rotated to `FILE` (0600)")
	pf.String("max-wait", "", "longest Retry-After to wait out before failing (default 2m; env SPOTCLI_MAX_WAIT)")
}

// SetFlags gives the Factory the flags of the command that runs, which the
// settings read (--profile, --max-wait and the command's own).
func (f *Factory) SetFlags(fs *pflag.FlagSet) { f.flags = fs }

// NewFactory returns the Factory of the real process. It is the one place
// that hands the process's environment (os.Getenv) to the commands: below
// it, everything reads Getenv.
func NewFactory(build BuildInfo) *Factory {
	f := &Factory{
		In:        os.Stdin,
		Out:       os.Stdout,
		Err:       os.Stderr,
		Build:     build,
		Getenv:    os.Getenv,
		Environ:   os.Environ,
		Now:       time.Now,
		StdoutTTY: func() bool { return term.IsTerminal(int(os.Stdout.Fd())) },
		StdinTTY:  func() bool { return term.IsTerminal(int(os.Stdin.Fd())) },
		StderrTTY: func() bool { return term.IsTerminal(int(os.Stderr.Fd())) },
		Keyring:   config.SystemKeyring{},
	}
	f.TermWidth = func() int {
		if w, _, err := term.GetSize(int(os.Stdout.Fd())); err == nil && w > 0 {
			return w
		}
		if w, err := strconv.Atoi(f.Getenv("COLUMNS")); err == nil && w > 0 {
			return w
		}
		return 80
	}
	return f
}

// Settings resolves and caches the settings, printing their warnings once.
func (f *Factory) Settings() (*config.Settings, error) {
	if f.settings != nil {
		return f.settings, nil
	}
	s, err := config.Load(config.LoadOptions{Flags: f.flags, ConfigFile: f.configFile, Getenv: f.Getenv,
		NoConfigDir: auth.EnvCredentials(f.Getenv) != ""})
	if err != nil {
		return nil, err
	}
	for _, w := range s.Warnings {
		Warn(f.Err, "%s", w)
	}
	f.settings = s
	return s, nil
}

// Store is the token store that token_store names.
func (f *Factory) Store() (config.TokenStore, error) {
	if f.store != nil {
		return f.store, nil
	}
	s, err := f.Settings()
	if err != nil {
		return nil, err
	}
	f.store = s.Store(f.Getenv, f.Err, f.Keyring)
	return f.store, nil
}

// HTTPClient is shared by the accounts service and the Web API, so --debug
// sees every request.
func (f *Factory) HTTPClient() *http.Client {
	if f.client != nil {
		return f.client
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	// Concurrent paging keeps up to 16 requests in flight: keep their
	// connections instead of dialing anew for every page.
	tr.MaxIdleConnsPerHost = 16
	var rt http.RoundTripper = tr
	if f.debug {
		rt = &api.DebugTransport{Base: rt, Out: f.Err}
	}
	timeout := 30 * time.Second // the timeout setting's default
	if f.settings != nil {
		timeout = f.settings.Timeout
	}
	f.client = &http.Client{Transport: rt, Timeout: timeout, CheckRedirect: sameOrigin}
	return f.client
}

// sameOrigin refuses a redirect to another scheme, host or port: net/http
// keeps the Authorization header when only the port changes, and the token
// must reach nobody but Spotify.
func sameOrigin(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	if first := via[0].URL; req.URL.Scheme != first.Scheme || req.URL.Host != first.Host {
		return fmt.Errorf("refusing to follow a redirect from %s://%s to %s://%s", first.Scheme, first.Host, req.URL.Scheme, req.URL.Host)
	}
	return nil
}

// App is the Spotify app of the settings.
func (f *Factory) App() (*auth.App, error) {
	s, err := f.Settings()
	if err != nil {
		return nil, err
	}
	return &auth.App{ClientID: s.ClientID, ClientSecret: s.ClientSecret, AccountsURL: s.AccountsURL, HTTPClient: f.HTTPClient(), Now: f.Now}, nil
}

// APIClient is a Web API client on the given tokens.
func (f *Factory) APIClient(tokens api.TokenSource) (*api.Client, error) {
	s, err := f.Settings()
	if err != nil {
		return nil, err
	}
	return &api.Client{
		BaseURL:   s.APIURL,
		HTTP:      f.HTTPClient(),
		UserAgent: "spotcli/" + f.Build.Version,
		Tokens:    tokens,
		MaxWait:   s.MaxWait,
		Timeout:   s.Timeout,
		ScopeHint: f.scopeHint(s.Profile),
	}, nil
}

// UserClient is a Web API client on this run's user credentials.
func (f *Factory) UserClient() (*api.Client, *auth.Source, error) {
	src, err := f.Credentials()
	if err != nil {
		return nil, nil, err
	}
	c, err := f.APIClient(src)
	return c, src, err
}

// Browse opens url with $BROWSER or the OS's default browser. What the
// browser and its launcher print (xdg-open's "www-browser: not found",
// Chromium's log lines) is theirs, not spotcli's: it reaches stderr with
// --debug only, and stdout never, which is for data. The browser starts
// with the environment minus SPOTCLI_* (auth.BrowserEnv): the client secret
// and any token stay in spotcli.
func (f *Factory) Browse(url string) error {
	if f.OpenBrowser != nil {
		return f.OpenBrowser(url)
	}
	var environ []string // a Factory built by hand passes none on
	if f.Environ != nil {
		environ = f.Environ()
	}
	env := auth.BrowserEnv(environ)
	// With --debug the browser gets stderr itself, not a pipe through
	// SafeWriter: it may outlive spotcli, and its output is the desktop's,
	// not Spotify's. Without, /dev/null (not io.Discard: a pipe would
	// outlive spotcli in the browser and kill it with SIGPIPE).
	var out io.Writer = f.Err
	if sw, ok := out.(SafeWriter); ok {
		out = sw.W
	}
	if !f.debug {
		null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		if err != nil {
			return fmt.Errorf("open %s: %w", os.DevNull, err)
		}
		defer null.Close()
		out = null
	}
	if b := strings.TrimSpace(f.Getenv("BROWSER")); b != "" {
		parts := strings.Fields(b)
		c := exec.Command(parts[0], append(parts[1:], url)...)
		c.Stdout, c.Stderr, c.Env = out, out, env
		if err := c.Start(); err != nil {
			return fmt.Errorf("run $BROWSER: %w", err)
		}
		go func() { _ = c.Wait() }()
		return nil
	}
	if err := openDefaultBrowser(url, env, out); err != nil {
		return errors.New("no browser could be started")
	}
	return nil
}
