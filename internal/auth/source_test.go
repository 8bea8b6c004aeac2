package auth_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spotcli/spotcli/internal/auth"
	"github.com/spotcli/spotcli/internal/config"
)

// memStore is an in-memory Store keeping encoded records, as a real store
// does, so that callers never share a *Record.
type memStore struct {
	mu      sync.Mutex
	recs    map[string][]byte
	saves   int
	loads   int
	saveErr error
	loadErr error
	// failFrom makes the failFrom-th Load and every later one fail.
	failFrom int
}

func newMemStore(t *testing.T, profile string, rec *auth.Record) *memStore {
	t.Helper()
	s := &memStore{recs: map[string][]byte{}}
	if rec != nil {
		b, err := rec.Encode()
		if err != nil {
			t.Fatal(err)
		}
		s.recs[profile] = b
	}
	return s
}

func (s *memStore) Load(profile string) (*auth.Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.loads++
	if s.failFrom > 0 && s.loads >= s.failFrom {
		return nil, errors.New("keyring: no answer")
	}
	if s.loadErr != nil {
		return nil, s.loadErr
	}
	b, ok := s.recs[profile]
	if !ok {
		return nil, auth.ErrNotFound
	}
	return auth.DecodeRecord(b)
}

func (s *memStore) Save(profile string, rec *auth.Record) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.saveErr != nil {
		return s.saveErr
	}
	b, err := rec.Encode()
	if err != nil {
		return err
	}
	s.recs[profile] = b
	s.saves++
	return nil
}

func (s *memStore) stored(t *testing.T, profile string) *auth.Record {
	t.Helper()
	s.mu.Lock()
	b := s.recs[profile]
	s.mu.Unlock()
	rec, err := auth.DecodeRecord(b)
	if err != nil {
		t.Fatalf("stored record: %v", err)
	}
	return rec
}

func (s *memStore) loadCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.loads
}

func (s *memStore) put(profile string, rec *auth.Record) {
	b, err := rec.Encode()
	if err != nil {
		panic(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.recs[profile] = b
}

func (s *memStore) remove(profile string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.recs, profile)
}

func (s *memStore) saveCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.saves
}

// fakeRefresher counts refreshes and hands out numbered tokens that expire
// an hour after the clock.
type fakeRefresher struct {
	now  func() time.Time
	err  error
	life time.Duration // of the tokens handed out; 0 means an hour
	// during, when set, runs inside every refresh, as if Spotify took time.
	during func()

	mu    sync.Mutex
	calls int
	got   []*auth.Record
}

func (f *fakeRefresher) Refresh(_ context.Context, rec *auth.Record) (*auth.Record, error) {
	if f.during != nil {
		f.during()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	f.got = append(f.got, rec)
	if f.err != nil {
		return nil, f.err
	}
	life := f.life
	if life == 0 {
		life = time.Hour
	}
	out := *rec
	out.AccessToken = fmt.Sprintf("BQrefreshed-%d", f.calls)
	out.RefreshToken = fmt.Sprintf("AQrotated-%d", f.calls)
	out.ExpiresAt = f.now().Add(life)
	out.UpdatedAt = f.now()
	return &out, nil
}

func (f *fakeRefresher) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

// mutexLocker is a Locker on a sync.Mutex, counting how often it was taken.
type mutexLocker struct {
	mu    sync.Mutex
	stats sync.Mutex
	taken int
}

func (l *mutexLocker) lock(ctx context.Context) (func(), error) {
	l.mu.Lock()
	l.stats.Lock()
	l.taken++
	l.stats.Unlock()
	return l.mu.Unlock, nil
}

func (l *mutexLocker) count() int {
	l.stats.Lock()
	defer l.stats.Unlock()
	return l.taken
}

func storedRecord(access string, expiresAt time.Time) *auth.Record {
	return &auth.Record{
		Version:      auth.RecordVersion,
		AccessToken:  access,
		RefreshToken: "AQstored",
		ExpiresAt:    expiresAt,
		ClientID:     pkceID,
		Flow:         auth.FlowPKCE,
		LoggedInAt:   t0.Add(-24 * time.Hour),
	}
}

func TestSource(t *testing.T) {
	const profile = "default"
	now := t0
	clock := func() time.Time { return now }
	tests := []struct {
		name       string
		expiresIn  time.Duration
		call       func(s *auth.Source) (*auth.Record, error)
		wantAccess string // "" for a refreshed token
		refreshes  int
	}{
		{
			name:       "Token fresh",
			expiresIn:  time.Hour,
			call:       func(s *auth.Source) (*auth.Record, error) { return s.Token(context.Background()) },
			wantAccess: "BQstored",
		},
		{
			name:       "Token just outside the margin",
			expiresIn:  auth.RefreshMargin + time.Second,
			call:       func(s *auth.Source) (*auth.Record, error) { return s.Token(context.Background()) },
			wantAccess: "BQstored",
		},
		{
			name:      "Token within the margin",
			expiresIn: auth.RefreshMargin - time.Second,
			call:      func(s *auth.Source) (*auth.Record, error) { return s.Token(context.Background()) },
			refreshes: 1,
		},
		{
			name:      "Token expired",
			expiresIn: -time.Hour,
			call:      func(s *auth.Source) (*auth.Record, error) { return s.Token(context.Background()) },
			refreshes: 1,
		},
		{
			name:      "Refresh forces",
			expiresIn: time.Hour,
			call:      func(s *auth.Source) (*auth.Record, error) { return s.Refresh(context.Background()) },
			refreshes: 1,
		},
		{
			name:      "Renew the refused token",
			expiresIn: time.Hour,
			call:      func(s *auth.Source) (*auth.Record, error) { return renew(s, "BQstored") },
			refreshes: 1,
		},
		{
			name:       "Renew when another process already replaced it",
			expiresIn:  time.Hour,
			call:       func(s *auth.Source) (*auth.Record, error) { return renew(s, "BQrefused-earlier") },
			wantAccess: "BQstored",
		},
		{
			name:      "Renew when the replacement is expired too",
			expiresIn: -time.Minute,
			call:      func(s *auth.Source) (*auth.Record, error) { return renew(s, "BQrefused-earlier") },
			refreshes: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := newMemStore(t, profile, storedRecord("BQstored", now.Add(tt.expiresIn)))
			ref := &fakeRefresher{now: clock}
			var lk mutexLocker
			var hooked [][2]*auth.Record
			src := &auth.Source{
				Store: store, Profile: profile, Grant: ref.Refresh, Lock: lk.lock, Now: clock,
				OnRefresh: func(old, new *auth.Record) error { hooked = append(hooked, [2]*auth.Record{old, new}); return nil },
			}
			got, err := tt.call(src)
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if ref.count() != tt.refreshes {
				t.Errorf("%d refreshes, want %d", ref.count(), tt.refreshes)
			}
			if store.saveCount() != tt.refreshes {
				t.Errorf("%d saves, want %d", store.saveCount(), tt.refreshes)
			}
			if len(hooked) != tt.refreshes {
				t.Errorf("OnRefresh called %d times, want %d", len(hooked), tt.refreshes)
			}
			if tt.refreshes == 0 {
				if got.AccessToken != tt.wantAccess {
					t.Errorf("access token %q, want %q", got.AccessToken, tt.wantAccess)
				}
				return
			}
			if got.AccessToken != "BQrefreshed-1" {
				t.Errorf("access token %q, want the refreshed one", got.AccessToken)
			}
			if lk.count() != 1 {
				t.Errorf("lock taken %d times, want 1", lk.count())
			}
			saved := store.stored(t, profile)
			if saved.AccessToken != "BQrefreshed-1" || saved.RefreshToken != "AQrotated-1" {
				t.Errorf("saved %q/%q, want the refreshed pair", saved.AccessToken, saved.RefreshToken)
			}
			if ref.got[0].RefreshToken != "AQstored" {
				t.Errorf("refreshed with %q, want the stored refresh token", ref.got[0].RefreshToken)
			}
			if hooked[0][0].AccessToken != "BQstored" || hooked[0][1].AccessToken != "BQrefreshed-1" {
				t.Errorf("OnRefresh(old %q, new %q)", hooked[0][0].AccessToken, hooked[0][1].AccessToken)
			}
			// Now fresh: asking again does not refresh again.
			again, err := src.Token(context.Background())
			if err != nil || again.AccessToken != "BQrefreshed-1" || ref.count() != 1 {
				t.Errorf("Token after refresh = %v, %v (%d refreshes)", again, err, ref.count())
			}
		})
	}
}

func TestSourceErrors(t *testing.T) {
	const profile = "work"
	now := t0
	clock := func() time.Time { return now }
	errDisk := errors.New("disk full")
	errLock := errors.New("lock busy")
	errRefresh := &auth.LoginNeededError{Reason: "refresh token no longer valid"}
	tests := []struct {
		name    string
		stored  *auth.Record // nil: nothing stored
		saveErr error
		loadErr error
		lockErr error
		refErr  error
		call    func(s *auth.Source) (*auth.Record, error)
		check   func(t *testing.T, err error)
	}{
		{
			name: "not logged in: Token",
			call: func(s *auth.Source) (*auth.Record, error) { return s.Token(context.Background()) },
			check: func(t *testing.T, err error) {
				if !errors.Is(err, auth.ErrNotLoggedIn) {
					t.Fatalf("err = %v, want ErrNotLoggedIn", err)
				}
				var ln *auth.LoginNeededError
				if !errors.As(err, &ln) || !strings.Contains(err.Error(), "spotcli login") {
					t.Errorf("err = %v, want a LoginNeededError saying what to do", err)
				}
			},
		},
		{
			name:  "not logged in: Refresh",
			call:  func(s *auth.Source) (*auth.Record, error) { return s.Refresh(context.Background()) },
			check: wantIs(auth.ErrNotLoggedIn),
		},
		{
			name:  "not logged in: Renew",
			call:  func(s *auth.Source) (*auth.Record, error) { return renew(s, "BQx") },
			check: wantIs(auth.ErrNotLoggedIn),
		},
		{
			name:  "not logged in: Record",
			call:  func(s *auth.Source) (*auth.Record, error) { return s.Record() },
			check: wantIs(auth.ErrNotLoggedIn),
		},
		{
			name:    "save fails",
			stored:  storedRecord("BQstored", now.Add(-time.Minute)),
			saveErr: errDisk,
			call:    func(s *auth.Source) (*auth.Record, error) { return s.Token(context.Background()) },
			check: func(t *testing.T, err error) {
				if !errors.Is(err, errDisk) {
					t.Fatalf("err = %v, want it to wrap the store's error", err)
				}
				for _, want := range []string{"the stored refresh token may no longer work", "spotcli login", `"work"`} {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("error %q does not mention %q", err, want)
					}
				}
				for _, secret := range []string{"BQrefreshed", "AQrotated", "AQstored"} {
					if strings.Contains(err.Error(), secret) {
						t.Errorf("error %q holds a token", err)
					}
				}
			},
		},
		{
			name:    "load fails",
			stored:  storedRecord("BQstored", now.Add(time.Hour)),
			loadErr: errDisk,
			call:    func(s *auth.Source) (*auth.Record, error) { return s.Token(context.Background()) },
			check:   wantIs(errDisk),
		},
		{
			name:    "lock fails",
			stored:  storedRecord("BQstored", now.Add(-time.Minute)),
			lockErr: errLock,
			call:    func(s *auth.Source) (*auth.Record, error) { return s.Token(context.Background()) },
			check:   wantIs(errLock),
		},
		{
			name:   "refresh fails",
			stored: storedRecord("BQstored", now.Add(-time.Minute)),
			refErr: errRefresh,
			call:   func(s *auth.Source) (*auth.Record, error) { return s.Token(context.Background()) },
			check:  wantIs(errRefresh),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := newMemStore(t, profile, tt.stored)
			store.saveErr, store.loadErr = tt.saveErr, tt.loadErr
			ref := &fakeRefresher{now: clock, err: tt.refErr}
			var lk mutexLocker
			lock := lk.lock
			if tt.lockErr != nil {
				lock = func(context.Context) (func(), error) { return nil, tt.lockErr }
			}
			onRefresh := 0
			src := &auth.Source{Store: store, Profile: profile, Grant: ref.Refresh, Lock: lock, Now: clock,
				OnRefresh: func(_, _ *auth.Record) error { onRefresh++; return nil }}
			got, err := tt.call(src)
			if got != nil {
				t.Errorf("got a record with the error: %+v", got)
			}
			tt.check(t, err)
			if onRefresh != 0 {
				t.Errorf("OnRefresh called after a failure")
			}
			if tt.stored != nil && tt.saveErr == nil {
				if s := store.stored(t, profile); s.AccessToken != "BQstored" {
					t.Errorf("store changed after a failure: %+v", s)
				}
			}
			// The lock is never left held.
			if tt.lockErr == nil {
				if !lk.mu.TryLock() {
					t.Error("the lock was left held")
				} else {
					lk.mu.Unlock()
				}
			}
		})
	}
}

// renew is Source.Renew returning the record it leaves in memory.
func renew(s *auth.Source, refused string) (*auth.Record, error) {
	if _, _, err := s.Renew(context.Background(), refused); err != nil {
		return nil, err
	}
	return s.Record()
}

func wantIs(target error) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		t.Helper()
		if !errors.Is(err, target) {
			t.Fatalf("err = %v, want %v", err, target)
		}
	}
}

// TestSourceConcurrentRefresh starts 16 sources, as 16 spotcli processes
// would, on one expired login with rotation on: one refresh may happen,
// since the first one kills the refresh token the others hold.
func TestSourceConcurrentRefresh(t *testing.T) {
	const n = 16
	const profile = "default"
	tests := []struct {
		name  string
		setup func(t *testing.T) (auth.Store, func() auth.Locker)
	}{
		{
			name: "in-memory store and a mutex",
			setup: func(t *testing.T) (auth.Store, func() auth.Locker) {
				store := newMemStore(t, profile, nil)
				var lk mutexLocker
				return store, func() auth.Locker { return lk.lock }
			},
		},
		{
			name: "file store and file lock",
			setup: func(t *testing.T) (auth.Store, func() auth.Locker) {
				dir := t.TempDir()
				store := &config.FileStore{Dir: filepath.Join(dir, "tokens")}
				path := filepath.Join(dir, "locks", profile+".lock")
				// Each process builds its own lock on the same path.
				return store, func() auth.Locker { return config.FileLock(path) }
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFake(t)
			srv.SetRotation(true)
			store, newLocker := tt.setup(t)
			loginAt := time.Now().Add(-24 * time.Hour)
			seed := seeded(srv, pkceID, auth.FlowPKCE, loginAt)
			srv.ExpireAccessTokens()
			if err := store.Save(profile, seed); err != nil {
				t.Fatal(err)
			}
			ctx := testCtx(t)

			var (
				wg      sync.WaitGroup
				start   = make(chan struct{})
				results = make([]*auth.Record, n)
				errs    = make([]error, n)
			)
			for i := range n {
				app, _ := newApp(t, srv, pkceID, "")
				src := &auth.Source{Store: store, Profile: profile, Grant: app.Refresh, Lock: newLocker()}
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					results[i], errs[i] = src.Token(ctx)
				}()
			}
			close(start)
			wg.Wait()

			for i := range n {
				if errs[i] != nil {
					t.Errorf("source %d: %v", i, errs[i])
					continue
				}
				if results[i].AccessToken == seed.AccessToken {
					t.Errorf("source %d got the expired token", i)
				}
				if results[i].AccessToken != results[0].AccessToken {
					t.Errorf("source %d got another access token than source 0", i)
				}
			}
			st := srv.Stats()
			if st.Refreshes != 1 || st.TokenRequests["refresh_token"] != 1 {
				t.Errorf("fake counted %d refreshes in %d refresh requests, want exactly 1",
					st.Refreshes, st.TokenRequests["refresh_token"])
			}
			saved, err := store.Load(profile)
			if err != nil {
				t.Fatal(err)
			}
			if results[0] != nil && saved.AccessToken != results[0].AccessToken {
				t.Error("the store does not hold the token handed out")
			}
			if saved.RefreshToken == seed.RefreshToken {
				t.Error("the rotated refresh token was not saved")
			}
			if !saved.LoggedInAt.Equal(seed.LoggedInAt) {
				t.Errorf("LoggedInAt changed: %v, want %v", saved.LoggedInAt, seed.LoggedInAt)
			}

			// The saved pair works: a forced refresh succeeds.
			app, _ := newApp(t, srv, pkceID, "")
			src := &auth.Source{Store: store, Profile: profile, Grant: app.Refresh, Lock: newLocker()}
			if _, err := src.Refresh(ctx); err != nil {
				t.Errorf("refresh with the saved refresh token: %v", err)
			}
		})
	}
}

// TestSourceWithApp runs Source over App against the fake: a stale token is
// refreshed and saved, and a revoked login asks for a new one.
func TestSourceWithApp(t *testing.T) {
	srv := newFake(t)
	srv.SetRotation(true)
	const profile = "default"
	seed := seeded(srv, pkceID, auth.FlowPKCE, time.Now().Add(-time.Hour))
	seed.ExpiresAt = time.Now().Add(auth.RefreshMargin / 2)
	store := newMemStore(t, profile, seed)
	app, _ := newApp(t, srv, pkceID, "")
	var lk mutexLocker
	src := &auth.Source{Store: store, Profile: profile, Grant: app.Refresh, Lock: lk.lock}

	got, err := src.Token(testCtx(t))
	if err != nil {
		t.Fatalf("Token: %v", err)
	}
	if got.AccessToken == seed.AccessToken || got.RefreshToken == seed.RefreshToken {
		t.Error("token within the margin was not refreshed")
	}
	if s := store.stored(t, profile); s.RefreshToken != got.RefreshToken {
		t.Error("the rotated refresh token was not saved")
	}

	srv.RevokeRefreshTokens()
	_, err = src.Refresh(testCtx(t))
	var ln *auth.LoginNeededError
	if !errors.As(err, &ln) || !strings.Contains(err.Error(), "spotcli login") {
		t.Fatalf("err = %v, want a LoginNeededError", err)
	}
	if got := srv.Stats().Refreshes; got != 1 {
		t.Errorf("%d refreshes, want 1", got)
	}
}
