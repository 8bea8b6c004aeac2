package cmd

import (
	"bytes"
	"context"
	"runtime/debug"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/spotcli/spotcli/cmd/cmdutil"
)

func TestVersionLine(t *testing.T) {
	t.Parallel()
	vcs := func(kv ...string) func() (*debug.BuildInfo, bool) {
		return func() (*debug.BuildInfo, bool) {
			bi := &debug.BuildInfo{}
			for i := 0; i < len(kv); i += 2 {
				bi.Settings = append(bi.Settings, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
			}
			return bi, true
		}
	}
	noInfo := func() (*debug.BuildInfo, bool) { return nil, false }
	tests := []struct {
		name  string
		build BuildInfo
		read  func() (*debug.BuildInfo, bool)
		want  string
	}{
		{
			name:  "release",
			build: BuildInfo{Version: "1.2.3", Commit: "abc1234", Date: "2026-11-29T10:00:00Z"},
			read:  vcs("vcs.revision", "ffffffffffffffff", "vcs.time", "2020-01-01T00:00:00Z"),
			want:  "spotcli 1.2.3 (commit abc1234, built 2026-11-29T10:00:00Z)",
		},
		{
			name:  "source build with VCS information",
			build: BuildInfo{Version: "dev"},
			read:  vcs("vcs", "git", "vcs.revision", "0123456789abcdef0123", "vcs.time", "2026-11-28T09:08:07Z", "vcs.modified", "false"),
			want:  "spotcli dev (commit 0123456, built 2026-11-28T09:08:07Z)",
		},
		{
			name:  "source build with uncommitted changes",
			build: BuildInfo{Version: "dev"},
			read:  vcs("vcs.revision", "0123456789abcdef0123", "vcs.time", "2026-11-28T09:08:07Z", "vcs.modified", "true"),
			want:  "spotcli dev (commit 0123456+dirty, built 2026-11-28T09:08:07Z)",
		},
		{
			name:  "no VCS information (go test, -buildvcs=false)",
			build: BuildInfo{Version: "dev"},
			read:  vcs("-trimpath", "true"),
			want:  "spotcli dev",
		},
		{name: "no build information", build: BuildInfo{}, read: noInfo, want: "spotcli dev"},
		{name: "version only", build: BuildInfo{Version: "1.2.3"}, read: noInfo, want: "spotcli 1.2.3"},
		{name: "commit without date", build: BuildInfo{Version: "1.2.3", Commit: "abc1234"}, read: noInfo, want: "spotcli 1.2.3 (commit abc1234)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, versionLine(tt.build, tt.read)); diff != "" {
				t.Errorf("versionLine (-want +got):\n%s", diff)
			}
		})
	}
}

// TestVersionFlagAndCommand: spotcli --version, -v and spotcli version print
// the same line on stdout, and nothing else anywhere.
func TestVersionFlagAndCommand(t *testing.T) {
	t.Parallel()
	build := BuildInfo{Version: "1.2.3", Commit: "abc1234", Date: "2026-11-29T10:00:00Z"}
	want := "spotcli 1.2.3 (commit abc1234, built 2026-11-29T10:00:00Z)\n"
	for _, args := range [][]string{{"--version"}, {"-v"}, {"version"}} {
		var out, errb bytes.Buffer
		f := NewFactory(build)
		f.In, f.Out, f.Err = &bytes.Buffer{}, &out, &errb
		f.Getenv = func(string) string { return "" }
		if code := Main(context.Background(), f, args); code != cmdutil.ExitOK {
			t.Fatalf("spotcli %v: exit %d, stderr %q", args, code, errb.String())
		}
		if diff := cmp.Diff(want, out.String()); diff != "" {
			t.Errorf("spotcli %v stdout (-want +got):\n%s", args, diff)
		}
		if errb.Len() > 0 {
			t.Errorf("spotcli %v wrote to stderr: %q", args, errb.String())
		}
	}
}

func TestVersionCommandTakesNoArguments(t *testing.T) {
	t.Parallel()
	var out, errb bytes.Buffer
	f := NewFactory(BuildInfo{Version: "1.2.3"})
	f.In, f.Out, f.Err = &bytes.Buffer{}, &out, &errb
	f.Getenv = func(string) string { return "" }
	if code := Main(context.Background(), f, []string{"version", "extra"}); code != cmdutil.ExitUsage {
		t.Fatalf("spotcli version extra: want exit %d, got %d (stderr %q)", cmdutil.ExitUsage, code, errb.String())
	}
}
