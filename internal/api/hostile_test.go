package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// hostilePages serves a page whose numbers lie: the first answer claims
// total items in pages of limit; every page holds real items (at most n in
// all) and a next link made by next. After maxReqs requests it answers 400,
// so that a pager that trusts it fails the test instead of running on.
type hostilePages struct {
	total, limit, n int
	maxReqs         int32
	next            func(base string, offset int) *string

	reqs atomic.Int32
	base string
}

func (h *hostilePages) serve(w http.ResponseWriter, r *http.Request) {
	if h.reqs.Add(1) > h.maxReqs {
		writeJSON(w, 400, `{"error":{"status":400,"message":"too many requests for this test"}}`)
		return
	}
	off, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	items := []int{}
	for i := off; i < min(off+h.limit, h.n); i++ {
		items = append(items, i)
	}
	body := map[string]any{"items": items, "total": h.total, "limit": h.limit, "offset": off, "next": nil}
	if h.next != nil {
		body["next"] = h.next(h.base, off)
	}
	b, _ := json.Marshal(body)
	writeJSON(w, 200, string(b))
}

func link(s string) *string { return &s }

// TestPaginateHostileTotal: a first page claiming a billion items in pages of
// one used to make spotcli list a billion offsets (8 GB, deaf to SIGTERM)
// before its next request. Now the numbers are checked first: past MaxPages
// it is an error, with no request beyond the first page.
func TestPaginateHostileTotal(t *testing.T) {
	t.Parallel()
	for _, total := range []int{1_000_000_000, MaxPages + 1, 1<<62 + 7} {
		t.Run(strconv.Itoa(total), func(t *testing.T) {
			t.Parallel()
			h := &hostilePages{total: total, limit: 1, n: 10, maxReqs: 5,
				next: func(base string, off int) *string {
					return link(fmt.Sprintf("%s/v1/items?offset=%d&limit=1", base, off+1))
				}}
			srv := newServer(t, h.serve)
			h.base = srv.URL
			c := newClient(t, srv, staticToken("tok"))
			got, err := collect(t, c, PageOptions{PageSize: 50, Concurrency: 8})
			var tm *TooManyPagesError
			if !errors.As(err, &tm) || !strings.Contains(err.Error(), "pages of 1") {
				t.Fatalf("Paginate = %v, %v; want a *TooManyPagesError", got, err)
			}
			if n := h.reqs.Load(); n != 1 {
				t.Errorf("%d requests, want 1 (the first page only)", n)
			}
			if diff := cmp.Diff([]int{0}, got); diff != "" {
				t.Errorf("items (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPaginateTotalTooHigh: a total that overstates the collection ends at
// the first empty page instead of fetching every page the total promised.
func TestPaginateTotalTooHigh(t *testing.T) {
	t.Parallel()
	h := &hostilePages{total: 50_000, limit: 50, n: 120, maxReqs: 1 + 2*4 + 4,
		next: func(base string, off int) *string {
			return link(fmt.Sprintf("%s/v1/items?offset=%d&limit=50", base, off+50))
		}}
	srv := newServer(t, h.serve)
	h.base = srv.URL
	c := newClient(t, srv, staticToken("tok"))
	got, err := collect(t, c, PageOptions{PageSize: 50, Concurrency: 4})
	if err != nil {
		t.Fatalf("Paginate: %v (after %d requests)", err, h.reqs.Load())
	}
	if diff := cmp.Diff(seq(0, 120), got); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
}

// TestPaginateNextLoop: a next link that leads back to a page already
// fetched (itself, or an earlier one) is an error, not an endless listing.
func TestPaginateNextLoop(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		next     func(base string, off int) *string
		wantReqs int32
	}{
		{"itself", func(base string, off int) *string {
			return link(fmt.Sprintf("%s/v1/items?offset=%d&limit=2", base, off))
		}, 1},
		{"itself, parameters reordered", func(base string, off int) *string {
			return link(fmt.Sprintf("%s/v1/items?limit=2&offset=%d", base, off))
		}, 1},
		{"back to the first", func(base string, off int) *string {
			if off >= 4 {
				return link(base + "/v1/items?limit=2&offset=0")
			}
			return link(fmt.Sprintf("%s/v1/items?offset=%d&limit=2", base, off+2))
		}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// No total: the pager has only the next links to go by.
			h := &hostilePages{total: 0, limit: 2, n: 1000, maxReqs: 50, next: tt.next}
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) { h.serve(w, r) })
			h.base = srv.URL
			c := newClient(t, srv, staticToken("tok"))
			_, err := collect(t, c, PageOptions{PageSize: 2, Concurrency: 1})
			var pl *PageLoopError
			if !errors.As(err, &pl) || !strings.Contains(err.Error(), "leads back to a page already fetched") {
				t.Fatalf("Paginate: %v; want a *PageLoopError", err)
			}
			if n := h.reqs.Load(); n != tt.wantReqs {
				t.Errorf("%d requests, want %d", n, tt.wantReqs)
			}
		})
	}
}

// TestPaginateMaxPagesFollowingNext: without a total, the next links are
// followed for MaxPages pages at most.
func TestPaginateMaxPagesFollowingNext(t *testing.T) {
	t.Parallel()
	h := &hostilePages{limit: 1, n: 1 << 30, maxReqs: 100,
		next: func(base string, off int) *string {
			return link(fmt.Sprintf("%s/v1/items?offset=%d&limit=1", base, off+1))
		}}
	srv := newServer(t, h.serve)
	h.base = srv.URL
	c := newClient(t, srv, staticToken("tok"))
	got, err := collect(t, c, PageOptions{PageSize: 1, Concurrency: 1, MaxPages: 7})
	var tm *TooManyPagesError
	if !errors.As(err, &tm) || !strings.Contains(err.Error(), "past 7 pages") {
		t.Fatalf("Paginate: %v; want a *TooManyPagesError", err)
	}
	if len(got) != 7 || h.reqs.Load() != 7 {
		t.Errorf("%d items in %d requests, want 7 in 7", len(got), h.reqs.Load())
	}
}

// TestPaginateCancelDuringConcurrentPaging: a cancelled context (SIGTERM,
// Ctrl-C) ends a long concurrent listing at once, whatever its total.
func TestPaginateCancelDuringConcurrentPaging(t *testing.T) {
	t.Parallel()
	var once sync.Once
	started := make(chan struct{})
	release := make(chan struct{})
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		off, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		if off > 0 {
			once.Do(func() { close(started) })
			select {
			case <-r.Context().Done():
			case <-release:
			}
			return
		}
		writeJSON(w, 200, fmt.Sprintf(`{"items":[0],"total":%d,"limit":1,"offset":0,"next":"%s/v1/items?offset=1&limit=1"}`, MaxPages-1, "http://"+r.Host))
	})
	defer close(release)
	c := newClient(t, srv, staticToken("tok"))
	c.Timeout = time.Minute
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- c.Paginate(ctx, "items", PageOptions{PageSize: 50, Concurrency: 8}, func([]json.RawMessage) error { return nil })
	}()
	select {
	case <-started:
	case <-time.After(20 * time.Second):
		t.Fatal("no page after the first was asked for")
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Paginate = %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Paginate ignored the cancellation")
	}
}

// TestAnswerOverMaxBody: an answer over 64 MiB used to be cut there and
// handed on as if complete (spotcli api printed broken JSON and exited 0).
// It is an error now, and the request is not repeated.
func TestAnswerOverMaxBody(t *testing.T) {
	t.Parallel()
	var reqs atomic.Int32
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		reqs.Add(1)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"items":["`)
		chunk := strings.Repeat("x", 1<<20)
		for i := 0; i < MaxBody>>20; i++ {
			if _, err := io.WriteString(w, chunk); err != nil {
				return
			}
		}
		io.WriteString(w, `"]}`)
	})
	c := newClient(t, srv, staticToken("tok"))
	c.Timeout = time.Minute
	resp, err := c.Do(context.Background(), http.MethodGet, "big?limit=50", nil)
	var tl *TooLargeError
	if !errors.As(err, &tl) || !strings.Contains(err.Error(), "larger than 64 MiB") || !strings.Contains(err.Error(), "/v1/big?limit=50") {
		t.Fatalf("Do = %v, %v; want a *TooLargeError", resp, err)
	}
	if n := reqs.Load(); n != 1 {
		t.Errorf("%d requests, want 1: the same answer again would be as large", n)
	}
}

// TestAnswerAtMaxBody: an answer of exactly MaxBody bytes is read whole.
func TestAnswerAtMaxBody(t *testing.T) {
	t.Parallel()
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `"`+strings.Repeat("x", MaxBody-2)+`"`)
	})
	c := newClient(t, srv, staticToken("tok"))
	c.Timeout = time.Minute
	resp, err := c.Do(context.Background(), http.MethodGet, "big", nil)
	if err != nil || len(resp.Body) != MaxBody {
		t.Fatalf("Do: %v", err)
	}
}

// TestErrorIsPrintable: Spotify's message and reason, and the first line of
// a body that is not JSON, reach stderr without a control character.
func TestErrorIsPrintable(t *testing.T) {
	tests := []struct {
		body string
		want string
	}{
		{`{"error":{"status":403,"message":"no \u001b]52;c;ZXZpbA==\u0007 way\u009b2J","reason":"X\u001b[31m"}}`,
			`Spotify answered 403 Forbidden: no \x1b]52;c;ZXZpbA==\x07 way\u009b2J (X\x1b[31m)`},
		{`{"error":"bad\u001b[2J"}`, `Spotify answered 403 Forbidden: bad\x1b[2J`},
		{"<html>\x1b[2J\x07proxy", `Spotify answered 403 Forbidden: <html>\x1b[2J\x07proxy`},
	}
	for _, tt := range tests {
		e := parseError(&Response{Status: 403, Body: []byte(tt.body)})
		if got := e.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}
