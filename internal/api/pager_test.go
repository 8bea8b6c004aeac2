package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// pageServer serves items 0..n-1 at /v1/items the way the Web API pages:
// limit (default 20, 1..50, else 400) and offset, with total and absolute
// next links.
type pageServer struct {
	n        int
	noTotal  bool
	failAt   int    // offset answered 500 every time; -1 means none
	seed     uint64 // per-page latency of 0-20 ms; 0 means none
	nextBase string // origin of next links; empty means the server's own

	srv *httptest.Server

	mu          sync.Mutex
	reqs        []pageReq
	inflight    int
	maxInflight int
}

type pageReq struct{ Offset, Limit int }

func newPageServer(t *testing.T, ps *pageServer) *pageServer {
	t.Helper()
	ps.srv = newServer(t, ps.serve)
	return ps
}

func (ps *pageServer) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/v1/items" {
		writeJSON(w, 404, `{"error":{"status":404,"message":"Service not found"}}`)
		return
	}
	q := r.URL.Query()
	limit, offset := 20, 0
	var err error
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > 50 {
			writeJSON(w, 400, `{"error":{"status":400,"message":"Invalid limit"}}`)
			return
		}
	}
	if v := q.Get("offset"); v != "" {
		if offset, err = strconv.Atoi(v); err != nil || offset < 0 {
			writeJSON(w, 400, `{"error":{"status":400,"message":"Invalid offset"}}`)
			return
		}
	}
	ps.mu.Lock()
	ps.reqs = append(ps.reqs, pageReq{Offset: offset, Limit: limit})
	ps.inflight++
	ps.maxInflight = max(ps.maxInflight, ps.inflight)
	ps.mu.Unlock()
	defer func() {
		ps.mu.Lock()
		ps.inflight--
		ps.mu.Unlock()
	}()

	if ps.seed != 0 {
		// Seeded by page, so each page has the same delay whatever the order
		// its request arrives in.
		d := rand.New(rand.NewPCG(ps.seed, uint64(offset))).IntN(21)
		time.Sleep(time.Duration(d) * time.Millisecond)
	}
	if offset == ps.failAt {
		writeJSON(w, 500, `{"error":{"status":500,"message":"Server error"}}`)
		return
	}
	items := []int{}
	for i := offset; i < min(offset+limit, ps.n); i++ {
		items = append(items, i)
	}
	origin := ps.nextBase
	if origin == "" {
		origin = ps.srv.URL
	}
	link := func(off int) *string {
		s := fmt.Sprintf("%s/v1/items?offset=%d&limit=%d", origin, off, limit)
		return &s
	}
	body := map[string]any{
		"href":     link(offset),
		"items":    items,
		"limit":    limit,
		"offset":   offset,
		"next":     nil,
		"previous": nil,
	}
	if !ps.noTotal {
		body["total"] = ps.n
	}
	if offset+limit < ps.n {
		body["next"] = link(offset + limit)
	}
	if offset > 0 {
		body["previous"] = link(max(0, offset-limit))
	}
	b, _ := json.Marshal(body)
	writeJSON(w, 200, string(b))
}

func (ps *pageServer) requests() []pageReq {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return append([]pageReq(nil), ps.reqs...)
}

func (ps *pageServer) count() int {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return len(ps.reqs)
}

func seq(from, to int) []int {
	s := []int{}
	for i := from; i < to; i++ {
		s = append(s, i)
	}
	return s
}

// collect pages through items and returns every item emitted, in order.
func collect(t *testing.T, c *Client, o PageOptions) ([]int, error) {
	t.Helper()
	got := []int{}
	err := c.Paginate(context.Background(), "items", o, func(items []json.RawMessage) error {
		if len(items) == 0 {
			t.Error("emit called with no items")
		}
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

func TestPaginateAll(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, 49, 50, 51, 120, 1000} {
		for _, conc := range []int{1, 4, 8, 16} {
			for _, seed := range []uint64{0, 42} {
				t.Run(fmt.Sprintf("n=%d/conc=%d/seed=%d", n, conc, seed), func(t *testing.T) {
					t.Parallel()
					ps := newPageServer(t, &pageServer{n: n, failAt: -1, seed: seed})
					c := newClient(t, ps.srv, staticToken("tok"))
					got, err := collect(t, c, PageOptions{PageSize: 50, Concurrency: conc})
					if err != nil {
						t.Fatal(err)
					}
					if diff := cmp.Diff(seq(0, n), got); diff != "" {
						t.Errorf("items (-want +got):\n%s", diff)
					}
					var want []pageReq
					for off := 0; off == 0 || off < n; off += 50 {
						want = append(want, pageReq{Offset: off, Limit: 50})
					}
					reqs := ps.requests()
					if diff := cmp.Diff(want, reqs, sortPageReqs); diff != "" {
						t.Errorf("requests (-want +got):\n%s", diff)
					}
					if ps.maxInflight > conc {
						t.Errorf("%d requests in flight at once, want at most %d", ps.maxInflight, conc)
					}
				})
			}
		}
	}
}

var sortPageReqs = cmp.Transformer("sort", func(in []pageReq) []pageReq {
	out := append([]pageReq(nil), in...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j].Offset < out[i].Offset {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
})

func TestPaginatePageSize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pageSize, wantLimit int
	}{
		{0, 50}, {-1, 50}, {100, 50}, {51, 50}, {50, 50}, {20, 20}, {1, 1},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.pageSize), func(t *testing.T) {
			t.Parallel()
			ps := newPageServer(t, &pageServer{n: 60, failAt: -1})
			c := newClient(t, ps.srv, staticToken("tok"))
			got, err := collect(t, c, PageOptions{PageSize: tt.pageSize, Concurrency: 4})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(seq(0, 60), got); diff != "" {
				t.Errorf("items (-want +got):\n%s", diff)
			}
			if l := ps.requests()[0].Limit; l != tt.wantLimit {
				t.Errorf("first request's limit = %d, want %d", l, tt.wantLimit)
			}
		})
	}
}

func TestPaginateLimit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		n, pageSize, limit int
		wantItems          int
		wantRequests       int
		wantFirstLimit     int
	}{
		{n: 1000, pageSize: 50, limit: 120, wantItems: 120, wantRequests: 3, wantFirstLimit: 50},
		{n: 1000, pageSize: 50, limit: 20, wantItems: 20, wantRequests: 1, wantFirstLimit: 20},
		{n: 1000, pageSize: 50, limit: 1, wantItems: 1, wantRequests: 1, wantFirstLimit: 1},
		{n: 1000, pageSize: 50, limit: 49, wantItems: 49, wantRequests: 1, wantFirstLimit: 49},
		{n: 1000, pageSize: 50, limit: 50, wantItems: 50, wantRequests: 1, wantFirstLimit: 50},
		{n: 1000, pageSize: 50, limit: 51, wantItems: 51, wantRequests: 2, wantFirstLimit: 50},
		{n: 1000, pageSize: 50, limit: 500, wantItems: 500, wantRequests: 10, wantFirstLimit: 50},
		{n: 1000, pageSize: 20, limit: 45, wantItems: 45, wantRequests: 3, wantFirstLimit: 20},
		{n: 120, pageSize: 50, limit: 1000, wantItems: 120, wantRequests: 3, wantFirstLimit: 50},
		{n: 30, pageSize: 50, limit: 40, wantItems: 30, wantRequests: 1, wantFirstLimit: 40},
		{n: 0, pageSize: 50, limit: 10, wantItems: 0, wantRequests: 1, wantFirstLimit: 10},
	}
	for _, tt := range tests {
		for _, conc := range []int{1, 4, 16} {
			for _, noTotal := range []bool{false, true} {
				name := fmt.Sprintf("n=%d/size=%d/limit=%d/conc=%d/noTotal=%v", tt.n, tt.pageSize, tt.limit, conc, noTotal)
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					ps := newPageServer(t, &pageServer{n: tt.n, failAt: -1, noTotal: noTotal})
					c := newClient(t, ps.srv, staticToken("tok"))
					got, err := collect(t, c, PageOptions{PageSize: tt.pageSize, Limit: tt.limit, Concurrency: conc})
					if err != nil {
						t.Fatal(err)
					}
					if diff := cmp.Diff(seq(0, tt.wantItems), got); diff != "" {
						t.Errorf("items (-want +got):\n%s", diff)
					}
					reqs := ps.requests()
					if len(reqs) != tt.wantRequests {
						t.Errorf("%d requests, want %d: %v", len(reqs), tt.wantRequests, reqs)
					}
					if len(reqs) > 0 && reqs[0].Limit != tt.wantFirstLimit {
						t.Errorf("first request's limit = %d, want %d", reqs[0].Limit, tt.wantFirstLimit)
					}
				})
			}
		}
	}
}

func TestPaginatePageFails(t *testing.T) {
	t.Parallel()
	for _, conc := range []int{1, 4, 16} {
		for _, seed := range []uint64{0, 7} {
			t.Run(fmt.Sprintf("conc=%d/seed=%d", conc, seed), func(t *testing.T) {
				t.Parallel()
				ps := newPageServer(t, &pageServer{n: 1000, failAt: 250, seed: seed})
				c := newClient(t, ps.srv, staticToken("tok"))
				got, err := collect(t, c, PageOptions{PageSize: 50, Concurrency: conc})
				if diff := cmp.Diff(seq(0, 250), got); diff != "" {
					t.Errorf("items (-want +got):\n%s", diff)
				}
				if err == nil {
					t.Fatal("no error")
				}
				for _, s := range []string{"offset 250", "500", "gave up after 4 attempts"} {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("error %q lacks %q", err, s)
					}
				}
				var e *Error
				if !errors.As(err, &e) || e.Status != 500 {
					t.Errorf("err = %v, want an *Error with status 500", err)
				}
				tries := 0
				for _, r := range ps.requests() {
					if r.Offset == 250 {
						tries++
					}
				}
				if tries != 4 {
					t.Errorf("offset 250 asked %d times, want 4", tries)
				}
			})
		}
	}
}

func TestPaginateFirstPageFails(t *testing.T) {
	t.Parallel()
	ps := newPageServer(t, &pageServer{n: 100, failAt: 0})
	c := newClient(t, ps.srv, staticToken("tok"))
	got, err := collect(t, c, PageOptions{Concurrency: 4})
	if len(got) != 0 {
		t.Errorf("emitted %d items, want none", len(got))
	}
	var e *Error
	if !errors.As(err, &e) || e.Status != 500 {
		t.Errorf("err = %v, want an *Error with status 500", err)
	}
}

func TestPaginateEmitError(t *testing.T) {
	t.Parallel()
	errStop := errors.New("stdout closed")
	for _, conc := range []int{1, 4} {
		t.Run(fmt.Sprintf("conc=%d", conc), func(t *testing.T) {
			t.Parallel()
			ps := newPageServer(t, &pageServer{n: 1000, failAt: -1})
			c := newClient(t, ps.srv, staticToken("tok"))
			calls := 0
			err := c.Paginate(context.Background(), "items", PageOptions{Concurrency: conc}, func([]json.RawMessage) error {
				calls++
				if calls == 2 {
					return errStop
				}
				return nil
			})
			if !errors.Is(err, errStop) {
				t.Fatalf("err = %v, want %v", err, errStop)
			}
			if calls != 2 {
				t.Errorf("emit called %d times, want 2", calls)
			}
			n := ps.count()
			if conc == 1 && n != 2 {
				t.Errorf("%d requests, want 2", n)
			}
			if n > 1+2*conc {
				t.Errorf("%d requests, want at most %d", n, 1+2*conc)
			}
		})
	}
}

func TestPaginateWithoutTotal(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 50, 120, 1000} {
		for _, conc := range []int{1, 16} {
			t.Run(fmt.Sprintf("n=%d/conc=%d", n, conc), func(t *testing.T) {
				t.Parallel()
				ps := newPageServer(t, &pageServer{n: n, failAt: -1, noTotal: true, seed: 3})
				c := newClient(t, ps.srv, staticToken("tok"))
				got, err := collect(t, c, PageOptions{Concurrency: conc})
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(seq(0, n), got); diff != "" {
					t.Errorf("items (-want +got):\n%s", diff)
				}
				if want := max(1, (n+49)/50); ps.count() != want {
					t.Errorf("%d requests, want %d", ps.count(), want)
				}
				if ps.maxInflight != 1 {
					t.Errorf("%d requests in flight at once, want 1 (next links are sequential)", ps.maxInflight)
				}
			})
		}
	}
}

func TestPaginateNextOtherOrigin(t *testing.T) {
	t.Parallel()
	ps := newPageServer(t, &pageServer{n: 120, failAt: -1, noTotal: true, nextBase: "http://evil.test"})
	c := newClient(t, ps.srv, staticToken("tok"))
	got, err := collect(t, c, PageOptions{Concurrency: 1})
	var oe *OriginError
	if !errors.As(err, &oe) {
		t.Fatalf("err = %v, want *OriginError", err)
	}
	if diff := cmp.Diff(seq(0, 50), got); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
}

// TestPaginateBounded blocks emit on one page and checks how far paging runs
// ahead meanwhile: at most 2×Concurrency pages may be held, the one being
// emitted included.
func TestPaginateBounded(t *testing.T) {
	t.Parallel()
	tests := []struct {
		conc    int
		blockAt int // emit call that blocks
		want    int // requests made while it blocks
	}{
		{conc: 4, blockAt: 1, want: 1}, // concurrent fetching starts after the first page
		{conc: 2, blockAt: 2, want: 1 + 2*2},
		{conc: 4, blockAt: 2, want: 1 + 2*4},
		{conc: 4, blockAt: 5, want: 4 + 2*4},
		{conc: 8, blockAt: 2, want: 1 + 2*8},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("conc=%d/block=%d", tt.conc, tt.blockAt), func(t *testing.T) {
			t.Parallel()
			ps := newPageServer(t, &pageServer{n: 2000, failAt: -1})
			c := newClient(t, ps.srv, staticToken("tok"))
			blocked := make(chan struct{})
			release := make(chan struct{})
			calls := 0
			got := []int{}
			done := make(chan error, 1)
			go func() {
				done <- c.Paginate(context.Background(), "items", PageOptions{Concurrency: tt.conc}, func(items []json.RawMessage) error {
					calls++
					if calls == tt.blockAt {
						close(blocked)
						<-release
					}
					for _, raw := range items {
						var i int
						if err := json.Unmarshal(raw, &i); err != nil {
							return err
						}
						got = append(got, i)
					}
					return nil
				})
			}()
			<-blocked
			// Wait for the read-ahead to fill up, then give it time to overshoot.
			deadline := time.Now().Add(5 * time.Second)
			for ps.count() < tt.want && time.Now().Before(deadline) {
				time.Sleep(time.Millisecond)
			}
			time.Sleep(50 * time.Millisecond)
			if n := ps.count(); n != tt.want {
				t.Errorf("%d requests while emit blocked, want %d", n, tt.want)
			}
			close(release)
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(seq(0, 2000), got); diff != "" {
				t.Errorf("items (-want +got):\n%s", diff)
			}
		})
	}
}
