package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// ShortLinkHost is the host of Spotify's share links
// (https://spotify.link/AbCdEfGhIjK), which redirect to open.spotify.com.
const ShortLinkHost = "spotify.link"

// IsShortLink reports whether s is a spotify.link share link (with or
// without the scheme).
func IsShortLink(s string) bool {
	u, err := parseLinkURL(s)
	return err == nil && strings.EqualFold(u.Host, ShortLinkHost) && strings.Trim(u.Path, "/") != ""
}

func parseLinkURL(s string) (*url.URL, error) {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return nil, fmt.Errorf("not a web link")
	}
	return u, nil
}

// ShortLinks resolves share links by asking spotify.link where one leads:
// one request, with no token, cookie or other header of spotcli's, and no
// redirect followed. The answer must be a redirect to open.spotify.com,
// which is returned, not fetched.
type ShortLinks struct {
	// Base replaces https://spotify.link in tests (the fake serves the
	// links); empty is the real host.
	Base string
	// HTTP sends the request; its redirect policy is not used.
	HTTP *http.Client
}

// Resolve returns the open.spotify.com URL that the share link leads to.
func (r *ShortLinks) Resolve(ctx context.Context, link string) (string, error) {
	u, err := parseLinkURL(link)
	if err != nil || !strings.EqualFold(u.Host, ShortLinkHost) {
		return "", fmt.Errorf("%q is not a spotify.link share link", link)
	}
	target := "https://" + ShortLinkHost + u.EscapedPath()
	if r.Base != "" {
		target = strings.TrimSuffix(r.Base, "/") + u.EscapedPath()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return "", err
	}
	// Branch (spotify.link's service) answers a browser with a page and
	// anything else with the redirect.
	req.Header.Set("User-Agent", "spotcli")
	hc := *r.HTTP
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := hc.Do(req)
	if err != nil {
		return "", fmt.Errorf("resolve the share link %s: %w", link, err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode < 300 || resp.StatusCode > 399 || loc == "" {
		if resp.StatusCode == http.StatusNotFound {
			return "", fmt.Errorf("the share link %s does not exist (spotify.link answered 404)", link)
		}
		return "", fmt.Errorf("the share link %s did not lead anywhere (spotify.link answered %d without a redirect): open it in a browser and give the open.spotify.com link", link, resp.StatusCode)
	}
	to, err := url.Parse(loc)
	if err != nil {
		return "", fmt.Errorf("the share link %s led to an address that is not a URL", link)
	}
	if !strings.EqualFold(to.Host, "open.spotify.com") || (to.Scheme != "https" && to.Scheme != "http") {
		return "", errors.New("the share link " + link + " leads to " + to.Scheme + "://" + to.Host + ", not to open.spotify.com: give the open.spotify.com link instead")
	}
	return to.String(), nil
}
