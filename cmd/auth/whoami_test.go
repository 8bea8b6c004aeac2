package authcmd

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/cmd/cmdutil/cmdutiltest"
	"github.com/spotcli/spotcli/internal/spotifytest"
)

func TestNewWhoamiCmd(t *testing.T) {
	var got *whoamiOptions
	if err := parse(t, NewWhoamiCmd(&cmdutil.Factory{}, func(_ context.Context, o *whoamiOptions) error { got = o; return nil }), "--json"); err != nil || !got.JSON {
		t.Fatalf("err %v, options %+v", err, got)
	}
	wantCode(t, parse(t, NewWhoamiCmd(&cmdutil.Factory{}, nil), "alice"), cmdutil.ExitUsage)
}

func TestRunWhoami(t *testing.T) {
	e := cmdutiltest.New(t)
	e.SeedFresh("default")
	r := e.Factory("")
	if err := runWhoami(context.Background(), &whoamiOptions{f: r.F}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(r.Out.String(), "\n"), "\n")
	want := []string{
		"Name:      Alice Liddell",
		"ID:        alice",
		"Email:     alice@example.com",
		"Country:   GB",
		"Product:   premium",
		"Profile:   default",
		"Stored in: file (plain text) " + e.TokenPath("default"),
		"Flow:      PKCE (Authorization Code, no client secret)",
		"Client ID: " + cmdutiltest.ClientID,
		"Config:    " + filepath.Join(e.Dir, "config.yaml") + " (does not exist; spotcli config set creates it)",
		"Scopes:    " + strings.Join(cmdutiltest.Scopes, " "),
		"Expires:   ",
	}
	if len(lines) != len(want) {
		t.Fatalf("whoami:\n%s", r.Out)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d = %q, want %q", i+1, lines[i], w)
		}
	}
	if last := lines[len(lines)-1]; !strings.HasSuffix(last, "s)") || !strings.Contains(last, " (in ") {
		t.Errorf("expiry line %q", last)
	}
	if r.Err.Len() != 0 {
		t.Errorf("stderr %q", r.Err)
	}
}

func TestRunWhoamiJSON(t *testing.T) {
	e := cmdutiltest.New(t)
	e.SeedFresh("default")
	r := e.Factory("")
	if err := runWhoami(context.Background(), &whoamiOptions{f: r.F, JSON: true}); err != nil {
		t.Fatal(err)
	}
	var me map[string]any
	if err := json.Unmarshal(r.Out.Bytes(), &me); err != nil || me["id"] != "alice" || me["display_name"] != "Alice Liddell" {
		t.Fatalf("%v: %s", err, r.Out)
	}
	if strings.Count(r.Out.String(), "\n") != 1 {
		t.Errorf("not one line, as Spotify sent it: %q", r.Out)
	}
}

func TestRunWhoamiEnvironment(t *testing.T) {
	e := cmdutiltest.New(t)
	access, _ := e.Fake.IssueTokens(cmdutiltest.ClientID, "alice", nil, spotifytest.FlowPKCE, time.Now())
	e.Setenv("SPOTCLI_ACCESS_TOKEN", access)
	r := e.Factory("")
	if err := runWhoami(context.Background(), &whoamiOptions{f: r.F}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Stored in: environment (SPOTCLI_ACCESS_TOKEN)\n",
		"Expires:   unknown (the token comes from SPOTCLI_ACCESS_TOKEN)\n",
	} {
		if !strings.Contains(r.Out.String(), want) {
			t.Errorf("whoami lacks %q:\n%s", want, r.Out)
		}
	}
}

func TestRunWhoamiNotLoggedIn(t *testing.T) {
	e := cmdutiltest.New(t)
	r := e.Factory("")
	err := runWhoami(context.Background(), &whoamiOptions{f: r.F})
	wantCode(t, err, cmdutil.ExitLogin)
	if r.Out.Len() != 0 || len(e.Fake.Stats().APIRequests) != 0 {
		t.Errorf("stdout %q, requests %v", r.Out, e.Fake.Stats().APIRequests)
	}
}
