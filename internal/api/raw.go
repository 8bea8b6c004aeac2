package api

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// PaginateFrom goes on paging from a first page the caller fetched itself
// from link (a request of its own making, such as spotcli api's): it hands
// that page's items to emit, then the items of every page after it, in
// order.
//
// A page is the body itself when it has "items", or the one member of the
// body that has them (search's {"tracks":{"items":...}}, a playlist's
// "tracks", an album's "tracks", a show's "episodes"). A 2026 playlist object
// embeds its first page twice, under "tracks" and "items": the "items" one
// is followed, as its links lead to the endpoint Spotify still serves
// (/items; /tracks answers 403 to development-mode apps). The pages after an
// embedded one are answers of their own endpoint, at the top level. The rest is fetched
// concurrently by offset, with the shared pager, only when the page is at the
// top level and tells its total, offset and limit; otherwise the next links
// are followed one by one (a nested page's total is an estimate that its
// offsets cannot always reach, and a page with cursors has no offsets). Every
// link passes Client.URL's origin check. o.PageSize is not used: the pages
// keep the first page's limit.
func (c *Client) PaginateFrom(ctx context.Context, link string, body []byte, o PageOptions, emit func([]json.RawMessage) error) error {
	first, err := c.URL(link)
	if err != nil {
		return err
	}
	key, err := pageKey(body)
	if err != nil {
		return err
	}
	p, err := decodePage(body, key)
	if err != nil {
		return err
	}
	jump := false
	if key == "" {
		var has map[string]json.RawMessage
		_ = json.Unmarshal(body, &has)
		jump = isNumber(has["total"]) && isNumber(has["offset"]) && isNumber(has["limit"])
	}
	return c.follow(ctx, first, key, p, 0, jump, o, emit)
}

// NotPagedError says that an answer holds no page of items to follow.
type NotPagedError struct{ Why string }

func (e *NotPagedError) Error() string { return "the answer is not a page of items: " + e.Why }

// pageKey finds where the page is in a body: "" when the body is the page,
// the member's name when one member of it is.
func pageKey(body []byte) (string, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		return "", &NotPagedError{Why: "it is not a JSON object"}
	}
	if isArray(top["items"]) {
		return "", nil
	}
	var keys []string
	for k, v := range top {
		var inner map[string]json.RawMessage
		if json.Unmarshal(v, &inner) == nil && isArray(inner["items"]) {
			keys = append(keys, k)
		}
	}
	if len(keys) > 1 && slices.Contains(keys, "items") {
		return "items", nil
	}
	switch len(keys) {
	case 0:
		return "", &NotPagedError{Why: "it has no \"items\""}
	case 1:
		return keys[0], nil
	}
	slices.Sort(keys)
	return "", &NotPagedError{Why: fmt.Sprintf("it holds %d pages (%s): ask for one", len(keys), strings.Join(keys, ", "))}
}

func isArray(v json.RawMessage) bool {
	s := strings.TrimSpace(string(v))
	return strings.HasPrefix(s, "[")
}

func isObject(v json.RawMessage) bool {
	s := strings.TrimSpace(string(v))
	return strings.HasPrefix(s, "{")
}

func isNumber(v json.RawMessage) bool {
	var n float64
	s := strings.TrimSpace(string(v))
	return s != "" && (s[0] == '-' || s[0] >= '0' && s[0] <= '9') && json.Unmarshal(v, &n) == nil
}
