package cmd

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/spotcli/spotcli/internal/auth"

	"github.com/spotcli/spotcli/cmd/cmdutil"
)

// BenchmarkStartup measures the in-process part of a run: building the
// command tree, parsing flags, loading settings and, for token, reading the
// stored login. Process start-up is measured by go run ./bench.
func BenchmarkStartup(b *testing.B) {
	dir := b.TempDir()
	rec := &auth.Record{AccessToken: "at", RefreshToken: "rt", ClientID: "c", Flow: auth.FlowPKCE,
		ExpiresAt: time.Now().Add(time.Hour), LoggedInAt: time.Now()}
	enc, _ := rec.Encode()
	os.MkdirAll(filepath.Join(dir, "tokens"), 0o700)
	os.WriteFile(filepath.Join(dir, "tokens", "default.json"), enc, 0o600)
	env := map[string]string{"SPOTCLI_CONFIG_DIR": dir, "SPOTCLI_TOKEN_STORE": "file", "SPOTCLI_CLIENT_ID": "c"}
	for _, args := range [][]string{{"--version"}, {"token"}} {
		b.Run(args[0], func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var out, errb bytes.Buffer
				f := &cmdutil.Factory{In: &bytes.Buffer{}, Out: &out, Err: &errb, Getenv: func(k string) string { return env[k] }, Now: time.Now,
					StdoutTTY: func() bool { return false }, TermWidth: func() int { return 80 }}
				if code := Main(context.Background(), f, args); code != 0 {
					b.Fatalf("exit %d: %s", code, errb.String())
				}
			}
		})
	}
}
