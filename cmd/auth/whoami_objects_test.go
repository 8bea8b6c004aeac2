package authcmd

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/cmd/cmdutil/cmdutiltest"
	"github.com/spotcli/spotcli/internal/spotifytest"
)

// filledLine is a whoami line with a value: never "Name:" alone.
var filledLine = regexp.MustCompile(`^[A-Z][A-Za-z ]+: +\S`)

// TestRunWhoami: a field Spotify does not send has no line, whether the
// fake or a recorded answer leaves it out (issue 15).
func TestRunWhoamiShapes(t *testing.T) {
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

// TestRunWhoamiJSON: --json prints /v1/me as Spotify sent it, recorded
// answers included.
func TestRunWhoamiJSONShapes(t *testing.T) {
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

func TestWhoamiFlags(t *testing.T) {
	for _, tt := range []struct {
		args []string
		json bool
	}{{nil, false}, {[]string{"--json"}, true}} {
		var got *whoamiOptions
		c := NewWhoamiCmd(&cmdutil.Factory{}, func(_ context.Context, o *whoamiOptions) error { got = o; return nil })
		c.SetArgs(tt.args)
		if err := c.Execute(); err != nil {
			t.Fatal(err)
		}
		if got.JSON != tt.json {
			t.Errorf("%v: JSON = %v", tt.args, got.JSON)
		}
	}
	c := NewWhoamiCmd(&cmdutil.Factory{}, func(context.Context, *whoamiOptions) error { return nil })
	c.SetArgs([]string{"extra"})
	c.SilenceErrors, c.SilenceUsage = true, true
	if err := c.Execute(); err == nil {
		t.Error("an argument was accepted")
	}
}
