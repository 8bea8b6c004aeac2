package auth

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrNotFound is returned by a Store that holds no record for a profile.
var ErrNotFound = errors.New("no stored login")

// Store keeps one record per profile.
type Store interface {
	Load(profile string) (*Record, error)
	Save(profile string, rec *Record) error
}

// Refresher trades a record's refresh token for fresh tokens.
type Refresher interface {
	Refresh(ctx context.Context, rec *Record) (*Record, error)
}

// Locker takes the cross-process lock of a profile; unlock releases it.
type Locker func(ctx context.Context) (unlock func(), err error)

// RefreshGrace is how long a refresh under way may go on after an interrupt.
const RefreshGrace = 3 * time.Second

// withGrace is a context that ends grace after ctx does.
func withGrace(ctx context.Context, grace time.Duration) (context.Context, context.CancelFunc) {
	g, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stop := context.AfterFunc(ctx, func() {
		t := time.AfterFunc(grace, cancel)
		context.AfterFunc(g, func() { t.Stop() })
	})
	return g, func() { stop(); cancel() }
}

// RefreshMargin is how long before expiry an access token is refreshed.
const RefreshMargin = 60 * time.Second

// Source hands out a valid access token for one profile, refreshing it when it
// is about to expire. Refreshing happens under the profile's lock and after
// re-reading the store, so that processes started together refresh once: the
// others find the token the first one saved. That matters because Spotify may
// invalidate a refresh token the moment it issues a new one.
type Source struct {
	Store     Store
	Profile   string
	Refresher Refresher
	Lock      Locker
	Now       func() time.Time
	// OnRefresh, when set, is told about every refresh this process made.
	OnRefresh func(old, new *Record)
}

func (s *Source) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Record returns the stored record without refreshing it.
func (s *Source) Record() (*Record, error) {
	rec, err := s.Store.Load(s.Profile)
	if errors.Is(err, ErrNotFound) {
		return nil, ErrNotLoggedIn
	}
	return rec, err
}

// Token returns a record whose access token is valid for at least RefreshMargin.
func (s *Source) Token(ctx context.Context) (*Record, error) {
	rec, err := s.Record()
	if err != nil {
		return nil, err
	}
	if rec.Fresh(s.now(), RefreshMargin) {
		return rec, nil
	}
	return s.refresh(ctx, rec.AccessToken, false)
}

// Refresh refreshes now, even when the stored token is fresh, unless another
// process replaced it meanwhile.
func (s *Source) Refresh(ctx context.Context) (*Record, error) {
	rec, err := s.Record()
	if err != nil {
		return nil, err
	}
	return s.refresh(ctx, rec.AccessToken, true)
}

// Renew replaces an access token that Spotify refused (401). If another
// process has already stored a different one, that one is used.
func (s *Source) Renew(ctx context.Context, refused string) (*Record, error) {
	return s.refresh(ctx, refused, true)
}

func (s *Source) refresh(ctx context.Context, stale string, force bool) (*Record, error) {
	unlock, err := s.Lock(ctx)
	if err != nil {
		return nil, err
	}
	defer unlock()
	cur, err := s.Record()
	if err != nil {
		return nil, err
	}
	if cur.Fresh(s.now(), RefreshMargin) && (!force || cur.AccessToken != stale) {
		return cur, nil
	}
	// Once the request is out, Spotify may rotate the refresh token: an
	// interrupt then must not drop the answer, or the login is lost. The
	// refresh gets RefreshGrace to finish and be saved after a Ctrl-C.
	rctx, cancel := withGrace(ctx, RefreshGrace)
	next, err := s.Refresher.Refresh(rctx, cur)
	cancel()
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	if err := s.Store.Save(s.Profile, next); err != nil {
		// The new tokens exist only in memory now; with rotation the stored
		// refresh token may already be dead, so say so plainly.
		return nil, fmt.Errorf("save refreshed token for profile %q: %w (the stored refresh token may no longer work: if so, run spotcli login)", s.Profile, err)
	}
	if s.OnRefresh != nil {
		s.OnRefresh(cur, next)
	}
	return next, nil
}
