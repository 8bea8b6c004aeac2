// Command bench measures spotcli against the project's fake of Spotify with
// an injected round-trip latency, and prints a table: concurrent paging (wall
// time, speed-up, requests, peak RSS), behaviour under 429s, memory on a large
// library, and the start-up cost of `spotcli token` next to a Go hello world.
//
//	go run ./bench                  # defaults: 40 ms latency, 5,000 playlists
//	go run ./bench -latency 80ms -runs 100
//
// Timing on shared machines is noisy, so this is not part of the test suite;
// the suite tests the ordering, the shared 429 gate and --limit for
// correctness instead.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/spotcli/spotcli/internal/api"
	"github.com/spotcli/spotcli/internal/auth"
	"github.com/spotcli/spotcli/internal/config"
	"github.com/spotcli/spotcli/internal/spotifytest"
	"github.com/zalando/go-keyring"
)

const clientID = "benchclient000000000000000000000"

func main() {
	latency := flag.Duration("latency", 40*time.Millisecond, "injected latency per request")
	playlists := flag.Int("playlists", 5000, "playlists in the paging runs")
	big := flag.Int("big", 10000, "playlists in the memory run")
	runs := flag.Int("runs", 50, "runs for the start-up medians")
	only := flag.String("only", "", "run one group of rows only: paging, export or startup")
	flag.Parse()
	if err := run(os.Stdout, *latency, *playlists, *big, *runs, *only); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

type env struct {
	bin  string
	dir  string
	fake *spotifytest.Server
	vars []string
}

func run(out io.Writer, latency time.Duration, n, big, runs int, only string) error {
	work, err := os.MkdirTemp("", "spotcli-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)

	bin := filepath.Join(work, "spotcli")
	hello := filepath.Join(work, "hello")
	if err := build(work, bin, hello); err != nil {
		return err
	}

	e := &env{bin: bin, dir: work}
	row := func(what, value, note string) { fmt.Fprintf(out, "| %s | %s | %s |\n", what, value, note) }
	fmt.Fprintf(out, "spotcli benchmark: %s/%s, %d cores, %s, latency %s per request\n\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), cpuModel(), latency)
	fmt.Fprintln(out, "| measure | result | notes |")
	fmt.Fprintln(out, "|---|---|---|")

	if only == "" || only == "paging" {
		if err := e.pagingRows(row, latency, n, big); err != nil {
			return err
		}
	}
	if only == "" || only == "export" {
		if err := e.exportRows(row, latency); err != nil {
			return err
		}
	}
	if only != "" && only != "startup" {
		return nil
	}

	// Start-up: token with a valid stored token (file store), --version, hello.
	if err := e.start(0, 0); err != nil {
		return err
	}
	defer e.fake.Close()
	tok, err := e.median(runs, e.bin, "token")
	if err != nil {
		return err
	}
	helloMed, err := e.median(runs, hello)
	if err != nil {
		return err
	}
	ver, err := e.median(runs, e.bin, "--version")
	if err != nil {
		return err
	}
	if reqs := e.fake.Stats(); len(reqs.APIRequests)+len(reqs.TokenRequests) != 0 {
		return fmt.Errorf("token made network requests: %+v", reqs)
	}
	row("spotcli token (valid stored token, file store)", fmt.Sprintf("median %s", fmtDur(tok)), fmt.Sprintf("%d runs; %.2fx Go hello world", runs, float64(tok)/float64(helloMed)))
	row("Go hello world", fmt.Sprintf("median %s", fmtDur(helloMed)), fmt.Sprintf("%d runs", runs))
	row("spotcli --version", fmt.Sprintf("median %s", fmtDur(ver)), fmt.Sprintf("%d runs; %.2fx Go hello world", runs, float64(ver)/float64(helloMed)))

	// spotcli now: token's start-up plus one request.
	e.fake.SetDevices("bench", spotifytest.Device{Name: "Bench Speaker", Active: true, Volume: 50})
	e.fake.SetPlayback("bench", spotifytest.Playback{Items: []spotifytest.Track{{Name: "Long Song", Artists: []string{"Bench"}, Album: "LP", DurationMS: 3_600_000}}})
	e.fake.ResetStats()
	now, err := e.median(runs, e.bin, "now")
	if err != nil {
		return err
	}
	st := e.fake.Stats()
	apiReqs := 0
	for _, n := range st.APIRequests {
		apiReqs += n
	}
	apiNow, err := e.median(runs, e.bin, "api", "me/player")
	if err != nil {
		return err
	}
	nowRTT, err := e.roundTrip(20, "/me/player?additional_types=track,episode")
	if err != nil {
		return err
	}
	row("spotcli now (something playing, no latency)", fmt.Sprintf("median %s", fmtDur(now)),
		fmt.Sprintf("%d runs, %.2f API requests a run, %d token requests; token + one /me/player round trip (%s, kept-alive) = %s", runs, float64(apiReqs)/float64(runs), len(st.TokenRequests), fmtDur(nowRTT), fmtDur(tok+nowRTT)))
	row("spotcli api me/player (the same request, for comparison)", fmt.Sprintf("median %s", fmtDur(apiNow)), fmt.Sprintf("%d runs; now is %.2fx of it", runs, float64(now)/float64(apiNow)))

	// now --follow over a session of short tracks, with latency; then with
	// Spotify's answers lagging half a second behind each change of track.
	if err := e.followSession(row, latency, 0); err != nil {
		return err
	}
	return e.followSession(row, latency, 500*time.Millisecond)
}

func (e *env) access() string {
	for _, v := range e.vars {
		if k, val, _ := strings.Cut(v, "="); k == "SPOTCLI_ACCESS_TOKEN_FOR_BENCH" {
			return val
		}
	}
	return ""
}

// followSession plays tracks of 1 to 2.5 s on a fake with latency and runs
// spotcli now --follow over them: requests per change of track, and the
// delay from a change (known from the script) to its line.
func (e *env) followSession(row func(what, value, note string), latency, lag time.Duration) error {
	if err := e.start(latency, 0); err != nil {
		return err
	}
	defer e.fake.Close()
	e.fake.SetPlayerEndLag(lag)
	// A first track of 2 s while spotcli starts and prints it, then the
	// session: what is measured is following, not start-up.
	tracks := []spotifytest.Track{{Name: "Warm-up", Artists: []string{"Bench"}, DurationMS: 2000}}
	starts := []time.Duration{0} // when each track starts, from the session's start
	at := 2 * time.Second
	for i := range 12 {
		ms := 1000 + i%4*500
		tracks = append(tracks, spotifytest.Track{Name: fmt.Sprintf("Short %02d", i+1), Artists: []string{"Bench"}, DurationMS: ms})
		starts = append(starts, at)
		at += time.Duration(ms) * time.Millisecond
	}
	e.fake.SetDevices("bench", spotifytest.Device{Name: "Bench Speaker", Active: true, Volume: 50})
	e.fake.ResetStats()
	begin := time.Now()
	e.fake.SetPlayback("bench", spotifytest.Playback{Items: tracks})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c := exec.CommandContext(ctx, e.bin, "now", "--follow")
	c.Env = e.vars
	stdout, err := c.StdoutPipe()
	if err != nil {
		return err
	}
	var stderr bytes.Buffer
	c.Stderr = &stderr
	if err := c.Start(); err != nil {
		return err
	}
	rd := bufio.NewReader(stdout)
	var delays []time.Duration
	for i := 0; i < len(tracks); {
		line, err := rd.ReadString('\n')
		if err != nil {
			return fmt.Errorf("follow: %v: %s", err, stderr.String())
		}
		if want := "Bench – " + tracks[i].Name + "\n"; line != want {
			return fmt.Errorf("follow: line %q, want %q", line, want)
		}
		if i > 0 {
			delays = append(delays, time.Since(begin)-starts[i])
		}
		i++
	}
	st := e.fake.Stats()
	_ = c.Process.Signal(os.Interrupt)
	_ = c.Wait()
	reqs := 0
	for _, n := range st.APIRequests {
		reqs += n
	}
	sort.Slice(delays, func(i, j int) bool { return delays[i] < delays[j] })
	changes := len(tracks) - 1
	what := fmt.Sprintf("now --follow, %d track changes (tracks of 1-2.5 s), latency %s", changes, latency)
	if lag > 0 {
		what += fmt.Sprintf(", Spotify %s late at each change", lag)
	}
	row(what,
		fmt.Sprintf("%.2f requests per change", float64(reqs-1)/float64(changes)),
		fmt.Sprintf("%d requests in all (the first line's included); delay from a change to its line: median %s, max %s", reqs, fmtDur(delays[len(delays)/2]), fmtDur(delays[len(delays)-1])))
	return nil
}

// pagingRows measure spotcli playlists.
func (e *env) pagingRows(row func(what, value, note string), latency time.Duration, n, big int) error {
	// Paging at concurrency 1, 4, 8. A round trip costs the injected
	// latency plus the fake's own work on a page (it shares the machine's
	// cores with spotcli), so the bound uses the measured round trip.
	pages := (n + 49) / 50
	if err := e.start(latency, n); err != nil {
		return err
	}
	rtt, err := e.roundTrip(20, "/me/playlists?limit=50&offset=0")
	e.fake.Close()
	if err != nil {
		return err
	}
	row("one page round trip (50 playlists, sequential, median of 20)", fmtDur(rtt), fmt.Sprintf("injected latency %s + the fake's work", latency))
	var base time.Duration
	for _, c := range []int{1, 4, 8} {
		if err := e.start(latency, n); err != nil {
			return err
		}
		m, err := e.measure("playlists", "-o", "ndjson", "--concurrency", fmt.Sprint(c))
		if err != nil {
			return err
		}
		if m.lines != n {
			return fmt.Errorf("concurrency %d: %d lines, want %d", c, m.lines, n)
		}
		st := e.fake.Stats()
		e.fake.Close()
		if c == 1 {
			base = m.wall
		}
		bound := rtt * time.Duration(1+int(math.Ceil(float64(pages-1)/float64(c))))
		row(fmt.Sprintf("playlists -o ndjson, %d playlists, --concurrency %d", n, c),
			fmt.Sprintf("%s wall, %.2fx vs c=1", m.wall.Round(time.Millisecond), float64(base)/float64(m.wall)),
			fmt.Sprintf("%d requests, peak RSS %.1f MB, bound %s (%.2fx of it)", st.APIRequests["/v1/me/playlists"], m.rssMB, bound.Round(time.Millisecond), float64(m.wall)/float64(bound)))
	}

	// The token store's cost while paging: in-process, so that the keyring
	// is a fake backend with an injected latency per call, and without
	// network latency, where the store's cost shows most.
	if err := storeRows(row, 0, n); err != nil {
		return err
	}

	// 20% of requests answered 429 with Retry-After: 1.
	if err := e.start(latency, n); err != nil {
		return err
	}
	e.fake.SetRateLimit(5, time.Second)
	m, err := e.measure("playlists", "-o", "ndjson")
	if err != nil {
		return err
	}
	st := e.fake.Stats()
	e.fake.Close()
	row(fmt.Sprintf("same, 20%% of requests 429 (Retry-After: 1), --concurrency 8"), fmt.Sprintf("%s wall", m.wall.Round(time.Millisecond)),
		fmt.Sprintf("%d requests, %d sent during a Retry-After window, %d lines", st.APIRequests["/v1/me/playlists"], st.DuringRetryAfter, m.lines))

	// Memory on a large library (streaming).
	if err := e.start(0, big); err != nil {
		return err
	}
	m, err = e.measure("playlists", "-o", "ndjson")
	if err != nil {
		return err
	}
	e.fake.Close()
	row(fmt.Sprintf("playlists -o ndjson, %d playlists", big), fmt.Sprintf("peak RSS %.1f MB", m.rssMB), fmt.Sprintf("%d lines, %s wall (no latency)", m.lines, m.wall.Round(time.Millisecond)))

	return nil
}

// slowKeyring is a keyring backend that answers one call at a time (as one
// D-Bus connection to the Secret Service does) after a delay.
type slowKeyring struct {
	delay time.Duration
	mu    sync.Mutex
	calls int
	data  map[string]string
}

func (k *slowKeyring) Get(service, user string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	time.Sleep(k.delay)
	k.calls++
	s, ok := k.data[service+"/"+user]
	if !ok {
		return "", keyring.ErrNotFound
	}
	return s, nil
}

func (k *slowKeyring) Set(service, user, secret string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	time.Sleep(k.delay)
	k.calls++
	k.data[service+"/"+user] = secret
	return nil
}

func (k *slowKeyring) Delete(service, user string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	time.Sleep(k.delay)
	k.calls++
	delete(k.data, service+"/"+user)
	return nil
}

// countingStore counts a store's reads.
type countingStore struct {
	auth.Store
	mu    sync.Mutex
	loads int
}

func (s *countingStore) Load(profile string) (*auth.Record, error) {
	s.mu.Lock()
	s.loads++
	s.mu.Unlock()
	return s.Store.Load(profile)
}

// perRequest reads the store for every request, as spotcli did before the
// token source kept the token in memory: the "before" row.
type perRequest struct {
	store auth.Store
}

func (p perRequest) AccessToken(context.Context) (string, error) {
	rec, err := p.store.Load("default")
	if err != nil {
		return "", err
	}
	return rec.AccessToken, nil
}

func (p perRequest) Renew(context.Context, string) (string, bool, error) { return "", false, nil }

// storeRows pages n playlists in-process at concurrency 8 with the login in
// the file store and in a keyring whose calls take 5 ms, median of 5 runs.
func storeRows(row func(what, value, note string), latency time.Duration, n int) error {
	const keyringDelay = 5 * time.Millisecond
	const runs = 11
	fake := spotifytest.New(spotifytest.Config{Latency: latency})
	defer fake.Close()
	fake.AddApp(spotifytest.App{ClientID: clientID, Name: "bench", RedirectURIs: []string{"http://127.0.0.1/callback"}})
	fake.AddUser(spotifytest.User{ID: "bench", DisplayName: "Bench"})
	fake.GeneratePlaylists("bench", n)
	scopes := []string{"user-read-private", "playlist-read-private", "playlist-read-collaborative"}
	now := time.Now()
	access, refresh := fake.IssueTokens(clientID, "bench", scopes, spotifytest.FlowPKCE, now)
	rec := &auth.Record{AccessToken: access, RefreshToken: refresh, TokenType: "Bearer", ExpiresAt: now.Add(time.Hour),
		Scopes: scopes, ClientID: clientID, Flow: auth.FlowPKCE, UserID: "bench", LoggedInAt: now, UpdatedAt: now}
	dir, err := os.MkdirTemp("", "spotcli-bench-store-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	file := &config.FileStore{Dir: filepath.Join(dir, "tokens")}
	kr := &config.KeyringStore{Backend: &slowKeyring{delay: keyringDelay, data: map[string]string{}}, Service: "spotcli"}
	for _, st := range []auth.Store{file, kr} {
		if err := st.Save("default", rec); err != nil {
			return err
		}
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 16
	hc := &http.Client{Transport: tr, Timeout: time.Minute}
	page := func(tokens api.TokenSource) (time.Duration, error) {
		c := &api.Client{BaseURL: fake.APIURL(), HTTP: hc, Tokens: tokens}
		start := time.Now()
		got := 0
		err := c.Paginate(context.Background(), "me/playlists", api.PageOptions{Concurrency: 8}, func(items []json.RawMessage) error {
			got += len(items)
			return nil
		})
		if err == nil && got != n {
			err = fmt.Errorf("%d playlists, want %d", got, n)
		}
		return time.Since(start), err
	}
	// The four setups take turns, run after run, so that the machine's
	// other load spreads evenly over them.
	source := func(st auth.Store) func() (api.TokenSource, *countingStore) {
		return func() (api.TokenSource, *countingStore) {
			cs := &countingStore{Store: st}
			return &auth.Source{Store: cs, Profile: "default"}, cs
		}
	}
	before := func(st auth.Store) func() (api.TokenSource, *countingStore) {
		return func() (api.TokenSource, *countingStore) {
			cs := &countingStore{Store: st}
			return perRequest{cs}, cs
		}
	}
	setups := []func() (api.TokenSource, *countingStore){source(file), source(kr), before(file), before(kr)}
	times := make([][]time.Duration, len(setups))
	reads := make([]int, len(setups))
	for range runs {
		for i, newTokens := range setups {
			tokens, cs := newTokens()
			d, err := page(tokens)
			if err != nil {
				return err
			}
			times[i] = append(times[i], d)
			reads[i] = cs.loads
		}
	}
	med := make([]time.Duration, len(setups))
	for i, ts := range times {
		sort.Slice(ts, func(a, b int) bool { return ts[a] < ts[b] })
		med[i] = ts[len(ts)/2]
	}
	fileT, krT, oldFileT, oldKrT := med[0], med[1], med[2], med[3]
	fileReads, krReads, oldFileReads, oldKrReads := reads[0], reads[1], reads[2], reads[3]
	pages := (n + 49) / 50
	what := fmt.Sprintf("paging %d playlists (%d pages, concurrency 8, in-process, no network latency, median of %d)", n, pages, runs)
	row(what+", file store", fmtDur(fileT), fmt.Sprintf("store reads: %d", fileReads))
	row(what+", keyring store (5 ms a call)", fmtDur(krT), fmt.Sprintf("store reads: %d; **%.2fx** the file store", krReads, float64(krT)/float64(fileT)))
	row("same, reading the store for every request (before issue 12), file store", fmtDur(oldFileT), fmt.Sprintf("store reads: %d", oldFileReads))
	row("same, reading the store for every request (before issue 12), keyring store", fmtDur(oldKrT), fmt.Sprintf("store reads: %d; %.2fx the file store", oldKrReads, float64(oldKrT)/float64(oldFileT)))
	return nil
}

func fmtDur(d time.Duration) string {
	return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
}

// build compiles spotcli as released (trimpath, no debug info) and a hello
// world the same way.
func build(work, bin, hello string) error {
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	c := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", bin, ".")
	c.Dir, c.Stdout, c.Stderr = root, os.Stderr, os.Stderr
	if err := c.Run(); err != nil {
		return fmt.Errorf("build spotcli (run from the repository root): %w", err)
	}
	hdir := filepath.Join(work, "hellosrc")
	if err := os.MkdirAll(hdir, 0o755); err != nil {
		return err
	}
	src := "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello, world\") }\n"
	if err := os.WriteFile(filepath.Join(hdir, "main.go"), []byte(src), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(hdir, "go.mod"), []byte("module hello\n\ngo 1.26\n"), 0o644); err != nil {
		return err
	}
	c = exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", hello, ".")
	c.Dir, c.Stdout, c.Stderr = hdir, os.Stderr, os.Stderr
	return c.Run()
}

// start runs a fresh fake with n playlists and a stored login.
func (e *env) start(latency time.Duration, n int) error {
	e.fake = spotifytest.New(spotifytest.Config{Latency: latency})
	e.fake.AddApp(spotifytest.App{ClientID: clientID, Name: "bench", RedirectURIs: []string{"http://127.0.0.1/callback"}})
	e.fake.AddUser(spotifytest.User{ID: "bench", DisplayName: "Bench"})
	if n > 0 {
		e.fake.GeneratePlaylists("bench", n)
	}
	scopes := []string{"user-read-private", "playlist-read-private", "playlist-read-collaborative", "user-read-playback-state", "user-read-currently-playing", "user-library-read", "user-follow-read"}
	now := time.Now()
	access, refresh := e.fake.IssueTokens(clientID, "bench", scopes, spotifytest.FlowPKCE, now)
	cfg := filepath.Join(e.dir, "config")
	rec := &auth.Record{AccessToken: access, RefreshToken: refresh, TokenType: "Bearer", ExpiresAt: now.Add(time.Hour),
		Scopes: scopes, ClientID: clientID, Flow: auth.FlowPKCE, UserID: "bench", LoggedInAt: now, UpdatedAt: now}
	b, err := rec.Encode()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(cfg, "tokens"), 0o700); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(cfg, "tokens", "default.json"), b, 0o600); err != nil {
		return err
	}
	e.vars = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + e.dir,
		"SPOTCLI_CONFIG_DIR=" + cfg,
		"SPOTCLI_TOKEN_STORE=file",
		"SPOTCLI_CLIENT_ID=" + clientID,
		"SPOTCLI_ACCOUNTS_URL=" + e.fake.AccountsURL(),
		"SPOTCLI_API_URL=" + e.fake.APIURL(),
		// Not read by spotcli (not a SPOTCLI_ variable it knows): roundTrip's.
		"SPOTCLI_ACCESS_TOKEN_FOR_BENCH=" + access,
	}
	return nil
}

type measurement struct {
	wall  time.Duration
	rssMB float64
	lines int
	cpu   time.Duration // spotcli's user and system time
}

// roundTrip is the median time of one request for path (a page), sent n
// times in a row.
func (e *env) roundTrip(n int, path string) (time.Duration, error) {
	token := e.access()
	times := make([]time.Duration, 0, n)
	for range n {
		req, err := http.NewRequest(http.MethodGet, e.fake.APIURL()+path, nil)
		if err != nil {
			return 0, err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		start := time.Now()
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("round trip: %s", res.Status)
		}
		times = append(times, time.Since(start))
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	return times[len(times)/2], nil
}

// measure runs spotcli once and reads its peak RSS: VmHWM of
// /proc/PID/status, polled until it exits. getrusage's ru_maxrss is no good
// here: Linux carries the forking process's high-water mark into the child
// at exec, so it reports the bench's own memory (the fake's library) when
// that is larger than spotcli's.
func (e *env) measure(args ...string) (measurement, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	c := exec.CommandContext(ctx, e.bin, args...)
	c.Env = e.vars
	counter := &lineCounter{}
	var stderr bytes.Buffer
	c.Stdout, c.Stderr = counter, &stderr
	start := time.Now()
	if err := c.Start(); err != nil {
		return measurement{}, err
	}
	hwm := make(chan int64, 1)
	done := make(chan struct{})
	go func() {
		var peak int64
		status := fmt.Sprintf("/proc/%d/status", c.Process.Pid)
		for {
			if kb := vmHWM(status); kb > peak {
				peak = kb
			}
			select {
			case <-done:
				hwm <- peak
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	err := c.Wait()
	close(done)
	peak := <-hwm
	if err != nil {
		return measurement{}, fmt.Errorf("spotcli %s: %v: %s", strings.Join(args, " "), err, stderr.String())
	}
	m := measurement{wall: time.Since(start), lines: counter.n, rssMB: float64(peak) / 1024}
	m.cpu = c.ProcessState.UserTime() + c.ProcessState.SystemTime()
	if ru, ok := c.ProcessState.SysUsage().(*syscall.Rusage); ok && peak == 0 {
		m.rssMB = float64(ru.Maxrss) / 1024 // kilobytes on Linux
	}
	return m, nil
}

// median runs a program runs times and returns the median wall time.
func (e *env) median(runs int, bin string, args ...string) (time.Duration, error) {
	times := make([]time.Duration, 0, runs)
	for range runs {
		c := exec.Command(bin, args...)
		c.Env = e.vars
		c.Stdout, c.Stderr = io.Discard, io.Discard
		start := time.Now()
		if err := c.Run(); err != nil {
			return 0, fmt.Errorf("%s %s: %v", filepath.Base(bin), strings.Join(args, " "), err)
		}
		times = append(times, time.Since(start))
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	return times[len(times)/2], nil
}

type lineCounter struct{ n int }

func (l *lineCounter) Write(p []byte) (int, error) {
	l.n += bytes.Count(p, []byte{'\n'})
	return len(p), nil
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

// vmHWM reads the peak resident set size, in kilobytes, from a
// /proc/PID/status file; 0 when it cannot.
func vmHWM(status string) int64 {
	b, err := os.ReadFile(status)
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb int64
			fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), &kb)
			return kb
		}
	}
	return 0
}
