package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
)

// PaginateCursor fetches a collection that Spotify pages by cursor, such as
// the followed artists (/me/following?type=artist, whose page is under
// "artists"): key names the member of the body that holds the page, "" for a
// page at the top level. A cursor page can only be asked for once the page
// before it has told its cursor, so the pages come one after the other,
// whatever o.Concurrency; o.PageSize and o.Limit apply as in Paginate. emit
// gets the items in Spotify's order, page by page.
func (c *Client) PaginateCursor(ctx context.Context, pathOrURL, key string, o PageOptions, emit func([]json.RawMessage) error) error {
	size := o.PageSize
	if size <= 0 || size > 50 {
		size = 50
	}
	if o.Limit > 0 && o.Limit < size {
		size = o.Limit
	}
	u, err := c.URL(pathOrURL)
	if err != nil {
		return err
	}
	q := u.Query()
	q.Set("limit", strconv.Itoa(size))
	u.RawQuery = q.Encode()

	left := o.Limit // 0: unbounded
	link := u.String()
	seen := map[string]bool{}
	for pages := 1; link != ""; pages++ {
		if seen[link] {
			return fmt.Errorf("page %d: Spotify's cursor did not advance (%s again)", pages, redactURLString(link))
		}
		seen[link] = true
		b, err := c.Get(ctx, link)
		if err != nil {
			if pages == 1 {
				return err
			}
			return fmt.Errorf("page %d: %w", pages, err)
		}
		var p struct {
			Items []json.RawMessage `json:"items"`
			Next  *string           `json:"next"`
		}
		raw := json.RawMessage(b)
		if key != "" {
			var outer map[string]json.RawMessage
			if err := json.Unmarshal(b, &outer); err != nil {
				return fmt.Errorf("unexpected page from Spotify: %v", err)
			}
			if raw = outer[key]; len(raw) == 0 {
				return fmt.Errorf("unexpected page from Spotify: no %q in the answer", key)
			}
		}
		if err := json.Unmarshal(raw, &p); err != nil {
			return fmt.Errorf("unexpected page from Spotify: %v", err)
		}
		items := p.Items
		if o.Limit > 0 && len(items) > left {
			items = items[:left]
		}
		if len(items) > 0 {
			if err := emit(items); err != nil {
				return err
			}
		}
		if o.Limit > 0 {
			if left -= len(items); left <= 0 {
				return nil
			}
		}
		if p.Next == nil || len(p.Items) == 0 {
			return nil
		}
		// Every link passes the origin check: the token goes nowhere else.
		next, err := c.URL(*p.Next)
		if err != nil {
			return err
		}
		link = next.String()
	}
	return nil
}

func redactURLString(link string) string {
	u, err := url.Parse(link)
	if err != nil {
		return "an invalid link"
	}
	return redactURL(u)
}
