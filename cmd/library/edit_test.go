package library

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/cmd/cmdutil/cmdutiltest"
	"github.com/spotcli/spotcli/internal/spotifytest"
)

type editEnv struct {
	fake      *spotifytest.Server
	vars      map[string]string
	tracks    []string
	out, errb bytes.Buffer
}

func newEditEnv(t *testing.T, n int, scopes ...string) *editEnv {
	s := cmdutiltest.WithToken(t, cmdutiltest.Options{DevMode: true, Scopes: scopes})
	e := &editEnv{fake: s.Fake}
	var ts []spotifytest.Track
	for i := range n {
		ts = append(ts, spotifytest.Track{ID: fmt.Sprintf("0Abba%017d", i), Name: fmt.Sprintf("Song %d", i), Artists: []string{"ABBA"}})
		e.tracks = append(e.tracks, fmt.Sprintf("spotify:track:0Abba%017d", i))
	}
	e.fake.AddTracks(ts...)
	e.vars = map[string]string{"SPOTCLI_ACCESS_TOKEN": s.Token, "SPOTCLI_CONFIG_DIR": t.TempDir(), "SPOTCLI_API_URL": s.Fake.APIURL()}
	return e
}

func (e *editEnv) factory(stdin string) *cmdutil.Factory {
	e.out.Reset()
	e.errb.Reset()
	f := cmdutil.NewFactory(cmdutil.BuildInfo{Version: "dev"})
	f.In, f.Out, f.Err = strings.NewReader(stdin), &e.out, &e.errb
	f.Getenv = func(k string) string { return e.vars[k] }
	f.StdoutTTY = func() bool { return false }
	return f
}

func TestSaveRemoveContains(t *testing.T) {
	e := newEditEnv(t, 100, "user-library-modify", "user-library-read")
	ctx := context.Background()
	stdin := "# liked\n" + strings.Join(e.tracks, "\n") + "\n"
	if err := runWrite(ctx, &writeOptions{f: e.factory(stdin), method: http.MethodPut}); err != nil {
		t.Fatal(err)
	}
	if n := e.fake.Stats().APIRequests["/v1/me/library"]; n != 3 {
		t.Errorf("%d requests, want 3 (40 + 40 + 20)", n)
	}
	if got := e.fake.LibraryURIs("alice"); len(got) != 100 || got[0] != e.tracks[99] {
		t.Errorf("library: %d items, newest %v", len(got), got[:1])
	}
	if !strings.Contains(e.errb.String(), "saved 100 items") || e.out.Len() != 0 {
		t.Errorf("stdout %q stderr %q", e.out.String(), e.errb.String())
	}
	if err := runWrite(ctx, &writeOptions{f: e.factory(""), Items: e.tracks[:50], method: http.MethodDelete}); err != nil {
		t.Fatal(err)
	}
	items := []string{e.tracks[0], "https://open.spotify.com/track/" + strings.TrimPrefix(e.tracks[60], "spotify:track:") + "?si=1", e.tracks[1]}
	if err := runContains(ctx, &containsOptions{f: e.factory(""), Items: items}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("false\ntrue\nfalse\n", e.out.String()); diff != "" {
		t.Errorf("contains (-want +got):\n%s", diff)
	}
}

func TestSaveFailsPartWay(t *testing.T) {
	e := newEditEnv(t, 100, "user-library-modify", "user-library-read")
	e.fake.InjectFault(spotifytest.Fault{Path: "/v1/me/library", Method: "PUT", SkipFirst: 1, Status: 400})
	stdin := strings.Join(e.tracks, "\n") + "\n"
	err := runWrite(context.Background(), &writeOptions{f: e.factory(stdin), method: http.MethodPut})
	if err == nil || !strings.Contains(err.Error(), "saved 40 of 100 items; the next is line 41") {
		t.Fatalf("err = %v", err)
	}
	e.fake.ClearFaults()
	// The unknown outcome of a save is checked, and the run finishes.
	e.fake.InjectFault(spotifytest.Fault{Path: "/v1/me/library", Method: "PUT", ApplyThenReset: true, SkipFirst: 1, Count: 1})
	if err := runWrite(context.Background(), &writeOptions{f: e.factory(stdin), method: http.MethodPut}); err != nil {
		t.Fatal(err)
	}
	if got := e.fake.LibraryURIs("alice"); len(got) != 100 {
		t.Errorf("%d saved", len(got))
	}
	if n := e.fake.Stats().APIRequests["/v1/me/library/contains"]; n != 1 {
		t.Errorf("%d checks, want 1", n)
	}
}

func TestLibraryRefusals(t *testing.T) {
	e := newEditEnv(t, 2, "user-library-read")
	err := runWrite(context.Background(), &writeOptions{f: e.factory(""), Items: e.tracks, method: http.MethodPut})
	if err == nil || !strings.Contains(err.Error(), "needs the user-library-modify scope") || !strings.Contains(err.Error(), "spotcli login --add-scopes user-library-modify") || strings.Contains(err.Error(), "0 of 2") {
		t.Errorf("missing scope: %v", err)
	}
	err = runWrite(context.Background(), &writeOptions{f: e.factory("x\nspotify:local:a:b:c:1\n"), method: http.MethodPut})
	if err == nil || !strings.Contains(err.Error(), "line 1: ") || !strings.Contains(err.Error(), "line 2: \"spotify:local:a:b:c:1\" is a local file") {
		t.Errorf("bad lines: %v", err)
	}
	if n := e.fake.Stats().APIRequests["/v1/me/library"]; n != 1 {
		t.Errorf("%d requests: the bad lines were sent", n)
	}
	err = runWrite(context.Background(), &writeOptions{f: e.factory(""), Items: []string{"nope"}, method: http.MethodDelete})
	var ue *cmdutil.UsageError
	if !errors.As(err, &ue) {
		t.Errorf("a bad argument: %v, want a usage error", err)
	}
	if !slices.Equal(parser.Kinds[:2], []string{"track", "album"}) {
		t.Error("kinds")
	}
}
