// Package authcmd holds the commands about the login: login, logout,
// refresh, token, status and whoami.
package authcmd

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/internal/auth"
	"github.com/spotcli/spotcli/internal/config"
)

type loginOptions struct {
	f                *cmdutil.Factory
	Scopes           string
	ScopesSet        bool
	ShowDialog       bool
	Timeout          time.Duration
	NoBrowser        bool
	WithRefreshToken bool
	AddScopes        string
	ClientID         string
}

func NewLoginCmd(f *cmdutil.Factory, runF func(context.Context, *loginOptions) error) *cobra.Command {
	o := &loginOptions{f: f}
	c := &cobra.Command{
		Use:   "login",
		Short: "Log in to Spotify in the browser and store the tokens",
		Long: `Log in to Spotify with the Authorization Code flow (PKCE, or the client secret when
client_secret is set) and store the tokens in the OS keyring (or the file store).

spotcli listens on the redirect URI (default http://127.0.0.1:8888/callback, which
must be registered in the app's settings) and opens the browser. On a machine whose
browser cannot reach that address (SSH), paste the address the browser was sent to
into the terminal, or forward the port with ssh -L 8888:127.0.0.1:8888.

--with-refresh-token reads a refresh token from stdin instead, for a machine set up
from a token obtained elsewhere.

--client-id names the Spotify app, and is saved to the profile's config when it
has none. On a terminal, a first login without a client ID asks for one, with
the dashboard link and the redirect URI to register.

--add-scopes keeps the current login's scopes and adds these; --scopes replaces
them, and says which are dropped.`,
		Example: `  spotcli login
  spotcli login --client-id 0123456789abcdef0123456789abcdef
  spotcli login --add-scopes user-library-read,user-library-modify
  spotcli login --profile work --no-browser`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.ScopesSet = cmd.Flags().Changed("scopes")
			if o.Timeout <= 0 {
				return cmdutil.UsageErrorf("invalid --timeout %s: use a positive duration such as 5m", o.Timeout)
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runLogin(cmd.Context(), o)
		},
	}
	c.Flags().StringVar(&o.Scopes, "scopes", "", "scopes to ask for, space- or comma-separated (default: the scopes setting)")
	c.Flags().BoolVar(&o.ShowDialog, "show-dialog", false, "make Spotify ask again even if the app was approved before")
	c.Flags().DurationVar(&o.Timeout, "timeout", 5*time.Minute, "how long to wait for the browser")
	c.Flags().BoolVar(&o.NoBrowser, "no-browser", false, "print the URL instead of opening a browser")
	c.Flags().BoolVar(&o.WithRefreshToken, "with-refresh-token", false, "read a refresh token from stdin instead of using the browser")
	c.Flags().StringVar(&o.AddScopes, "add-scopes", "", "scopes to add to the current login's, space- or comma-separated")
	c.Flags().StringVar(&o.ClientID, "client-id", "", "the Spotify app's client `ID`; saved to the profile's config when it has none")
	c.MarkFlagsMutuallyExclusive("scopes", "add-scopes")
	_ = c.RegisterFlagCompletionFunc("scopes", completeScopes)
	_ = c.RegisterFlagCompletionFunc("add-scopes", completeScopes)
	return c
}

func runLogin(ctx context.Context, o *loginOptions) error {
	f := o.f
	if k := auth.EnvCredentials(f.Getenv); k != "" {
		return fmt.Errorf("%s is set, and credentials from the environment take precedence over a stored login: unset it first (unset %s)", k, k)
	}
	s, err := f.Settings()
	if err != nil {
		return err
	}
	if _, err := auth.ParseRedirectURI(s.RedirectURI); err != nil {
		return &config.UsageError{Msg: err.Error()}
	}
	clientID, saveID, err := clientIDFor(f, s, o.ClientID)
	if err != nil {
		return err
	}
	s.ClientID = clientID // the App and Resolver below are built from it
	r, err := f.Resolver()
	if err != nil {
		return err
	}
	scopes := loginScopes(f, s, r, o)
	for _, sc := range scopes {
		if !knownScope(sc) {
			cmdutil.Warn(f.Err, "unknown scope %q: Spotify will refuse it if it does not know it either (spotcli completion lists the known scopes)", sc)
		}
	}
	app := r.App

	var rec *auth.Record
	if o.WithRefreshToken {
		rec, err = loginWithRefreshToken(ctx, f, app, scopes)
	} else {
		opts := auth.LoginOptions{
			RedirectURI: s.RedirectURI,
			Scopes:      scopes,
			ShowDialog:  o.ShowDialog,
			Timeout:     o.Timeout,
			Paste:       f.In,
			Stderr:      f.Err,
		}
		if !o.NoBrowser {
			opts.OpenBrowser = f.Browse
		}
		rec, err = app.Login(ctx, opts)
	}
	if err != nil {
		return err
	}

	// The new login's tokens, refreshed in memory like any other if the
	// first access token is already expired or refused.
	src, err := r.ForLogin(rec)
	if err != nil {
		return err
	}
	client, err := f.APIClient(src)
	if err != nil {
		return err
	}
	me, err := client.Me(ctx)
	if err != nil {
		return fmt.Errorf("logged in, but reading the user failed, so nothing was stored: %w", err)
	}
	if rec, err = src.Record(); err != nil {
		return err
	}
	rec.UserID, rec.UserName = me.ID, me.DisplayName
	// Under the profile's lock: a refresh of the old login under way in
	// another process finishes first and then finds this one.
	if err := src.Save(ctx, rec); err != nil {
		return fmt.Errorf("store the login: %w", err)
	}
	// A keyring cannot be listed: the index lets status --all and completion
	// find this profile.
	if err := s.NoteProfile(s.Profile, true); err != nil {
		cmdutil.Warn(f.Err, "could not record profile %q in the profile index: %v", s.Profile, err)
	}
	who := me.ID // an account without a display name (Spotify sends null)
	if me.DisplayName != "" {
		who = fmt.Sprintf("%s (%s)", me.DisplayName, me.ID)
	}
	fmt.Fprintf(f.Err, "Logged in as %s; token stored in %s\n", auth.Printable(who), src.Location())
	if saveID {
		saveClientID(ctx, f, s, clientID)
	}
	if err := s.ClearRefused(s.Profile); err != nil {
		cmdutil.Warn(f.Err, "could not clear the note that Spotify refused the old login: %v", err)
	}
	return nil
}

// loginWithRefreshToken validates a refresh token read from stdin by
// refreshing it.
func loginWithRefreshToken(ctx context.Context, f *cmdutil.Factory, app *auth.App, scopes []string) (*auth.Record, error) {
	line, err := bufio.NewReader(io.LimitReader(f.In, 16<<10)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read the refresh token from stdin: %w", err)
	}
	rt := strings.TrimSpace(line)
	if rt == "" {
		return nil, cmdutil.UsageErrorf("--with-refresh-token reads the refresh token from stdin, and stdin was empty: printf '%%s\\n' \"$TOKEN\" | spotcli login --with-refresh-token")
	}
	now := f.Now()
	rec := &auth.Record{
		Version:      auth.RecordVersion,
		RefreshToken: rt,
		ClientID:     app.ClientID,
		Flow:         app.Flow(),
		Scopes:       scopes,
		// Spotify does not tell when the token's login happened; now is the
		// only known bound, as documented for --with-refresh-token.
		LoggedInAt: now,
	}
	fresh, err := app.Refresh(ctx, rec)
	if err != nil {
		var ln *auth.LoginNeededError
		if errors.As(err, &ln) {
			return nil, fmt.Errorf("the refresh token from stdin was refused, nothing was stored: %s", ln.Reason)
		}
		return nil, err
	}
	return fresh, nil
}

// knownScope reports whether Spotify documents scope. An unknown one only
// warns: Spotify may add scopes before spotcli knows them.
func knownScope(scope string) bool {
	for _, c := range spotifyScopes {
		if name, _, _ := strings.Cut(string(c), "\t"); name == scope {
			return true
		}
	}
	return false
}
