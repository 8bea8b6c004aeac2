package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// SearchTypes are the types GET /search takes, and the member of its answer
// each one's page is under.
var SearchTypes = map[string]string{
	"track": "tracks", "album": "albums", "artist": "artists", "playlist": "playlists",
	"show": "shows", "episode": "episodes", "audiobook": "audiobooks",
}

// Search page sizes: what apps with extended quota may ask, and what
// development-mode apps may (since February 2026).
const (
	SearchPageMax    = 50
	SearchPageDevMax = 10
)

// SearchOptions control Search.
type SearchOptions struct {
	Type  string // one of SearchTypes
	Limit int    // results wanted; Spotify serves at most 1,000 a query
}

// Search hands the results of a query to emit, page by page, until Limit.
// It first asks for pages of 50; when Spotify answers 400 "Invalid limit",
// as it does to development-mode apps above 10, it asks for 10 and keeps
// asking for 10 for the rest of the client's life. Either kind of app works
// without a setting.
func (c *Client) Search(ctx context.Context, query string, o SearchOptions, emit func([]json.RawMessage) error) error {
	key, ok := SearchTypes[o.Type]
	if !ok {
		return fmt.Errorf("unknown search type %q", o.Type)
	}
	limit := o.Limit
	if limit <= 0 {
		limit = 20
	}
	for {
		page := int(c.searchPage.Load())
		if page == 0 {
			page = SearchPageMax
		}
		size := min(page, limit)
		q := url.Values{"q": {query}, "type": {o.Type}, "limit": {strconv.Itoa(size)}, "offset": {"0"}}
		first, err := c.URL("search?" + q.Encode())
		if err != nil {
			return err
		}
		b, err := c.Get(ctx, first.String())
		var ae *Error
		if errors.As(err, &ae) && ae.Status == 400 && strings.EqualFold(ae.Message, "Invalid limit") && size > SearchPageDevMax {
			c.searchPage.Store(SearchPageDevMax)
			continue
		}
		if err != nil {
			return err
		}
		if page == SearchPageMax {
			c.searchPage.CompareAndSwap(0, SearchPageMax)
		}
		p, err := decodePage(b, key)
		if err != nil {
			return err
		}
		return c.follow(ctx, first, key, p, size, false, PageOptions{Limit: limit}, emit)
	}
}
