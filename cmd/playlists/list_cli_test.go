package playlists_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/spotcli/spotcli/cmd/cmdutil/cmdutiltest"
	"github.com/spotcli/spotcli/cmd/internal/clitest"
	"github.com/spotcli/spotcli/internal/spotifytest"
	"github.com/spotcli/spotcli/internal/spotifytest/fixtures"
)

// outputCase is one run of a listing command checked against a golden file.
type outputCase struct {
	name    string
	args    []string
	golden  string
	devMode bool
}

// outputCases are the formats every listing command is checked in; their
// golden files are PREFIX_table, PREFIX_tsv, PREFIX_json and PREFIX_ndjson.
// Development mode changes Spotify's objects, not the tsv.
func outputCases(prefix string) []outputCase {
	return []outputCase{
		{"table", []string{"-o", "table"}, prefix + "_table", false},
		{"tsv", []string{"-o", "tsv"}, prefix + "_tsv", false},
		{"tsv is the default on a pipe", nil, prefix + "_tsv", false},
		{"json", []string{"-o", "json"}, prefix + "_json", false},
		{"--json", []string{"--json"}, prefix + "_json", false},
		{"ndjson", []string{"--output", "ndjson"}, prefix + "_ndjson", false},
		{"tsv in development mode", []string{"-o", "tsv"}, prefix + "_tsv", true},
	}
}

// testOutputGolden runs command in each case against a library that fill
// sets up, and compares stdout with the case's golden file.
func testOutputGolden(t *testing.T, command []string, fill func(*spotifytest.Server), cases []outputCase) {
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			h.LoginMode(tt.devMode)
			fill(h.Fake)
			r := h.MustRun(0, "", append(slices.Clone(command), tt.args...)...)
			if r.Stderr != "" {
				t.Errorf("stderr is not empty:\n%s", r.Stderr)
			}
			clitest.Golden(t, tt.golden, h.NormalizeFake(r.Stdout))
		})
	}
}

// visibilityOf is the word spotcli shows for a playlist.
func visibilityOf(p spotifytest.Playlist) string {
	switch {
	case p.Collaborative:
		return "collaborative"
	case p.Public:
		return "public"
	}
	return "private"
}

// pageRequest is one request for a page of /me/playlists, from --debug.
type pageRequest struct {
	Offset, Limit, Status int
}

var debugPage = regexp.MustCompile(`debug: GET \S+/v1/me/playlists\?(\S+) -> (\d+)`)

// pageRequests reads the page requests that --debug logged, sorted by
// offset: concurrent requests are logged in the order they ended.
func pageRequests(t *testing.T, stderr string) []pageRequest {
	t.Helper()
	var out []pageRequest
	for _, m := range debugPage.FindAllStringSubmatch(stderr, -1) {
		q, err := url.ParseQuery(m[1])
		if err != nil {
			t.Fatalf("debug line with a bad query %q: %v", m[1], err)
		}
		off, err1 := strconv.Atoi(q.Get("offset"))
		lim, err2 := strconv.Atoi(q.Get("limit"))
		if err1 != nil || err2 != nil {
			t.Fatalf("page request without offset and limit: %q", m[0])
		}
		st, _ := strconv.Atoi(m[2])
		out = append(out, pageRequest{off, lim, st})
	}
	slices.SortFunc(out, func(a, b pageRequest) int { return a.Offset - b.Offset })
	return out
}

func TestPlaylistsGolden(t *testing.T) {
	t.Parallel()
	testOutputGolden(t, []string{"playlists"}, fixtures.AddTricky, append(outputCases("playlists"),
		outputCase{"json in development mode", []string{"-o", "json"}, "playlists_devmode_json", true}))
}

// TestPlaylistsJSONPassThrough checks json and ndjson against the objects the
// fake sent, field for field, whatever their shape.
func TestPlaylistsJSONPassThrough(t *testing.T) {
	t.Parallel()
	for _, devMode := range []bool{false, true} {
		t.Run(fmt.Sprintf("devmode=%v", devMode), func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			h.LoginMode(devMode)
			fixtures.AddTricky(h.Fake)
			h.Fake.GeneratePlaylists("alice", 60) // a second page
			arr := h.MustRun(0, "", "playlists", "--json")
			var items []map[string]any
			if err := json.Unmarshal([]byte(arr.Stdout), &items); err != nil {
				t.Fatalf("--json is not one JSON array: %v\n%s", err, arr.Stdout)
			}
			nd := h.MustRun(0, "", "playlists", "-o", "ndjson")
			lines := strings.Split(strings.TrimSuffix(nd.Stdout, "\n"), "\n")
			if len(items) != len(fixtures.TrickyPlaylists)+60 || len(lines) != len(items) {
				t.Fatalf("json has %d items, ndjson %d lines, want %d", len(items), len(lines), len(fixtures.TrickyPlaylists)+60)
			}
			for i, line := range lines {
				var obj map[string]any
				if err := json.Unmarshal([]byte(line), &obj); err != nil {
					t.Fatalf("ndjson line %d is not a JSON object: %v", i+1, err)
				}
				if diff := cmp.Diff(items[i], obj); diff != "" {
					t.Errorf("ndjson line %d differs from json item %d (-json +ndjson):\n%s", i+1, i+1, diff)
				}
				want, gone := "tracks", "items"
				if devMode {
					want, gone = gone, want
				}
				if _, ok := obj[want]; !ok {
					t.Errorf("item %d lacks %q: %v", i+1, want, obj)
				}
				if _, ok := obj[gone]; ok {
					t.Errorf("item %d has %q, which Spotify did not send", i+1, gone)
				}
				for _, k := range []string{"snapshot_id", "primary_color", "external_urls", "uri", "images"} {
					if _, ok := obj[k]; !ok {
						t.Errorf("item %d lost the field %q", i+1, k)
					}
				}
			}
		})
	}
}

func TestPlaylistsEveryPageInOrder(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, 50, 51, 100, 237} {
		for _, conc := range []string{"1", "8"} {
			t.Run(fmt.Sprintf("%d playlists concurrency %s", n, conc), func(t *testing.T) {
				t.Parallel()
				h := newHarness(t)
				h.LoginAlice()
				h.Fake.GeneratePlaylists("alice", n)
				r := h.MustRun(0, "", "playlists", "--debug", "--concurrency", conc)
				rows := cmdutiltest.ParsePlaylistsTSV(t, r.Stdout)
				if diff := cmp.Diff(fixtures.GeneratedNames(1, n), cmdutiltest.PlaylistNames(rows)); diff != "" {
					t.Errorf("names (-want +got):\n%s", diff)
				}
				ids := map[string]bool{}
				for _, row := range rows {
					if len(row.ID) != 22 || ids[row.ID] || row.Owner != "alice" || row.Visibility != "public" {
						t.Errorf("bad row %+v", row)
					}
					ids[row.ID] = true
				}
				pages := max(1, (n+49)/50)
				var want []pageRequest
				for i := range pages {
					want = append(want, pageRequest{Offset: 50 * i, Limit: 50, Status: 200})
				}
				if diff := cmp.Diff(want, pageRequests(t, r.Stderr)); diff != "" {
					t.Errorf("page requests (-want +got):\n%s", diff)
				}
				if got := h.Fake.Stats().APIRequests["/v1/me/playlists"]; got != pages {
					t.Errorf("the fake saw %d requests, want %d", got, pages)
				}
			})
		}
	}
}

func TestPlaylistsLimit(t *testing.T) {
	t.Parallel()
	const total = 237
	tests := []struct {
		limit, pages int
	}{
		{1, 1}, {3, 1}, {50, 1}, {51, 2}, {100, 2}, {120, 3}, {237, 5}, {1000, 5},
	}
	for _, tt := range tests {
		for _, conc := range []string{"1", "8"} {
			t.Run(fmt.Sprintf("limit %d concurrency %s", tt.limit, conc), func(t *testing.T) {
				t.Parallel()
				h := newHarness(t)
				h.LoginAlice()
				h.Fake.GeneratePlaylists("alice", total)
				r := h.MustRun(0, "", "playlists", "--debug", "--limit", strconv.Itoa(tt.limit), "--concurrency", conc)
				rows := cmdutiltest.ParsePlaylistsTSV(t, r.Stdout)
				if diff := cmp.Diff(fixtures.GeneratedNames(1, min(tt.limit, total)), cmdutiltest.PlaylistNames(rows)); diff != "" {
					t.Errorf("names (-want +got):\n%s", diff)
				}
				reqs := pageRequests(t, r.Stderr)
				if len(reqs) != tt.pages {
					t.Errorf("%d page requests, want %d: %+v", len(reqs), tt.pages, reqs)
				}
				for i, p := range reqs {
					if p.Limit < 1 || p.Limit > 50 || p.Offset != 50*i && !(i == 0 && p.Offset == 0) {
						t.Errorf("page request %d: %+v", i, p)
					}
					if tt.limit >= 50 && p.Limit != 50 {
						t.Errorf("page request %d asked for limit=%d, want 50", i, p.Limit)
					}
				}
				if got := h.Fake.Stats().APIRequests["/v1/me/playlists"]; got != tt.pages {
					t.Errorf("the fake saw %d requests, want %d", got, tt.pages)
				}
			})
		}
	}
}

func TestPlaylistsOutputFlagErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--limit", "0"}, "must be a whole number of 1 or more"},
		{[]string{"--limit", "-1"}, "must be a whole number of 1 or more"},
		{[]string{"--limit", "abc"}, "must be a whole number of 1 or more"},
		{[]string{"--limit="}, "must be a whole number of 1 or more"},
		{[]string{"-o", "xml"}, "must be one of table, tsv, json, ndjson"},
		{[]string{"--output", "JSON"}, "must be one of table, tsv, json, ndjson"},
		{[]string{"--json", "-o", "tsv"}, "--json and -o tsv contradict each other"},
		{[]string{"--concurrency", "0"}, "must be a whole number from 1 to 16"},
		{[]string{"--concurrency", "17"}, "must be a whole number from 1 to 16"},
		{[]string{"extra"}, "takes no arguments"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			h.LoginAlice()
			h.Fake.GeneratePlaylists("alice", 3)
			r := h.MustRun(2, "", append([]string{"playlists"}, tt.args...)...)
			if !strings.Contains(r.Stderr, tt.want) {
				t.Errorf("stderr does not say %q:\n%s", tt.want, r.Stderr)
			}
			if r.Stdout != "" {
				t.Errorf("stdout: %q", r.Stdout)
			}
			if n := len(h.Fake.Stats().APIRequests); n != 0 {
				t.Errorf("a usage error reached Spotify: %v", h.Fake.Stats().APIRequests)
			}
		})
	}
}

// TestPlaylistsTSVInvariant: N playlists give N lines of 5 fields, and
// decoding the escapes gives back every name, however tricky.
func TestPlaylistsTSVInvariant(t *testing.T) {
	t.Parallel()
	lib := slices.Clone(fixtures.TrickyPlaylists)
	// Every string of up to three of these characters: each escape next to
	// the letters it uses, and backslashes next to each other.
	alphabet := []string{`\`, "\t", "\n", "\r", "t", "n", " "}
	combos := []string{""}
	for range 3 {
		var next []string
		for _, c := range combos {
			for _, a := range alphabet {
				next = append(next, c+a)
			}
		}
		for _, c := range next {
			lib = append(lib, spotifytest.Playlist{ID: fmt.Sprintf("inv%019d", len(lib)), Name: "x" + c, Public: len(lib)%3 != 0, Collaborative: len(lib)%7 == 0, Tracks: len(lib)})
			lib = append(lib, spotifytest.Playlist{ID: fmt.Sprintf("inv%019d", len(lib)), Name: c, Public: true, Tracks: len(lib)})
		}
		combos = next
	}
	for _, conc := range []string{"1", "8"} {
		t.Run("concurrency "+conc, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			fixtures.AddTricky(h.Fake)
			h.Fake.AddPlaylists("alice", lib[len(fixtures.TrickyPlaylists):]...)
			h.LoginAlice()
			r := h.MustRun(0, "", "playlists", "-o", "tsv", "--concurrency", conc)
			if !utf8.ValidString(r.Stdout) {
				t.Error("tsv output is not valid UTF-8")
			}
			if got := strings.Count(r.Stdout, "\n"); got != len(lib) {
				t.Fatalf("%d playlists gave %d lines", len(lib), got)
			}
			rows := cmdutiltest.ParsePlaylistsTSV(t, r.Stdout)
			var want []cmdutiltest.PlaylistRow
			for _, p := range lib {
				owner := p.OwnerID
				if owner == "" {
					owner = "alice"
				}
				want = append(want, cmdutiltest.PlaylistRow{ID: p.ID, Name: p.Name, Tracks: strconv.Itoa(p.Tracks), Owner: owner, Visibility: visibilityOf(p)})
			}
			if diff := cmp.Diff(want, rows); diff != "" {
				t.Errorf("decoded tsv (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPlaylistsTrackCount: the count comes from tracks.total, or from
// items.total in the development-mode shape.
func TestPlaylistsTrackCount(t *testing.T) {
	t.Parallel()
	for _, devMode := range []bool{false, true} {
		t.Run(fmt.Sprintf("devmode=%v", devMode), func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			h.LoginMode(devMode)
			lib := []spotifytest.Playlist{
				{ID: "count000000000000000000", Name: "Empty", Public: true},
				{ID: "count000000000000000001", Name: "One", Public: true, Tracks: 1},
				{ID: "count000000000000000002", Name: "Big", Public: true, Tracks: 10000},
			}
			h.Fake.AddPlaylists("alice", lib...)
			var want []cmdutiltest.PlaylistRow
			for _, p := range lib {
				want = append(want, cmdutiltest.PlaylistRow{ID: p.ID, Name: p.Name, Tracks: strconv.Itoa(p.Tracks), Owner: "alice", Visibility: "public"})
			}
			r := h.MustRun(0, "", "playlists", "-o", "tsv")
			if diff := cmp.Diff(want, cmdutiltest.ParsePlaylistsTSV(t, r.Stdout)); diff != "" {
				t.Errorf("tsv (-want +got):\n%s", diff)
			}
			r = h.MustRun(0, "", "playlists", "-o", "table")
			for _, p := range lib {
				re := regexp.MustCompile(`(?m)^` + p.Name + `\s+` + p.ID + `\s+` + strconv.Itoa(p.Tracks) + `\s+alice\s+public$`)
				if !re.MatchString(r.Stdout) {
					t.Errorf("table: no count %d for %q:\n%s", p.Tracks, p.Name, r.Stdout)
				}
			}
		})
	}
}

// TestPlaylistsScopes: private playlists are listed only with
// playlist-read-private, collaborative ones only with
// playlist-read-collaborative, and each shows its visibility.
func TestPlaylistsScopes(t *testing.T) {
	t.Parallel()
	lib := []spotifytest.Playlist{
		{ID: "scope000000000000000001", Name: "Mine, public", Public: true, Tracks: 1},
		{ID: "scope000000000000000002", Name: "Mine, private", Tracks: 2},
		{ID: "scope000000000000000003", Name: "Shared", OwnerID: "bob", Collaborative: true, Tracks: 3},
		{ID: "scope000000000000000004", Name: "Bob's, followed", OwnerID: "bob", Public: true, Tracks: 4},
	}
	tests := []struct {
		name   string
		scopes []string
		want   []cmdutiltest.PlaylistRow
	}{
		{"all", clitest.Scopes, []cmdutiltest.PlaylistRow{
			{ID: lib[0].ID, Name: lib[0].Name, Tracks: "1", Owner: "alice", Visibility: "public"},
			{ID: lib[1].ID, Name: lib[1].Name, Tracks: "2", Owner: "alice", Visibility: "private"},
			{ID: lib[2].ID, Name: lib[2].Name, Tracks: "3", Owner: "bob", Visibility: "collaborative"},
			{ID: lib[3].ID, Name: lib[3].Name, Tracks: "4", Owner: "bob", Visibility: "public"},
		}},
		{"without playlist-read-private", []string{"user-read-private", "playlist-read-collaborative"}, []cmdutiltest.PlaylistRow{
			{ID: lib[0].ID, Name: lib[0].Name, Tracks: "1", Owner: "alice", Visibility: "public"},
			{ID: lib[2].ID, Name: lib[2].Name, Tracks: "3", Owner: "bob", Visibility: "collaborative"},
			{ID: lib[3].ID, Name: lib[3].Name, Tracks: "4", Owner: "bob", Visibility: "public"},
		}},
		{"without playlist scopes", []string{"user-read-private"}, []cmdutiltest.PlaylistRow{
			{ID: lib[0].ID, Name: lib[0].Name, Tracks: "1", Owner: "alice", Visibility: "public"},
			{ID: lib[3].ID, Name: lib[3].Name, Tracks: "4", Owner: "bob", Visibility: "public"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			h.Fake.AddUser(spotifytest.User{ID: "bob", DisplayName: "Bob"})
			h.Fake.AddPlaylists("alice", lib...)
			h.LoginWith(clitest.ClientID, tt.scopes)
			r := h.MustRun(0, "", "playlists")
			if diff := cmp.Diff(tt.want, cmdutiltest.ParsePlaylistsTSV(t, r.Stdout)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestPlaylistsTable: columns line up on screen whatever the script, the
// name is cut to fit 80 columns (the width when stdout is not a terminal),
// and nothing in a name reaches the terminal as a control character.
func TestPlaylistsTable(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.LoginAlice()
	fixtures.AddTricky(h.Fake)
	h.Fake.AddPlaylists("alice",
		spotifytest.Playlist{ID: "0TrickyEscape000000101", Name: "Red \x1b[31malert\x1b[0m\a bell \x00 nul \u0085 nel \x7f del", Public: true},
		spotifytest.Playlist{ID: "0TrickyEscape000000102", Name: "\x1b]0;pwned\x07title", Public: true},
	)
	r := h.MustRun(0, "", "playlists", "-o", "table")
	lines := strings.Split(strings.TrimSuffix(r.Stdout, "\n"), "\n")
	if len(lines) != len(fixtures.TrickyPlaylists)+3 {
		t.Fatalf("%d lines for %d playlists and a header:\n%s", len(lines), len(fixtures.TrickyPlaylists)+2, r.Stdout)
	}
	// At 80 columns these long names take VISIBILITY's room (fit.go).
	if !strings.HasPrefix(lines[0], "NAME ") || !strings.HasSuffix(lines[0], "OWNER") {
		t.Errorf("header: %q", lines[0])
	}
	idCol := -1
	for i, line := range lines {
		for _, c := range line {
			if unicode.IsControl(c) {
				t.Errorf("line %d holds the control character %U: %q", i+1, c, line)
			}
		}
		if w := cmdutiltest.TermCells(line); w > 80 {
			t.Errorf("line %d is %d columns wide, more than 80: %q", i+1, w, line)
		}
		// The ID column starts where the header's does, on screen.
		start := strings.Index(line, "0Tricky")
		if i == 0 {
			start = strings.Index(line, "ID ")
		}
		if start < 0 {
			t.Fatalf("line %d has no ID: %q", i+1, line)
		}
		if col := cmdutiltest.TermCells(line[:start]); idCol < 0 {
			idCol = col
		} else if col != idCol {
			t.Errorf("line %d: ID starts at column %d, the header's at %d: %q", i+1, col, idCol, line)
		}
	}
	for _, want := range []string{"A very long playlist", "とても長い"} {
		found := false
		for _, line := range lines {
			if strings.HasPrefix(line, want) {
				found = true
				if !strings.Contains(line, "…") {
					t.Errorf("the long name was not cut with an ellipsis: %q", line)
				}
			}
		}
		if !found {
			t.Errorf("no line for %q", want)
		}
	}
}

// TestPlaylistsTableShortNames: a name column narrower than the terminal is
// as wide as its longest name.
func TestPlaylistsTableShortNames(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.LoginAlice()
	h.Fake.AddPlaylists("alice",
		spotifytest.Playlist{ID: "short00000000000000001", Name: "a", Public: true, Tracks: 5},
		spotifytest.Playlist{ID: "short00000000000000002", Name: "Mix", Tracks: 12},
	)
	r := h.MustRun(0, "", "playlists", "-o", "table")
	want := "" +
		"NAME  ID                      TRACKS  OWNER  VISIBILITY\n" +
		"a     short00000000000000001  5       alice  public\n" +
		"Mix   short00000000000000002  12      alice  private\n"
	if diff := cmp.Diff(want, r.Stdout); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestPlaylistsEmpty(t *testing.T) {
	t.Parallel()
	tests := []struct {
		format, want string
	}{
		{"tsv", ""},
		{"ndjson", ""},
		{"json", "[]\n"},
		{"table", "NAME  ID  TRACKS  OWNER  VISIBILITY\n"},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			h.LoginAlice()
			r := h.MustRun(0, "", "playlists", "-o", tt.format)
			if r.Stdout != tt.want {
				t.Errorf("stdout = %q, want %q", r.Stdout, tt.want)
			}
		})
	}
}

// TestPlaylistsRateLimited: every 429 is waited out, during the wait no
// request goes out, and the output is whole and in order.
func TestPlaylistsRateLimited(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		conc  string
		setup func(*spotifytest.Server)
	}{
		{name: "every 4th request, concurrency 1", conc: "1", setup: func(s *spotifytest.Server) { s.SetRateLimit(4, time.Second) }},
		{name: "first page, concurrency 8", conc: "8", setup: func(s *spotifytest.Server) {
			s.InjectFault(spotifytest.Fault{Path: "/v1/me/playlists", Status: 429, RetryAfter: "1", Count: 1})
		}},
		// After the first page, pages 2 to 6 go out at once and the 4th
		// request overall gets the 429; the fake excuses requests already
		// in flight then (spotifytest.DefaultInFlightGrace), but not a retry of
		// the refused page.
		{name: "every 4th request, concurrency 8", conc: "8", setup: func(s *spotifytest.Server) { s.SetRateLimit(4, time.Second) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			h.LoginAlice()
			h.Fake.GeneratePlaylists("alice", 300)
			tt.setup(h.Fake)
			r := h.MustRun(0, "", "playlists", "--concurrency", tt.conc)
			if diff := cmp.Diff(fixtures.GeneratedNames(1, 300), cmdutiltest.PlaylistNames(cmdutiltest.ParsePlaylistsTSV(t, r.Stdout))); diff != "" {
				t.Errorf("names (-want +got):\n%s", diff)
			}
			st := h.Fake.Stats()
			if st.DuringRetryAfter != 0 {
				t.Errorf("%d requests were sent while a Retry-After was pending", st.DuringRetryAfter)
			}
			if got := st.APIRequests["/v1/me/playlists"]; got <= 6 {
				t.Errorf("%d requests for 6 pages: the rate limit never hit", got)
			}
			if r.Stderr != "" {
				t.Errorf("stderr: %s", r.Stderr)
			}
		})
	}
}

// TestPlaylistsRetryAfterAboveMaxWait: a Retry-After longer than max_wait
// (flag, environment, config file or the 2m default) fails at once.
func TestPlaylistsRetryAfterAboveMaxWait(t *testing.T) {
	t.Parallel()
	const reasonBody = `{"error":{"status":429,"message":"API rate limit exceeded","reason":"RATE_LIMITED"}}`
	tests := []struct {
		name       string
		args       []string
		env        map[string]string
		config     string
		retryAfter string
		body       string
		want       string
	}{
		{name: "flag", args: []string{"--max-wait", "2s"}, retryAfter: "30", want: "rate limited by Spotify for 30s, until "},
		{name: "environment", env: map[string]string{"SPOTCLI_MAX_WAIT": "2s"}, retryAfter: "30", want: "rate limited by Spotify for 30s, until "},
		{name: "config file", config: "max_wait: 2s\n", retryAfter: "30", want: "rate limited by Spotify for 30s, until "},
		{name: "default 2m", retryAfter: "121", want: "rate limited by Spotify for 2m1s, until "},
		{name: "reason shown", args: []string{"--max-wait", "1s"}, retryAfter: "45", body: reasonBody, want: " UTC (RATE_LIMITED): try again then"},
		{name: "hours, in human terms", retryAfter: "41220", want: "rate limited by Spotify for 11h27m, until "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			h.LoginAlice()
			h.Fake.GeneratePlaylists("alice", 10)
			for k, v := range tt.env {
				h.Env[k] = v
			}
			if tt.config != "" {
				if err := os.MkdirAll(h.Env["SPOTCLI_CONFIG_DIR"], 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(h.Env["SPOTCLI_CONFIG_DIR"], "config.yaml"), []byte(tt.config), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			// Once only: a client that waited would then succeed, and fail
			// the exit code check.
			h.Fake.InjectFault(spotifytest.Fault{Path: "/v1/me/playlists", Status: 429, Count: 1, RetryAfter: tt.retryAfter, Body: tt.body})
			start := time.Now()
			// Exit 5, its own code: CI can tell "later" from "broken".
			r := h.MustRun(5, "", append([]string{"playlists"}, tt.args...)...)
			if took := time.Since(start); took > 15*time.Second {
				t.Errorf("took %s: it waited instead of failing at once", took)
			}
			if !strings.Contains(r.Stderr, tt.want) {
				t.Errorf("stderr does not say %q:\n%s", tt.want, r.Stderr)
			}
			// Until when, in UTC, to the minute that a wait ends in.
			wait, _ := strconv.Atoi(tt.retryAfter)
			until := start.Add(time.Duration(wait) * time.Second).UTC()
			if !strings.Contains(r.Stderr, until.Truncate(time.Minute).Add(time.Minute).Format("15:04")+" UTC") &&
				!strings.Contains(r.Stderr, until.Truncate(time.Minute).Add(2*time.Minute).Format("15:04")+" UTC") {
				t.Errorf("stderr does not say until %s UTC:\n%s", until.Format("15:04"), r.Stderr)
			}
			if r.Stdout != "" {
				t.Errorf("stdout: %q", r.Stdout)
			}
			st := h.Fake.Stats()
			if got := st.APIRequests["/v1/me/playlists"]; got != 1 {
				t.Errorf("%d requests, want 1", got)
			}
			if st.DuringRetryAfter != 0 {
				t.Errorf("%d requests during Retry-After", st.DuringRetryAfter)
			}
		})
	}
}

// TestPlaylistsServerErrors: 500, 502, 503 and 504 are retried up to 4
// attempts in all, then reported with the last status; other errors are
// reported at once with Spotify's message and a hint.
func TestPlaylistsServerErrors(t *testing.T) {
	t.Parallel()
	const htmlBody = "<html><head><title>502 Bad Gateway</title></head>\n<body><center><h1>502 Bad Gateway</h1></center></body></html>\n"
	tests := []struct {
		name     string
		fault    spotifytest.Fault
		conc     string
		code     int
		requests int
		want     []string
	}{
		{name: "500 given up", fault: spotifytest.Fault{Status: 500}, code: 1, requests: 4,
			want: []string{"Spotify answered 500 Internal Server Error: Server error", "gave up after 4 attempts"}},
		{name: "502 given up", fault: spotifytest.Fault{Status: 502}, code: 1, requests: 4,
			want: []string{"Spotify answered 502 Bad Gateway", "gave up after 4 attempts"}},
		{name: "503 given up", fault: spotifytest.Fault{Status: 503}, code: 1, requests: 4,
			want: []string{"Spotify answered 503 Service Unavailable", "gave up after 4 attempts"}},
		{name: "504 given up", fault: spotifytest.Fault{Status: 504}, code: 1, requests: 4,
			want: []string{"Spotify answered 504 Gateway Timeout", "gave up after 4 attempts"}},
		{name: "503 three times then fine", fault: spotifytest.Fault{Status: 503, Count: 3}, code: 0, requests: 4 + 2},
		{name: "500 on a later page", fault: spotifytest.Fault{Status: 500, SkipFirst: 2}, conc: "1", code: 1, requests: 2 + 4,
			want: []string{"page at offset 100", "Spotify answered 500", "gave up after 4 attempts"}},
		{name: "HTML error page", fault: spotifytest.Fault{Status: 502, Body: htmlBody}, code: 1, requests: 4,
			want: []string{"Spotify answered 502 Bad Gateway: <html><head><title>502 Bad Gateway</title></head>"}},
		{name: "403 development mode", fault: spotifytest.Fault{Status: 403, Body: `{"error":{"status":403,"message":"User not registered in the Developer Dashboard"}}`}, code: 1, requests: 1,
			want: []string{"Spotify answered 403 Forbidden: User not registered in the Developer Dashboard", "development mode", "User Management"}},
		{name: "403 with reason", fault: spotifytest.Fault{Status: 403, Body: `{"error":{"status":403,"message":"Player command failed: Premium required","reason":"PREMIUM_REQUIRED"}}`}, code: 1, requests: 1,
			want: []string{"Spotify answered 403 Forbidden: Player command failed: Premium required (PREMIUM_REQUIRED)", "Premium"}},
		{name: "404", fault: spotifytest.Fault{Status: 404}, code: 1, requests: 1,
			want: []string{"Spotify answered 404 Not Found: Service not found"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			h.LoginAlice()
			h.Fake.GeneratePlaylists("alice", 120)
			f := tt.fault
			f.Path = "/v1/me/playlists"
			h.Fake.InjectFault(f)
			conc := tt.conc
			if conc == "" {
				conc = "8"
			}
			r := h.MustRun(tt.code, "", "playlists", "--concurrency", conc)
			for _, w := range tt.want {
				if !strings.Contains(r.Stderr, w) {
					t.Errorf("stderr does not say %q:\n%s", w, r.Stderr)
				}
			}
			if strings.Contains(r.Stderr, "<body>") {
				t.Errorf("stderr shows more than the first line of the error page:\n%s", r.Stderr)
			}
			if got := h.Fake.Stats().APIRequests["/v1/me/playlists"]; got != tt.requests {
				t.Errorf("%d requests, want %d", got, tt.requests)
			}
			if tt.code == 0 {
				if diff := cmp.Diff(fixtures.GeneratedNames(1, 120), cmdutiltest.PlaylistNames(cmdutiltest.ParsePlaylistsTSV(t, r.Stdout))); diff != "" {
					t.Errorf("names (-want +got):\n%s", diff)
				}
			}
		})
	}
}

// TestPlaylistsUnauthorized: a refused token is refreshed once and the
// request retried once; a second refusal means logging in again.
func TestPlaylistsUnauthorized(t *testing.T) {
	t.Parallel()
	t.Run("refresh and retry", func(t *testing.T) {
		for _, conc := range []string{"1", "8"} {
			t.Run("concurrency "+conc, func(t *testing.T) {
				t.Parallel()
				h := newHarness(t)
				before := h.LoginAlice() // valid for an hour, as far as spotcli knows
				h.Fake.GeneratePlaylists("alice", 237)
				h.Fake.ExpireAccessTokens()
				r := h.MustRun(0, "", "playlists", "--concurrency", conc)
				if diff := cmp.Diff(fixtures.GeneratedNames(1, 237), cmdutiltest.PlaylistNames(cmdutiltest.ParsePlaylistsTSV(t, r.Stdout))); diff != "" {
					t.Errorf("names (-want +got):\n%s", diff)
				}
				st := h.Fake.Stats()
				if st.Refreshes != 1 {
					t.Errorf("%d refreshes, want 1", st.Refreshes)
				}
				if got := st.APIRequests["/v1/me/playlists"]; got != 5+1 {
					t.Errorf("%d requests, want 5 pages and the refused one", got)
				}
				if after := h.Record("default"); after.AccessToken == before.AccessToken {
					t.Error("the refreshed token was not stored")
				}
			})
		}
	})
	t.Run("stale stored token is refreshed first", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t)
		h.Seed("default", time.Now().Add(-2*time.Hour), time.Now().Add(-time.Hour))
		h.Fake.GeneratePlaylists("alice", 60)
		h.MustRun(0, "", "playlists")
		st := h.Fake.Stats()
		if st.Refreshes != 1 || st.APIRequests["/v1/me/playlists"] != 2 {
			t.Errorf("refreshes %d, requests %d; want 1 and 2", st.Refreshes, st.APIRequests["/v1/me/playlists"])
		}
	})
	t.Run("second 401", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t)
		h.LoginAlice()
		h.Fake.GeneratePlaylists("alice", 10)
		h.Fake.InjectFault(spotifytest.Fault{Path: "/v1/me/playlists", Status: 401})
		r := h.MustRun(4, "", "playlists")
		if !strings.Contains(r.Stderr, "run spotcli login") {
			t.Errorf("stderr: %s", r.Stderr)
		}
		st := h.Fake.Stats()
		if st.Refreshes != 1 || st.APIRequests["/v1/me/playlists"] != 2 {
			t.Errorf("refreshes %d, requests %d; want 1 and 2", st.Refreshes, st.APIRequests["/v1/me/playlists"])
		}
	})
	t.Run("refresh token revoked", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t)
		h.LoginAlice()
		h.Fake.ExpireAccessTokens()
		h.Fake.RevokeRefreshTokens()
		r := h.MustRun(4, "", "playlists")
		if !strings.Contains(r.Stderr, "run spotcli login") {
			t.Errorf("stderr: %s", r.Stderr)
		}
	})
}

func TestPlaylistsNotLoggedIn(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.MustRun(4, "", "playlists")
	if r.Stderr != "spotcli: not logged in: run spotcli login\n" || r.Stdout != "" {
		t.Errorf("got %s", r)
	}
	if n := len(h.Fake.Stats().APIRequests); n != 0 {
		t.Errorf("requests without a login: %v", h.Fake.Stats().APIRequests)
	}
}
