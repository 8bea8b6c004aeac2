package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spotcli/spotcli/internal/spotifytest"
)

// exportLibrary gives the bench user playlists playlists of entries entries
// each, and liked Liked Songs.
func (e *env) exportLibrary(playlists, entries, liked int) {
	for i := range playlists {
		id := fmt.Sprintf("0BenchPlaylist%08d", i)
		e.fake.AddPlaylists("bench", spotifytest.Playlist{ID: id, Name: fmt.Sprintf("Bench %d", i), Public: true})
		e.fake.GeneratePlaylistItems(id, entries)
	}
	e.fake.GenerateLikedSongs("bench", liked)
}

// pages counts the requests an export needs: /me, the playlists' listing,
// every page of entries, and the library's pages.
func exportPages(playlists, entries, liked int) int {
	per := (entries + 49) / 50
	if per == 0 {
		per = 1
	}
	listing := max(1, (playlists+49)/50)
	// tracks, then one page each of albums, shows, episodes, artists.
	return 1 + listing + playlists*per + max(1, (liked+49)/50) + 4
}

// exportRows measure spotcli export: a cold export at concurrency 1 and 8,
// an unchanged second run, memory at 100,000 entries, and an export under
// Spotify's rolling 30-second window.
func (e *env) exportRows(row func(what, value, note string), latency time.Duration) error {
	const playlists, entries, liked = 200, 250, 2000
	pages := exportPages(playlists, entries, liked)

	if err := e.start(latency, 0); err != nil {
		return err
	}
	e.exportLibrary(playlists, entries, liked)
	// The round trip of a page of 50 entries, the page an export asks for
	// most (the bound's unit).
	rtt, err := e.roundTrip(20, "/playlists/0BenchPlaylist00000000/items?limit=50&offset=0&additional_types=track%2Cepisode")
	if err != nil {
		return err
	}
	var base time.Duration
	for _, c := range []int{1, 8} {
		load := loadAverage()
		dir := filepath.Join(e.dir, fmt.Sprintf("export-c%d", c))
		e.fake.ResetStats()
		fakeCPU := selfCPU()
		m, err := e.measure("export", dir, "--concurrency", fmt.Sprint(c))
		fakeCPU = selfCPU() - fakeCPU
		if err != nil {
			return err
		}
		st := e.fake.Stats()
		requests := total(st)
		if c == 1 {
			base = m.wall
		}
		bound := rtt * time.Duration(math.Ceil(float64(requests)/float64(c)))
		row(fmt.Sprintf("export, %d playlists × %d entries + %d Liked Songs, --concurrency %d", playlists, entries, liked, c),
			fmt.Sprintf("%s wall, %.2fx vs c=1", m.wall.Round(time.Millisecond), float64(base)/float64(m.wall)),
			fmt.Sprintf("%d requests (%d expected), peak RSS %.1f MB, CPU: spotcli %s, the fake %s; bound %s = %d pages / %d × %s round trip (%.2fx of it); load average %s → %s",
				requests, pages, m.rssMB, m.cpu.Round(10*time.Millisecond), fakeCPU.Round(10*time.Millisecond), bound.Round(time.Millisecond), requests, c, fmtDur(rtt), float64(m.wall)/float64(bound), load, loadAverage()))
	}
	// The same DIR again, nothing changed.
	e.fake.ResetStats()
	m, err := e.measure("export", filepath.Join(e.dir, "export-c8"))
	if err != nil {
		return err
	}
	st := e.fake.Stats()
	entryPages := 0
	for p, n := range st.APIRequests {
		if strings.HasPrefix(p, "/v1/playlists/") {
			entryPages += n
		}
	}
	row("same, second run into the same DIR, nothing changed", fmt.Sprintf("%s wall", m.wall.Round(time.Millisecond)),
		fmt.Sprintf("%d requests: %d entry pages, %d listing pages of /me/playlists, %d of the library",
			total(st), entryPages, st.APIRequests["/v1/me/playlists"], total(st)-entryPages-st.APIRequests["/v1/me/playlists"]-st.APIRequests["/v1/me"]))
	e.fake.Close()

	// Memory: 100,000 entries, no latency.
	if err := e.start(0, 0); err != nil {
		return err
	}
	e.exportLibrary(200, 500, 0)
	m, err = e.measure("export", filepath.Join(e.dir, "export-big"))
	if err != nil {
		return err
	}
	size := dirSize(filepath.Join(e.dir, "export-big"))
	e.fake.Close()
	row("export, 200 playlists × 500 entries (100,000), no latency", fmt.Sprintf("peak RSS %.1f MB", m.rssMB),
		fmt.Sprintf("%s wall, spotcli CPU %s, backup %.0f MB on disk", m.wall.Round(time.Millisecond), m.cpu.Round(10*time.Millisecond), float64(size)/(1<<20)))

	// Spotify's rolling 30-second window: 100 requests per 30 s for an
	// export of about 165 requests.
	const window = 100
	if err := e.start(latency, 0); err != nil {
		return err
	}
	e.fake.SetRateWindow(spotifytest.RateWindow{Requests: window, Per: 30 * time.Second})
	e.exportLibrary(30, 250, 100)
	m, err = e.measure("export", filepath.Join(e.dir, "export-window"))
	if err != nil {
		return err
	}
	st = e.fake.Stats()
	e.fake.Close()
	requests := total(st)
	answered := requests - st.RateLimited
	allowed := time.Duration(math.Ceil(float64(answered)/window)-1)*30*time.Second + rtt*time.Duration(math.Ceil(float64(answered%window+1)/8))
	row(fmt.Sprintf("export under a rolling window of %d requests per 30 s (%d pages), --concurrency 8", window, answered),
		fmt.Sprintf("%s wall, %.2fx what the window allows", m.wall.Round(100*time.Millisecond), float64(m.wall)/float64(allowed)),
		fmt.Sprintf("allowed %s; %d requests answered 429, %d sent during a Retry-After", allowed.Round(100*time.Millisecond), st.RateLimited, st.DuringRetryAfter))
	return nil
}

func total(st spotifytest.Stats) int {
	n := 0
	for _, c := range st.APIRequests {
		n += c
	}
	return n
}

func dirSize(dir string) int64 {
	var n int64
	_ = filepath.Walk(dir, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			n += info.Size()
		}
		return nil
	})
	return n
}

// loadAverage is the one-minute load average: the machine's other work,
// which the timings share two cores with.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(b))[0]
}

// selfCPU is the bench process's CPU time so far: the fake's work, mostly.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
