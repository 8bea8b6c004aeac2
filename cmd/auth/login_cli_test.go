package authcmd_test

import (
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/spotcli/spotcli/internal/spotifytest"
)

func TestLoginShowDialogAndScopes(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.mustRun(0, "", "login", "--show-dialog", "--scopes", "user-read-private,playlist-read-private")
	if !h.fake.LastShowDialog() {
		t.Error("show_dialog was not sent")
	}
	if got := strings.Join(h.record("default").Scopes, " "); got != "user-read-private playlist-read-private" && got != "playlist-read-private user-read-private" {
		t.Errorf("scopes = %q", got)
	}
}

func TestLoginStrayCallbackIsIgnored(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.env["FAKEBROWSER_MODE"] = "stray"
	r := h.mustRun(0, "", "login")
	v := h.browserVisit()
	if v.StrayStatus != http.StatusBadRequest || !strings.Contains(v.StrayBody, "does not match") {
		t.Errorf("forged callback got %d %q", v.StrayStatus, v.StrayBody)
	}
	if v.Status != http.StatusOK {
		t.Errorf("the real callback after the stray one got %d", v.Status)
	}
	if h.record("default").UserID != "alice" {
		t.Error("login did not complete after a stray callback")
	}
	_ = r
}

func TestLoginStateMismatchStoresNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.env["FAKEBROWSER_MODE"] = "stray-only"
	r := h.mustRun(1, "", "login", "--timeout", "2s")
	if !strings.Contains(r.stderr, "login timed out") {
		t.Errorf("stderr: %s", r.stderr)
	}
	v := h.browserVisit()
	if v.Status != http.StatusBadRequest || !strings.Contains(v.Body, "does not match") {
		t.Errorf("page for a wrong state: %d %s", v.Status, v.Body)
	}
	h.noRecord("default")
	if got := h.fake.Stats().TokenRequests["authorization_code"]; got != 0 {
		t.Errorf("a code with a wrong state was exchanged (%d token requests)", got)
	}
}

func TestLoginDenied(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.fake.SetConsent(spotifytest.ConsentDeny)
	r := h.mustRun(1, "", "login")
	if !strings.Contains(r.stderr, "authorization was denied") {
		t.Errorf("stderr: %s", r.stderr)
	}
	v := h.browserVisit()
	if !strings.Contains(v.Body, "Login cancelled") {
		t.Errorf("page: %s", v.Body)
	}
	h.noRecord("default")
}

// freePort finds a loopback port nobody listens on.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func portFree(port int) bool {
	ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		return false
	}
	ln.Close()
	return true
}

func TestLoginTimeoutReleasesPort(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	port := freePort(t)
	h.env["SPOTCLI_REDIRECT_URI"] = "http://127.0.0.1:" + strconv.Itoa(port) + "/callback"
	r := h.mustRun(1, "", "login", "--no-browser", "--timeout", "1s")
	if !strings.Contains(r.stderr, "login timed out after 1s") {
		t.Errorf("stderr: %s", r.stderr)
	}
	if !strings.Contains(r.stderr, "\n"+h.fake.AccountsURL()+"/authorize?") {
		t.Errorf("--no-browser must print the URL alone on its line:\n%s", r.stderr)
	}
	if !portFree(port) {
		t.Error("the callback port is still taken after the login ended")
	}
	h.noRecord("default")
}
