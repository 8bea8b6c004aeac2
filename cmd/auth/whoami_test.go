package authcmd

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/cmd/cmdutil/cmdutiltest"
	"github.com/spotcli/spotcli/internal/spotifytest"
)

func TestNewWhoamiCmd(t *testing.T) {
	t.Parallel()
	var got *whoamiOptions
	if err := parse(t, NewWhoamiCmd(&cmdutil.Factory{}, func(_ context.Context, o *whoamiOptions) error { got = o; return nil }), "--json"); err != nil || !got.JSON {
		t.Fatalf("err %v, options %+v", err, got)
	}
	wantCode(t, parse(t, NewWhoamiCmd(&cmdutil.Factory{}, nil), "alice"), cmdutil.ExitUsage)
}

func TestRunWhoami(t *testing.T) {
	t.Parallel()
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
	if !strings.HasSuffix(lines[8], "s)") || !strings.Contains(lines[8], " (in ") {
		t.Errorf("expiry line %q", lines[8])
	}
	if r.Err.Len() != 0 {
		t.Errorf("stderr %q", r.Err)
	}
}

func TestRunWhoamiJSON(t *testing.T) {
	t.Parallel()
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
	t.Parallel()
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
	t.Parallel()
	e := cmdutiltest.New(t)
	r := e.Factory("")
	err := runWhoami(context.Background(), &whoamiOptions{f: r.F})
	wantCode(t, err, cmdutil.ExitLogin)
	if r.Out.Len() != 0 || len(e.Fake.Stats().APIRequests) != 0 {
		t.Errorf("stdout %q, requests %v", r.Out, e.Fake.Stats().APIRequests)
	}
}
