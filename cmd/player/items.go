package player

import (
	"context"
	"net/url"
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
type item struct {
	kind, id string
}

func (i item) uri() string { return "spotify:" + i.kind + ":" + i.id }

// context reports whether the item is played as a context (a collection)
// rather than as an item of a list.
func (i item) context() bool {
	switch i.kind {
	case "album", "playlist", "artist", "show":
		return true
	}
	return false
}

var itemKinds = map[string]bool{"track": true, "episode": true, "album": true, "playlist": true, "artist": true, "show": true}

// parseItems reads ITEMs: spotify:KIND:ID URIs, open.spotify.com links and
// `current`, which is resolved with one request.
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
		}
		it, ok := parseItem(s)
		if !ok {
			return nil, cmdutil.UsageErrorf("%q is not an item: give a spotify:track:ID (or episode, album, playlist, artist, show) URI, an open.spotify.com link, or current", a)
		}
		out = append(out, it)
	}
	return out, nil
}

func parseItem(s string) (item, bool) {
	if rest, ok := strings.CutPrefix(s, "spotify:"); ok {
		parts := strings.Split(rest, ":")
		// spotify:user:NAME:playlist:ID is the old form of a playlist URI.
		if len(parts) == 4 && parts[0] == "user" && parts[2] == "playlist" {
			parts = parts[2:]
		}
		if len(parts) != 2 || !itemKinds[parts[0]] || !validID(parts[1]) {
			return item{}, false
		}
		return item{parts[0], parts[1]}, true
	}
	if !strings.Contains(s, "://") && strings.HasPrefix(s, "open.spotify.com/") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || !strings.EqualFold(u.Host, "open.spotify.com") {
		return item{}, false
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(parts) == 3 && strings.HasPrefix(parts[0], "intl-") {
		parts = parts[1:]
	}
	if len(parts) != 2 || !itemKinds[parts[0]] || !validID(parts[1]) {
		return item{}, false
	}
	return item{parts[0], parts[1]}, true
}

// validID reports whether id is 22 base62 characters.
func validID(id string) bool {
	if len(id) != 22 {
		return false
	}
	for _, r := range id {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}
