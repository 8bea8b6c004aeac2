package authcmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/internal/auth"
	"github.com/spotcli/spotcli/internal/config"
)

// DashboardURL is where Spotify apps are created.
const DashboardURL = "https://developer.spotify.com/dashboard"

// noClientID is the error of a login without a Spotify app.
func noClientID(s *config.Settings) error {
	return fmt.Errorf(`no client_id set: create an app at %s, add the redirect URI %s to it, then run spotcli login --client-id ID (saved for next time), or set SPOTCLI_CLIENT_ID or client_id in %s (spotcli config set client_id ID)`, DashboardURL, s.RedirectURI, s.ConfigFile)
}

// clientIDFor finds the app a login uses: --client-id, else the settings',
// else, on a terminal only, the one the user types after being told how to
// make one. save reports whether it should be saved to the config file
// after the login worked.
func clientIDFor(f *cmdutil.Factory, s *config.Settings, flag string) (id string, save bool, err error) {
	if flag = strings.TrimSpace(flag); flag != "" {
		if err := auth.CheckToken("--client-id", flag); err != nil {
			return "", false, err
		}
		return flag, true, nil
	}
	if s.ClientID != "" {
		return s.ClientID, false, nil
	}
	if !f.Interactive() {
		return "", false, noClientID(s)
	}
	fmt.Fprintf(f.Err, `spotcli logs in through a Spotify app of your own, and none is set up yet.
  1. Create an app at %s (any name; tick "Web API").
  2. In the app's settings, add this redirect URI: %s
  3. Copy the app's Client ID and paste it here.
Client ID: `, DashboardURL, s.RedirectURI)
	line, err := readLine(f.In)
	if err != nil {
		return "", false, fmt.Errorf("read the client ID: %w", err)
	}
	if line = strings.TrimSpace(line); line == "" {
		return "", false, noClientID(s)
	}
	if err := auth.CheckToken("the client ID", line); err != nil {
		return "", false, err
	}
	return line, true, nil
}

// readLine reads one line byte by byte: the login may read stdin after it
// (a pasted redirect address), and a buffered reader would swallow that.
func readLine(r io.Reader) (string, error) {
	var b strings.Builder
	buf := make([]byte, 1)
	for b.Len() < 4<<10 {
		n, err := r.Read(buf)
		if n == 1 {
			if buf[0] == '\n' {
				return b.String(), nil
			}
			b.WriteByte(buf[0])
		}
		if errors.Is(err, io.EOF) {
			return b.String(), nil
		}
		if err != nil {
			return "", err
		}
	}
	return b.String(), nil
}

// saveClientID writes the client ID of a login that worked to the profile's
// config (the top level for the default profile), unless one is set there.
func saveClientID(ctx context.Context, f *cmdutil.Factory, s *config.Settings, id string) {
	path := s.ConfigFile
	if path == "" {
		var err error
		if path, err = f.ConfigPath(); err != nil {
			cmdutil.Warn(f.Err, "client ID not saved: %v", err)
			return
		}
	}
	section := ""
	if s.Profile != "default" {
		section = s.Profile
	}
	saved := false
	_, err := config.Edit(ctx, path, config.LockDir(f.Getenv), section, func(cf *config.File) (bool, error) {
		if have, where, ok := cf.Get(section, config.KeyClientID); ok {
			if have != id {
				cmdutil.Warn(f.Err, "%s in %s is %s, not the --client-id of this login; it was left as it is", where, path, have)
			}
			return false, nil
		}
		saved = true
		return true, cf.Set(section, config.KeyClientID, id)
	})
	if err != nil {
		cmdutil.Warn(f.Err, "client ID not saved: %v", err)
		return
	}
	if !saved {
		return
	}
	suffix := ""
	if section != "" {
		suffix = " for profile " + section
	}
	fmt.Fprintf(f.Err, "Saved client_id %s to %s%s\n", id, path, suffix)
}

// loginScopes is what the login asks for: --add-scopes adds to the stored
// login's scopes (or, without one, the scopes setting); --scopes replaces
// them, and says which of the stored login's are dropped.
func loginScopes(f *cmdutil.Factory, s *config.Settings, r *auth.Resolver, o *loginOptions) []string {
	var current []string
	if src, err := r.Stored(s.Profile); err == nil {
		if rec, err := src.Record(); err == nil && rec.Flow != auth.FlowClientCredentials {
			current = rec.Scopes
		}
	}
	switch {
	case o.AddScopes != "":
		base := current
		if len(base) == 0 {
			base = s.Scopes
		}
		out := slices.Clone(base)
		for _, sc := range config.SplitScopes(o.AddScopes) {
			if !slices.Contains(out, sc) {
				out = append(out, sc)
			}
		}
		return out
	case o.ScopesSet:
		next := config.SplitScopes(o.Scopes)
		var dropped []string
		for _, sc := range current {
			if !slices.Contains(next, sc) {
				dropped = append(dropped, sc)
			}
		}
		if len(dropped) > 0 {
			fmt.Fprintf(f.Err, "Note: --scopes replaces the scopes of the current login; these are dropped: %s (use --add-scopes to keep them)\n", strings.Join(dropped, " "))
		}
		return next
	}
	return s.Scopes
}
