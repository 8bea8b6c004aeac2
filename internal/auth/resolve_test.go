package auth_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spotcli/spotcli/internal/auth"
	"github.com/spotcli/spotcli/internal/config"
	"github.com/spotcli/spotcli/internal/spotifytest"
)

func envOf(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// resolver is a Resolver on store whose Store and Lock calls are counted.
type resolver struct {
	auth.Resolver
	opened, locked int
}

func newResolver(t *testing.T, env map[string]string, app *auth.App, store auth.Store) *resolver {
	t.Helper()
	r := &resolver{}
	var lk mutexLocker
	r.Resolver = auth.Resolver{
		Getenv:  envOf(env),
		Profile: "work",
		App:     app,
		Store: func() (auth.Store, error) {
			r.opened++
			return store, nil
		},
		Lock: func(string) auth.Locker {
			r.locked++
			return lk.lock
		},
		Files: config.UserFiles{},
	}
	return r
}

// TestResolverPrecedence: SPOTCLI_ACCESS_TOKEN, then SPOTCLI_REFRESH_TOKEN,
// then the stored login; credentials from the environment never open the
// store.
func TestResolverPrecedence(t *testing.T) {
	srv := newFake(t)
	stored := seeded(srv, pkceID, auth.FlowPKCE, time.Now())
	stored.ExpiresAt, stored.UpdatedAt = time.Now().Add(time.Hour), time.Now()
	envAccess, _ := srv.IssueTokens(pkceID, userID, testScopes, spotifytest.FlowPKCE, time.Now())
	_, envRefresh := srv.IssueTokens(pkceID, userID, testScopes, spotifytest.FlowPKCE, time.Now())
	tests := []struct {
		name       string
		env        map[string]string
		wantEnv    string
		wantAccess string // "" for a token refreshed from envRefresh
		wantWhere  string
	}{
		{name: "both set: the access token wins", env: map[string]string{auth.EnvAccessToken: envAccess, auth.EnvRefreshToken: envRefresh},
			wantEnv: auth.EnvAccessToken, wantAccess: envAccess, wantWhere: "environment (SPOTCLI_ACCESS_TOKEN)"},
		{name: "refresh token", env: map[string]string{auth.EnvRefreshToken: envRefresh},
			wantEnv: auth.EnvRefreshToken, wantWhere: "environment (SPOTCLI_REFRESH_TOKEN)"},
		{name: "stored login", env: map[string]string{}, wantAccess: stored.AccessToken, wantWhere: "memory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := newMemStore(t, "work", stored)
			app, _ := newApp(t, srv, pkceID, "")
			r := newResolver(t, tt.env, app, store)
			if got := auth.EnvCredentials(r.Getenv); got != tt.wantEnv {
				t.Errorf("EnvCredentials = %q, want %q", got, tt.wantEnv)
			}
			src, err := r.Source()
			if err != nil {
				t.Fatal(err)
			}
			if src.Env != tt.wantEnv || src.Location() != tt.wantWhere {
				t.Errorf("Env %q at %q, want %q at %q", src.Env, src.Location(), tt.wantEnv, tt.wantWhere)
			}
			tok, err := src.AccessToken(testCtx(t))
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantAccess != "" && tok != tt.wantAccess {
				t.Errorf("access token %q, want %q", tok, tt.wantAccess)
			}
			if tt.wantAccess == "" && (tok == stored.AccessToken || tok == envAccess) {
				t.Error("the refresh token from the environment was not used")
			}
			if tt.wantEnv != "" && (r.opened != 0 || r.locked != 0 || store.loadCount() != 0 || store.saveCount() != 0) {
				t.Errorf("credentials from the environment touched the store: opened %d, locked %d, %d reads, %d saves",
					r.opened, r.locked, store.loadCount(), store.saveCount())
			}
			if _, err := src.Refresh(testCtx(t)); tt.wantEnv == auth.EnvAccessToken && err == nil {
				t.Error("refreshing SPOTCLI_ACCESS_TOKEN succeeded")
			}
			if tt.wantEnv != "" && store.saveCount() != 0 {
				t.Error("a refresh of credentials from the environment was saved")
			}
		})
	}
}

// TestResolverEnvErrors: what a refused credential from the environment says.
func TestResolverEnvErrors(t *testing.T) {
	srv := newFake(t)
	app, _ := newApp(t, srv, pkceID, "")
	t.Run("access token refused", func(t *testing.T) {
		r := newResolver(t, map[string]string{auth.EnvAccessToken: "BQbogus"}, app, nil)
		src, err := r.Source()
		if err != nil {
			t.Fatal(err)
		}
		_, ok, err := src.Renew(testCtx(t), "BQbogus")
		var ln *auth.LoginNeededError
		if ok || !errors.As(err, &ln) {
			t.Fatalf("Renew = %v, %v; want a LoginNeededError", ok, err)
		}
		for _, want := range []string{"SPOTCLI_ACCESS_TOKEN", "unset it"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not say %q", err, want)
			}
		}
	})
	t.Run("refresh token revoked", func(t *testing.T) {
		_, rt := srv.IssueTokens(pkceID, userID, testScopes, spotifytest.FlowPKCE, time.Now())
		srv.RevokeRefreshTokens()
		r := newResolver(t, map[string]string{auth.EnvRefreshToken: rt}, app, nil)
		src, err := r.Source()
		if err != nil {
			t.Fatal(err)
		}
		_, err = src.Token(testCtx(t))
		var ln *auth.LoginNeededError
		if !errors.As(err, &ln) {
			t.Fatalf("err = %v, want a LoginNeededError", err)
		}
		for _, want := range []string{"SPOTCLI_REFRESH_TOKEN is no longer valid", "docs/ci.md"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not say %q", err, want)
			}
		}
		if strings.Contains(err.Error(), rt) {
			t.Error("the error holds the refresh token")
		}
	})
	t.Run("refresh token without client ID", func(t *testing.T) {
		r := newResolver(t, map[string]string{auth.EnvRefreshToken: "AQx"}, &auth.App{}, nil)
		_, err := r.Source()
		var se *auth.SettingError
		if !errors.As(err, &se) || !strings.Contains(err.Error(), "SPOTCLI_CLIENT_ID") {
			t.Errorf("err = %v, want a SettingError naming SPOTCLI_CLIENT_ID", err)
		}
	})
}

// TestAppOnly: the app-only token is cached under PROFILE@app until it
// expires, refetched when refused, foreign or unreadable, and kept in
// memory only with credentials from the environment.
func TestAppOnly(t *testing.T) {
	srv := newFake(t)
	t.Run("cached in the store", func(t *testing.T) {
		app, _ := newApp(t, srv, secretID, secretKey)
		store := newMemStore(t, "work", nil)
		srv.ResetStats()
		r := newResolver(t, nil, app, store)
		src, err := r.AppOnly()
		if err != nil {
			t.Fatal(err)
		}
		tok, err := src.AccessToken(testCtx(t))
		if err != nil {
			t.Fatal(err)
		}
		cached := store.stored(t, "work@app")
		if cached.AccessToken != tok || cached.Flow != auth.FlowClientCredentials {
			t.Errorf("cached %+v, want the token handed out", cached)
		}
		if _, ok := store.recs["work"]; ok {
			t.Error("the app-only token was stored as the user login")
		}
		// Another process uses the cache.
		src2, _ := r.AppOnly()
		if tok2, err := src2.AccessToken(testCtx(t)); err != nil || tok2 != tok {
			t.Errorf("second process got %q, %v; want the cached token", tok2, err)
		}
		if got := srv.Stats().TokenRequests["client_credentials"]; got != 1 {
			t.Errorf("%d client_credentials requests, want 1", got)
		}
		// Refused: a new one, cached.
		tok3, ok, err := src2.Renew(testCtx(t), tok)
		if err != nil || !ok || tok3 == tok {
			t.Fatalf("Renew = %q, %v, %v", tok3, ok, err)
		}
		if store.stored(t, "work@app").AccessToken != tok3 {
			t.Error("the renewed token was not cached")
		}
	})
	t.Run("cache of another app, corrupt or expired", func(t *testing.T) {
		app, _ := newApp(t, srv, secretID, secretKey)
		for name, put := range map[string]func(s *memStore){
			"other app": func(s *memStore) {
				s.put("work@app", &auth.Record{Version: 1, AccessToken: "BQother", ClientID: "other", Flow: auth.FlowClientCredentials, ExpiresAt: time.Now().Add(time.Hour)})
			},
			"expired": func(s *memStore) {
				s.put("work@app", &auth.Record{Version: 1, AccessToken: "BQold", ClientID: secretID, Flow: auth.FlowClientCredentials, ExpiresAt: time.Now()})
			},
			"corrupt": func(s *memStore) { s.recs["work@app"] = []byte("{") },
		} {
			store := newMemStore(t, "work", nil)
			put(store)
			src, err := newResolver(t, nil, app, store).AppOnly()
			if err != nil {
				t.Fatal(err)
			}
			tok, err := src.AccessToken(testCtx(t))
			if err != nil || tok == "BQother" || tok == "BQold" {
				t.Errorf("%s: AccessToken = %q, %v; want a new token", name, tok, err)
			}
			if got := store.stored(t, "work@app"); got.AccessToken != tok {
				t.Errorf("%s: cache not replaced", name)
			}
		}
	})
	t.Run("cache cannot be written", func(t *testing.T) {
		app, _ := newApp(t, srv, secretID, secretKey)
		store := newMemStore(t, "work", nil)
		store.saveErr = errors.New("disk full")
		r := newResolver(t, nil, app, store)
		var warn bytes.Buffer
		r.Warn = &warn
		src, _ := r.AppOnly()
		if _, err := src.AccessToken(testCtx(t)); err != nil {
			t.Fatalf("AccessToken: %v, want the token despite the cache", err)
		}
		if !strings.Contains(warn.String(), "could not cache the app-only token: disk full") {
			t.Errorf("warnings %q", warn.String())
		}
	})
	t.Run("environment credentials: memory only", func(t *testing.T) {
		app, _ := newApp(t, srv, secretID, secretKey)
		r := newResolver(t, map[string]string{auth.EnvRefreshToken: "AQx"}, app, nil)
		src, err := r.AppOnly()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := src.AccessToken(testCtx(t)); err != nil {
			t.Fatal(err)
		}
		if r.opened != 0 {
			t.Error("the store was opened")
		}
	})
	t.Run("no client secret", func(t *testing.T) {
		app, _ := newApp(t, srv, pkceID, "")
		_, err := newResolver(t, nil, app, nil).AppOnly()
		var se *auth.SettingError
		if !errors.As(err, &se) || !strings.Contains(err.Error(), "SPOTCLI_CLIENT_SECRET") {
			t.Errorf("err = %v, want a SettingError", err)
		}
	})
}

// TestSaveRefreshToken: a refresh token that Spotify rotated is written to
// the --save-refresh-token file 0600, atomically, in the directory the user
// named, whose permissions are never changed (issue 13, item 1). Before,
// the directory was made 0700 (the user's repository, $RUNNER_TEMP, /tmp).
func TestSaveRefreshToken(t *testing.T) {
	srv := newFake(t)
	srv.SetRotation(true)
	app, _ := newApp(t, srv, pkceID, "")
	newSource := func(t *testing.T, file string) (*auth.Source, *bytes.Buffer, string) {
		_, rt := srv.IssueTokens(pkceID, userID, testScopes, spotifytest.FlowPKCE, time.Now())
		r := newResolver(t, map[string]string{auth.EnvRefreshToken: rt}, app, nil)
		var warn bytes.Buffer
		r.Warn, r.SaveRefreshToken = &warn, file
		src, err := r.Source()
		if err != nil {
			t.Fatal(err)
		}
		return src, &warn, rt
	}

	t.Run("saved", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.Chmod(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(dir, "refresh-token")
		if err := os.WriteFile(file, []byte("old\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		src, warn, rt := newSource(t, file)
		rec, err := src.Token(testCtx(t))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(file)
		if err != nil || string(b) != rec.RefreshToken+"\n" || rec.RefreshToken == rt {
			t.Errorf("file holds %q, %v; want the rotated token", b, err)
		}
		if m := fileMode(t, file); m != 0o600 {
			t.Errorf("file mode %04o, want 0600", m)
		}
		if m := fileMode(t, dir); m != 0o755 {
			t.Errorf("directory mode %04o, want 0755 as the user left it", m)
		}
		if names, _ := os.ReadDir(dir); len(names) != 1 {
			t.Errorf("directory holds %d entries, want only the file", len(names))
		}
		if !strings.Contains(warn.String(), "the new one is in "+file) || strings.Contains(warn.String(), rec.RefreshToken) {
			t.Errorf("warnings %q", warn)
		}
	})
	t.Run("directory cannot be written: no refresh sent", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "missing", "refresh-token")
		src, _, _ := newSource(t, file)
		before := srv.Stats().Refreshes
		_, err := src.Token(testCtx(t))
		if err == nil || !strings.Contains(err.Error(), "refresh not sent") || !strings.Contains(err.Error(), file) {
			t.Fatalf("err = %v, want that no refresh was sent and the file", err)
		}
		if srv.Stats().Refreshes != before {
			t.Error("a refresh was sent")
		}
		if _, err := os.Stat(filepath.Dir(file)); !errors.Is(err, os.ErrNotExist) {
			t.Error("the missing directory was created")
		}
	})
	t.Run("save fails after the refresh", func(t *testing.T) {
		dir := t.TempDir()
		file := filepath.Join(dir, "refresh-token")
		src, _, _ := newSource(t, file)
		// The directory disappears between the check and the write.
		src.CheckSave = func() error { return os.Remove(dir) }
		_, err := src.Token(testCtx(t))
		var re *auth.RotationError
		if !errors.As(err, &re) {
			t.Fatalf("err = %v, want a RotationError", err)
		}
		for _, want := range []string{file, "not saved anywhere", "lost when spotcli exits", "SPOTCLI_REFRESH_TOKEN may no longer work", "spotcli login"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not say %q", err, want)
			}
		}
		for _, s := range srv.Secrets() {
			if strings.Contains(err.Error(), s) {
				t.Error("the error holds a secret")
			}
		}
	})
	t.Run("no file: warned", func(t *testing.T) {
		src, warn, _ := newSource(t, "")
		if _, err := src.Token(testCtx(t)); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(warn.String(), "--save-refresh-token FILE") {
			t.Errorf("warnings %q", warn)
		}
	})
}

// TestSourceExpiryWarning: a stored login whose refresh token expires within
// RefreshWarnDays is reported once per process.
func TestSourceExpiryWarning(t *testing.T) {
	clock := func() time.Time { return t0 }
	rec := storedRecord("BQstored", t0.Add(time.Hour))
	rec.LoggedInAt = t0.Add(-auth.RefreshTokenLifetime + 3*24*time.Hour - time.Hour)
	store := newMemStore(t, "work", rec)
	var got []int
	src := &auth.Source{Store: store, Profile: "work", Now: clock, OnExpiring: func(d int) { got = append(got, d) }}
	for range 3 {
		if _, err := src.Token(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if len(got) != 1 || got[0] != 3 {
		t.Errorf("OnExpiring calls %v, want [3]", got)
	}
}
