package e2e

import (
	"strings"
	"testing"
)

// TestBrowserChatterOnlyWithDebug: what the browser (or xdg-open) prints
// is not spotcli's to show: it reaches the user only with --debug, and
// stdout never. The fake browser prints "fakebrowser: opening the page".
func TestBrowserChatterOnlyWithDebug(t *testing.T) {
	h := newHarness(t)
	r := h.mustRun(0, "", "login")
	if strings.Contains(r.stderr, "fakebrowser") || strings.Contains(r.stdout, "fakebrowser") {
		t.Errorf("the browser's output reached the user without --debug:\n%s", r)
	}
	if !strings.Contains(r.stderr, "Logged in as Alice Liddell (alice)") {
		t.Errorf("login: %s", r)
	}
	r = h.mustRun(0, "", "login", "--debug")
	if !strings.Contains(r.stderr, "fakebrowser: opening the page") {
		t.Errorf("--debug does not show the browser's output:\n%s", r)
	}
	if strings.Contains(r.stdout, "fakebrowser") {
		t.Errorf("the browser's output reached stdout:\n%s", r)
	}
}

// TestPlainTextWarningOncePerProfile: with token_store auto and no
// keyring, the login goes to a plain-text file with a warning, once per
// profile (docs/headless.md: "says so once"), not at every login.
func TestPlainTextWarningOncePerProfile(t *testing.T) {
	h := newHarness(t)
	delete(h.env, "DBUS_SESSION_BUS_ADDRESS")
	h.env["SPOTCLI_TOKEN_STORE"] = "auto"
	if r := h.mustRun(0, "", "login"); strings.Count(r.stderr, "plain text in") != 1 {
		t.Fatalf("first login: want one plain-text warning:\n%s", r)
	}
	h.mustRun(0, "", "logout")
	if r := h.mustRun(0, "", "login"); strings.Contains(r.stderr, "warning") {
		t.Errorf("the second login warns again:\n%s", r)
	}
	if r := h.mustRun(0, "", "login", "--profile", "work"); strings.Count(r.stderr, "plain text in") != 1 {
		t.Errorf("another profile's first login: want its warning:\n%s", r)
	}
}

// TestLogoutFileStoreNoKeyringWarning: with token_store file, logout says
// nothing about a keyring that does not answer: that store never holds the
// login.
func TestLogoutFileStoreNoKeyringWarning(t *testing.T) {
	h := newHarness(t)
	delete(h.env, "DBUS_SESSION_BUS_ADDRESS")
	h.loginAlice()
	r := h.mustRun(0, "", "logout")
	if strings.Contains(r.stderr, "keyring") || strings.Contains(r.stderr, "warning") {
		t.Errorf("logout with token_store file warns about the keyring:\n%s", r)
	}
	h.noRecord("default")
	// With token_store auto the keyring is in use, and its silence worth
	// a word.
	h.loginAlice()
	h.env["SPOTCLI_TOKEN_STORE"] = "auto"
	if r := h.mustRun(0, "", "logout"); !strings.Contains(r.stderr, "keyring") {
		t.Errorf("logout with token_store auto does not say the keyring was not reached:\n%s", r)
	}
}
