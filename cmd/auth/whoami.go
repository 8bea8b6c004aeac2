package authcmd

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/internal/auth"
)

type whoamiOptions struct {
	f    *cmdutil.Factory
	JSON bool
}

func NewWhoamiCmd(f *cmdutil.Factory, runF func(context.Context, *whoamiOptions) error) *cobra.Command {
	o := &whoamiOptions{f: f}
	c := &cobra.Command{
		Use:   "whoami",
		Short: "Show the logged-in Spotify user and the login",
		Long: `Show the logged-in user (display name, id, and email, country and product when
Spotify returns them: it omits them for development-mode apps, and the display
name for accounts without one; a field Spotify omits has no line), then where
the login is stored, its scopes and when the access token expires.

--json prints the /v1/me object as Spotify returned it (indented on a terminal,
compact on one line in a pipe, as every --json output of spotcli).`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runWhoami(cmd.Context(), o)
		},
	}
	c.Flags().BoolVar(&o.JSON, "json", false, "print Spotify's /v1/me object")
	return c
}

func runWhoami(ctx context.Context, o *whoamiOptions) error {
	client, src, err := o.f.UserClient()
	if err != nil {
		return err
	}
	me, err := client.Me(ctx)
	if err != nil {
		return err
	}
	out := o.f.Out
	if o.JSON {
		return o.f.WriteJSON(me.Raw)
	}
	rec, err := src.Record()
	if err != nil {
		return err
	}
	// A field Spotify did not send (display_name null, or no email,
	// country and product for development-mode apps) has no line.
	var rows [][2]string
	for _, r := range [][2]string{{"Name", me.DisplayName}, {"ID", me.ID}, {"Email", me.Email}, {"Country", me.Country}, {"Product", me.Product}} {
		if r[1] != "" {
			rows = append(rows, r)
		}
	}
	rows = append(rows,
		[2]string{"Profile", src.Profile},
		[2]string{"Stored in", src.Location()},
	)
	rows = append(rows, whoamiApp(o.f, src, rec)...)
	rows = append(rows,
		[2]string{"Scopes", scopes(rec, src.Env)},
		[2]string{"Expires", expiry(rec, src.Env, o.f.Now())},
	)
	for _, r := range rows {
		// The display name is whatever its owner typed: escape controls.
		if _, err := fmt.Fprintf(out, "%-10s %s\n", r[0]+":", auth.Printable(r[1])); err != nil {
			return err
		}
	}
	return nil
}

// unknownFromEnv is what whoami and status say of what a token from
// SPOTCLI_ACCESS_TOKEN does not tell: its flow, scopes and expiry.
const unknownFromEnv = "unknown (the token comes from " + auth.EnvAccessToken + ")"

// scopes lists the token's scopes, which a token from SPOTCLI_ACCESS_TOKEN
// does not tell.
func scopes(rec *auth.Record, env string) string {
	switch {
	case len(rec.Scopes) > 0:
		return strings.Join(rec.Scopes, " ")
	case env == auth.EnvAccessToken:
		return unknownFromEnv
	case env != "" && rec.AccessToken == "":
		return "unknown until the first refresh (spotcli status --check)"
	}
	return "none"
}

// expiry describes when an access token expires.
func expiry(rec *auth.Record, env string, now time.Time) string {
	if env == auth.EnvAccessToken {
		return unknownFromEnv
	}
	if rec.ExpiresAt.IsZero() {
		return "none yet: one is fetched with the refresh token on first use"
	}
	d := rec.ExpiresAt.Sub(now).Round(time.Second)
	at := rec.ExpiresAt.Local().Format(time.RFC3339)
	if d <= 0 {
		return fmt.Sprintf("%s (expired %s ago; refreshed on next use)", at, -d)
	}
	return fmt.Sprintf("%s (in %s)", at, d)
}
