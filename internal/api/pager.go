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
	if o.Concurrency > 1 && jump && p.Total != nil && step > 0 {
		end := *p.Total
		if left >= 0 && p.Offset+len(p.Items)+left < end {
			end = p.Offset + len(p.Items) + left
		}
		var offsets []int
		for off := p.Offset + step; off < end; off += step {
			offsets = append(offsets, off)
		}
		return c.fetchConcurrently(ctx, first, step, offsets, o.Concurrency, send)
	}
	for p.Next != nil && len(p.Items) > 0 {
		next := *p.Next
		if p, err = c.page(ctx, next, key); err != nil {
			return fmt.Errorf("page %s: %w", offsetOf(next), err)
		}
		if more, err := send(p.Items); err != nil || !more {
			return err
		}
	}
	return nil
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

func (c *Client) fetchConcurrently(ctx context.Context, first *url.URL, step int, offsets []int, conc int, send func([]json.RawMessage) (bool, error)) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := make([]chan pageResult, len(offsets))
	for i := range results {
		results[i] = make(chan pageResult, 1)
	}
	inflight := make(chan struct{}, conc)
	window := make(chan struct{}, 2*conc) // fetched or in flight, not yet emitted
	go func() {
		for i, off := range offsets {
			select {
			case window <- struct{}{}:
			case <-ctx.Done():
				return
			}
			select {
			case inflight <- struct{}{}:
			case <-ctx.Done():
				return
			}
			u := *first
			q := u.Query()
			q.Set("offset", strconv.Itoa(off))
			q.Set("limit", strconv.Itoa(step))
			u.RawQuery = q.Encode()
			go func(i int, link string) {
				p, err := c.page(ctx, link, "")
				<-inflight
				if err != nil {
					results[i] <- pageResult{err: err}
					return
				}
				results[i] <- pageResult{items: p.Items}
			}(i, u.String())
		}
	}()
	for i := range offsets {
		var r pageResult
		select {
		case r = <-results[i]:
		case <-ctx.Done():
			return ctx.Err()
		}
		if r.err != nil {
			return fmt.Errorf("page at offset %d: %w", offsets[i], r.err)
		}
		more, err := send(r.items)
		if err != nil || !more {
			return err
		}
		// Free the page's slot only now: while emit runs, the page is
		// still held.
		<-window
	}
	return nil
}
