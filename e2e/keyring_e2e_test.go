package e2e

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"
)

// requireKeyring returns the D-Bus address of a real Secret Service, or skips
// when the test is not run under .ci/with-keyring.sh. With
// SPOTCLI_TEST_KEYRING=1 a missing Secret Service fails the test instead.
func requireKeyring(t *testing.T) string {
	t.Helper()
	addr := os.Getenv("DBUS_SESSION_BUS_ADDRESS")
	if os.Getenv("SPOTCLI_TEST_KEYRING") != "1" {
		t.Skip("real keyring tests run under a Secret Service: .ci/with-keyring.sh go test -run Keyring ./e2e")
	}
	if addr == "" {
		t.Fatal("SPOTCLI_TEST_KEYRING=1 but DBUS_SESSION_BUS_ADDRESS is not set: no Secret Service to test against")
	}
	return addr
}

func uniqueProfile(t *testing.T) string {
	b := make([]byte, 6)
	rand.Read(b)
	return "kr-" + hex.EncodeToString(b)
}

// The login lands in the OS keyring, and nothing in plain text.
func TestRealKeyringLogin(t *testing.T) {
	for _, store := range []string{"keyring", "auto"} {
		t.Run(store, func(t *testing.T) {
			addr := requireKeyring(t)
			h := newHarness(t)
			h.env["DBUS_SESSION_BUS_ADDRESS"] = addr
			h.env["SPOTCLI_TOKEN_STORE"] = store
			h.env["SPOTCLI_PROFILE"] = uniqueProfile(t)
			r := h.mustRun(0, "", "login")
			if !strings.HasSuffix(strings.TrimSpace(r.stderr), "token stored in keyring") || strings.Contains(r.stderr, "warning") {
				t.Errorf("%s", r)
			}
			h.noRecord(h.env["SPOTCLI_PROFILE"])
			tok := h.mustRun(0, "", "token")
			if len(strings.TrimSpace(tok.stdout)) < 20 {
				t.Errorf("token: %s", tok)
			}
			h.mustRun(0, "", "refresh")
			r = h.mustRun(0, "", "logout")
			if !strings.Contains(r.stderr, "removed") {
				t.Errorf("%s", r)
			}
			h.mustRun(4, "", "token")
		})
	}
}

// With no D-Bus at all, auto falls back to the file store with one warning,
// and keyring says clearly that it cannot work.
func TestKeyringUnavailable(t *testing.T) {
	h := newHarness(t)
	delete(h.env, "DBUS_SESSION_BUS_ADDRESS")
	h.env["SPOTCLI_TOKEN_STORE"] = "auto"
	r := h.mustRun(0, "", "login")
	if strings.Count(r.stderr, "warning:") != 1 || !strings.Contains(r.stderr, "no D-Bus session") || !strings.Contains(r.stderr, h.tokenPath("default")) {
		t.Errorf("%s", r)
	}
	if h.record("default").UserID != "alice" {
		t.Error("not stored in the file")
	}
	r = h.mustRun(0, "", "token")
	if r.stderr != "" {
		t.Errorf("reading from the fallback file warns: %s", r)
	}
	// logout removes the file, and says it could not reach the keyring.
	r = h.mustRun(0, "", "logout")
	if !strings.Contains(r.stderr, "was not removed") || !strings.Contains(r.stderr, "removed the stored login") {
		t.Errorf("logout without a keyring: %s", r)
	}
	h.noRecord("default")

	k := newHarness(t)
	delete(k.env, "DBUS_SESSION_BUS_ADDRESS")
	k.env["SPOTCLI_TOKEN_STORE"] = "keyring"
	r = k.mustRun(1, "", "login")
	if !strings.Contains(r.stderr, "OS keyring unavailable") || !strings.Contains(r.stderr, "no D-Bus session") {
		t.Errorf("%s", r)
	}
	k.noRecord("default")
}
