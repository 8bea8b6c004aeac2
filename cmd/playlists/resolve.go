package playlists

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/internal/api"
)

// PlaylistHelp is the paragraph of every command that takes a PLAYLIST.
const PlaylistHelp = `PLAYLIST is a playlist ID, a spotify:playlist:ID URI, an
https://open.spotify.com/playlist/ID link (as the Share menu copies it: ?si=,
/intl-xx/ and /embed/ are fine), a https://spotify.link/... share link (which
spotcli asks spotify.link about, without a token), or the exact name of one of
your own playlists (a name two of them share is refused, with their IDs).`

// target is a playlist a command changes.
type target struct {
	ID    string
	Name  string // "" when given by ID
	Owner string // owner's ID; "" when given by ID
	// Length is its number of entries, when the listing told it.
	Length *int
}

// label names the playlist in messages.
func (t *target) label() string {
	if t.Name != "" {
		return fmt.Sprintf("%q (%s)", t.Name, t.ID)
	}
	return t.ID
}

// resolvePlaylistArg is resolvePlaylist after a spotify.link share link is
// followed (one request without a token) to the open.spotify.com URL it
// leads to.
func resolvePlaylistArg(ctx context.Context, f *cmdutil.Factory, client *api.Client, arg string) (*target, error) {
	if api.IsShortLink(arg) {
		u, err := f.ResolveShortLink(ctx, arg)
		if err != nil {
			return nil, err
		}
		id, err := parsePlaylistID(u)
		if err != nil {
			return nil, fmt.Errorf("the share link %s leads to %s: %w", arg, u, err)
		}
		return &target{ID: id}, nil
	}
	return resolvePlaylist(ctx, client, arg)
}

// resolvePlaylist finds the playlist an argument means: an ID, URI or URL
// as it is (without a request), otherwise the user's own playlist of exactly
// that name. An ambiguous name is a usage error listing the candidates.
func resolvePlaylist(ctx context.Context, client *api.Client, arg string) (*target, error) {
	if id, err := parsePlaylistID(arg); err == nil {
		return &target{ID: id}, nil
	}
	if err := checkPlaylistArg(arg); err != nil {
		return nil, err
	}
	name := strings.TrimSpace(arg)
	me, err := client.Me(ctx)
	if err != nil {
		return nil, err
	}
	var own, others []*target
	err = client.Paginate(ctx, "me/playlists", api.PageOptions{PageSize: 50, Concurrency: 4}, func(items []json.RawMessage) error {
		for _, raw := range items {
			p, err := api.Decode[api.Playlist](raw)
			if err != nil || p == nil || p.Name != arg && p.Name != name {
				continue // a null entry, or another name
			}
			t := &target{ID: p.ID, Name: p.Name, Owner: p.OwnerID()}
			if n, ok := p.Count(); ok {
				t.Length = &n
			}
			if t.Owner == me.ID {
				own = append(own, t)
			} else {
				others = append(others, t)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("look for the playlist named %q: %w", name, err)
	}
	switch {
	case len(own) == 1:
		return own[0], nil
	case len(own) > 1:
		var b strings.Builder
		for _, t := range own {
			fmt.Fprintf(&b, "\n  %s  %s", t.ID, t.Name)
		}
		return nil, cmdutil.UsageErrorf("%d of your playlists are named %q: give the ID of the one you mean:%s", len(own), name, b.String())
	case len(others) > 0:
		return nil, fmt.Errorf("no playlist of yours is named %q: the one in your library (%s) is %s's, and Spotify lets only its owner and collaborators change it; give its ID if you collaborate on it", name, others[0].ID, others[0].Owner)
	}
	return nil, &notFoundError{name: name}
}

// checkPlaylistArg refuses, before anything is sent, a PLAYLIST that looks
// like a URI or a link but is not one of a playlist; anything else may be a
// name.
func checkPlaylistArg(arg string) error {
	if api.IsShortLink(arg) { // resolved when the command runs
		return nil
	}
	name := strings.TrimSpace(arg)
	if _, err := parsePlaylistID(arg); err != nil && (name == "" || strings.HasPrefix(name, "spotify:") ||
		strings.Contains(name, "://") || strings.HasPrefix(strings.ToLower(name), "open.spotify.com/")) {
		return err
	}
	return nil
}

// notFoundError is a name no playlist of the user has.
type notFoundError struct{ name string }

func (e *notFoundError) Error() string {
	return fmt.Sprintf("you have no playlist named %q (spotcli playlists lists them; spotcli playlists create makes one)", e.name)
}

// explainWrite turns Spotify's refusals of a playlist write into what to do:
// someone else's playlist, a missing scope.
func explainWrite(err error, method string, t *target) error {
	var ae *api.Error
	if !errors.As(err, &ae) {
		return err
	}
	switch {
	case api.IsScopeError(err):
		return err // the client's hint names the scope and the login command
	case ae.Status == 403 && method == "GET":
		ae.Hint = fmt.Sprintf("hint: Spotify lets apps in development mode read the items of only the playlists you own or collaborate on, and %s is not one of them", t.ID)
	case ae.Status == 403:
		owner := "someone else"
		if t.Owner != "" {
			owner = t.Owner
		}
		ae.Hint = fmt.Sprintf("hint: playlist %s belongs to %s: Spotify lets only its owner and its collaborators change it", t.ID, owner)
	case ae.Status == 404:
		ae.Hint = fmt.Sprintf("hint: Spotify knows no playlist %s that you can see", t.ID)
	}
	return err
}
