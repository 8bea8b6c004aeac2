package auth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"
)

// ErrNotFound is returned by a Store that holds no record for a profile.
var ErrNotFound = errors.New("no stored login")

// Store keeps one record per profile.
type Store interface {
	Load(profile string) (*Record, error)
	Save(profile string, rec *Record) error
}

// saveChecker is a Store that can tell, before a refresh is sent, whether
// saving its answer would fail (a read-only or full tokens directory).
type saveChecker interface {
	CheckSave(profile string) error
}

// locator is a Store that can say where it keeps a profile's record.
type locator interface {
	Location(profile string) string
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

// RefreshMargin is how long before expiry an access token is refreshed, at
// most (Record.Margin).
const RefreshMargin = 60 * time.Second

// RefreshWarnDays is how early every command starts warning that the login
// must be renewed.
const RefreshWarnDays = 14

// Source hands out the access token of one run's credentials and renews it.
// It satisfies the Web API client's token interface (api.TokenSource).
//
// The record is read from the store once and then kept in memory; the store
// is read again only under the profile's lock when the token must be
// refreshed, and after Spotify refused the token (401). Refreshing happens
// under that lock and after that re-read, so that processes started together
// refresh once: the others find the token the first one saved. That matters
// because Spotify may invalidate a refresh token the moment it issues a new
// one.
type Source struct {
	Profile string
	// Store holds the record; nil keeps it in this process only (credentials
	// from the environment touch no store).
	Store Store
	// Grant trades a record for fresh tokens (App.Refresh, say).
	Grant func(ctx context.Context, rec *Record) (*Record, error)
	// Lock serialises refreshes across processes; nil means no lock.
	Lock Locker
	Now  func() time.Time
	// Env names the environment variable the credentials come from, or "".
	Env string
	// AppOnlyOK lets AccessToken hand out an app-only token stored as the
	// login; commands that act for a user leave it false.
	AppOnlyOK bool
	// CheckSave, when set, is asked before a refresh is sent whether its
	// answer can be kept (the --save-refresh-token file, say).
	CheckSave func() error
	// OnRefresh, when set, is told about every refresh this process made,
	// after it was saved. Its error fails the refresh.
	OnRefresh func(old, new *Record) error
	// OnExpiring, when set, is told once when the stored login's refresh
	// token expires within RefreshWarnDays.
	OnExpiring func(daysLeft int)
	// Warn receives warnings (a failure to cache an app-only token).
	Warn io.Writer

	// cache makes the source a cache of app-only tokens: a missing,
	// unreadable or foreign record is fetched anew, no lock is taken, and a
	// failed save only warns.
	cache    bool
	clientID string // the app a cached token must belong to
	// login marks a record that a login made and Save has not stored yet:
	// it is refreshed in memory, and the store is neither read nor written.
	login bool

	mu       sync.Mutex
	cur      *Record // the record in memory; nil until read
	read     bool    // the store was read
	expiring bool    // OnExpiring was considered
}

func (s *Source) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Location says where the tokens live, for people: "keyring",
// "file (plain text) PATH", "environment (SPOTCLI_REFRESH_TOKEN)".
func (s *Source) Location() string {
	if s.Env != "" {
		return "environment (" + s.Env + ")"
	}
	if l, ok := s.Store.(locator); ok {
		return l.Location(s.Profile)
	}
	return "memory"
}

// load reads the store (never for a source without one) and keeps what it
// found. Call with s.mu held.
func (s *Source) load() (*Record, error) {
	if s.Store == nil || s.login {
		if s.cur == nil && !s.cache {
			return nil, ErrNotLoggedIn
		}
		return s.cur, nil
	}
	rec, err := s.Store.Load(s.Profile)
	if s.cache {
		// A cache that cannot be read is refilled, never a reason to fail.
		if err != nil || rec.ClientID != s.clientID {
			rec = nil
		}
		s.cur, s.read = rec, true
		return rec, nil
	}
	if errors.Is(err, ErrNotFound) {
		s.cur, s.read = nil, true
		return nil, ErrNotLoggedIn
	}
	if err != nil {
		// Not remembered: the next call reads again and says what is wrong.
		return nil, err
	}
	s.cur, s.read = rec, true
	return rec, nil
}

// current is the record in memory, read from the store the first time.
// Call with s.mu held.
func (s *Source) current() (*Record, error) {
	if s.cur != nil || s.read {
		if s.cur == nil && !s.cache {
			return nil, ErrNotLoggedIn
		}
		return s.cur, nil
	}
	return s.load()
}

// Record returns the record without refreshing it.
func (s *Source) Record() (*Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, err := s.current()
	if err != nil || rec == nil {
		if err == nil {
			err = ErrNotLoggedIn
		}
		return nil, err
	}
	c := *rec
	return &c, nil
}

// Token returns a record whose access token is valid for at least its margin
// (Record.Margin), refreshing it first if need be.
func (s *Source) Token(ctx context.Context) (*Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, err := s.current()
	if err != nil {
		return nil, err
	}
	if rec == nil || !rec.Valid(s.now()) {
		if rec, err = s.refresh(ctx, "", false); err != nil {
			return nil, err
		}
	}
	s.noteExpiry(rec)
	c := *rec
	return &c, nil
}

// Refresh refreshes now, even when the token is fresh, unless another process
// replaced it meanwhile.
func (s *Source) Refresh(ctx context.Context) (*Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, err := s.current()
	if err != nil {
		return nil, err
	}
	stale := ""
	if rec != nil {
		stale = rec.AccessToken
	}
	if rec, err = s.refresh(ctx, stale, true); err != nil {
		return nil, err
	}
	c := *rec
	return &c, nil
}

// AccessToken is Token's access token, refused when it is an app-only token
// and the source is a user's (AppOnlyOK false).
func (s *Source) AccessToken(ctx context.Context) (string, error) {
	rec, err := s.Token(ctx)
	if err != nil {
		return "", err
	}
	if rec.Flow == FlowClientCredentials && !s.AppOnlyOK && !s.cache {
		return "", &LoginNeededError{Reason: "this command needs a user login, and the stored one is an app-only token"}
	}
	return rec.AccessToken, nil
}

// Renew replaces an access token that Spotify refused (401). If this process
// or another one has already replaced it, the replacement is used.
func (s *Source) Renew(ctx context.Context, refused string) (string, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur != nil && s.cur.AccessToken != refused && s.cur.Valid(s.now()) {
		return s.cur.AccessToken, true, nil
	}
	rec, err := s.refresh(ctx, refused, true)
	if err != nil {
		return "", false, err
	}
	return rec.AccessToken, true, nil
}

// Save stores rec as the profile's login, under the profile's lock so that
// it never interleaves with a refresh of the record it replaces.
func (s *Source) Save(ctx context.Context, rec *Record) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	unlock, err := s.lock(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	if s.Store != nil {
		if err := s.Store.Save(s.Profile, rec); err != nil {
			return err
		}
	}
	c := *rec
	s.cur, s.read, s.login = &c, true, false
	return nil
}

func (s *Source) lock(ctx context.Context) (func(), error) {
	if s.Lock == nil {
		return func() {}, nil
	}
	return s.Lock(ctx)
}

// refresh gets new tokens unless the store, re-read under the lock, holds a
// valid token other than stale (force) or any valid token (!force). Call
// with s.mu held.
func (s *Source) refresh(ctx context.Context, stale string, force bool) (*Record, error) {
	unlock, err := s.lock(ctx)
	if err != nil {
		return nil, err
	}
	defer unlock()
	cur, err := s.load()
	if err != nil {
		return nil, err
	}
	if cur != nil && cur.Valid(s.now()) && (!force || cur.AccessToken != stale) {
		return cur, nil
	}
	if cur == nil && !s.cache {
		return nil, ErrNotLoggedIn
	}
	// Once the request is out, Spotify may rotate the refresh token, and a
	// save that fails then loses the login: make sure it can succeed first.
	if err := s.checkSave(cur); err != nil {
		return nil, fmt.Errorf("refresh not sent, so the refresh token was not used and still works: %w", err)
	}
	// An interrupt must not drop Spotify's answer either: the refresh gets
	// RefreshGrace to finish and be saved after a Ctrl-C.
	rctx, cancel := withGrace(ctx, RefreshGrace)
	next, err := s.Grant(rctx, cur)
	cancel()
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	if err := s.save(cur, next); err != nil {
		return nil, err
	}
	s.cur = next
	if s.OnRefresh != nil {
		if err := s.OnRefresh(cur, next); err != nil {
			return nil, err
		}
	}
	return next, nil
}

// checkSave makes sure that a refresh of cur can be saved. Call with the
// lock held.
func (s *Source) checkSave(cur *Record) error {
	if s.CheckSave != nil {
		if err := s.CheckSave(); err != nil {
			return err
		}
	}
	if s.Store == nil || s.cache {
		return nil
	}
	// The answer's access token may be longer than the stored one (it is
	// then left out, see save); the rest of the record must fit already.
	bare := *cur
	bare.AccessToken = ""
	if _, err := bare.Encode(); err != nil {
		return fmt.Errorf("the login of profile %q cannot be saved: %w: run spotcli login", s.Profile, err)
	}
	if c, ok := s.Store.(saveChecker); ok {
		if err := c.CheckSave(s.Profile); err != nil {
			return fmt.Errorf("the login of profile %q could not be saved after a refresh: %w", s.Profile, err)
		}
	}
	return nil
}

// save keeps a refresh's answer, if the store still holds the record that
// was refreshed: a login or logout that got in meanwhile wins. Call with the
// lock held.
func (s *Source) save(cur, next *Record) error {
	if s.Store == nil || s.login {
		return nil
	}
	if s.cache {
		if err := s.Store.Save(s.Profile, next); err != nil && s.Warn != nil {
			fmt.Fprintf(s.Warn, "warning: could not cache the app-only token: %v\n", err)
		}
		return nil
	}
	// Only proof of a change stops the save: a read that fails now (it
	// worked under this lock a moment ago) must not lose a rotated token.
	now, err := s.Store.Load(s.Profile)
	switch {
	case errors.Is(err, ErrNotFound):
		s.cur = nil
		return &LoginNeededError{Reason: fmt.Sprintf("the login of profile %q was removed (spotcli logout) while it was being refreshed, and stays removed", s.Profile)}
	case err == nil && !now.SameLogin(cur):
		s.cur = now
		return fmt.Errorf("the login of profile %q was replaced (spotcli login) while it was being refreshed; the new login was kept: run the command again", s.Profile)
	}
	rec := next
	if _, err := next.Encode(); errors.Is(err, ErrRecordTooLarge) {
		// Keep the refresh token, which matters: this process uses the
		// access token from memory, and the next one refreshes.
		bare := *next
		bare.AccessToken, bare.ExpiresAt = "", time.Time{}
		rec = &bare
	}
	if err := s.Store.Save(s.Profile, rec); err != nil {
		// The new tokens exist only in memory now; with rotation the stored
		// refresh token may already be dead, so say so plainly.
		return fmt.Errorf("save refreshed token for profile %q: %w (the stored refresh token may no longer work: if so, run spotcli login)", s.Profile, err)
	}
	return nil
}

// noteExpiry tells OnExpiring, once, that the login must soon be renewed.
func (s *Source) noteExpiry(rec *Record) {
	if s.expiring || s.OnExpiring == nil || s.Env != "" || s.cache {
		return
	}
	s.expiring = true
	if rec.LoggedInAt.IsZero() || rec.RefreshToken == "" {
		return
	}
	left := rec.RefreshExpiresAt().Sub(s.now())
	if left > 0 && left < RefreshWarnDays*24*time.Hour {
		s.OnExpiring(DaysLeft(left))
	}
}

// DaysLeft counts a part of a day as a day: "expires in 1 day" until it has.
func DaysLeft(d time.Duration) int {
	if d <= 0 {
		return 0
	}
	return int((d + 24*time.Hour - 1) / (24 * time.Hour))
}
