package cmdutiltest

import (
	"bytes"
	"testing"
	"time"

	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/internal/spotifytest"
)

// TokenClientID is the app of WithToken's fake.
const TokenClientID = "cmdtest-client"

// Options shape WithToken's fake and its login.
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

// Session is WithToken's world: one Factory on buffers.
type Session struct {
	Fake     *spotifytest.Server
	F        *cmdutil.Factory
	Out, Err *bytes.Buffer
	// Token is the access token the Factory uses (SPOTCLI_ACCESS_TOKEN).
	Token string
	env   map[string]string
}

// WithToken is the lighter world for tests of what commands make of
// Spotify's answers: a fake with one app (development mode or not) and one
// user, and a Factory whose credentials are an access token of that user in
// SPOTCLI_ACCESS_TOKEN, so that nothing is stored. The Factory's environment
// is the Session's own, so tests using it can run in parallel. New is the
// world with stored logins.
func WithToken(t *testing.T, o Options) *Session {
	t.Helper()
	fake := spotifytest.New(spotifytest.Config{})
	t.Cleanup(fake.Close)
	fake.AddApp(spotifytest.App{ClientID: TokenClientID, Name: "cmdtest", DevMode: o.DevMode, RedirectURIs: []string{"http://127.0.0.1/callback"}})
	u := o.User
	if u.ID == "" {
		u = spotifytest.User{ID: "alice", DisplayName: "Alice", Email: "alice@example.com", Country: "GB", Product: "premium"}
	}
	fake.AddUser(u)
	access, _ := fake.IssueTokens(TokenClientID, u.ID, o.Scopes, spotifytest.FlowPKCE, time.Now())
	e := &Session{Fake: fake, Out: &bytes.Buffer{}, Err: &bytes.Buffer{}, Token: access, env: map[string]string{
		"SPOTCLI_ACCESS_TOKEN": access,
		"SPOTCLI_CONFIG_DIR":   t.TempDir(),
		"SPOTCLI_API_URL":      fake.APIURL(),
	}}
	f := cmdutil.NewFactory(cmdutil.BuildInfo{Version: "test"})
	f.In, f.Out, f.Err = &bytes.Buffer{}, e.Out, e.Err
	f.Getenv = func(k string) string { return e.env[k] }
	f.StdoutTTY = func() bool { return o.TTY }
	f.TermWidth = func() int { return 120 }
	e.F = f
	return e
}
