package auth

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// LoginOptions configures a browser login.
type LoginOptions struct {
	RedirectURI string // validated with ParseRedirectURI; port 0 or none picks a free port
	Scopes      []string
	ShowDialog  bool
	Timeout     time.Duration
	// OpenBrowser opens the authorize URL; nil or an error prints the URL instead.
	OpenBrowser func(url string) error
	// Paste, when set, is read line by line for a redirect URL pasted by a user
	// whose browser cannot reach this machine (SSH).
	Paste  io.Reader
	Stderr io.Writer
}

// DeniedError is an error the authorize page sent back instead of a code.
type DeniedError struct {
	Code, Description string
}

func (e *DeniedError) Error() string {
	if e.Code == "access_denied" {
		return "authorization was denied in the browser: nothing was stored; run spotcli login again to retry"
	}
	// Both come from the redirect's query: whoever wrote it, they reach a
	// terminal only as visible text.
	msg := "authorization failed: Spotify answered " + Printable(e.Code)
	if e.Description != "" {
		msg += " (" + Printable(e.Description) + ")"
	}
	return msg
}

// ErrLoginTimeout is returned when no callback arrived in time.
var ErrLoginTimeout = errors.New("login timed out")

// Login runs the Authorization Code flow (with PKCE unless the app has a
// secret) through a loopback server, and returns the tokens it got. It stores
// nothing; the caller does.
func (a *App) Login(ctx context.Context, o LoginOptions) (*Record, error) {
	if a.ClientID == "" {
		return nil, errors.New("no client_id")
	}
	redirect, err := ParseRedirectURI(o.RedirectURI)
	if err != nil {
		return nil, err
	}
	port := redirect.Port()
	if port == "" {
		port = "0"
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(redirect.Hostname(), port))
	if err != nil {
		return nil, fmt.Errorf("cannot listen on %s for the login callback (is another spotcli login running?): %w", redirect.Host, err)
	}
	defer ln.Close()
	if port == "0" {
		_, actual, _ := net.SplitHostPort(ln.Addr().String())
		redirect.Host = net.JoinHostPort(redirect.Hostname(), actual)
	}

	flow := a.Flow()
	state, err := randomString(32)
	if err != nil {
		return nil, err
	}
	cfg := a.config(flow, a.ClientID, redirect.String(), o.Scopes)
	authOpts := []oauth2.AuthCodeOption{}
	var exchangeOpts []oauth2.AuthCodeOption
	if flow == FlowPKCE {
		verifier := oauth2.GenerateVerifier()
		authOpts = append(authOpts, oauth2.S256ChallengeOption(verifier))
		exchangeOpts = append(exchangeOpts, oauth2.VerifierOption(verifier))
	}
	if o.ShowDialog {
		authOpts = append(authOpts, oauth2.SetAuthURLParam("show_dialog", "true"))
	}
	authURL := cfg.AuthCodeURL(state, authOpts...)

	cb := &callback{
		state: state,
		done:  make(chan result, 1),
		exchange: func(code string) (*Record, error) {
			tok, err := cfg.Exchange(a.ctx(ctx), code, exchangeOpts...)
			if err != nil {
				return nil, tokenError("exchange code", err)
			}
			now := a.now()
			rec := &Record{ClientID: a.ClientID, Flow: flow, LoggedInAt: now, Scopes: o.Scopes}
			a.apply(rec, tok)
			return rec, nil
		},
	}
	callbackPath := redirect.Path
	if callbackPath == "" {
		callbackPath = "/" // a browser asks for http://host:port as "/"
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != callbackPath {
			http.NotFound(w, r)
			return
		}
		if r.Method != http.MethodGet {
			w.Header().Set("Allow", http.MethodGet)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		writePage(w, cb.handle(r.URL.Query()))
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer func() {
		// Let the answer page reach the browser, then close the port.
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if srv.Shutdown(sctx) != nil {
			srv.Close()
		}
	}()

	stderr := o.Stderr
	if stderr == nil {
		stderr = io.Discard
	}
	opened := false
	if o.OpenBrowser != nil {
		if err := o.OpenBrowser(authURL); err == nil {
			opened = true
		} else {
			fmt.Fprintf(stderr, "Could not open a browser: %v\n", err)
		}
	}
	if opened {
		fmt.Fprintf(stderr, "Opened the browser to log in to Spotify; waiting for it to come back to %s\n", redirect)
	} else {
		fmt.Fprintln(stderr, "Open this URL in a browser to log in to Spotify:")
		fmt.Fprintln(stderr, authURL)
	}
	if o.Paste != nil {
		fmt.Fprintln(stderr, "If that browser cannot reach this machine, paste here the address it was sent to (starting with "+redirect.Scheme+"://"+redirect.Host+") and press Enter.")
		go cb.readPasted(o.Paste, stderr)
	}

	timeout := o.Timeout
	if timeout <= 0 {
		timeout = 5 * time.Minute
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case r := <-cb.done:
		return r.rec, r.err
	case <-timer.C:
		return nil, fmt.Errorf("%w after %s: no answer reached %s; run spotcli login again (use --timeout for more time)", ErrLoginTimeout, timeout, redirect)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

type result struct {
	rec *Record
	err error
}

// callback turns the redirect's query into the login's outcome. Only a request
// carrying the login's state can end the login, and only once.
type callback struct {
	state    string
	exchange func(code string) (*Record, error)
	done     chan result

	mu       sync.Mutex
	finished bool
}

// handle processes one callback and returns the page to show.
func (c *callback) handle(q url.Values) page {
	if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(c.state)) != 1 {
		return page{Status: http.StatusBadRequest, Ignored: true, Title: "This answer does not belong to the login in progress",
			Body: "Its state does not match the one spotcli sent, so it was ignored and nothing was stored. spotcli is still waiting: finish the login in the window it opened, or run spotcli login again."}
	}
	c.mu.Lock()
	if c.finished {
		c.mu.Unlock()
		return page{Status: http.StatusConflict, Title: "Login already handled",
			Body: "spotcli has already received the answer for this login. You can close this window."}
	}
	c.finished = true
	c.mu.Unlock()

	if e := q.Get("error"); e != "" {
		err := &DeniedError{Code: e, Description: q.Get("error_description")}
		c.done <- result{err: err}
		if e == "access_denied" {
			return page{Status: http.StatusOK, Title: "Login cancelled", Body: "You did not allow spotcli to access your Spotify account, so nothing was stored. You can close this window."}
		}
		return page{Status: http.StatusBadRequest, Title: "Login failed", Body: "Spotify answered: " + err.Error() + ". Nothing was stored. You can close this window."}
	}
	code := q.Get("code")
	if code == "" {
		err := errors.New("the callback carried neither a code nor an error")
		c.done <- result{err: err}
		return page{Status: http.StatusBadRequest, Title: "Login failed", Body: "Spotify's answer carried no authorization code. Nothing was stored; run spotcli login again."}
	}
	rec, err := c.exchange(code)
	c.done <- result{rec: rec, err: err}
	if err != nil {
		return page{Status: http.StatusBadGateway, Title: "Login failed", Body: "spotcli could not complete the login with Spotify. Nothing was stored; the terminal says why."}
	}
	return page{Status: http.StatusOK, Title: "Logged in to spotcli", Body: "spotcli is now logged in to your Spotify account. You can close this window and return to the terminal."}
}

// MaxPastedLine bounds a line pasted at the login prompt: a redirect address
// is a few hundred bytes, and a longer line is not one.
const MaxPastedLine = 64 << 10

// readPasted reads redirect URLs pasted in the terminal and feeds them to the
// same handler as the loopback server. EOF just stops reading; a line too long
// to be an address is refused and reading goes on.
func (c *callback) readPasted(r io.Reader, stderr io.Writer) {
	br := bufio.NewReaderSize(r, 4096)
	for {
		raw, tooLong, err := readLine(br, MaxPastedLine)
		if tooLong {
			fmt.Fprintf(stderr, "That line is longer than %d KiB, so it is not the redirect address and was ignored: paste the address from the browser's address bar\n", MaxPastedLine>>10)
			continue
		}
		if err != nil && raw == "" {
			if !errors.Is(err, io.EOF) {
				fmt.Fprintf(stderr, "Stopped reading pasted addresses: %v; the login still waits for the browser\n", err)
			}
			return
		}
		line := strings.TrimSpace(raw)
		if line == "" {
			continue
		}
		u, err := url.Parse(line)
		if err != nil || (u.Query().Get("code") == "" && u.Query().Get("error") == "") {
			fmt.Fprintln(stderr, "That is not the redirect address: paste the whole address from the browser's address bar, starting with http://127.0.0.1")
			continue
		}
		if p := c.handle(u.Query()); p.Ignored {
			fmt.Fprintln(stderr, p.Title+": "+p.Body)
			continue
		}
		return
	}
}

// readLine reads one line of at most max bytes (without its newline). A
// longer line is read to its end and dropped, and tooLong says so; memory
// stays bounded by max whatever the input.
func readLine(br *bufio.Reader, max int) (line string, tooLong bool, err error) {
	var b []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if !tooLong {
			if len(b)+len(chunk) > max+1 { // +1: the newline itself
				tooLong, b = true, nil
			} else {
				b = append(b, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		line := strings.TrimSuffix(string(b), "\n")
		if tooLong || len(line) > max {
			return "", true, err
		}
		return line, false, err
	}
}

func randomString(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random state: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// BrowserEnv is the environment to start a browser with: the process's own
// (environ, as os.Environ gives it) without spotcli's settings. The browser
// needs DISPLAY, HOME, PATH and the rest, but never SPOTCLI_CLIENT_SECRET,
// SPOTCLI_REFRESH_TOKEN or SPOTCLI_ACCESS_TOKEN: a browser, its helpers and
// its crash reports have no business with them.
func BrowserEnv(environ []string) []string {
	out := make([]string, 0, len(environ))
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(strings.ToUpper(name), "SPOTCLI_") {
			continue
		}
		out = append(out, kv)
	}
	return out
}
