// Package cmdtest builds what an in-process command test needs: a fake
// Spotify (internal/spotifytest) and a Factory wired to it, with buffers for
// stdout and stderr.
package cmdtest

import (
	"bytes"
	"testing"
	"time"

	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/internal/spotifytest"
)

// ClientID is the fake app's client ID.
const ClientID = "cmdtest-client"

// Options shape the fake and the login.
type Options struct {
	// DevMode makes the app a development-mode one (Spotify's February 2026
	// rules: no email, country, product or followers; items, not tracks).
	DevMode bool
	// Scopes granted to the access token.
	Scopes []string
	// User is the logged-in user; the zero value is alice ("Alice").
	User spotifytest.User
	// TTY makes stdout a terminal.
	TTY bool
}

// Env is one test's world.
type Env struct {
	Fake     *spotifytest.Server
	F        *cmdutil.Factory
	Out, Err *bytes.Buffer
	// Token is the access token the Factory uses (SPOTCLI_ACCESS_TOKEN).
	Token string
	env   map[string]string
}

// New starts a fake with one app and one user, and a Factory whose
// credentials are an access token of that user in SPOTCLI_ACCESS_TOKEN. It
// sets SPOTCLI_API_URL in the process (the settings read SPOTCLI_* from
// there), so tests using it cannot run in parallel.
func New(t *testing.T, o Options) *Env {
	t.Helper()
	fake := spotifytest.New(spotifytest.Config{})
	t.Cleanup(fake.Close)
	fake.AddApp(spotifytest.App{ClientID: ClientID, Name: "cmdtest", DevMode: o.DevMode, RedirectURIs: []string{"http://127.0.0.1/callback"}})
	u := o.User
	if u.ID == "" {
		u = spotifytest.User{ID: "alice", DisplayName: "Alice", Email: "alice@example.com", Country: "GB", Product: "premium"}
	}
	fake.AddUser(u)
	access, _ := fake.IssueTokens(ClientID, u.ID, o.Scopes, spotifytest.FlowPKCE, time.Now())
	t.Setenv("SPOTCLI_API_URL", fake.APIURL())
	e := &Env{Fake: fake, Out: &bytes.Buffer{}, Err: &bytes.Buffer{}, Token: access, env: map[string]string{
		"SPOTCLI_ACCESS_TOKEN": access,
		"SPOTCLI_CONFIG_DIR":   t.TempDir(),
	}}
	f := cmdutil.NewFactory(cmdutil.BuildInfo{Version: "test"})
	f.In, f.Out, f.Err = &bytes.Buffer{}, e.Out, e.Err
	f.Getenv = func(k string) string { return e.env[k] }
	f.StdoutTTY = func() bool { return o.TTY }
	f.TermWidth = func() int { return 120 }
	e.F = f
	return e
}
