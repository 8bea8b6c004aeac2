package authcmd

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spotcli/spotcli/cmd/cmdutil"
)

type tokenOptions struct {
	f            *cmdutil.Factory
	RefreshToken bool
	App          bool
}

func NewTokenCmd(f *cmdutil.Factory, runF func(context.Context, *tokenOptions) error) *cobra.Command {
	o := &tokenOptions{f: f}
	c := &cobra.Command{
		Use:   "token",
		Short: "Print a valid access token",
		Long: `Print a valid access token and a newline on stdout, refreshing it first when it
expires within a minute (or within a quarter of its lifetime, when Spotify issued
it for less than four minutes). Made for:

  curl -H "Authorization: Bearer $(spotcli token)" https://api.spotify.com/v1/me`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runToken(cmd.Context(), o)
		},
	}
	c.Flags().BoolVar(&o.RefreshToken, "refresh-token", false, "print the stored refresh token instead (a long-lived secret)")
	c.Flags().BoolVar(&o.App, "app", false, "print an app-only token (Client Credentials: needs client_id and client_secret; no user), cached until it expires")
	c.MarkFlagsMutuallyExclusive("refresh-token", "app")
	return c
}

func runToken(ctx context.Context, o *tokenOptions) error {
	if o.App {
		src, err := o.f.AppCredentials()
		if err != nil {
			return err
		}
		rec, err := src.Token(ctx)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(o.f.Out, rec.AccessToken)
		return err
	}
	src, err := o.f.Credentials()
	if err != nil {
		return err
	}
	if o.RefreshToken {
		rec, err := src.Record()
		if err != nil {
			return err
		}
		if rec.RefreshToken == "" {
			return fmt.Errorf("the stored login has no refresh token")
		}
		cmdutil.Warn(o.f.Err, "this is a refresh token, a long-lived secret: store it like a password")
		_, err = fmt.Fprintln(o.f.Out, rec.RefreshToken)
		return err
	}
	rec, err := src.Token(ctx)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(o.f.Out, rec.AccessToken)
	return err
}
