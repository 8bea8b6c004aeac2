package authcmd

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/cmd/cmdutil/cmdutiltest"
	"github.com/spotcli/spotcli/internal/spotifytest"
)

func TestNewWhoamiCmd(t *testing.T) {
	tests := []struct {
		name string
		args []string
		json bool
		code int
	}{
		{name: "no flags", json: false},
		{name: "--json", args: []string{"--json"}, json: true},
		{name: "an argument", args: []string{"alice"}, code: cmdutil.ExitUsage},
		{name: "an argument, not a name", args: []string{"extra"}, code: cmdutil.ExitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *whoamiOptions
			err := cmdutiltest.Parse(t, NewWhoamiCmd(&cmdutil.Factory{}, func(_ context.Context, o *whoamiOptions) error { got = o; return nil }), tt.args...)
			if tt.code != cmdutil.ExitOK {
				if err == nil {
					t.Fatal("an argument was accepted")
				}
				cmdutiltest.WantCode(t, err, tt.code)
				return
			}
			if err != nil || got.JSON != tt.json {
				t.Fatalf("err %v, options %+v", err, got)
			}
		})
	}
}

// TestRunWhoami: every line of whoami, for a stored login (whose lines
// start as want says: the expiry moves) and for an access token from the
// environment (exactly).
func TestRunWhoami(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(e *cmdutiltest.Env)
		want   func(e *cmdutiltest.Env) []string
		prefix bool // a line need only start with its want
	}{
		{name: "stored login", setup: func(e *cmdutiltest.Env) { e.SeedFresh("default") }, prefix: true,
			want: func(e *cmdutiltest.Env) []string {
				return []string{
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
			}},
		{name: "access token from the environment",
			setup: func(e *cmdutiltest.Env) {
				access, _ := e.Fake.IssueTokens(cmdutiltest.ClientID, "alice", nil, spotifytest.FlowPKCE, time.Now())
				e.Setenv("SPOTCLI_ACCESS_TOKEN", access)
			},
			want: func(*cmdutiltest.Env) []string {
				return []string{
					"Name:      Alice Liddell",
					"ID:        alice",
					"Profile:   default",
					"Stored in: environment (SPOTCLI_ACCESS_TOKEN)",
					"Flow:      unknown (the token comes from SPOTCLI_ACCESS_TOKEN)",
					"Client ID: " + cmdutiltest.ClientID,
					"Config:    none read (credentials from the environment)",
					"Scopes:    unknown (the token comes from SPOTCLI_ACCESS_TOKEN)",
					"Expires:   unknown (the token comes from SPOTCLI_ACCESS_TOKEN)",
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdutiltest.New(t)
			tt.setup(e)
			r := e.Factory("")
			if err := runWhoami(context.Background(), &whoamiOptions{f: r.F}); err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSuffix(r.Out.String(), "\n"), "\n")
			want := tt.want(e)
			if len(lines) != len(want) {
				t.Fatalf("whoami:\n%s", r.Out)
			}
			for i, w := range want {
				if lines[i] != w && !(tt.prefix && strings.HasPrefix(lines[i], w)) {
					t.Errorf("line %d = %q, want %q", i+1, lines[i], w)
				}
			}
			if last := lines[len(lines)-1]; tt.prefix && (!strings.HasSuffix(last, "s)") || !strings.Contains(last, " (in ")) {
				t.Errorf("expiry line %q", last)
			}
			if r.Err.Len() != 0 {
				t.Errorf("stderr %q", r.Err)
			}
		})
	}
}

// TestRunWhoamiJSON: --json prints /v1/me as Spotify sent it, on one line,
// for a stored login and for recorded answers.
func TestRunWhoamiJSON(t *testing.T) {
	t.Run("stored login", func(t *testing.T) {
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
	})
	for _, name := range []string{
		"zmb3-spotify/current_user_display_name_null.json",
		"watsonbox-exportify/me.json",
		"joostlek-python-spotify/current_user.json",
	} {
		t.Run(name, func(t *testing.T) {
			e := cmdutiltest.WithToken(t, cmdutiltest.Options{})
			e.Fake.ServeRecorded("/v1/me", name)
			if err := runWhoami(context.Background(), &whoamiOptions{f: e.F, JSON: true}); err != nil {
				t.Fatal(err)
			}
			// As Spotify sent it, every field in its order; compact,
			// stdout being no terminal.
			raw, _ := spotifytest.Recorded(name)
			var want bytes.Buffer
			if err := json.Compact(&want, raw); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want.String()+"\n", e.Out.String()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestRunWhoamiNotLoggedIn(t *testing.T) {
	t.Parallel()
	e := cmdutiltest.New(t)
	r := e.Factory("")
	err := runWhoami(context.Background(), &whoamiOptions{f: r.F})
	cmdutiltest.WantCode(t, err, cmdutil.ExitLogin)
	if r.Out.Len() != 0 || len(e.Fake.Stats().APIRequests) != 0 {
		t.Errorf("stdout %q, requests %v", r.Out, e.Fake.Stats().APIRequests)
	}
}

// filledLine is a whoami line with a value: never "Name:" alone.
var filledLine = regexp.MustCompile(`^[A-Z][A-Za-z ]+: +\S`)

// TestRunWhoamiMissingFields: a field Spotify does not send has no line, whether the
// fake or a recorded answer leaves it out (issue 15).
func TestRunWhoamiMissingFields(t *testing.T) {
	tests := []struct {
		name     string
		opts     cmdutiltest.Options
		recorded string // a recorded /v1/me served instead of the fake's
		want     []string
	}{
		{name: "every field", opts: cmdutiltest.Options{Scopes: []string{"user-read-email", "user-read-private"}},
			want: []string{"Name:      Alice", "ID:        alice", "Email:     alice@example.com", "Country:   GB", "Product:   premium"}},
		{name: "development mode: no email, country, product", opts: cmdutiltest.Options{DevMode: true, Scopes: []string{"user-read-email", "user-read-private"}},
			want: []string{"Name:      Alice", "ID:        alice"}},
		{name: "display_name null", opts: cmdutiltest.Options{User: spotifytest.User{ID: "nameless"}},
			want: []string{"ID:        nameless"}},
		{name: "recorded: display_name null", recorded: "zmb3-spotify/current_user_display_name_null.json",
			want: []string{"ID:        username", "Email:     username@domain.com", "Country:   US", "Product:   premium"}},
		{name: "recorded: no email, country, product", recorded: "watsonbox-exportify/me.json",
			want: []string{"Name:      watsonbox", "ID:        watsonbox"}},
		{name: "recorded: no email", recorded: "joostlek-python-spotify/current_user.json",
			want: []string{"Name:      Joost Lekkerkerker", "ID:        1112264649", "Country:   NL", "Product:   premium"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdutiltest.WithToken(t, tt.opts)
			if tt.recorded != "" {
				e.Fake.ServeRecorded("/v1/me", tt.recorded)
			}
			if err := runWhoami(context.Background(), &whoamiOptions{f: e.F}); err != nil {
				t.Fatalf("%v: %s", err, e.Err)
			}
			lines := strings.Split(strings.TrimSuffix(e.Out.String(), "\n"), "\n")
			want := append(tt.want,
				"Profile:   default",
				"Stored in: environment (SPOTCLI_ACCESS_TOKEN)",
				"Flow:      unknown (the token comes from SPOTCLI_ACCESS_TOKEN)",
				"Config:    none read (credentials from the environment)",
				"Scopes:    unknown (the token comes from SPOTCLI_ACCESS_TOKEN)",
				"Expires:   unknown (the token comes from SPOTCLI_ACCESS_TOKEN)",
			)
			if diff := cmp.Diff(want, lines); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			for _, l := range lines {
				if !filledLine.MatchString(l) {
					t.Errorf("empty line %q", l)
				}
			}
			if e.Err.Len() != 0 {
				t.Errorf("stderr: %s", e.Err)
			}
		})
	}
}
