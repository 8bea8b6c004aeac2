package auth

import (
	"fmt"
	"net/url"
	"strconv"
)

// ParseRedirectURI checks a redirect URI against Spotify's rules for a CLI: the
// loopback server needs an http URI on the literal 127.0.0.1 or [::1]; Spotify
// refuses "localhost", and any other http URI.
func ParseRedirectURI(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("redirect_uri %q is not a URL: %v", s, err)
	}
	const rule = "Spotify accepts only http://127.0.0.1:PORT/PATH or http://[::1]:PORT/PATH for a local program (\"localhost\" is refused); register the same URI in the app's settings"
	if u.Scheme != "http" {
		return nil, fmt.Errorf("redirect_uri %q: spotcli receives the login on this machine, so it must be an http loopback URI: %s", s, rule)
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil, fmt.Errorf("redirect_uri %q uses localhost: %s", s, rule)
	}
	// Exact strings: Spotify compares redirect URIs as strings, so other
	// spellings of loopback ([::ffff:127.0.0.1], [0:0:0:0:0:0:0:1]) never match.
	if host != "127.0.0.1" && host != "::1" {
		return nil, fmt.Errorf("redirect_uri %q is not on a loopback address: %s", s, rule)
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > 65535 {
			return nil, fmt.Errorf("redirect_uri %q has an invalid port", s)
		}
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("redirect_uri %q must not carry user info, a query or a fragment", s)
	}
	// The path is kept as written, even empty: it is sent as redirect_uri
	// and must equal the registered URI.
	return u, nil
}
