package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
)

// PageOptions control Paginate.
type PageOptions struct {
	PageSize    int // items per request; Spotify allows 1..50
	Limit       int // stop after this many items; 0 means all
	Concurrency int // requests in flight; 1 means plain sequential paging
	MaxPages    int // most pages fetched; 0 means MaxPages
}

type pageBody struct {
	Items  []json.RawMessage `json:"items"`
	Total  *int              `json:"total"`
	Limit  int               `json:"limit"`
	Offset int               `json:"offset"`
	Next   *string           `json:"next"`
}

// Paginate fetches a paged collection and hands its items to emit in
// Spotify's order, page by page as soon as a page and every page before it
// have arrived. When the first page tells the total, the remaining pages are
// fetched concurrently by offset; otherwise the next links are followed. At
// most 2×Concurrency pages are held at once, so memory does not grow with the
// collection.
func (c *Client) Paginate(ctx context.Context, pathOrURL string, o PageOptions, emit func([]json.RawMessage) error) error {
	size := o.PageSize
	if size <= 0 || size > 50 {
		size = 50
	}
	if o.Limit > 0 && o.Limit < size {
		size = o.Limit
	}
	first, err := c.URL(pathOrURL)
	if err != nil {
		return err
	}
	q := first.Query()
	q.Set("limit", strconv.Itoa(size))
	if q.Get("offset") == "" {
		q.Set("offset", "0")
	}
	first.RawQuery = q.Encode()

	p, err := c.page(ctx, first.String(), "")
	if err != nil {
		return err
	}
	return c.follow(ctx, first, "", p, size, p.Total != nil, o, emit)
}

// follow hands the first page p, fetched from first, to emit and fetches the
// pages after it: by offset, concurrently, when jump says the page's total,
// offset and limit can be trusted; otherwise by following the next links
// one after the other. key names the member of the body that holds the page
// ("" for a page at the top level). step is the page size to assume when
// the page does not tell its limit.
func (c *Client) follow(ctx context.Context, first *url.URL, key string, p *pageBody, step int, jump bool, o PageOptions, emit func([]json.RawMessage) error) error {
	left := -1 // items still wanted; -1 is unbounded
	if o.Limit > 0 {
		left = o.Limit
	}
	send := func(items []json.RawMessage) (bool, error) {
		if left >= 0 && len(items) > left {
			items = items[:left]
		}
		if len(items) > 0 {
			if err := emit(items); err != nil {
				return false, err
			}
		}
		if left >= 0 {
			left -= len(items)
			return left > 0, nil
		}
		return true, nil
	}
	more, err := send(p.Items)
	if err != nil || !more || p.Next == nil || len(p.Items) == 0 {
		return err
	}
	if p.Limit > 0 {
		step = p.Limit
	}
	maxPages := o.MaxPages
	if maxPages <= 0 {
		maxPages = MaxPages
	}
	if o.Concurrency > 1 && jump && p.Total != nil && step > 0 && p.Offset >= 0 && p.Offset <= *p.Total {
		start, end := p.Offset+len(p.Items), *p.Total
		if left >= 0 && left < end-start {
			end = start + left
		}
		start = p.Offset + step
		// The page's numbers decide how many requests follow: a server
		// claiming a billion items in pages of one gets an error, not a
		// billion requests (nor a list of a billion offsets).
		if end > start && (end-start-1)/step+1 > maxPages-1 {
			return &TooManyPagesError{Total: *p.Total, PageSize: step, Max: maxPages}
		}
		return c.fetchConcurrently(ctx, first, step, start, end, o.Concurrency, send)
	}
	// Following next links: a link seen before is a loop (a server whose
	// next points at the page itself would be paged forever), and the
	// number of pages is bounded all the same.
	seen := map[string]bool{pageKeyOf(first.String()): true}
	for pages := 1; p.Next != nil && len(p.Items) > 0; pages++ {
		next := *p.Next
		k := pageKeyOf(next)
		if seen[k] {
			return &PageLoopError{Link: redactLink(next)}
		}
		if pages >= maxPages {
			return &TooManyPagesError{PageSize: step, Max: maxPages}
		}
		seen[k] = true
		if err := ctx.Err(); err != nil {
			return err
		}
		if p, err = c.page(ctx, next, key); err != nil {
			return fmt.Errorf("page %s: %w", offsetOf(next), err)
		}
		if more, err := send(p.Items); err != nil || !more {
			return err
		}
	}
	return nil
}

// MaxPages bounds the pages of one listing: 100,000 pages of 50 are five
// million items, far beyond any library or playlist, and a server that
// claims more (or pages without end) gets an error instead of spotcli's
// memory and time.
const MaxPages = 100_000

// TooManyPagesError stops a listing whose pages would pass MaxPages.
type TooManyPagesError struct {
	Total    int // the total the first page claimed; 0 if it did not say
	PageSize int
	Max      int
}

func (e *TooManyPagesError) Error() string {
	if e.Total > 0 {
		return fmt.Sprintf("the answer claims %d items in pages of %d, more than the %d pages spotcli fetches for one listing: stopping (ask for fewer items)", e.Total, e.PageSize, e.Max)
	}
	return fmt.Sprintf("the listing goes on past %d pages, more than spotcli fetches for one listing: stopping (ask for fewer items)", e.Max)
}

// PageLoopError stops paging when a next link leads to a page already fetched.
type PageLoopError struct{ Link string }

func (e *PageLoopError) Error() string {
	return fmt.Sprintf("the answer's next link leads back to a page already fetched (%s): stopping instead of paging forever", e.Link)
}

// pageKeyOf identifies a page link whatever the order of its query
// parameters.
func pageKeyOf(link string) string {
	u, err := url.Parse(link)
	if err != nil {
		return link
	}
	u.RawQuery = u.Query().Encode()
	u.Fragment = ""
	return u.String()
}

func redactLink(link string) string {
	u, err := url.Parse(link)
	if err != nil {
		return "an invalid URL"
	}
	return redactURL(u)
}

func offsetOf(link string) string {
	if u, err := url.Parse(link); err == nil && u.Query().Get("offset") != "" {
		return "at offset " + u.Query().Get("offset")
	}
	return link
}

// page fetches one page; key names the member of the body that holds it,
// as search nests its pages under "tracks", "albums"... A page that is the
// body itself is taken too: the pages after an object's embedded one come
// that way.
func (c *Client) page(ctx context.Context, link, key string) (*pageBody, error) {
	b, err := c.Get(ctx, link)
	if err != nil {
		return nil, err
	}
	return decodePage(b, key)
}

func decodePage(b []byte, key string) (*pageBody, error) {
	if key != "" {
		var outer map[string]json.RawMessage
		if err := json.Unmarshal(b, &outer); err != nil {
			return nil, fmt.Errorf("unexpected page from Spotify: %v", err)
		}
		switch {
		case isObject(outer[key]):
			b = outer[key]
		case isArray(outer["items"]):
			// An embedded page (a playlist's entries, an album's tracks,
			// a show's episodes) goes on at its own endpoint, where the
			// page is the answer itself.
		default:
			return nil, fmt.Errorf("unexpected page from Spotify: no %q in the answer", key)
		}
	}
	var p pageBody
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("unexpected page from Spotify: %v", err)
	}
	return &p, nil
}

type pageResult struct {
	items []json.RawMessage
	err   error
}

// fetchConcurrently fetches the pages at offsets start, start+step, ... below
// end, conc at a time, and sends them in order. Offsets are made as the
// window moves, so nothing grows with the number of pages: at most 2×conc
// pages are fetched or in flight and not yet sent, the one being sent
// included. A page that comes back empty ends the listing: the collection
// is shorter than its total said.
func (c *Client) fetchConcurrently(ctx context.Context, first *url.URL, step, start, end, conc int, send func([]json.RawMessage) (bool, error)) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type slot struct {
		off int
		res chan pageResult
	}
	order := make(chan slot, 2*conc-1)
	inflight := make(chan struct{}, conc)
	go func() {
		defer close(order)
		n := 0 // pages to fetch, counted so that no offset overflows
		if end > start {
			n = (end-start-1)/step + 1
		}
		for i := 0; i < n; i++ {
			off := start + i*step
			s := slot{off: off, res: make(chan pageResult, 1)}
			select {
			case order <- s:
			case <-ctx.Done():
				return
			}
			select {
			case inflight <- struct{}{}:
			case <-ctx.Done():
				s.res <- pageResult{err: ctx.Err()}
				return
			}
			u := *first
			q := u.Query()
			q.Set("offset", strconv.Itoa(off))
			q.Set("limit", strconv.Itoa(step))
			u.RawQuery = q.Encode()
			go func(res chan<- pageResult, link string) {
				p, err := c.page(ctx, link, "")
				<-inflight
				if err != nil {
					res <- pageResult{err: err}
					return
				}
				res <- pageResult{items: p.Items}
			}(s.res, u.String())
		}
	}()
	for {
		var s slot
		var ok bool
		select {
		case s, ok = <-order:
		case <-ctx.Done():
			return ctx.Err()
		}
		if !ok {
			return nil
		}
		var r pageResult
		select {
		case r = <-s.res:
		case <-ctx.Done():
			return ctx.Err()
		}
		if r.err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("page at offset %d: %w", s.off, r.err)
		}
		if len(r.items) == 0 {
			return nil
		}
		if more, err := send(r.items); err != nil || !more {
			return err
		}
	}
}
