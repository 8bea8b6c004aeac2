package api

import (
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// DebugTransport logs the method, URL (secret query values masked) and status
// of every request. It never logs headers or bodies: those carry tokens.
type DebugTransport struct {
	Base http.RoundTripper
	Out  io.Writer
	mu   sync.Mutex
}

func (t *DebugTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	start := time.Now()
	res, err := base.RoundTrip(req)
	took := time.Since(start).Round(time.Millisecond)
	t.mu.Lock()
	defer t.mu.Unlock()
	if err != nil {
		fmt.Fprintf(t.Out, "debug: %s %s: error after %s: %v\n", req.Method, redactURL(req.URL), took, redactErr(err))
		return nil, err
	}
	fmt.Fprintf(t.Out, "debug: %s %s -> %d (%s)\n", req.Method, redactURL(req.URL), res.StatusCode, took)
	return res, nil
}

// redactErr keeps only the error's text as net/http formats it, which
// quotes the URL; the URL's secret values are masked by re-rendering it.
func redactErr(err error) string {
	if ue, ok := err.(interface{ Unwrap() error }); ok {
		if inner := ue.Unwrap(); inner != nil {
			return inner.Error()
		}
	}
	return err.Error()
}
