package auth_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spotcli/spotcli/internal/api"
	"github.com/spotcli/spotcli/internal/auth"
	"github.com/spotcli/spotcli/internal/config"
	"github.com/spotcli/spotcli/internal/spotifytest"
)

// The Web API client takes an *auth.Source as it is.
var _ api.TokenSource = (*auth.Source)(nil)

// listAll pages through the user's playlists with src's tokens and returns
// how many it got.
func listAll(t *testing.T, srv *spotifytest.Server, src api.TokenSource) int {
	t.Helper()
	c := &api.Client{BaseURL: srv.APIURL(), HTTP: &http.Client{Timeout: 10 * time.Second}, Tokens: src}
	n := 0
	err := c.Paginate(testCtx(t), "me/playlists", api.PageOptions{Concurrency: 8}, func(items []json.RawMessage) error {
		n += len(items)
		return nil
	})
	if err != nil {
		t.Fatalf("paginate: %v", err)
	}
	return n
}

// TestSourceStoreReads counts store reads of a 100-page listing: the token
// is kept in memory (issue 12). Before, every request read the store: 100
// keyring calls for `spotcli playlists` over 5,000 playlists.
func TestSourceStoreReads(t *testing.T) {
	const profile = "default"
	tests := []struct {
		name      string
		prepare   func(srv *spotifytest.Server, rec *auth.Record)
		wantReads int
		refreshes int
	}{
		// One read: the record, kept in memory for the 100 requests.
		{name: "fresh token", wantReads: 1},
		// The first read, the re-read under the lock, and the check before
		// saving that the login is still the one refreshed.
		{name: "expired token", prepare: func(_ *spotifytest.Server, rec *auth.Record) { rec.ExpiresAt = time.Now().Add(-time.Minute) },
			wantReads: 3, refreshes: 1},
		// Spotify refuses the token on the first request: one read after
		// the 401, under the lock, then the check before saving.
		{name: "token refused once", prepare: func(srv *spotifytest.Server, _ *auth.Record) { srv.ExpireAccessTokens() },
			wantReads: 3, refreshes: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFake(t)
			srv.GeneratePlaylists(userID, 5000)
			now := time.Now()
			seed := seeded(srv, pkceID, auth.FlowPKCE, now.Add(-time.Hour))
			seed.ExpiresAt, seed.UpdatedAt = now.Add(time.Hour), now
			if tt.prepare != nil {
				tt.prepare(srv, seed)
			}
			store := newMemStore(t, profile, seed)
			app, _ := newApp(t, srv, pkceID, "")
			var lk mutexLocker
			src := &auth.Source{Store: store, Profile: profile, Grant: app.Refresh, Lock: lk.lock}

			if n := listAll(t, srv, src); n != 5000 {
				t.Fatalf("%d playlists, want 5000", n)
			}
			if got := srv.Stats().APIRequests["/v1/me/playlists"]; got < 100 {
				t.Fatalf("%d page requests, want at least 100", got)
			}
			if got := store.loadCount(); got != tt.wantReads {
				t.Errorf("%d store reads, want %d", got, tt.wantReads)
			}
			if got := srv.Stats().Refreshes; got != tt.refreshes {
				t.Errorf("%d refreshes, want %d", got, tt.refreshes)
			}
		})
	}
}

// TestSourceRenewOnceForConcurrentRefusals: eight workers whose requests
// are all refused with the same token renew it once.
func TestSourceRenewOnceForConcurrentRefusals(t *testing.T) {
	const profile = "default"
	clock := func() time.Time { return t0 }
	store := newMemStore(t, profile, storedRecord("BQstored", t0.Add(time.Hour)))
	ref := &fakeRefresher{now: clock}
	var lk mutexLocker
	src := &auth.Source{Store: store, Profile: profile, Grant: ref.Refresh, Lock: lk.lock, Now: clock}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tok, ok, err := src.Renew(context.Background(), "BQstored")
			if err != nil || !ok || tok != "BQrefreshed-1" {
				t.Errorf("Renew = %q, %v, %v", tok, ok, err)
			}
		}()
	}
	wg.Wait()
	if ref.count() != 1 {
		t.Errorf("%d refreshes, want 1", ref.count())
	}
}

// TestSourceShortLifetime: a token issued for 30 seconds is used, not
// refreshed before every request (issue 13, item 11). Before, the fixed
// 60-second margin made every request refresh.
func TestSourceShortLifetime(t *testing.T) {
	const profile = "default"
	now := t0
	clock := func() time.Time { return now }
	tests := []struct {
		life      time.Duration
		wantFresh time.Duration // how long a new token is used without a refresh
	}{
		{30 * time.Second, 22 * time.Second},
		{4 * time.Second, 2900 * time.Millisecond},
		{time.Hour, 58 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.life.String(), func(t *testing.T) {
			now = t0
			store := newMemStore(t, profile, storedRecord("BQstale", t0.Add(-time.Second)))
			ref := &fakeRefresher{now: clock, life: tt.life}
			var lk mutexLocker
			src := &auth.Source{Store: store, Profile: profile, Grant: ref.Refresh, Lock: lk.lock, Now: clock}
			for range 20 {
				if _, err := src.AccessToken(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
			if ref.count() != 1 {
				t.Fatalf("20 requests made %d refreshes, want 1", ref.count())
			}
			now = t0.Add(tt.wantFresh)
			if _, err := src.AccessToken(context.Background()); err != nil || ref.count() != 1 {
				t.Errorf("after %s: %d refreshes (%v), want still 1", tt.wantFresh, ref.count(), err)
			}
			now = t0.Add(tt.life)
			if _, err := src.AccessToken(context.Background()); err != nil || ref.count() != 2 {
				t.Errorf("at expiry: %d refreshes (%v), want 2", ref.count(), err)
			}
		})
	}
}

// TestSourceStoreChangedDuringRefresh: a refresh saves only if the store
// still holds the record it refreshed, so a logout during a refresh stays
// logged out and a new login is not overwritten by the old one (issue 13,
// item 2). The change here skips the lock, as a process with another
// config directory would (the keyring is shared, the lock file is not).
func TestSourceStoreChangedDuringRefresh(t *testing.T) {
	const profile = "default"
	clock := func() time.Time { return t0 }
	newLogin := storedRecord("BQnew-login", t0.Add(time.Hour))
	newLogin.RefreshToken, newLogin.LoggedInAt, newLogin.UserID = "AQnew-login", t0, "bob"
	tests := []struct {
		name   string
		change func(s *memStore)
		check  func(t *testing.T, s *memStore, got *auth.Record, err error)
	}{
		{
			name:   "logout",
			change: func(s *memStore) { s.remove(profile) },
			check: func(t *testing.T, s *memStore, _ *auth.Record, err error) {
				var ln *auth.LoginNeededError
				if !errors.As(err, &ln) || !strings.Contains(err.Error(), "removed") {
					t.Errorf("err = %v, want a LoginNeededError saying the login was removed", err)
				}
				if _, err := s.Load(profile); !errors.Is(err, auth.ErrNotFound) {
					t.Errorf("store after the refresh: %v, want still logged out", err)
				}
			},
		},
		{
			name:   "new login",
			change: func(s *memStore) { s.put(profile, newLogin) },
			check: func(t *testing.T, s *memStore, _ *auth.Record, err error) {
				if err == nil || !strings.Contains(err.Error(), "replaced") {
					t.Errorf("err = %v, want one saying the login was replaced", err)
				}
				if got := s.stored(t, profile); got.UserID != "bob" || got.AccessToken != "BQnew-login" {
					t.Errorf("store holds %s/%s, want the new login", got.UserID, got.AccessToken)
				}
			},
		},
		{
			name:   "unchanged",
			change: func(*memStore) {},
			check: func(t *testing.T, s *memStore, got *auth.Record, err error) {
				if err != nil || got.AccessToken != "BQrefreshed-1" {
					t.Fatalf("Token = %v, %v", got, err)
				}
				if s.stored(t, profile).RefreshToken != "AQrotated-1" {
					t.Error("the refresh was not saved")
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := newMemStore(t, profile, storedRecord("BQstored", t0.Add(-time.Minute)))
			ref := &fakeRefresher{now: clock, during: func() { tt.change(store) }}
			var lk mutexLocker
			src := &auth.Source{Store: store, Profile: profile, Grant: ref.Refresh, Lock: lk.lock, Now: clock}
			got, err := src.Token(context.Background())
			tt.check(t, store, got, err)
		})
	}
}

// TestSourceLoadErrorIsNotForgotten: a store that cannot be read says so
// on every call, never "not logged in" the second time.
func TestSourceLoadErrorIsNotForgotten(t *testing.T) {
	store := newMemStore(t, "default", storedRecord("BQstored", t0.Add(time.Hour)))
	store.loadErr = errors.New("keyring locked")
	src := &auth.Source{Store: store, Profile: "default", Now: func() time.Time { return t0 }}
	for i := range 2 {
		if _, err := src.Token(context.Background()); err == nil || !strings.Contains(err.Error(), "keyring locked") {
			t.Errorf("call %d: err = %v, want the store's error", i, err)
		}
	}
	store.loadErr = nil
	if _, err := src.Record(); err != nil {
		t.Errorf("after the store recovered: %v", err)
	}
}

// TestSourceSavesWhenRecheckFails: the check before saving stops the save
// only on proof that the login changed; a read that fails there does not
// lose the rotated token.
func TestSourceSavesWhenRecheckFails(t *testing.T) {
	const profile = "default"
	clock := func() time.Time { return t0 }
	store := newMemStore(t, profile, storedRecord("BQstored", t0.Add(-time.Minute)))
	store.failFrom = 3 // the first read, the one under the lock, then the check
	ref := &fakeRefresher{now: clock}
	var lk mutexLocker
	src := &auth.Source{Store: store, Profile: profile, Grant: ref.Refresh, Lock: lk.lock, Now: clock}
	if _, err := src.Token(context.Background()); err != nil {
		t.Fatalf("Token: %v", err)
	}
	if got := store.stored(t, profile); got.RefreshToken != "AQrotated-1" {
		t.Errorf("stored refresh token %q, want the rotated one", got.RefreshToken)
	}
}

// TestSourceSaveUnderLock: Save (a login) waits for a refresh under way and
// then wins; a refresh that finds the record replaced uses the new one.
func TestSourceSaveUnderLock(t *testing.T) {
	const profile = "default"
	dir := t.TempDir()
	store := &config.FileStore{Dir: filepath.Join(dir, "tokens")}
	lockPath := filepath.Join(dir, "locks", profile+".lock")
	clock := func() time.Time { return t0 }
	if err := store.Save(profile, storedRecord("BQstored", t0.Add(-time.Minute))); err != nil {
		t.Fatal(err)
	}
	inGrant, release := make(chan struct{}), make(chan struct{})
	ref := &fakeRefresher{now: clock, during: func() { close(inGrant); <-release }}
	refresher := &auth.Source{Store: store, Profile: profile, Grant: ref.Refresh, Lock: config.FileLock(lockPath), Now: clock}
	login := &auth.Source{Store: store, Profile: profile, Lock: config.FileLock(lockPath), Now: clock}
	newLogin := storedRecord("BQnew-login", t0.Add(time.Hour))
	newLogin.RefreshToken, newLogin.LoggedInAt = "AQnew-login", t0

	refreshed := make(chan error, 1)
	go func() { _, err := refresher.Token(context.Background()); refreshed <- err }()
	<-inGrant
	saved := make(chan error, 1)
	go func() { saved <- login.Save(context.Background(), newLogin) }()
	select {
	case err := <-saved:
		t.Fatalf("Save did not wait for the refresh under way: %v", err)
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	if err := <-refreshed; err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if err := <-saved; err != nil {
		t.Fatalf("save: %v", err)
	}
	got, err := store.Load(profile)
	if err != nil || got.AccessToken != "BQnew-login" {
		t.Errorf("store holds %v, %v; want the new login", got, err)
	}
}

// failingCheck is a store whose save would fail, and says so when asked.
type failingCheck struct {
	*memStore
	err error
}

func (s failingCheck) CheckSave(string) error { return s.err }

// TestSourceChecksSaveBeforeRefresh: a refresh whose answer could not be
// saved is not sent, so Spotify never rotates a token that would then be
// lost (issue 13, item 3).
func TestSourceChecksSaveBeforeRefresh(t *testing.T) {
	const profile = "default"
	clock := func() time.Time { return t0 }
	errRO := errors.New("read-only file system")
	huge := storedRecord("BQstored", t0.Add(-time.Minute))
	huge.Scopes = []string{strings.Repeat("s", auth.MaxRecordSize)}
	tests := []struct {
		name   string
		stored *auth.Record
		store  func(*memStore) auth.Store
		check  func() error
		want   string
	}{
		{name: "store cannot be written", store: func(m *memStore) auth.Store { return failingCheck{m, errRO} }, want: "read-only file system"},
		{name: "record over the size limit", stored: huge, want: "over the 2048-byte limit"},
		{name: "--save-refresh-token file cannot be written", check: func() error { return errRO }, want: "read-only file system"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stored := tt.stored
			if stored == nil {
				stored = storedRecord("BQstored", t0.Add(-time.Minute))
			}
			mem := &memStore{recs: map[string][]byte{}}
			b, _ := json.Marshal(stored) // a record too big to Encode is stored by hand
			var withVersion map[string]any
			_ = json.Unmarshal(b, &withVersion)
			withVersion["v"] = auth.RecordVersion
			b, _ = json.Marshal(withVersion)
			mem.recs[profile] = b
			var store auth.Store = mem
			if tt.store != nil {
				store = tt.store(mem)
			}
			ref := &fakeRefresher{now: clock}
			var lk mutexLocker
			src := &auth.Source{Store: store, Profile: profile, Grant: ref.Refresh, Lock: lk.lock, Now: clock, CheckSave: tt.check}
			_, err := src.Token(context.Background())
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "refresh not sent") {
				t.Fatalf("err = %v, want %q and that the refresh was not sent", err, tt.want)
			}
			if ref.count() != 0 {
				t.Errorf("%d refreshes sent, want none", ref.count())
			}
			if string(mem.recs[profile]) != string(b) {
				t.Error("the stored login changed")
			}
		})
	}
}

// TestSourceLongAccessToken: an answer whose access token does not fit the
// 2 KB record keeps the login: the rotated refresh token is saved without
// the access token, which this process uses from memory (issue 13, item 3).
func TestSourceLongAccessToken(t *testing.T) {
	const profile = "default"
	clock := func() time.Time { return t0 }
	store := newMemStore(t, profile, storedRecord("BQstored", t0.Add(-time.Minute)))
	long := "BQ" + strings.Repeat("x", 3000)
	grant := func(ctx context.Context, rec *auth.Record) (*auth.Record, error) {
		out := *rec
		out.AccessToken, out.RefreshToken, out.ExpiresAt, out.UpdatedAt = long, "AQrotated", t0.Add(time.Hour), t0
		return &out, nil
	}
	var lk mutexLocker
	src := &auth.Source{Store: store, Profile: profile, Grant: grant, Lock: lk.lock, Now: clock}
	tok, err := src.AccessToken(context.Background())
	if err != nil || tok != long {
		t.Fatalf("AccessToken = %.10q…, %v; want the long token", tok, err)
	}
	saved := store.stored(t, profile)
	if saved.RefreshToken != "AQrotated" {
		t.Errorf("saved refresh token %q, want the rotated one", saved.RefreshToken)
	}
	if saved.AccessToken != "" {
		t.Errorf("saved an access token of %d bytes", len(saved.AccessToken))
	}
	// The next process refreshes with the saved refresh token.
	ref := &fakeRefresher{now: clock}
	next := &auth.Source{Store: store, Profile: profile, Grant: ref.Refresh, Lock: lk.lock, Now: clock}
	if _, err := next.Token(context.Background()); err != nil || ref.count() != 1 || ref.got[0].RefreshToken != "AQrotated" {
		t.Errorf("next process: %v, %d refreshes", err, ref.count())
	}
}

// TestForLoginRefreshesExpiredFirstToken: a login whose first access token
// is already expired (or refused) refreshes it in memory, as every other
// command does, instead of throwing the refresh token away (issue 13, item
// 10). Nothing is read from or written to the store before Save.
func TestForLoginRefreshesExpiredFirstToken(t *testing.T) {
	const profile = "default"
	srv := newFake(t)
	srv.SetRotation(true)
	rec := seeded(srv, pkceID, auth.FlowPKCE, time.Now())
	rec.ExpiresAt = time.Now().Add(-time.Second)
	store := newMemStore(t, profile, storedRecord("BQold-login", time.Now().Add(time.Hour)))
	app, _ := newApp(t, srv, pkceID, "")
	var lk mutexLocker
	r := &auth.Resolver{Getenv: func(string) string { return "" }, Profile: profile, App: app,
		Store: func() (auth.Store, error) { return store, nil }, Lock: func(string) auth.Locker { return lk.lock }}
	src, err := r.ForLogin(rec)
	if err != nil {
		t.Fatal(err)
	}
	c := &api.Client{BaseURL: srv.APIURL(), HTTP: &http.Client{Timeout: 10 * time.Second}, Tokens: src}
	me, err := c.Me(testCtx(t))
	if err != nil || me.ID != userID {
		t.Fatalf("Me = %v, %v", me, err)
	}
	if srv.Stats().Refreshes != 1 {
		t.Errorf("%d refreshes, want 1", srv.Stats().Refreshes)
	}
	if store.loadCount() != 0 || store.saveCount() != 0 {
		t.Errorf("store touched before Save: %d reads, %d saves", store.loadCount(), store.saveCount())
	}
	got, err := src.Record()
	if err != nil {
		t.Fatal(err)
	}
	if err := src.Save(testCtx(t), got); err != nil {
		t.Fatal(err)
	}
	saved := store.stored(t, profile)
	if saved.AccessToken == rec.AccessToken || saved.RefreshToken == rec.RefreshToken || saved.AccessToken == "BQold-login" {
		t.Error("the saved login is not the refreshed one")
	}
	// The saved refresh token is the live one.
	if _, err := app.Refresh(testCtx(t), saved); err != nil {
		t.Errorf("refresh with the saved token: %v", err)
	}
}

// TestForLoginRefusedFirstToken: Spotify refuses the first access token.
func TestForLoginRefusedFirstToken(t *testing.T) {
	srv := newFake(t)
	rec := seeded(srv, pkceID, auth.FlowPKCE, time.Now())
	rec.ExpiresAt, rec.UpdatedAt = time.Now().Add(time.Hour), time.Now()
	srv.ExpireAccessTokens()
	app, _ := newApp(t, srv, pkceID, "")
	store := newMemStore(t, "default", nil)
	r := &auth.Resolver{Getenv: func(string) string { return "" }, Profile: "default", App: app,
		Store: func() (auth.Store, error) { return store, nil }}
	src, err := r.ForLogin(rec)
	if err != nil {
		t.Fatal(err)
	}
	c := &api.Client{BaseURL: srv.APIURL(), HTTP: &http.Client{Timeout: 10 * time.Second}, Tokens: src}
	if _, err := c.Me(testCtx(t)); err != nil {
		t.Fatalf("Me: %v", err)
	}
	if srv.Stats().Refreshes != 1 || store.loadCount() != 0 {
		t.Errorf("%d refreshes, %d store reads; want 1 and 0", srv.Stats().Refreshes, store.loadCount())
	}
}

func fileMode(t *testing.T, path string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}
