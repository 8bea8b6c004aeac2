package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spotcli/spotcli/cmd"
	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/internal/spotifytest"
)

// withLatency replaces the harness's fake by one answering after latency,
// with the same apps and user.
func (h *harness) withLatency(latency time.Duration) {
	h.t.Helper()
	fake := spotifytest.New(spotifytest.Config{Latency: latency})
	h.t.Cleanup(fake.Close)
	redirects := []string{"http://127.0.0.1/callback", "http://[::1]/callback"}
	fake.AddApp(spotifytest.App{ClientID: testClientID, Name: "spotcli e2e", RedirectURIs: redirects})
	fake.AddUser(spotifytest.User{ID: "alice", DisplayName: "Alice Liddell", Email: "alice@example.com", Country: "GB", Product: "premium"})
	fake.SetCurrentUser("alice")
	h.fake = fake
	h.env["SPOTCLI_ACCOUNTS_URL"] = fake.AccountsURL()
	h.env["SPOTCLI_API_URL"] = fake.APIURL()
}

// addExportLibrary gives alice n playlists of 0 to 299 entries, Liked
// Songs and followed artists; it returns the playlists' IDs.
func (h *harness) addExportLibrary(n int) []string {
	var ids []string
	for i := range n {
		id := fmt.Sprintf("0ExportPlaylist%07d", i)
		h.fake.AddPlaylists("alice", spotifytest.Playlist{ID: id, Name: fmt.Sprintf("Mix %d", i), Public: true})
		h.fake.GeneratePlaylistItems(id, i*37%300)
		ids = append(ids, id)
	}
	h.fake.GenerateLikedSongs("alice", 230)
	h.fake.GenerateFollowedArtists("alice", 70)
	return ids
}

type exportManifest struct {
	Version   int
	Playlists []struct {
		ID, File, Status string
		SnapshotID       string `json:"snapshot_id"`
		Items            int
	}
	Library map[string]struct {
		File  string
		Items int
	}
}

// checkBackup checks that every file the manifest names is complete and holds
// what the manifest says, and that no file under a final name is partial.
// It returns the playlists whose file is complete.
func checkBackup(t *testing.T, dir string) map[string]bool {
	t.Helper()
	complete := map[string]bool{}
	files, _ := filepath.Glob(filepath.Join(dir, "playlists", "*.json"))
	lib, _ := filepath.Glob(filepath.Join(dir, "library", "*.json"))
	counts := map[string]int{}
	for _, f := range append(files, lib...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var v struct {
			Playlist *struct{ ID string }
			Items    []json.RawMessage
		}
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("%s is not complete: %v", f, err)
		}
		rel, _ := filepath.Rel(dir, f)
		counts[rel] = len(v.Items)
		if v.Playlist != nil {
			complete[v.Playlist.ID] = true
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if os.IsNotExist(err) {
		return complete
	}
	var m exportManifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("manifest.json is not complete: %v", err)
	}
	for _, p := range m.Playlists {
		if n, ok := counts[p.File]; p.File != "" && (!ok || n != p.Items) {
			t.Errorf("manifest names %s with %d items: the file has %d (exists: %v)", p.File, p.Items, n, ok)
		}
	}
	for k, e := range m.Library {
		if n, ok := counts[e.File]; !ok || n != e.Items {
			t.Errorf("manifest names %s (%s) with %d items: the file has %d (exists: %v)", e.File, k, e.Items, n, ok)
		}
	}
	return complete
}

// TestExportKill9 kills the real binary at random moments of an export, then
// checks that DIR is consistent and that the next run fetches nothing again
// that was complete; the last run finishes the backup.
func TestExportKill9(t *testing.T) {
	h := newHarness(t)
	h.withLatency(8 * time.Millisecond)
	h.loginWith(testClientID, libraryScopes)
	ids := h.addExportLibrary(50)
	dir := filepath.Join(h.dir, "backup")

	// A whole export, process start included, into another DIR: the kills
	// fall anywhere in one, however loaded the machine is.
	start := time.Now()
	h.mustRun(0, "", "export", filepath.Join(h.dir, "scratch"))
	whole := time.Since(start)
	h.fake.ResetStats()

	complete := map[string]bool{}
	for round := range 6 {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		c := h.command(ctx, "export", dir)
		var stderr bytes.Buffer
		c.Stderr = &stderr
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rand.Int64N(int64(whole))))
		_ = c.Process.Signal(syscall.SIGKILL)
		err := c.Wait()
		cancel()
		if err == nil {
			t.Logf("round %d: the export finished before the kill", round)
		}
		for id := range entryRequestsE2E(h.fake.Stats()) {
			if complete[id] {
				t.Errorf("round %d: %s was complete and was fetched again", round, id)
			}
		}
		complete = checkBackup(t, dir)
		t.Logf("round %d: %d of %d playlists complete", round, len(complete), len(ids))
		h.fake.ResetStats()
	}
	r := h.mustRun(0, "", "export", dir)
	for id := range entryRequestsE2E(h.fake.Stats()) {
		if complete[id] {
			t.Errorf("last run: %s was complete and was fetched again", id)
		}
	}
	if got := checkBackup(t, dir); len(got) != len(ids) {
		t.Errorf("%d of %d playlists in the finished backup\n%s", len(got), len(ids), r)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*", ".spotcli-tmp-*")); len(left) > 0 {
		t.Errorf("temporary files left after a complete run: %v", left)
	}
}

func entryRequestsE2E(st spotifytest.Stats) map[string]int {
	out := map[string]int{}
	for path, n := range st.APIRequests {
		if id, ok := strings.CutPrefix(path, "/v1/playlists/"); ok {
			out[strings.TrimSuffix(id, "/items")] += n
		}
	}
	return out
}

// TestExportOutput: in a pipe, one summary line (none with --quiet); a
// skipped playlist is counted and is no error; a second run fetches no entries.
func TestExportOutput(t *testing.T) {
	h := newHarness(t)
	h.loginLibrary()
	h.addExportLibrary(3)
	h.fake.AddUser(spotifytest.User{ID: "bob", DisplayName: "Bob"})
	h.fake.AddPlaylists("bob", spotifytest.Playlist{ID: "0BobsPlaylist000000001", Name: "Bob's", Public: true})
	h.fake.AddPlaylists("alice", spotifytest.Playlist{ID: "0BobsPlaylist000000001", Name: "Bob's", OwnerID: "bob", Public: true})
	dir := filepath.Join(h.dir, "backup")

	r := h.mustRun(0, "", "export", dir, "--csv")
	lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
	if r.stdout != "" || len(lines) != 1 || strings.Contains(r.stderr, "\r") ||
		!strings.HasPrefix(lines[0], "exported 4 playlists to "+dir+" (3 fetched, 1 skipped), 111 entries; library: tracks 230, albums 0, shows 0, episodes 0, artists 70; ") ||
		!strings.HasSuffix(lines[0], "; 1 playlist skipped: Spotify refuses their entries (see manifest.json)") {
		t.Errorf("first run: %s", r)
	}
	for _, f := range []string{"manifest.json", "playlists/0ExportPlaylist0000001.csv", "library/tracks.csv", "library/artists.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	h.fake.ResetStats()
	r = h.mustRun(0, "", "export", dir, "--quiet")
	if r.stderr != "" || r.stdout != "" {
		t.Errorf("--quiet: %s", r)
	}
	if got := entryRequestsE2E(h.fake.Stats()); len(got) != 0 {
		t.Errorf("entry requests in an unchanged run: %v", got)
	}
	r = h.mustRun(0, "", "export", dir, "--only", "playlists")
	if !strings.Contains(r.stderr, "(3 unchanged, 1 skipped)") || strings.Contains(r.stderr, "library:") {
		t.Errorf("--only playlists: %s", r)
	}
	r = h.mustRun(2, "", "export", dir, "--only", "tracks,podcasts")
	if !strings.Contains(r.stderr, `--only: unknown part "podcasts": choose from playlists, tracks, albums, shows, episodes, artists`) {
		t.Errorf("bad --only: %s", r)
	}
	h.mustRun(2, "", "export")
}

// TestExportProgressOnTerminal: the live line is drawn on a terminal only
// (script(1) gives spotcli one), and cleared before the summary.
func TestExportProgressOnTerminal(t *testing.T) {
	if out, err := exec.Command("script", "--version").CombinedOutput(); err != nil || !strings.Contains(string(out), "util-linux") {
		skipUnlessCI(t, "needs script(1) from util-linux to run spotcli on a terminal")
	}
	h := newHarness(t)
	h.withLatency(5 * time.Millisecond)
	h.loginWith(testClientID, libraryScopes)
	h.addExportLibrary(20)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c := exec.CommandContext(ctx, "script", "-qec", "spotcli export backup", "/dev/null")
	c.Env = h.environ()
	c.Dir = h.dir
	out, err := c.Output()
	if err != nil {
		t.Fatalf("spotcli on a terminal: %v\n%s", err, out)
	}
	got := string(out)
	if !strings.Contains(got, "\r\x1b[Kexporting: ") || !strings.Contains(got, " of 20 playlists, ") || !strings.Contains(got, " elapsed") {
		t.Errorf("no progress line on a terminal: %q", got)
	}
	if !strings.Contains(got, "\r\x1b[Kexported 20 playlists to backup") {
		t.Errorf("the progress line is not cleared before the summary: %q", got)
	}
}

// TestExportUnwritableDir: a clear error, no request for entries, and the
// previous backup intact.
func TestExportUnwritableDir(t *testing.T) {
	h := newHarness(t)
	h.loginWith(testClientID, libraryScopes)
	h.addExportLibrary(2)
	file := filepath.Join(h.dir, "afile")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := h.mustRun(1, "", "export", filepath.Join(file, "backup"))
	if !strings.Contains(r.stderr, "spotcli: write "+filepath.Join(file, "backup")+": not a directory (the previous backup there is intact)") {
		t.Errorf("%s", r)
	}
	if os.Geteuid() == 0 {
		return // root writes in read-only directories; internal/export tests EROFS
	}
	dir := filepath.Join(h.dir, "backup")
	h.mustRun(0, "", "export", dir)
	before := readTree(t, dir)
	h.fake.GeneratePlaylistItems("0ExportPlaylist0000001", 5)
	for _, d := range []string{dir, filepath.Join(dir, "playlists"), filepath.Join(dir, "library")} {
		if err := os.Chmod(d, 0o555); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = os.Chmod(d, 0o755) })
	}
	r = h.mustRun(1, "", "export", dir)
	if !strings.Contains(r.stderr, "permission denied: choose a directory you can write to (the previous backup there is intact)") {
		t.Errorf("%s", r)
	}
	if after := readTree(t, dir); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("the backup changed")
	}
}

func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			out[p] = string(b)
		}
		return err
	})
	return out
}

// TestExportDocsExamples runs, as written, every example of docs/export.md
// and of spotcli export's and spotcli library's --help, in order, against a
// library with a playlist gone from the account.
func TestExportDocsExamples(t *testing.T) {
	h := newHarness(t)
	h.loginWith(testClientID, libraryScopes)
	ids := h.addExportLibrary(4)
	h.addLibrary()
	b, err := os.ReadFile(filepath.Join("..", "docs", "export.md"))
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, block := range strings.Split(string(b), "```sh\n")[1:] {
		body, _, _ := strings.Cut(block, "```")
		lines = append(lines, strings.Split(strings.TrimSpace(body), "\n")...)
	}
	root := cmd.NewRootCmd(cmdutil.NewFactory(cmdutil.BuildInfo{Version: "dev"}))
	for _, name := range []string{"export", "library"} {
		c, _, err := root.Find([]string{name})
		if err != nil || c.Example == "" {
			t.Fatalf("spotcli %s has no examples: %v", name, err)
		}
		for _, l := range strings.Split(c.Example, "\n") {
			lines = append(lines, strings.TrimSpace(l))
		}
	}
	if len(lines) < 8 {
		t.Fatalf("only %d examples found", len(lines))
	}
	removed := false
	for _, line := range lines {
		if strings.Contains(line, "select(.status") && !removed {
			// The manifest's second example needs a removed playlist.
			h.fake.RemovePlaylist("alice", ids[1])
			h.mustRun(0, "", "export", filepath.Join(h.env["HOME"], "spotify-backup"), "--quiet")
			removed = true
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		c := exec.CommandContext(ctx, "sh", "-ec", line)
		c.Env = h.environ()
		c.Dir = h.dir
		out, err := c.CombinedOutput()
		cancel()
		if err != nil {
			t.Errorf("%s: %v\n%s", line, err, out)
			continue
		}
		if strings.HasPrefix(line, "jq") && len(bytes.TrimSpace(out)) == 0 {
			t.Errorf("%s printed nothing", line)
		}
	}
	if !removed {
		t.Error("the example of removed playlists was not run")
	}
}

// TestExportInterrupt: Ctrl-C stops the export with exit 130, removes its
// temporary files and leaves a consistent backup that the next run finishes.
func TestExportInterrupt(t *testing.T) {
	h := newHarness(t)
	h.withLatency(8 * time.Millisecond)
	h.loginWith(testClientID, libraryScopes)
	ids := h.addExportLibrary(30)
	dir := filepath.Join(h.dir, "backup")
	start := time.Now()
	h.mustRun(0, "", "export", filepath.Join(h.dir, "scratch"))
	whole := time.Since(start)

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c := h.command(ctx, "export", dir)
	var stderr bytes.Buffer
	c.Stderr = &stderr
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(whole * 2 / 3)
	_ = c.Process.Signal(os.Interrupt)
	err := c.Wait()
	if ee, ok := err.(*exec.ExitError); ok {
		if ee.ExitCode() != 130 || !strings.Contains(stderr.String(), "spotcli: interrupted") {
			t.Errorf("exit %d, stderr %q", ee.ExitCode(), stderr.String())
		}
	} else if err != nil {
		t.Fatal(err)
	} else {
		t.Log("the export finished before the interrupt")
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*", ".spotcli-tmp-*")); len(left) > 0 {
		t.Errorf("temporary files left after Ctrl-C: %v", left)
	}
	complete := checkBackup(t, dir)
	h.fake.ResetStats()
	h.mustRun(0, "", "export", dir)
	for id := range entryRequestsE2E(h.fake.Stats()) {
		if complete[id] {
			t.Errorf("%s was complete and was fetched again", id)
		}
	}
	if got := checkBackup(t, dir); len(got) != len(ids) {
		t.Errorf("%d of %d playlists after the rerun", len(got), len(ids))
	}
}
