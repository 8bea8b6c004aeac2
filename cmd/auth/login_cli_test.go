package authcmd_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/spotcli/spotcli/internal/spotifytest"
	"github.com/spotcli/spotcli/internal/spotifytest/fixtures"
)

func TestLoginShowDialogAndScopes(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.MustRun(0, "", "login", "--show-dialog", "--scopes", "user-read-private,playlist-read-private")
	if !h.Fake.LastShowDialog() {
		t.Error("show_dialog was not sent")
	}
	if got := strings.Join(h.Record("default").Scopes, " "); got != "user-read-private playlist-read-private" && got != "playlist-read-private user-read-private" {
		t.Errorf("scopes = %q", got)
	}
}

func TestLoginStrayCallbackIsIgnored(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.Env["FAKEBROWSER_MODE"] = "stray"
	r := h.MustRun(0, "", "login")
	v := h.BrowserVisit()
	if v.StrayStatus != http.StatusBadRequest || !strings.Contains(v.StrayBody, "does not match") {
		t.Errorf("forged callback got %d %q", v.StrayStatus, v.StrayBody)
	}
	if v.Status != http.StatusOK {
		t.Errorf("the real callback after the stray one got %d", v.Status)
	}
	if h.Record("default").UserID != "alice" {
		t.Error("login did not complete after a stray callback")
	}
	_ = r
}

func TestLoginStateMismatchStoresNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.Env["FAKEBROWSER_MODE"] = "stray-only"
	r := h.MustRun(1, "", "login", "--timeout", "2s")
	if !strings.Contains(r.Stderr, "login timed out") {
		t.Errorf("stderr: %s", r.Stderr)
	}
	v := h.BrowserVisit()
	if v.Status != http.StatusBadRequest || !strings.Contains(v.Body, "does not match") {
		t.Errorf("page for a wrong state: %d %s", v.Status, v.Body)
	}
	h.NoRecord("default")
	if got := h.Fake.Stats().TokenRequests["authorization_code"]; got != 0 {
		t.Errorf("a code with a wrong state was exchanged (%d token requests)", got)
	}
}

func TestLoginDenied(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.Fake.SetConsent(spotifytest.ConsentDeny)
	r := h.MustRun(1, "", "login")
	if !strings.Contains(r.Stderr, "authorization was denied") {
		t.Errorf("stderr: %s", r.Stderr)
	}
	v := h.BrowserVisit()
	if !strings.Contains(v.Body, "Login cancelled") {
		t.Errorf("page: %s", v.Body)
	}
	h.NoRecord("default")
}

func TestLoginTimeoutReleasesPort(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	port := fixtures.FreePort(t)
	h.Env["SPOTCLI_REDIRECT_URI"] = "http://127.0.0.1:" + strconv.Itoa(port) + "/callback"
	r := h.MustRun(1, "", "login", "--no-browser", "--timeout", "1s")
	if !strings.Contains(r.Stderr, "login timed out after 1s") {
		t.Errorf("stderr: %s", r.Stderr)
	}
	if !strings.Contains(r.Stderr, "\n"+h.Fake.AccountsURL()+"/authorize?") {
		t.Errorf("--no-browser must print the URL alone on its line:\n%s", r.Stderr)
	}
	if !fixtures.PortFree(port) {
		t.Error("the callback port is still taken after the login ended")
	}
	h.NoRecord("default")
}
