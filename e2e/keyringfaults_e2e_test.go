package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// hangingSecretsMain owns org.freedesktop.secrets on the session bus and
// never answers, as a Secret Service stuck on an unlock prompt does. It writes
// the file named by its argument once it owns the name.
func hangingSecretsMain() {
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		fmt.Fprintln(os.Stderr, "hangingsecrets:", err)
		os.Exit(1)
	}
	// Without an export, method calls get no reply at all; D-Bus' own
	// timeout is 25 s.
	reply, err := conn.RequestName("org.freedesktop.secrets", dbus.NameFlagDoNotQueue)
	if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		fmt.Fprintln(os.Stderr, "hangingsecrets: cannot own org.freedesktop.secrets:", err, reply)
		os.Exit(1)
	}
	conn.Eavesdrop(make(chan *dbus.Message, 1024)) // swallow every call
	if err := os.WriteFile(os.Args[1], nil, 0o600); err != nil {
		os.Exit(1)
	}
	<-conn.Context().Done() // the bus is gone: the session ended
}

// A bus configuration with no service directories: nothing can be
// activated, so no Secret Service exists on it.
const bareBusConfig = `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`

// Each way a Linux keyring fails: with token_store=auto the login goes to
// the file store with one warning; with token_store=keyring the error says
// what is wrong, and nothing is stored.
func TestKeyringFaults(t *testing.T) {
	if _, err := exec.LookPath("dbus-run-session"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("dbus-run-session is missing: .ci/setup.sh installs dbus")
		}
		t.Skip("no dbus-run-session: apt-get install dbus (or run scripts/test.sh)")
	}
	tests := []struct {
		name string
		// script runs inside the D-Bus session; $SPOTCLI is the command.
		script  string
		bare    bool
		keyring string // what the error names
	}{
		{name: "no secret service on the bus", bare: true, script: `$SPOTCLI`, keyring: "org.freedesktop.secrets"},
		{name: "no unlocked collection", script: `$SPOTCLI`, keyring: "unlock"},
		{name: "a keyring that never answers", bare: true, script: `hangingsecrets "$READY" & for i in $(seq 200); do [ -e "$READY" ] && break; sleep 0.05; done; $SPOTCLI`, keyring: "no answer within 1s"},
	}
	for _, tt := range tests {
		for _, store := range []string{"auto", "keyring"} {
			t.Run(tt.name+"/"+store, func(t *testing.T) {
				t.Parallel()
				h := newHarness(t)
				h.env["SPOTCLI_TOKEN_STORE"] = store
				h.env["SPOTCLI_KEYRING_TIMEOUT"] = "1s"
				h.env["READY"] = filepath.Join(h.dir, "ready")
				h.env["XDG_DATA_HOME"] = filepath.Join(h.dir, "data")
				h.env["XDG_RUNTIME_DIR"] = filepath.Join(h.dir, "runtime")
				os.MkdirAll(h.env["XDG_RUNTIME_DIR"], 0o700)
				args := []string{}
				if tt.bare {
					cfg := filepath.Join(h.dir, "bus.conf")
					os.WriteFile(cfg, []byte(bareBusConfig), 0o600)
					args = append(args, "--config-file="+cfg)
				}
				run := func(spotcli string) result {
					h.env["SPOTCLI"] = spotcli
					return h.runProgram("dbus-run-session", append(args, "--", "sh", "-c", tt.script)...)
				}
				r := run("spotcli login")
				if store == "keyring" {
					if r.code != 1 || !strings.Contains(r.stderr, "OS keyring unavailable") || !strings.Contains(r.stderr, tt.keyring) {
						t.Errorf("want exit 1 naming the keyring problem (%q): %s", tt.keyring, r)
					}
					h.noRecord("default")
					return
				}
				if r.code != 0 || strings.Count(r.stderr, "warning:") != 1 || !strings.Contains(r.stderr, tt.keyring) || !strings.Contains(r.stderr, h.tokenPath("default")) {
					t.Errorf("want the file store with one warning naming the problem (%q): %s", tt.keyring, r)
				}
				if rec := h.record("default"); rec.UserID != "alice" {
					t.Errorf("stored %+v", rec)
				}
				if r := run("spotcli token"); r.code != 0 || r.stdout != h.record("default").AccessToken+"\n" {
					t.Errorf("token from the fallback file: %s", r)
				}
			})
		}
	}
}

// runProgram runs another program with the harness's environment.
func (h *harness) runProgram(name string, args ...string) result {
	h.t.Helper()
	c := exec.Command(name, args...)
	c.Env = h.environ()
	c.Dir = h.dir
	var out, errb strings.Builder
	c.Stdout, c.Stderr = &out, &errb
	done := make(chan error, 1)
	if err := c.Start(); err != nil {
		h.t.Fatal(err)
	}
	go func() { done <- c.Wait() }()
	select {
	case err := <-done:
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			h.t.Fatal(err)
		}
		return result{stdout: out.String(), stderr: errb.String(), code: code}
	case <-time.After(60 * time.Second):
		c.Process.Kill()
		h.t.Fatalf("%s %v did not end within 60 s", name, args)
		return result{}
	}
}
