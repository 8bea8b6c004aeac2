package authcmd

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"github.com/spotcli/spotcli/cmd/cmdutil"
)

type refreshOptions struct {
	f    *cmdutil.Factory
	JSON bool
}

func NewRefreshCmd(f *cmdutil.Factory, runF func(context.Context, *refreshOptions) error) *cobra.Command {
	o := &refreshOptions{f: f}
	c := &cobra.Command{
		Use:   "refresh",
		Short: "Refresh the access token now",
		Long:  "Refresh the access token now, even if it is still fresh. Never prints a token.",
		Args:  cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return runRefresh(cmd.Context(), o)
		},
	}
	c.Flags().BoolVar(&o.JSON, "json", false, `print {"expires_at":...,"scopes":[...]} on stdout`)
	return c
}

func runRefresh(ctx context.Context, o *refreshOptions) error {
	src, err := o.f.Credentials()
	if err != nil {
		return err
	}
	rec, err := src.Refresh(ctx)
	if err != nil {
		return err
	}
	if o.JSON {
		scopes := rec.Scopes
		if scopes == nil {
			scopes = []string{}
		}
		return o.f.WriteJSON(struct {
			ExpiresAt time.Time `json:"expires_at"`
			Scopes    []string  `json:"scopes"` // Spotify's words
		}{rec.ExpiresAt.UTC(), scopes})
	}
	fmt.Fprintf(o.f.Err, "Access token refreshed; it expires at %s (in %s)\n",
		rec.ExpiresAt.Local().Format(time.RFC3339), rec.ExpiresAt.Sub(o.f.Now()).Round(time.Second))
	return nil
}
