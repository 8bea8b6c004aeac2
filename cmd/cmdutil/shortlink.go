package cmdutil

import (
	"context"
	"net/http"
	"time"

	"github.com/spotcli/spotcli/internal/api"
)

// ResolveShortLink turns a spotify.link share link into the
// open.spotify.com URL it leads to, and returns anything else as it is. The
// request carries no token: it goes through a client of its own, not
// HTTPClient's (--debug logs it all the same).
func (f *Factory) ResolveShortLink(ctx context.Context, arg string) (string, error) {
	if !api.IsShortLink(arg) {
		return arg, nil
	}
	var rt http.RoundTripper = http.DefaultTransport
	if f.debug {
		rt = &api.DebugTransport{Base: rt, Out: f.Err}
	}
	r := &api.ShortLinks{Base: f.ShortLinkBase, HTTP: &http.Client{Transport: rt, Timeout: 15 * time.Second}}
	return r.Resolve(ctx, arg)
}
