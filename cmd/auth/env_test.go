package authcmd

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/cmd/cmdutil/cmdutiltest"
	"github.com/spotcli/spotcli/internal/spotifytest"
)

// snapshot is every file and directory under root, with its mode and
// content, so that a test can prove that nothing changed.
func snapshot(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		v := fi.Mode().String()
		if fi.Mode().IsRegular() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			v += " " + string(b)
		}
		out[p] = v
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// The environment's credentials are not the stored login: logout refuses,
// as login does, and changes nothing under HOME or the config directory.
func TestLogoutRefusesEnvCredentials(t *testing.T) {
	for _, k := range []string{"SPOTCLI_ACCESS_TOKEN", "SPOTCLI_REFRESH_TOKEN"} {
		t.Run(k, func(t *testing.T) {
			e := cmdutiltest.New(t)
			e.SeedFresh("default")
			if err := os.MkdirAll(os.Getenv("HOME"), 0o700); err != nil {
				t.Fatal(err)
			}
			root := filepath.Dir(e.Dir) // HOME, XDG_CONFIG_HOME and the config directory
			before := snapshot(t, root)
			e.Setenv(k, "x")
			r := e.Factory("")
			err := runLogout(context.Background(), &logoutOptions{f: r.F})
			cmdutiltest.WantCode(t, err, cmdutil.ExitError)
			if err == nil || !strings.Contains(err.Error(), k+" is set, and credentials from the environment take precedence over a stored login: unset it first") {
				t.Errorf("error %v", err)
			}
			if diff := cmp.Diff(before, snapshot(t, root)); diff != "" {
				t.Errorf("files changed (-before +after):\n%s", diff)
			}
			if e.Record("default") == nil {
				t.Error("the stored login was removed")
			}
		})
	}
}

// A pasted token's surrounding whitespace is trimmed; whitespace or a
// control character inside is a usage error naming the variable, never
// "refresh token no longer valid" (exit 4).
func TestEnvCredentialWhitespace(t *testing.T) {
	e := cmdutiltest.New(t)
	access, refresh := e.Fake.IssueTokens(cmdutiltest.ClientID, "alice", cmdutiltest.Scopes, spotifytest.FlowPKCE, time.Now())
	// setenv sets a variable of e's world for one subtest.
	setenv := func(t *testing.T, k, v string) {
		e.Setenv(k, v)
		t.Cleanup(func() { e.Setenv(k, "") })
	}

	for _, tt := range []struct{ name, key, val string }{
		{"refresh token with a newline", "SPOTCLI_REFRESH_TOKEN", refresh + "\n"},
		{"refresh token with spaces", "SPOTCLI_REFRESH_TOKEN", "  " + refresh + " \r\n"},
		{"access token with a newline", "SPOTCLI_ACCESS_TOKEN", access + "\n"},
		{"client ID with a newline", "SPOTCLI_CLIENT_ID", " " + cmdutiltest.ClientID + "\n"},
	} {
		t.Run("trimmed/"+tt.name, func(t *testing.T) {
			if tt.key == "SPOTCLI_CLIENT_ID" {
				setenv(t, "SPOTCLI_REFRESH_TOKEN", refresh)
			}
			setenv(t, tt.key, tt.val)
			r := e.Factory("")
			if err := runToken(context.Background(), &tokenOptions{f: r.F}); err != nil {
				t.Fatalf("token: %v (stderr %q)", err, r.Err)
			}
			if got := strings.TrimSpace(r.Out.String()); got == "" || strings.ContainsAny(got, " \n") {
				t.Errorf("token %q", got)
			}
		})
	}
	for _, tt := range []struct{ name, key, val, want string }{
		{"refresh token with a space inside", "SPOTCLI_REFRESH_TOKEN", refresh[:5] + " " + refresh[5:], "SPOTCLI_REFRESH_TOKEN holds whitespace"},
		{"refresh token with a tab inside", "SPOTCLI_REFRESH_TOKEN", refresh[:5] + "\t" + refresh[5:], "SPOTCLI_REFRESH_TOKEN holds whitespace"},
		{"access token with an escape", "SPOTCLI_ACCESS_TOKEN", access[:5] + "\x1b" + access[5:], "SPOTCLI_ACCESS_TOKEN holds a control character"},
		{"two tokens pasted", "SPOTCLI_ACCESS_TOKEN", access + "\n" + access, "SPOTCLI_ACCESS_TOKEN holds whitespace"},
		{"client ID with a space inside", "SPOTCLI_CLIENT_ID", "abc def", "SPOTCLI_CLIENT_ID holds whitespace"},
		{"client secret with a bell", "SPOTCLI_CLIENT_SECRET", "abc\x07def", "SPOTCLI_CLIENT_SECRET holds a control character"},
	} {
		t.Run("refused/"+tt.name, func(t *testing.T) {
			if !strings.HasPrefix(tt.key, "SPOTCLI_ACCESS") {
				setenv(t, "SPOTCLI_REFRESH_TOKEN", refresh)
			}
			setenv(t, tt.key, tt.val)
			r := e.Factory("")
			err := runToken(context.Background(), &tokenOptions{f: r.F})
			// A configuration error (auth.SettingError): exit 1, the
			// command line was right.
			cmdutiltest.WantCode(t, err, cmdutil.ExitError)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
			if strings.Contains(err.Error(), refresh) || strings.Contains(err.Error(), access) || strings.Contains(err.Error(), "abc") {
				t.Errorf("the error echoes the value: %v", err)
			}
			if r.Out.Len() != 0 {
				t.Errorf("stdout %q", r.Out)
			}
		})
	}
}
