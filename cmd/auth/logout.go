package authcmd

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/internal/auth"
	"github.com/spotcli/spotcli/internal/config"
)

type logoutOptions struct {
	f *cmdutil.Factory
}

func NewLogoutCmd(f *cmdutil.Factory, runF func(context.Context, *logoutOptions) error) *cobra.Command {
	o := &logoutOptions{f: f}
	return &cobra.Command{
		Use:   "logout",
		Short: "Remove the profile's stored login from every store",
		Long:  "Remove the active profile's stored login, and its cached app-only token (token --app), from the keyring and the file store. Waits for a refresh under way in another spotcli process, so that it cannot write the login back. Succeeds also when nothing was stored.",
		Args:  cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runLogout(cmd.Context(), o)
		},
	}
}

func runLogout(ctx context.Context, o *logoutOptions) error {
	// As login does: the stored login is not this run's, and removing it
	// would surprise a CI job that only meant to drop its variable.
	if k := auth.EnvCredentials(o.f.Getenv); k != "" {
		return fmt.Errorf("%s is set, and credentials from the environment take precedence over a stored login: unset it first (unset %s), then run spotcli logout; nothing was removed", k, k)
	}
	s, err := o.f.Settings()
	if err != nil {
		return err
	}
	// Under the profile's lock: a refresh under way finishes first, and the
	// login it saved is then removed too; a later one finds nothing.
	unlock, err := config.FileLock(s.LockPath())(ctx)
	if err != nil {
		return fmt.Errorf("log out of profile %q: %w", s.Profile, err)
	}
	defer unlock()
	// Both stores are cleared whatever token_store says (a login may be
	// left from before a change), but a keyring that token_store: file
	// never uses is not worth a warning when it does not answer.
	warn := o.f.Err
	if s.TokenStore == "file" {
		warn = io.Discard
	}
	store := s.EveryStore(o.f.Getenv, warn, o.f.Keyring)
	removed, err := store.Delete(s.Profile)
	if err != nil {
		return fmt.Errorf("remove the stored login of profile %q: %w", s.Profile, err)
	}
	// The app-only token cache (token --app, api --app) goes too. The
	// keyring's unavailability was warned about with the login.
	app := s.EveryStore(o.f.Getenv, io.Discard, o.f.Keyring)
	if _, err := app.Delete(auth.AppProfile(s.Profile)); err != nil {
		return fmt.Errorf("remove the app-only token of profile %q: %w", s.Profile, err)
	}
	_ = s.ClearRefused(s.Profile) // about the login just removed
	if err := s.NoteProfile(s.Profile, false); err != nil {
		cmdutil.Warn(o.f.Err, "could not remove profile %q from the profile index: %v", s.Profile, err)
	}
	if removed {
		fmt.Fprintf(o.f.Err, "Logged out: removed the stored login of profile %q\n", s.Profile)
	} else {
		fmt.Fprintf(o.f.Err, "No login was stored for profile %q\n", s.Profile)
	}
	return nil
}
