package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// paginateFrom fetches link as a caller of its own would, then pages on from
// it, and returns every item emitted, in order.
func paginateFrom(t *testing.T, c *Client, link string, conc int) ([]int, error) {
	t.Helper()
	resp, err := c.Do(context.Background(), http.MethodGet, link, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := []int{}
	err = c.PaginateFrom(context.Background(), link, resp.Body, PageOptions{Concurrency: conc}, func(items []json.RawMessage) error {
		for _, raw := range items {
			var i int
			if err := json.Unmarshal(raw, &i); err != nil {
				return err
			}
			got = append(got, i)
		}
		return nil
	})
	return got, err
}

func TestPaginateFromTopLevel(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		noTotal     bool
		link        string
		conc        int
		wantLimit   int
		maxInflight int // at most; 1 means sequential
	}{
		{name: "by offset, concurrently", link: "items?limit=7", conc: 4, wantLimit: 7, maxInflight: 4},
		{name: "the server's default limit", link: "items", conc: 4, wantLimit: 20, maxInflight: 4},
		{name: "an offset to start from", link: "items?offset=30&limit=25", conc: 4, wantLimit: 25, maxInflight: 4},
		{name: "concurrency 1", link: "items?limit=7", conc: 1, wantLimit: 7, maxInflight: 1},
		{name: "no total: by next", noTotal: true, link: "items?limit=7", conc: 8, wantLimit: 7, maxInflight: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			const n = 120
			ps := newPageServer(t, &pageServer{n: n, failAt: -1, noTotal: tt.noTotal, seed: 7})
			c := newClient(t, ps.srv, staticToken("tok"))
			got, err := paginateFrom(t, c, tt.link, tt.conc)
			if err != nil {
				t.Fatal(err)
			}
			from := 0
			if strings.Contains(tt.link, "offset=30") {
				from = 30
			}
			if diff := cmp.Diff(seq(from, n), got); diff != "" {
				t.Errorf("items (-want +got):\n%s", diff)
			}
			var want []pageReq
			for off := from; off < n; off += tt.wantLimit {
				want = append(want, pageReq{Offset: off, Limit: tt.wantLimit})
			}
			if diff := cmp.Diff(want, ps.requests(), sortPageReqs); diff != "" {
				t.Errorf("requests (-want +got):\n%s", diff)
			}
			if ps.maxInflight > tt.maxInflight {
				t.Errorf("%d requests in flight at once, want at most %d", ps.maxInflight, tt.maxInflight)
			}
		})
	}
}

// nestedServer serves n items at /v1/search under "tracks", like search, or
// with cursors (after=) instead of offsets at /v1/following under "artists".
type nestedServer struct {
	n           int
	mu          sync.Mutex
	reqs        []string
	inflight    int
	maxInflight int
}

func (ns *nestedServer) serve(t *testing.T) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ns.mu.Lock()
		ns.reqs = append(ns.reqs, r.URL.RequestURI())
		ns.inflight++
		ns.maxInflight = max(ns.maxInflight, ns.inflight)
		ns.mu.Unlock()
		defer func() {
			ns.mu.Lock()
			ns.inflight--
			ns.mu.Unlock()
		}()
		q := r.URL.Query()
		limit, _ := strconv.Atoi(q.Get("limit"))
		if limit == 0 {
			limit = 10
		}
		start := 0
		key := "tracks"
		cursor := r.URL.Path == "/v1/following"
		if cursor {
			key = "artists"
			if a := q.Get("after"); a != "" {
				start, _ = strconv.Atoi(a)
				start++
			}
		} else {
			start, _ = strconv.Atoi(q.Get("offset"))
		}
		items := []int{}
		for i := start; i < min(start+limit, ns.n); i++ {
			items = append(items, i)
		}
		page := map[string]any{"items": items, "limit": limit, "total": ns.n, "next": nil}
		origin := "http://" + r.Host
		if start+limit < ns.n {
			if cursor {
				page["next"] = fmt.Sprintf("%s/v1/following?type=artist&after=%d&limit=%d", origin, start+limit-1, limit)
				page["cursors"] = map[string]any{"after": strconv.Itoa(start + limit - 1)}
			} else {
				page["next"] = fmt.Sprintf("%s/v1/search?q=x&type=track&offset=%d&limit=%d", origin, start+limit, limit)
			}
		}
		if !cursor {
			page["offset"] = start
		}
		b, _ := json.Marshal(map[string]any{key: page})
		writeJSON(w, 200, string(b))
	}
}

// TestPaginateFromSequential: a nested page, and a page with cursors, follow
// next one by one, whatever their total says.
func TestPaginateFromSequential(t *testing.T) {
	t.Parallel()
	for _, link := range []string{"search?q=x&type=track&limit=7", "following?type=artist&limit=7"} {
		t.Run(link, func(t *testing.T) {
			t.Parallel()
			ns := &nestedServer{n: 45}
			srv := newServer(t, ns.serve(t))
			c := newClient(t, srv, staticToken("tok"))
			got, err := paginateFrom(t, c, link, 8)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(seq(0, 45), got); diff != "" {
				t.Errorf("items (-want +got):\n%s", diff)
			}
			if len(ns.reqs) != 7 || ns.maxInflight != 1 {
				t.Errorf("%d requests, %d at once; want 7, one at a time: %v", len(ns.reqs), ns.maxInflight, ns.reqs)
			}
		})
	}
}

func TestPaginateFromNotAPage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		body, want string
	}{
		{`{"id":"x","name":"y"}`, `it has no "items"`},
		{`{"items":"nope"}`, `it has no "items"`},
		{`[1,2]`, "it is not a JSON object"},
		{``, "it is not a JSON object"},
		{`{"tracks":{"items":[]},"albums":{"items":[]},"x":1}`, "it holds 2 pages (albums, tracks): ask for one"},
	}
	for _, tt := range tests {
		t.Run(tt.body, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) { t.Error("no request is due") })
			c := newClient(t, srv, staticToken("tok"))
			err := c.PaginateFrom(context.Background(), "x", []byte(tt.body), PageOptions{Concurrency: 4}, func([]json.RawMessage) error { return nil })
			var npe *NotPagedError
			if !errors.As(err, &npe) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want a NotPagedError saying %q", err, tt.want)
			}
		})
	}
}

func TestPaginateFromOtherOrigin(t *testing.T) {
	t.Parallel()
	ps := newPageServer(t, &pageServer{n: 120, failAt: -1, noTotal: true, nextBase: "http://evil.test"})
	c := newClient(t, ps.srv, staticToken("tok"))
	got, err := paginateFrom(t, c, "items?limit=50", 8)
	var oe *OriginError
	if !errors.As(err, &oe) {
		t.Fatalf("err = %v, want *OriginError", err)
	}
	if diff := cmp.Diff(seq(0, 50), got); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	// The link itself is checked too.
	err = c.PaginateFrom(context.Background(), "http://evil.test/v1/items", []byte(`{"items":[]}`), PageOptions{}, func([]json.RawMessage) error { return nil })
	if !errors.As(err, &oe) {
		t.Errorf("err = %v, want *OriginError", err)
	}
}
