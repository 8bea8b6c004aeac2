package player

import (
	"context"
	"strings"

	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/internal/api"
)

// Current resolves the ITEM `current`: the URI of the item now playing. It
// is the hook item parsers call (spotcli library save current, spotcli
// playlists add NAME current); with nothing playing the error wraps
// api.ErrNothingPlaying.
func Current(ctx context.Context, client *api.Client) (string, error) {
	return client.CurrentURI(ctx)
}

// CurrentFor is Current with this run's user client: what a command that
// takes ITEMs calls for the keyword `current`, for instance as the
// resolver of an item parser's keyword.
func CurrentFor(ctx context.Context, f *cmdutil.Factory) (string, error) {
	client, _, err := f.UserClient()
	if err != nil {
		return "", err
	}
	return Current(ctx, client)
}

// item is one ITEM of play and queue.
type item struct{ api.Ref }

// context reports whether the item is played as a context (a collection)
// rather than as an item of a list.
func (i item) context() bool {
	switch i.Type {
	case "album", "playlist", "artist", "show":
		return true
	}
	return false
}

// itemParser reads the ITEMs of play and queue: the kinds play takes.
var itemParser = api.RefParser{Kinds: []string{"track", "episode", "album", "playlist", "artist", "show"}}

// parseItems reads ITEMs: spotify:KIND:ID URIs, open.spotify.com links,
// spotify.link share links and `current`, each of the last two resolved with
// one request.
func parseItems(ctx context.Context, c *control, args []string) ([]item, error) {
	var out []item
	for _, a := range args {
		s := strings.TrimSpace(a)
		if s == "current" {
			client, err := c.api()
			if err != nil {
				return nil, err
			}
			uri, err := Current(ctx, client)
			if err != nil {
				return nil, err
			}
			s = uri
		} else if api.IsShortLink(s) { // a spotify.link share link
			uri, err := c.f.ResolveShortLink(ctx, s)
			if err != nil {
				return nil, err
			}
			s = uri
		}
		it, ok := parseItem(s)
		if !ok {
			return nil, cmdutil.UsageErrorf("%q is not an item: give a spotify:track:ID (or episode, album, playlist, artist, show) URI, an open.spotify.com or spotify.link link, or current", a)
		}
		out = append(out, it)
	}
	return out, nil
}

// parseItem reads one ITEM with the shared parser. A bare ID, which the
// parser takes for a track's, is not an ITEM here: play cannot tell a
// track's ID from an album's.
func parseItem(s string) (item, bool) {
	if !strings.ContainsAny(s, ":/.") {
		return item{}, false
	}
	r, err := itemParser.Parse(s)
	if err != nil {
		return item{}, false
	}
	return item{r}, true
}
