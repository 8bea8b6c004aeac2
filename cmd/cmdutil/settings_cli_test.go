package cmdutil_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/spotcli/spotcli/cmd/internal/clitest"
)

// Bad settings are explained; none of them loses the stored login.
func TestConfigFaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		config string
		mode   os.FileMode
		env    map[string]string
		args   []string
		code   int
		stderr string
	}{
		{name: "not YAML", config: "client_id: [unclosed\n", args: []string{"token"}, code: 1, stderr: "config file"},
		{name: "unknown keys warn", config: "colour: blue\nclient_id: " + clitest.ClientID + "\n", args: []string{"token"}, code: 0, stderr: "unknown keys ignored: colour"},
		{name: "readable client_secret", config: "client_secret: hunter2\n", mode: 0o644, args: []string{"token"}, code: 0, stderr: "chmod 600"},
		{name: "localhost redirect", env: map[string]string{"SPOTCLI_REDIRECT_URI": "http://localhost:8888/callback"}, args: []string{"login"}, code: 2, stderr: "localhost"},
		{name: "non-loopback redirect", env: map[string]string{"SPOTCLI_REDIRECT_URI": "http://10.0.0.1:8888/callback"}, args: []string{"login"}, code: 2, stderr: "loopback"},
		// spotcli warns, and Spotify refuses it with invalid_scope.
		{name: "unknown scope", args: []string{"login", "--scopes", "user-read-private,user-read-mind"}, code: 1, stderr: `unknown scope "user-read-mind"`},
		{name: "bad max_wait", env: map[string]string{"SPOTCLI_MAX_WAIT": "soon"}, args: []string{"token"}, code: 2, stderr: "invalid max_wait"},
		{name: "bad token_store", config: "token_store: cloud\n", env: map[string]string{"SPOTCLI_TOKEN_STORE": ""}, args: []string{"token"}, code: 2, stderr: "invalid token_store"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			rec := h.Seed("default", time.Now(), time.Now().Add(time.Hour))
			if tt.config != "" {
				mode := tt.mode
				if mode == 0 {
					mode = 0o600
				}
				os.MkdirAll(h.Env["SPOTCLI_CONFIG_DIR"], 0o700)
				p := h.Env["SPOTCLI_CONFIG_DIR"] + "/config.yaml"
				os.WriteFile(p, []byte(tt.config), mode)
				os.Chmod(p, mode)
			}
			for k, v := range tt.env {
				h.Env[k] = v
			}
			r := h.MustRun(tt.code, "", tt.args...)
			if !strings.Contains(r.Stderr, tt.stderr) {
				t.Errorf("want %q in stderr: %s", tt.stderr, r)
			}
			if tt.args[0] == "token" && tt.code == 0 && r.Stdout != rec.AccessToken+"\n" {
				t.Errorf("stdout: %q", r.Stdout)
			}
			if tt.args[0] != "login" {
				if got := h.Record("default"); got.RefreshToken != rec.RefreshToken {
					t.Error("the stored login changed")
				}
			}
		})
	}
}
