package authcmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/internal/api"
	"github.com/spotcli/spotcli/internal/auth"
	"github.com/spotcli/spotcli/internal/config"
)

type statusOptions struct {
	f     *cmdutil.Factory
	Check bool
	All   bool
	JSON  bool
}

func NewStatusCmd(f *cmdutil.Factory, runF func(context.Context, *statusOptions) error) *cobra.Command {
	o := &statusOptions{f: f}
	c := &cobra.Command{
		Use:   "status",
		Short: "Tell whether spotcli can act, and as whom",
		Long: `Tell whether spotcli can act, and as whom, without touching the network (unless
--check): the profile, where the credentials come from (environment, keyring, or
file, which is plain text), the user, the scopes, when the access token expires,
and the refresh token's age and estimated expiry (Spotify's refresh tokens die 6
months after the login; refreshing does not extend them).

It also shows the flow (PKCE, or the client secret), the client ID and the config
file in use. When Spotify has refused the refresh token (expired, revoked, or
replaced by a login elsewhere), status says so, and when. Credentials from the
environment (SPOTCLI_ACCESS_TOKEN, SPOTCLI_REFRESH_TOKEN) show only what is known
of them until --check.

--check proves the login: it refreshes the access token with the refresh token
(under the profile's lock, saving what Spotify answers, like any refresh), then
calls /v1/me with it.

Exit status: 0 when usable; 4 when not logged in, when the refresh token is past
its 6 months or was refused by Spotify, or when --check fails with an
authentication error. With --all, 4 when any listed profile is not usable.`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runStatus(cmd.Context(), o)
		},
	}
	c.Flags().BoolVar(&o.Check, "check", false, "prove the credentials work: refresh the access token, then call /v1/me")
	c.Flags().BoolVar(&o.All, "all", false, "list every stored profile")
	c.Flags().BoolVar(&o.JSON, "json", false, "print JSON for scripts")
	return c
}

// profileStatus is one profile's answer; its JSON form is for scripts.
type profileStatus struct {
	Profile               string     `json:"profile"`
	Active                bool       `json:"active"`
	Source                string     `json:"source,omitempty"`
	Flow                  string     `json:"flow,omitempty"`
	ClientID              string     `json:"client_id,omitempty"`
	ConfigFile            string     `json:"config_file,omitempty"`
	RefreshTokenRefusedAt *time.Time `json:"refresh_token_refused_at,omitempty"`
	Usable                bool       `json:"usable"`
	Problem               string     `json:"problem,omitempty"`
	UserID                string     `json:"user_id,omitempty"`
	UserName              string     `json:"user_name,omitempty"`
	AppOnly               bool       `json:"app_only,omitempty"`
	Scopes                []string   `json:"scopes"`
	AccessTokenExpiresAt  *time.Time `json:"access_token_expires_at,omitempty"`
	LoggedInAt            *time.Time `json:"logged_in_at,omitempty"`
	RefreshTokenExpiresAt *time.Time `json:"refresh_token_expires_at,omitempty"`
	// RefreshTokenDaysLeft is whole days until RefreshTokenExpiresAt.
	RefreshTokenDaysLeft *int `json:"refresh_token_days_left,omitempty"`
	// AccessTokenExpired: the next command refreshes it first.
	AccessTokenExpired bool   `json:"access_token_expired,omitempty"`
	Warning            string `json:"warning,omitempty"`
	Checked            *bool  `json:"checked,omitempty"`

	rec        *auth.Record
	env        string
	code       int
	configDesc string
}

func runStatus(ctx context.Context, o *statusOptions) error {
	f := o.f
	s, err := f.Settings()
	if err != nil {
		return err
	}
	var list []*profileStatus
	active, err := f.Credentials()
	if err != nil {
		return err
	}
	list = append(list, statusOf(f, s, active, s.Profile, true))
	list[0].setApp(s, active)
	if o.All && active.Env == "" {
		r, err := f.Resolver()
		if err != nil {
			return err
		}
		for _, p := range s.KnownProfiles() {
			if p == s.Profile {
				continue
			}
			st, err := r.Stored(p)
			if err != nil {
				return err
			}
			ps := statusOf(f, s, st, p, false)
			if ps.rec == nil && ps.code == cmdutil.ExitLogin {
				continue // listed in the config file, never logged in
			}
			ps.setApp(s, st)
			list = append(list, ps)
		}
	}
	if o.Check {
		checkStatus(ctx, f, s, active, list[0])
	}

	if o.JSON {
		for _, ps := range list {
			ps.Problem = cmdutil.WithProfile(ps.Problem, ps.Profile)
			ps.Warning = cmdutil.WithProfile(ps.Warning, ps.Profile)
		}
		if o.All {
			err = f.WriteJSON(list)
		} else {
			err = f.WriteJSON(list[0])
		}
		if err != nil {
			return err
		}
	} else {
		for i, ps := range list {
			if i > 0 {
				fmt.Fprintln(f.Out)
			}
			if err := writeStatus(f.Out, ps, f.Now()); err != nil {
				return err
			}
		}
	}
	for _, ps := range list {
		if ps.code != cmdutil.ExitOK {
			return &cmdutil.SilentExit{Code: ps.code}
		}
	}
	return nil
}

// statusOf reads a profile's login without touching the network.
func statusOf(f *cmdutil.Factory, s *config.Settings, cr *auth.Source, profile string, active bool) *profileStatus {
	ps := &profileStatus{Profile: profile, Active: active, Scopes: []string{}, env: cr.Env}
	rec, err := cr.Record()
	ps.Source = cr.Location()
	switch {
	case errors.Is(err, auth.ErrNotLoggedIn):
		ps.Problem, ps.code, ps.Source = auth.ErrNotLoggedIn.Error(), cmdutil.ExitLogin, ""
		return ps
	case err != nil:
		ps.Problem, ps.code = err.Error(), cmdutil.ExitError
		return ps
	}
	ps.rec = rec
	now := f.Now()
	ps.UserID, ps.UserName = rec.UserID, rec.UserName
	ps.AppOnly = rec.Flow == auth.FlowClientCredentials
	if rec.Scopes != nil {
		ps.Scopes = rec.Scopes
	}
	if cr.Env != auth.EnvAccessToken && !rec.ExpiresAt.IsZero() {
		t := rec.ExpiresAt.UTC()
		ps.AccessTokenExpiresAt = &t
		ps.AccessTokenExpired = !now.Before(t)
	}
	if !rec.LoggedInAt.IsZero() && rec.RefreshToken != "" {
		li, ex := rec.LoggedInAt.UTC(), rec.RefreshExpiresAt().UTC()
		ps.LoggedInAt, ps.RefreshTokenExpiresAt = &li, &ex
		left := auth.DaysLeft(ex.Sub(now))
		ps.RefreshTokenDaysLeft = &left
		if d := ex.Sub(now); d > 0 && d < auth.RefreshWarnDays*24*time.Hour {
			ps.Warning = fmt.Sprintf("refresh token expires in %d days: run spotcli login to renew", left)
		}
		if !now.Before(ex) {
			ps.Problem, ps.code = fmt.Sprintf("the refresh token expired on %s (6 months after the login): run %s", ex.Format(time.DateOnly), loginCommand(profile)), cmdutil.ExitLogin
			return ps
		}
	}
	if cr.Env == "" {
		if rf := s.Refused(profile, rec); rf != nil {
			ps.refused(profile, rf.At, rf.Reason)
			return ps
		}
	}
	ps.Usable = true
	return ps
}

// checkStatus proves the active credentials with a call to /v1/me.
func checkStatus(ctx context.Context, f *cmdutil.Factory, s *config.Settings, cr *auth.Source, ps *profileStatus) {
	if !ps.Usable {
		return
	}
	ok := false
	ps.Checked = &ok
	client, err := f.APIClient(cr)
	if err == nil && ps.rec.RefreshToken != "" && !ps.AppOnly {
		// The refresh token is what fails six months on or after a
		// revocation: prove it too, through the same lock and save as every
		// refresh, so that a rotated token is kept.
		var rec *auth.Record
		if rec, err = cr.Refresh(ctx); err == nil {
			ps.rec = rec
			if rec.Scopes != nil {
				ps.Scopes = rec.Scopes
			}
			t := rec.ExpiresAt.UTC()
			ps.AccessTokenExpiresAt, ps.AccessTokenExpired = &t, false
			if cr.Env == "" {
				_ = s.ClearRefused(ps.Profile)
			}
		}
	}
	if err == nil {
		var me *api.User
		if me, err = client.Me(ctx); err == nil {
			ok = true
			ps.UserID, ps.UserName = me.ID, me.DisplayName
			return
		}
	}
	ps.Usable = false
	ps.Problem = "check failed: " + err.Error()
	var ln *auth.LoginNeededError
	if errors.As(err, &ln) {
		ps.code = cmdutil.ExitLogin
		if ln.Refused != "" && cr.Env == "" {
			ps.refused(ps.Profile, f.Now(), ln.Refused)
		}
	} else {
		ps.code = cmdutil.ExitCode(ctx, err)
	}
}

func writeStatus(w io.Writer, ps *profileStatus, now time.Time) error {
	var b strings.Builder
	// The user's name is whatever its owner typed, and a problem may quote
	// Spotify: nothing reaches the terminal raw.
	row := func(k, v string) { fmt.Fprintf(&b, "%-15s %s\n", k+":", auth.Printable(v)) }
	name := ps.Profile
	if ps.Active {
		name += " (active)"
	}
	row("Profile", name)
	if ps.Source != "" {
		row("Source", ps.Source)
	}
	if fl := ps.flowText(); fl != "" {
		row("Flow", fl)
	}
	if ps.ClientID != "" {
		row("Client ID", ps.ClientID)
	}
	if ps.configDesc != "" {
		row("Config file", ps.configDesc)
	}
	if ps.rec != nil {
		switch {
		case ps.AppOnly:
			row("User", "none (app-only token)")
		case ps.UserID != "" && ps.UserName == "": // display_name null
			row("User", ps.UserID)
		case ps.UserID != "":
			row("User", fmt.Sprintf("%s (%s)", ps.UserName, ps.UserID))
		default:
			row("User", "unknown until first use")
		}
		row("Scopes", scopes(ps.rec, ps.env))
		row("Access token", expiry(ps.rec, ps.env, now))
		if ps.RefreshTokenRefusedAt != nil {
			row("Refused", "Spotify refused the refresh token on "+ps.RefreshTokenRefusedAt.Local().Format(time.DateTime))
		}
		if ps.RefreshTokenExpiresAt != nil {
			age := now.Sub(*ps.LoggedInAt)
			left := ps.RefreshTokenExpiresAt.Sub(now)
			desc := fmt.Sprintf("logged in %s (%s ago); expires about %s", ps.LoggedInAt.Local().Format(time.DateOnly), days(age), ps.RefreshTokenExpiresAt.Local().Format(time.DateOnly))
			if left > 0 {
				desc += fmt.Sprintf(" (in %d days)", auth.DaysLeft(left))
				if left < auth.RefreshWarnDays*24*time.Hour {
					desc += ": run spotcli login to renew"
				}
			}
			row("Refresh token", desc)
		} else if ps.env == "SPOTCLI_REFRESH_TOKEN" {
			row("Refresh token", "from the environment; its login time is unknown (Spotify ends it 6 months after the login)")
		}
	}
	if ps.Checked != nil && *ps.Checked {
		row("Check", "ok: Spotify accepted the credentials")
	}
	switch {
	case ps.Usable && ps.env != "" && ps.Checked == nil:
		row("Status", "usable as far as known: credentials from the environment are not checked without --check")
	case ps.Usable:
		row("Status", "usable")
	default:
		row("Status", ps.Problem)
	}
	_, err := io.WriteString(w, cmdutil.WithProfile(b.String(), ps.Profile))
	return err
}

func days(d time.Duration) string {
	n := int(d.Hours() / 24)
	if n == 1 {
		return "1 day"
	}
	if n == 0 && d > 0 {
		return "under a day"
	}
	return fmt.Sprintf("%d days", n)
}

// refused marks the login as one whose refresh token Spotify refused at at:
// every command fails until the next login.
func (ps *profileStatus) refused(profile string, at time.Time, reason string) {
	t := at.UTC()
	ps.RefreshTokenRefusedAt = &t
	ps.Usable, ps.code = false, cmdutil.ExitLogin
	ps.Problem = fmt.Sprintf("Spotify refused the refresh token on %s (%s): run %s", t.Local().Format(time.DateOnly), reason, loginCommand(profile))
}
