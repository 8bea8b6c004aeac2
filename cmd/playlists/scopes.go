package playlists

import (
	"slices"

	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/internal/auth"
)

// shorteningScopes are the scopes without which Spotify leaves playlists
// out of /me/playlists, silently: the list is complete as far as the
// answer says.
var shorteningScopes = []struct{ scope, left string }{
	{"playlist-read-private", "private playlists"},
	{"playlist-read-collaborative", "collaborative playlists"},
}

// warnShortened warns, after a listing that worked, about the playlists
// Spotify left out because the login lacks a scope. A login whose scopes
// are unknown (SPOTCLI_ACCESS_TOKEN) is not warned about.
func warnShortened(f *cmdutil.Factory, src *auth.Source, err *error) {
	if *err != nil {
		return
	}
	rec, rerr := src.Record()
	if rerr != nil || len(rec.Scopes) == 0 {
		return
	}
	flags := ""
	if s, serr := f.Settings(); serr == nil {
		flags = cmdutil.LoginFlags(s.Profile)
	}
	for _, sc := range shorteningScopes {
		if !slices.Contains(rec.Scopes, sc.scope) {
			cmdutil.Warn(f.Err, "the login lacks the %s scope, so Spotify left the user's %s out of this list: run spotcli login --add-scopes %s%s", sc.scope, sc.left, sc.scope, flags)
		}
	}
}
