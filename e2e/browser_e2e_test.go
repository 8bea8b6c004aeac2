package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/spotcli/spotcli/internal/spotifytest"
)

// The browser tests run the real `spotcli login` with a real browser: headless
// Chromium loads the fake Spotify's consent page, a person's click on Agree or
// Cancel sends it back into spotcli's loopback server, and the test reads the
// page the person would see last.

// Environment of the chromebrowser launcher, set by the tests.
const (
	envChromeDir    = "CHROMEBROWSER_DIR"    // where it writes its results and keeps its profile
	envChromeAction = "CHROMEBROWSER_ACTION" // "agree" or "cancel": the button it clicks
	envChromePath   = "CHROME_PATH"          // the browser to run
)

// The launcher gives up well before the harness (60 s), so that spotcli's
// stderr, which it holds open, always closes.
const (
	chromeBrowserTimeout  = 40 * time.Second
	chromeBrowserWatchdog = 50 * time.Second
)

// chromeVisit is what the launcher saw, written to chromeVisitFile.
type chromeVisit struct {
	ConsentText string            `json:"consent_text"` // the consent page, as a person reads it
	URL         string            `json:"url"`          // the final page's location
	Status      int64             `json:"status"`       // of the final document
	Header      map[string]string `json:"header"`       // of the final document, canonical names
	Text        string            `json:"text"`         // the final page, as a person reads it
	HTML        string            `json:"html"`
	// Subresources are the requests the final page made besides itself.
	Subresources []string   `json:"subresources"`
	Light        pageColors `json:"light"`
	Dark         pageColors `json:"dark"`
}

// pageColors are the computed colors of the final page's body.
type pageColors struct {
	Background string `json:"background"`
	Color      string `json:"color"`
}

const (
	chromeVisitFile  = "visit.json"
	chromeConsentPNG = "consent.png"
	chromeLightPNG   = "final-light.png"
	chromeDarkPNG    = "final-dark.png"
	chromeLogFile    = "chromium.log"
	// chromeDoneFile is written when the launcher exits: spotcli does not
	// wait for its browser (nor pass it its stderr, without --debug).
	chromeDoneFile = "launcher.done"
)

// launcherDone marks the launcher's end for the test.
func launcherDone(dir string) {
	_ = os.WriteFile(filepath.Join(dir, chromeDoneFile), nil, 0o600)
}

// chromeBrowserMain is the "browser" spotcli opens in the browser tests. It
// drives headless Chromium through the login as a person would, saves what
// the final page showed into $CHROMEBROWSER_DIR, and exits. Chromium never
// outlives it.
func chromeBrowserMain() {
	// Whatever happens, exit before the harness gives up on spotcli: a stuck
	// launcher would hold spotcli's stderr open.
	dir := os.Getenv(envChromeDir)
	time.AfterFunc(chromeBrowserWatchdog, func() {
		fmt.Fprintln(os.Stderr, "chromebrowser: watchdog: giving up")
		killChromeUnder(dir)
		launcherDone(dir)
		os.Exit(3)
	})
	authorize := os.Args[len(os.Args)-1]
	if err := runChromeBrowser(dir, os.Getenv(envChromeAction), authorize); err != nil {
		fmt.Fprintln(os.Stderr, "chromebrowser:", err)
		_ = os.WriteFile(filepath.Join(dir, "launcher.err"), []byte(err.Error()), 0o600)
		abortLogin(authorize)
		launcherDone(dir)
		os.Exit(1)
	}
	launcherDone(dir)
}

// abortLogin ends the login in progress at once, as an authorization server
// reporting an error would, so that a broken browser fails the test now and
// not at spotcli's timeout. After a real answer it is ignored.
func abortLogin(authorize string) {
	au, err := url.Parse(authorize)
	if err != nil {
		return
	}
	cb, err := url.Parse(au.Query().Get("redirect_uri"))
	if err != nil || cb.Host == "" {
		return
	}
	cb.RawQuery = url.Values{
		"error":             {"server_error"},
		"error_description": {"the test browser failed, see chromebrowser's message"},
		"state":             {au.Query().Get("state")},
	}.Encode()
	c := &http.Client{Timeout: 5 * time.Second}
	if res, err := c.Get(cb.String()); err == nil {
		res.Body.Close()
	}
}

func runChromeBrowser(dir, action, authorize string) (err error) {
	if dir == "" {
		return errors.New(envChromeDir + " is not set")
	}
	buttons := map[string]string{"agree": "Agree", "cancel": "Cancel"}
	button, ok := buttons[action]
	if !ok {
		return fmt.Errorf("%s=%q: want agree or cancel", envChromeAction, action)
	}
	au, err := url.Parse(authorize)
	if err != nil {
		return fmt.Errorf("authorize URL: %w", err)
	}
	callback := au.Query().Get("redirect_uri")
	if callback == "" {
		return errors.New("the authorize URL names no redirect_uri")
	}

	profile, err := os.MkdirTemp(dir, "profile-")
	if err != nil {
		return err
	}
	// Runs last: after the browser was closed or killed.
	defer func() {
		killChromeUnder(profile)
		if rerr := os.RemoveAll(profile); err == nil && rerr != nil {
			err = rerr
		}
	}()
	logf, err := os.Create(filepath.Join(dir, chromeLogFile))
	if err != nil {
		return err
	}
	defer logf.Close()

	ctx, cancel := context.WithTimeout(context.Background(), chromeBrowserTimeout)
	defer cancel()
	allocCtx, allocCancel := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(os.Getenv(envChromePath)),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profile),
		chromedp.CombinedOutput(logf),
	)
	// Kills the browser and waits for it.
	defer allocCancel()

	// The listener runs in the tab's event loop, in the order of the events:
	// it sees the final document's response before that page's load event.
	var (
		mu       sync.Mutex
		final    *network.Response
		subs     []string
		lastURL  string
		loaded   = make(chan struct{})
		loadOnce sync.Once
	)
	listener := func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			lastURL = ev.Request.URL
			if final != nil && ev.Type != network.ResourceTypeDocument {
				subs = append(subs, ev.Request.URL)
			}
		case *network.EventResponseReceived:
			if ev.Type == network.ResourceTypeDocument && strings.HasPrefix(ev.Response.URL, callback) {
				final = ev.Response
			}
		case *page.EventLoadEventFired:
			if final != nil {
				loadOnce.Do(func() { close(loaded) })
			}
		}
	}
	tab, tabCancel := chromedp.NewContext(allocCtx, chromedp.WithListener(listener))
	defer func() {
		// Close the browser gracefully if it lets us, briefly.
		cctx, ccancel := context.WithTimeout(tab, 5*time.Second)
		defer ccancel()
		_ = chromedp.Cancel(cctx)
		tabCancel()
	}()

	if err := chromedp.Do(tab, chromedp.Navigate(authorize)); err != nil {
		return fmt.Errorf("open the authorize page: %w", err)
	}
	var v chromeVisit
	if v.ConsentText, err = chromedp.Run(tab, chromedp.Evaluate[string](`document.body.innerText`)); err != nil {
		return fmt.Errorf("read the consent page: %w", err)
	}
	consent, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
	if err != nil {
		return fmt.Errorf("screenshot the consent page: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, chromeConsentPNG), consent, 0o644); err != nil {
		return err
	}
	// The button a person sees, found by its label.
	sel := chromedp.Search(`//form//button[normalize-space(.)="` + button + `"]`)
	if err := chromedp.Do(tab, chromedp.Click(sel)); err != nil {
		return fmt.Errorf("click %s on the consent page: %w", button, err)
	}
	select {
	case <-loaded:
	case <-ctx.Done():
		mu.Lock()
		last := lastURL
		mu.Unlock()
		if u, perr := url.Parse(last); perr == nil {
			last = u.Scheme + "://" + u.Host + u.Path // no code in logs
		}
		return fmt.Errorf("the callback page did not load (last request: %s): %w", last, ctx.Err())
	}

	if v.URL, err = chromedp.Run(tab, chromedp.Location()); err != nil {
		return fmt.Errorf("read the location: %w", err)
	}
	if !strings.HasPrefix(v.URL, callback) {
		return fmt.Errorf("the final page is not spotcli's callback %s", callback)
	}
	if state, err := chromedp.Run(tab, chromedp.Evaluate[string](`document.readyState`)); err != nil || state != "complete" {
		return fmt.Errorf("the final page is not loaded (readyState %q): %v", state, err)
	}
	mu.Lock()
	v.Status = final.Status
	v.Header = map[string]string{}
	for k, val := range final.Headers {
		v.Header[http.CanonicalHeaderKey(k)] = fmt.Sprint(val)
	}
	mu.Unlock()
	if v.Text, err = chromedp.Run(tab, chromedp.Evaluate[string](`document.body.innerText`)); err != nil {
		return fmt.Errorf("read the final page: %w", err)
	}
	if v.HTML, err = chromedp.Run(tab, chromedp.Evaluate[string](`document.documentElement.outerHTML`)); err != nil {
		return fmt.Errorf("read the final page: %w", err)
	}
	for _, scheme := range []struct {
		name   string
		colors *pageColors
		png    string
	}{{"light", &v.Light, chromeLightPNG}, {"dark", &v.Dark, chromeDarkPNG}} {
		if _, err := chromedp.Call(tab, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme.name}},
		}); err != nil {
			return fmt.Errorf("emulate %s mode: %w", scheme.name, err)
		}
		if *scheme.colors, err = chromedp.Run(tab, chromedp.Evaluate[pageColors](
			`(() => { const s = getComputedStyle(document.body); return {background: s.backgroundColor, color: s.color}; })()`)); err != nil {
			return fmt.Errorf("read the %s colors: %w", scheme.name, err)
		}
		png, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
		if err != nil {
			return fmt.Errorf("screenshot in %s mode: %w", scheme.name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, scheme.png), png, 0o644); err != nil {
			return err
		}
	}
	mu.Lock()
	v.Subresources = subs
	mu.Unlock()

	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	// Renamed into place whole: the test reads it only once it is complete.
	tmp := filepath.Join(dir, chromeVisitFile+".tmp")
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, chromeVisitFile))
}

// chromeProcesses lists the processes of a Chromium whose user data directory
// is under dir. Chromium passes --user-data-dir to each of its processes.
func chromeProcesses(dir string) []int {
	if dir == "" {
		return nil
	}
	want := []byte("--user-data-dir=" + filepath.Clean(dir) + string(filepath.Separator))
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil {
			continue
		}
		for arg := range bytes.SplitSeq(cmdline, []byte{0}) {
			if bytes.HasPrefix(append(arg, filepath.Separator), want) {
				pids = append(pids, pid)
				break
			}
		}
	}
	return pids
}

// killChromeUnder kills every process of a Chromium whose user data directory
// is under dir, until none is left: a child can fork as its parent dies.
func killChromeUnder(dir string) {
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
		pids := chromeProcesses(dir)
		if len(pids) == 0 {
			return
		}
		for _, pid := range pids {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// findChromium returns the Chromium the browser tests run. Without one they
// skip, except in CI (or with SPOTCLI_TEST_BROWSER=1), where they must run.
func findChromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv(envChromePath); p != "" {
		lp, err := exec.LookPath(p)
		if err != nil {
			t.Fatalf("%s=%s: %v", envChromePath, p, err)
		}
		return lp
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if lp, err := exec.LookPath(name); err == nil {
			return lp
		}
	}
	if inCI() || os.Getenv("SPOTCLI_TEST_BROWSER") == "1" {
		t.Fatal("no chromium installed, and CI (or SPOTCLI_TEST_BROWSER=1) requires the browser tests: " +
			"run .ci/setup.sh (apt-get install chromium) or set CHROME_PATH")
	}
	t.Skip("no chromium installed: apt-get install chromium (or run scripts/test.sh)")
	return ""
}

// browserLogin runs `spotcli login` with headless Chromium clicking button on
// the fake Spotify's consent page, and returns what spotcli and the browser
// showed. Screenshots of the final page are kept as test artifacts.
func browserLogin(t *testing.T, action string) (*harness, result, chromeVisit) {
	t.Helper()
	chrome := findChromium(t)
	h := newHarness(t)
	h.fake.SetConsent(spotifytest.ConsentPage)
	dir := t.ArtifactDir()
	h.env["BROWSER"] = "chromebrowser"
	h.env[envChromeDir] = dir
	h.env[envChromeAction] = action
	h.env[envChromePath] = chrome

	start := time.Now()
	r := h.run("", "login", "--timeout", "45s")
	t.Logf("spotcli login with Chromium clicking %s took %s", action, time.Since(start).Round(time.Millisecond))
	// spotcli does not wait for its browser: wait for the launcher's end
	// (its watchdog bounds it).
	for deadline := time.Now().Add(chromeBrowserWatchdog + 10*time.Second); ; time.Sleep(50 * time.Millisecond) {
		if _, err := os.Stat(filepath.Join(dir, chromeDoneFile)); err == nil || time.Now().After(deadline) {
			break
		}
	}
	if b, err := os.ReadFile(filepath.Join(dir, "launcher.err")); err == nil {
		t.Logf("chromebrowser: %s", b)
	}
	if left := chromeProcesses(dir); len(left) > 0 {
		killChromeUnder(dir)
		t.Errorf("Chromium processes outlived the launcher: %v", left)
	}
	b, err := os.ReadFile(filepath.Join(dir, chromeVisitFile))
	if err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, chromeLogFile))
		t.Fatalf("the browser left no result (%v)\nspotcli: %s\nchromium's output:\n%s", err, r, log)
	}
	var v chromeVisit
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots (go test -artifacts keeps them): consent page %s; final page %s (light), %s (dark)",
		filepath.Join(dir, chromeConsentPNG), filepath.Join(dir, chromeLightPNG), filepath.Join(dir, chromeDarkPNG))
	return h, r, v
}

func TestBrowserLoginAgree(t *testing.T) {
	h, r, v := browserLogin(t, "agree")
	if r.code != 0 {
		t.Fatalf("login: %s", r)
	}
	if r.stdout != "" {
		t.Errorf("login wrote to stdout: %q", r.stdout)
	}
	if !strings.Contains(r.stderr, "Logged in as Alice Liddell (alice)") {
		t.Errorf("stderr lacks the logged-in line:\n%s", r.stderr)
	}
	rec := h.record("default")
	if rec.UserID != "alice" || rec.AccessToken == "" || rec.RefreshToken == "" {
		t.Errorf("stored record = %+v", rec)
	}

	// The consent page a person agreed to names the app and what it asks.
	for _, want := range append([]string{"spotcli e2e", "Agree", "Cancel"}, rec.Scopes...) {
		if !strings.Contains(v.ConsentText, want) {
			t.Errorf("the consent page does not show %q:\n%s", want, v.ConsentText)
		}
	}

	checkFinalPage(t, v)
	if v.Status != http.StatusOK || !strings.Contains(v.Text, "Logged in to spotcli") ||
		!strings.Contains(v.Text, "spotcli is now logged in to your Spotify account") {
		t.Errorf("final page (%d) does not say the login worked:\n%s", v.Status, v.Text)
	}
	if queryParam(v.URL, "code") == "" {
		t.Errorf("the final page was not reached with a code: %s", v.URL)
	}
	secrets := append(h.fake.Secrets(), queryParam(v.URL, "code"), rec.AccessToken, rec.RefreshToken)
	for _, s := range secrets {
		if s != "" && strings.Contains(v.HTML, s) {
			t.Errorf("the final page holds a secret (%d characters)", len(s))
		}
	}
}

func TestBrowserLoginCancel(t *testing.T) {
	h, r, v := browserLogin(t, "cancel")
	if r.code != 1 {
		t.Fatalf("login cancelled in the browser: want exit 1, got %s", r)
	}
	if !strings.Contains(r.stderr, "authorization was denied") {
		t.Errorf("stderr lacks the denial:\n%s", r.stderr)
	}
	h.noRecord("default")
	if got := h.fake.Stats().TokenRequests["authorization_code"]; got != 0 {
		t.Errorf("a cancelled login requested tokens (%d)", got)
	}
	if queryParam(v.URL, "error") != "access_denied" {
		t.Errorf("the final page was not reached with error=access_denied: %s", v.URL)
	}
	checkFinalPage(t, v)
	if !strings.Contains(v.Text, "Login cancelled") || !strings.Contains(v.Text, "nothing was stored") {
		t.Errorf("final page does not say the login was cancelled:\n%s", v.Text)
	}
	for _, s := range h.fake.Secrets() {
		if strings.Contains(v.HTML, s) {
			t.Errorf("the final page holds a secret (%d characters)", len(s))
		}
	}
}

// checkFinalPage checks what every final page must be: not cached, not
// leaking its address, self-contained, and readable in light and dark mode.
func checkFinalPage(t *testing.T, v chromeVisit) {
	t.Helper()
	if v.Header["Cache-Control"] != "no-store" || v.Header["Referrer-Policy"] != "no-referrer" {
		t.Errorf("final page headers: Cache-Control %q, Referrer-Policy %q", v.Header["Cache-Control"], v.Header["Referrer-Policy"])
	}
	if len(v.Subresources) != 0 {
		t.Errorf("the final page loaded other resources: %v", v.Subresources)
	}
	if v.Light.Background == v.Dark.Background {
		t.Errorf("the final page looks the same in dark mode (background %s)", v.Light.Background)
	}
	for name, c := range map[string]pageColors{"light": v.Light, "dark": v.Dark} {
		ratio, err := contrastRatio(c.Color, c.Background)
		if err != nil {
			t.Errorf("%s mode: %v", name, err)
		} else if ratio < 7 {
			t.Errorf("%s mode: text %s on %s has a contrast of %.1f:1, want at least 7:1", name, c.Color, c.Background, ratio)
		}
	}
	if !(luminanceOf(t, v.Light.Background) > 0.5 && luminanceOf(t, v.Dark.Background) < 0.1) {
		t.Errorf("want a light background in light mode and a dark one in dark mode: %s, %s", v.Light.Background, v.Dark.Background)
	}
}

func luminanceOf(t *testing.T, css string) float64 {
	t.Helper()
	l, err := luminance(css)
	if err != nil {
		t.Error(err)
	}
	return l
}

// contrastRatio is WCAG 2's contrast ratio of two opaque CSS rgb() colors.
func contrastRatio(a, b string) (float64, error) {
	la, err := luminance(a)
	if err != nil {
		return 0, err
	}
	lb, err := luminance(b)
	if err != nil {
		return 0, err
	}
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05), nil
}

// luminance is WCAG 2's relative luminance of an opaque "rgb(r, g, b)".
func luminance(css string) (float64, error) {
	inner, ok := strings.CutPrefix(css, "rgb(")
	inner, ok2 := strings.CutSuffix(inner, ")")
	parts := strings.Split(inner, ",")
	if !ok || !ok2 || len(parts) != 3 {
		return 0, fmt.Errorf("not an opaque rgb() color: %q", css)
	}
	var l float64
	for i, weight := range []float64{0.2126, 0.7152, 0.0722} {
		n, err := strconv.Atoi(strings.TrimSpace(parts[i]))
		if err != nil {
			return 0, fmt.Errorf("color %q: %v", css, err)
		}
		c := float64(n) / 255
		if c <= 0.04045 {
			c /= 12.92
		} else {
			c = math.Pow((c+0.055)/1.055, 2.4)
		}
		l += weight * c
	}
	return l, nil
}
