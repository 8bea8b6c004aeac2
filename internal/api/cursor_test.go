package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/spotcli/spotcli/internal/spotifytest"
)

func TestPaginateCursorAgainstFake(t *testing.T) {
	fake := spotifytest.New(spotifytest.Config{})
	t.Cleanup(fake.Close)
	fake.AddApp(spotifytest.App{ClientID: "cli", RedirectURIs: []string{"http://127.0.0.1/cb"}, DevMode: true})
	fake.AddUser(spotifytest.User{ID: "alice"})
	fake.GenerateFollowedArtists("alice", 123)
	access, _ := fake.IssueTokens("cli", "alice", []string{"user-follow-read"}, spotifytest.FlowPKCE, time.Now())
	c := &Client{BaseURL: fake.APIURL(), Tokens: fixedToken(access)}

	for _, tt := range []struct {
		name  string
		o     PageOptions
		want  int
		pages int
	}{
		{"all, concurrency ignored", PageOptions{Concurrency: 8}, 123, 3},
		{"limit", PageOptions{Limit: 60}, 60, 2},
		{"small pages", PageOptions{PageSize: 10, Limit: 25}, 25, 3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fake.ResetStats()
			var names []string
			err := c.PaginateCursor(context.Background(), "me/following?type=artist", "artists", tt.o, func(items []json.RawMessage) error {
				for _, raw := range items {
					var a struct{ Name string }
					if err := json.Unmarshal(raw, &a); err != nil {
						return err
					}
					names = append(names, a.Name)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(names) != tt.want {
				t.Fatalf("got %d artists, want %d", len(names), tt.want)
			}
			for i, n := range names {
				if want := fmt.Sprintf("Followed Artist %04d", i+1); n != want {
					t.Fatalf("artist %d is %q, want %q", i, n, want)
				}
			}
			if got := fake.Stats().APIRequests["/v1/me/following"]; got != tt.pages {
				t.Errorf("%d requests, want %d", got, tt.pages)
			}
		})
	}
}

func TestPaginateCursorRefusesAStuckCursor(t *testing.T) {
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"artists":{"items":[{"id":"x"}],"next":%q}}`, srv.URL+"/v1/me/following?type=artist&after=x")
	}))
	defer srv.Close()
	c := &Client{BaseURL: srv.URL + "/v1", Tokens: fixedToken("t")}
	n := 0
	err := c.PaginateCursor(context.Background(), "me/following?type=artist", "artists", PageOptions{}, func(items []json.RawMessage) error {
		n += len(items)
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "cursor did not advance") {
		t.Fatalf("err = %v", err)
	}
	if diff := cmp.Diff(2, n); diff != "" {
		t.Errorf("items before the error (-want +got):\n%s", diff)
	}
}

func TestPaginateCursorRefusesAnotherOrigin(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"artists":{"items":[{"id":"x"}],"next":"https://evil.example/v1/me/following?after=x"}}`)
	}))
	defer srv.Close()
	c := &Client{BaseURL: srv.URL + "/v1", Tokens: fixedToken("t")}
	err := c.PaginateCursor(context.Background(), "me/following?type=artist", "artists", PageOptions{}, func([]json.RawMessage) error { return nil })
	var oe *OriginError
	if !errors.As(err, &oe) {
		t.Fatalf("err = %v, want an OriginError", err)
	}
}

// fixedToken is a token source that never renews.
type fixedToken string

func (f fixedToken) AccessToken(context.Context) (string, error) { return string(f), nil }
func (f fixedToken) Renew(context.Context, string) (string, bool, error) {
	return "", false, nil
}
