package apicmd_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/spotcli/spotcli/cmd/cmdutil/cmdutiltest"
	"github.com/spotcli/spotcli/cmd/internal/clitest"
	"github.com/spotcli/spotcli/internal/spotifytest"
	"github.com/spotcli/spotcli/internal/spotifytest/fixtures"
)

// catalogTracks are the catalog that search finds: every name holds "song".
func catalogTracks(n int) []spotifytest.Track {
	var out []spotifytest.Track
	for i := 1; i <= n; i++ {
		out = append(out, spotifytest.Track{Name: fmt.Sprintf("Song %03d", i), Artists: []string{"Singer"}, Album: "Hits", DurationMS: 180_000 + i})
	}
	return out
}

func songNames(from, to int) string {
	var b strings.Builder
	for i := from; i <= to; i++ {
		fmt.Fprintf(&b, "Song %03d\n", i)
	}
	return b.String()
}

func TestAPIGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		args   []string
		golden string // a golden file, or
		want   string // the exact output
	}{
		{name: "a GET", args: []string{"api", "me"}, golden: "api_me"},
		{name: "a leading slash", args: []string{"api", "/me"}, golden: "api_me"},
		{name: "a full URL of api_url", args: []string{"api", "FAKE/v1/me"}, golden: "api_me"},
		{name: "jq string raw", args: []string{"api", "me", "--jq", ".id"}, want: "alice\n"},
		{name: "jq values compact", args: []string{"api", "me", "-q", "{id, n: .followers.total}, .images, null"}, want: "{\"id\":\"alice\",\"n\":0}\n[]\nnull\n"},
		{name: "paginate ndjson", args: []string{"api", "me/playlists", "--paginate", "-F", "limit=5"}, golden: "api_paginate_ndjson"},
		{name: "paginate slurp", args: []string{"api", "me/playlists", "--paginate", "--slurp", "-F", "limit=5"}, golden: "api_paginate_slurp"},
		{name: "paginate jq on each item", args: []string{"api", "me/playlists?limit=4", "--paginate", "--jq", ".id"}, golden: "api_paginate_ids"},
		{name: "slurp jq on the array", args: []string{"api", "me/playlists", "--paginate", "--slurp", "--jq", "length"}, want: "14\n"},
		{name: "slurp an empty page", args: []string{"api", "playlists/0EmptyPlaylist00000001/items", "--paginate", "--slurp"}, want: "[]\n"},
		{name: "playlist items, both shapes", args: []string{"api", "playlists/" + fixtures.MixedID + "/items", "--paginate", "-F", "limit=3", "--jq", `[(.item // .track | .name?), .is_local] | @tsv`}, golden: "api_items_tsv"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			h.LoginAlice()
			fixtures.AddTricky(h.Fake)
			fixtures.AddMixed(h.Fake)
			h.Fake.AddPlaylists("bob", spotifytest.Playlist{ID: "0EmptyPlaylist00000001", Name: "Empty", Public: true})
			args := append([]string(nil), tt.args...)
			for i, a := range args {
				args[i] = strings.Replace(a, "FAKE", h.Fake.URL(), 1)
			}
			r := h.MustRun(0, "", args...)
			if r.Stderr != "" {
				t.Errorf("stderr is not empty:\n%s", r.Stderr)
			}
			if tt.golden != "" {
				clitest.Golden(t, tt.golden, h.NormalizeFake(r.Stdout))
			} else if r.Stdout != tt.want {
				t.Errorf("stdout = %q, want %q", r.Stdout, tt.want)
			}
		})
	}
}

// TestAPIPaginateOrder: every item once, in Spotify's order, whether the
// pages are fetched by offset at once or by following next one by one.
func TestAPIPaginateOrder(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		args  []string
		path  string
		pages int
	}{
		// total, offset and limit: by offset, concurrently.
		{"by offset", []string{"api", "me/playlists", "--paginate", "-F", "limit=50", "--jq", ".name"}, "/v1/me/playlists", 5},
		{"by offset, default limit", []string{"api", "me/playlists", "--paginate", "--jq", ".name"}, "/v1/me/playlists", 12},
		// A page nested under "tracks": by next, sequentially.
		{"nested under tracks", []string{"api", "--app", "search?q=SONG&type=track", "--paginate", "-F", "limit=50", "--jq", ".name"}, "/v1/search", 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			h.UseSecretApp()
			h.LoginWith(clitest.SecretClient, clitest.Scopes)
			h.Fake.GeneratePlaylists("alice", 237)
			h.Fake.AddTracks(catalogTracks(237)...)
			r := h.MustRun(0, "", append(tt.args, "--debug")...)
			want := strings.Join(fixtures.GeneratedNames(1, 237), "\n") + "\n"
			if tt.path == "/v1/search" {
				want = songNames(1, 237)
			}
			if diff := cmp.Diff(want, r.Stdout); diff != "" {
				t.Errorf("stdout (-want +got):\n%s", diff)
			}
			if got := h.Fake.Stats().APIRequests[tt.path]; got != tt.pages {
				t.Errorf("%d requests, want %d:\n%s", got, tt.pages, r.Stderr)
			}
		})
	}
}

// TestAPIPaginateNotAPage: --paginate needs a page of items to follow.
func TestAPIPaginateNotAPage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"api", "me", "--paginate"}, `--paginate: the answer is not a page of items: it has no "items"`},
		{[]string{"api", "--app", "search?q=song&type=track,album", "--paginate"}, "it holds 2 pages (albums, tracks): ask for one"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			h.UseSecretApp()
			h.LoginWith(clitest.SecretClient, clitest.Scopes)
			h.Fake.AddTracks(catalogTracks(3)...)
			r := h.MustRun(1, "", tt.args...)
			if !strings.Contains(r.Stderr, tt.want) || r.Stdout != "" {
				t.Errorf("stderr does not say %q:\n%s", tt.want, r)
			}
		})
	}
}

// otherHost is a server outside api_url's origin that records whether any
// request, and any token, reached it.
type otherHost struct {
	srv  *httptest.Server
	mu   sync.Mutex
	hits []string // Authorization headers received
}

func newOtherHost(t *testing.T) *otherHost {
	o := &otherHost{}
	o.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o.mu.Lock()
		o.hits = append(o.hits, r.Header.Get("Authorization"))
		o.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"items":[{"name":"stolen"}],"next":null}`))
	}))
	t.Cleanup(o.srv.Close)
	return o
}

func (o *otherHost) requests() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string(nil), o.hits...)
}

// TestAPIOriginCheck: the token goes to api_url's origin only. A PATH
// elsewhere is refused before any request (a token refresh included); a next
// link elsewhere is refused when it comes up.
func TestAPIOriginCheck(t *testing.T) {
	t.Parallel()
	t.Run("PATH", func(t *testing.T) {
		other := newOtherHost(t)
		paths := map[string]string{
			"another port":       other.srv.URL + "/v1/me",
			"another host":       strings.Replace(other.srv.URL, "127.0.0.1", "localhost", 1) + "/v1/me",
			"another scheme":     "https://" + strings.TrimPrefix(other.srv.URL, "http://") + "/v1/me",
			"userinfo trick":     "http://x@" + strings.TrimPrefix(other.srv.URL, "http://") + "/v1/me",
			"upper-case scheme":  "HTTP://" + strings.TrimPrefix(other.srv.URL, "http://") + "/v1/me",
			"scheme-relative":    "///" + strings.TrimPrefix(other.srv.URL, "http://") + "/v1/me",
			"fake, other scheme": "https://FAKEHOST/v1/me",
		}
		for name, path := range paths {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				h := newHarness(t)
				// Stale, so that a client that refreshed before checking
				// would show up in the token requests.
				h.Seed("default", time.Now().Add(-2*time.Hour), time.Now().Add(-time.Hour))
				path = strings.Replace(path, "FAKEHOST", strings.TrimPrefix(h.Fake.URL(), "http://"), 1)
				r := h.MustRun(2, "", "api", path)
				if !strings.Contains(r.Stderr, "refusing to send the access token") && !strings.Contains(r.Stderr, "invalid path") {
					t.Errorf("stderr:\n%s", r.Stderr)
				}
				if r.Stdout != "" {
					t.Errorf("stdout: %q", r.Stdout)
				}
				st := h.Fake.Stats()
				if len(st.APIRequests) != 0 || len(st.TokenRequests) != 0 {
					t.Errorf("requests were made: %v %v", st.APIRequests, st.TokenRequests)
				}
				if hits := other.requests(); len(hits) != 0 {
					t.Errorf("the other host got %d requests", len(hits))
				}
			})
		}
	})
	t.Run("next link", func(t *testing.T) {
		t.Parallel()
		other := newOtherHost(t)
		h := newHarness(t)
		rec := h.LoginAlice()
		next := other.srv.URL + "/v1/me/playlists?offset=2&limit=2"
		h.Fake.InjectFault(spotifytest.Fault{Path: "/v1/me/playlists", Status: 200, Count: 1,
			Body: `{"href":"x","items":[{"name":"one"},{"name":"two"}],"limit":2,"offset":0,"next":"` + next + `","previous":null}`})
		r := h.MustRun(1, "", "api", "me/playlists", "--paginate", "--jq", ".name")
		if r.Stdout != "one\ntwo\n" {
			t.Errorf("stdout = %q, want the first page", r.Stdout)
		}
		if want := "refusing to send the access token to " + other.srv.URL; !strings.Contains(r.Stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, r.Stderr)
		}
		if hits := other.requests(); len(hits) != 0 {
			t.Errorf("the other host got %d requests", len(hits))
		}
		for _, out := range []string{r.Stdout, r.Stderr} {
			if strings.Contains(out, rec.AccessToken) {
				t.Error("the access token was printed")
			}
		}
	})
}

func TestAPIFields(t *testing.T) {
	t.Parallel()
	t.Run("a JSON body", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t)
		h.LoginWith(clitest.ClientID, append(clitest.Scopes, "playlist-modify-private", "playlist-modify-public"))
		desc := filepath.Join(h.Root, "desc.txt")
		if err := os.WriteFile(desc, []byte("from a file, 42 & <more>\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		r := h.MustRun(0, "", "api", "me/playlists", "-f", "name=Road trip = fun", "-F", "public=false",
			"-F", "description=@"+desc, "-F", "collaborative=true", "--jq", "[.name, .public, .collaborative, .description] | @json")
		if want := `["Road trip = fun",false,true,"from a file, 42 & <more>\n"]` + "\n"; r.Stdout != want {
			t.Errorf("stdout = %q, want %q", r.Stdout, want)
		}
		r = h.MustRun(0, "Piped\n", "api", "me/playlists", "-F", "name=@-", "--jq", ".public", "-i")
		if r.Stdout != "true\n" || !strings.HasPrefix(r.Stderr, "HTTP 201 Created\n") {
			t.Errorf("-F name=@- : %s", r)
		}
		r = h.MustRun(0, "", "playlists", "-o", "tsv")
		rows := cmdutiltest.ParsePlaylistsTSV(t, r.Stdout)
		if len(rows) != 2 || rows[0].Name != "Piped\n" || rows[1].Name != "Road trip = fun" || rows[1].Visibility != "collaborative" {
			t.Errorf("library: %+v", rows)
		}
	})
	t.Run("arrays and numbers", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t)
		h.LoginWith(clitest.ClientID, append(clitest.Scopes, "playlist-modify-public"))
		fixtures.AddMixed(h.Fake)
		r := h.MustRun(0, "", "api", "playlists/"+fixtures.MixedID+"/items",
			"-F", "uris[]=spotify:track:0ItemOld00000000000002", "-f", "uris[]=spotify:episode:0ItemEpisode0000000003", "-F", "position=1",
			"--jq", "keys[]")
		if r.Stdout != "snapshot_id\n" {
			t.Errorf("stdout = %q", r.Stdout)
		}
		rows := cmdutiltest.ParseItemsTSV(t, h.MustRun(0, "", "playlists", "items", fixtures.MixedID).Stdout)
		var names []string
		for _, row := range rows[:4] {
			names = append(names, row.Name)
		}
		if diff := cmp.Diff([]string{"Song One", "Old Shape Song", "Episode 12:\tTabs", "Old Shape Song"}, names); diff != "" {
			t.Errorf("playlist after the insert (-want +got):\n%s", diff)
		}
		// A number where Spotify wants one: a string would be refused.
		r = h.MustRun(1, "", "api", "playlists/"+fixtures.MixedID+"/items", "-F", "uris[]=spotify:track:0ItemOld00000000000002", "-f", "position=1")
		if !strings.Contains(r.Stderr, "Spotify answered 400 Bad Request: Error parsing JSON.") {
			t.Errorf("-f position=1 was not sent as a string: %s", r)
		}
	})
	t.Run("query parameters", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t)
		h.UseSecretApp()
		h.Fake.AddTracks(spotifytest.Track{Name: "Rock & Roll Song", Artists: []string{"Band"}, DurationMS: 1000})
		h.Fake.AddTracks(catalogTracks(5)...)
		r := h.MustRun(0, "", "api", "--app", "-X", "get", "search", "-f", "q=rock & roll", "-f", "type=track", "-F", "limit=2", "--jq", ".tracks.items[].name", "--debug")
		if r.Stdout != "Rock & Roll Song\n" {
			t.Errorf("stdout = %q", r.Stdout)
		}
		if !strings.Contains(r.Stderr, "/v1/search?q=rock+%26+roll&type=track&limit=2 -> 200") {
			t.Errorf("query not encoded as expected:\n%s", r.Stderr)
		}
	})
	t.Run("input", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t)
		h.LoginWith(clitest.ClientID, append(clitest.Scopes, "playlist-modify-private"))
		r := h.MustRun(0, `{"name": "From stdin", "public": false}`, "api", "me/playlists", "--input", "-", "--jq", ".name")
		if r.Stdout != "From stdin\n" {
			t.Errorf("%s", r)
		}
		// -H replaces spotcli's own Content-Type.
		r = h.MustRun(1, `{"name": "x", "public": false}`, "api", "me/playlists", "--input", "-", "-H", "Content-Type: text/plain")
		if !strings.Contains(r.Stderr, "Content-Type must be application/json") {
			t.Errorf("%s", r)
		}
	})
}

func TestAPIErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		args  []string
		setup func(*harness)
		code  int
		want  []string
	}{
		{name: "unknown endpoint", args: []string{"api", "me/nothing"}, code: 1,
			want: []string{"spotcli: Spotify answered 404 Not Found: Service not found"}},
		{name: "-i on an error", args: []string{"api", "-i", "me/nothing"}, code: 1,
			want: []string{"HTTP 404 Not Found\n", "Content-Type: application/json\n", "Spotify answered 404 Not Found"}},
		{name: "missing scope", args: []string{"api", "me/playlists", "-f", "name=x"}, code: 1,
			want: []string{"Spotify answered 403 Forbidden: Insufficient client scope", "hint: POST /me/playlists needs the playlist-modify-public or playlist-modify-private scope, which the login lacks: run spotcli login --add-scopes playlist-modify-public,playlist-modify-private"}},
		{name: "the old endpoint in development mode", args: []string{"api", "playlists/" + fixtures.MixedID + "/tracks"},
			setup: func(h *harness) { h.LoginDevMode() }, code: 1, want: []string{"Spotify answered 403 Forbidden: Forbidden"}},
		{name: "login refused", args: []string{"api", "me"}, setup: func(h *harness) {
			h.Fake.InjectFault(spotifytest.Fault{Path: "/v1/me", Status: 401})
		}, code: 4, want: []string{"run spotcli login"}},
		{name: "not logged in", args: []string{"api", "me"}, setup: func(h *harness) {
			_ = os.Remove(h.TokenPath("default"))
		}, code: 4, want: []string{"not logged in"}},
		{name: "user endpoint with an app token", args: []string{"api", "--app", "me"}, setup: func(h *harness) { h.UseSecretApp() },
			code: 4, want: []string{"This request requires user authentication."}},
		{name: "--app without a secret", args: []string{"api", "--app", "me"}, code: 1, want: []string{"client_secret"}},
		{name: "POST is not retried", args: []string{"api", "me/playlists", "-f", "name=x"}, setup: func(h *harness) {
			h.Fake.InjectFault(spotifytest.Fault{Path: "/v1/me/playlists", Status: 503})
		}, code: 1, want: []string{"Spotify answered 503 Service Unavailable"}},
		{name: "a runtime jq error", args: []string{"api", "me", "--jq", ".id + 1"}, code: 1,
			want: []string{"jq: cannot add: string (\"alice\") and number (1)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			h.LoginAlice()
			fixtures.AddMixed(h.Fake)
			if tt.setup != nil {
				tt.setup(h)
			}
			r := h.MustRun(tt.code, "", tt.args...)
			for _, w := range tt.want {
				if !strings.Contains(r.Stderr, w) {
					t.Errorf("stderr does not say %q:\n%s", w, r.Stderr)
				}
			}
			if r.Stdout != "" {
				t.Errorf("stdout: %q", r.Stdout)
			}
			if tt.name == "POST is not retried" {
				if n := h.Fake.Stats().APIRequests["/v1/me/playlists"]; n != 1 {
					t.Errorf("%d requests, want 1", n)
				}
			}
		})
	}
}

// TestAPIRetries: a GET gets the retries and the Retry-After waits of every
// other command.
func TestAPIRetries(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.LoginAlice()
	h.Fake.InjectFault(spotifytest.Fault{Path: "/v1/me", Status: 503, Count: 2})
	h.Fake.InjectFault(spotifytest.Fault{Path: "/v1/me", Status: 429, RetryAfter: "1", Count: 1})
	r := h.MustRun(0, "", "api", "me", "--jq", ".id")
	if r.Stdout != "alice\n" {
		t.Errorf("%s", r)
	}
	st := h.Fake.Stats()
	if st.APIRequests["/v1/me"] != 4 || st.DuringRetryAfter != 0 {
		t.Errorf("requests %d (want 4), during Retry-After %d", st.APIRequests["/v1/me"], st.DuringRetryAfter)
	}
}

func TestAPIApp(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.UseSecretApp()
	h.Fake.AddTracks(spotifytest.Track{ID: "4uLU6hMCjMI75M1A2tKUQC", Name: "Never Gonna", Artists: []string{"Rick"}, DurationMS: 213_000})
	for range 2 {
		r := h.MustRun(0, "", "api", "--app", "tracks/4uLU6hMCjMI75M1A2tKUQC", "--jq", `"\(.name) by \(.artists[0].name)"`)
		if r.Stdout != "Never Gonna by Rick\n" {
			t.Errorf("%s", r)
		}
	}
	if n := h.Fake.Stats().TokenRequests["client_credentials"]; n != 1 {
		t.Errorf("%d client credentials requests, want 1 (the token is cached)", n)
	}
	// A cached token that Spotify refuses is replaced.
	h.Fake.ExpireAccessTokens()
	h.MustRun(0, "", "api", "--app", "tracks/4uLU6hMCjMI75M1A2tKUQC")
	if n := h.Fake.Stats().TokenRequests["client_credentials"]; n != 2 {
		t.Errorf("%d client credentials requests, want 2", n)
	}
	h.MustRun(0, "", "api", "--app", "tracks/4uLU6hMCjMI75M1A2tKUQC")
	if n := h.Fake.Stats().TokenRequests["client_credentials"]; n != 2 {
		t.Errorf("%d client credentials requests, want 2: the renewed token was not cached", n)
	}
}

// TestAPIUsageErrors: a bad command line exits 2 and sends nothing.
func TestAPIUsageErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"me", "--jq", ".["}, `--jq ".[": unexpected EOF`},
		{[]string{"me", "--jq", "nosuchfunc(1)"}, "function not defined: nosuchfunc/1"},
		{[]string{"me", "--jq", "$undefined"}, "variable not defined: $undefined"},
		{[]string{"me", "--slurp"}, "--slurp needs --paginate"},
		{[]string{"me", "--paginate", "-X", "POST"}, "--paginate follows the pages of a GET, not of a POST"},
		{[]string{"me", "-X", "P@ST"}, `invalid method "P@ST"`},
		{[]string{"me", "-H", "NoColon"}, `-H "NoColon": want "Name: value"`},
		{[]string{"me", "-H", "Bad Name: x"}, `want "Name: value"`},
		{[]string{"me", "-H", "authorization: Bearer x"}, "spotcli sends the Authorization header itself"},
		{[]string{"me", "-f", "novalue"}, `-f "novalue": want key=value`},
		{[]string{"me", "-F", "=x"}, `-F "=x": want key=value`},
		{[]string{"me", "-F", "k=@/nonexistent/file"}, "no such file or directory"},
		{[]string{"me", "--input", "/nonexistent/file"}, "--input: open /nonexistent/file"},
		{[]string{"me", "--input", "-", "-F", "k=@-"}, "stdin can be read only once"},
		{[]string{"me", "-f", "a[=1"}, `field key "a[": want name, name[] or name[key]`},
		{[]string{"me", "-X", "POST", "-f", "a=1", "-f", "a[]=2"}, "a is already set and not an array"},
		{[]string{"me", "-X", "POST", "-f", "a[][b]=1"}, "arrays of objects are not supported"},
		{nil, "spotcli api takes one PATH"},
		{[]string{"me", "you"}, "spotcli api takes one PATH"},
		{[]string{"http://[::1"}, "invalid URL"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			h.LoginAlice()
			r := h.MustRun(2, "", append([]string{"api"}, tt.args...)...)
			if !strings.Contains(r.Stderr, tt.want) || r.Stdout != "" {
				t.Errorf("stderr does not say %q:\n%s", tt.want, r)
			}
			st := h.Fake.Stats()
			if len(st.APIRequests) != 0 || len(st.TokenRequests) != 0 {
				t.Errorf("a usage error made requests: %v %v", st.APIRequests, st.TokenRequests)
			}
		})
	}
}

// TestAPIBodyAsSent: in a pipe the body is as Spotify sent it, one line.
func TestAPIBodyAsSent(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.LoginAlice()
	r := h.MustRun(0, "", "api", "me")
	var v map[string]any
	if err := json.Unmarshal([]byte(r.Stdout), &v); err != nil || strings.Count(r.Stdout, "\n") != 1 {
		t.Errorf("not one line of JSON: %v %q", err, r.Stdout)
	}
}
