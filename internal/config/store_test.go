package config_test

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/spotcli/spotcli/internal/auth"
	"github.com/spotcli/spotcli/internal/config"
	"github.com/zalando/go-keyring"
)

// fakeKeyring is an in-memory KeyringBackend. go-keyring's own mock is
// process-global and would replace the real keyring for TestRealKeyring, so
// it is used only in a subprocess (TestSystemKeyringMock).
type fakeKeyring struct {
	mu      sync.Mutex
	secrets map[[2]string]string
	calls   int
	err     error         // returned by every call when set
	hang    chan struct{} // when set, every call blocks until it is closed
}

func newFakeKeyring() *fakeKeyring {
	return &fakeKeyring{secrets: map[[2]string]string{}}
}

// hanging returns a fake whose calls never answer until the test ends.
func hanging(t *testing.T) *fakeKeyring {
	k := newFakeKeyring()
	k.hang = make(chan struct{})
	t.Cleanup(func() { close(k.hang) })
	return k
}

func (k *fakeKeyring) enter() error {
	k.mu.Lock()
	k.calls++
	hang, err := k.hang, k.err
	k.mu.Unlock()
	if hang != nil {
		<-hang
	}
	return err
}

func (k *fakeKeyring) Get(service, user string) (string, error) {
	if err := k.enter(); err != nil {
		return "", err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	s, ok := k.secrets[[2]string{service, user}]
	if !ok {
		return "", keyring.ErrNotFound
	}
	return s, nil
}

func (k *fakeKeyring) Set(service, user, secret string) error {
	if err := k.enter(); err != nil {
		return err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.secrets[[2]string{service, user}] = secret
	return nil
}

func (k *fakeKeyring) Delete(service, user string) error {
	if err := k.enter(); err != nil {
		return err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, ok := k.secrets[[2]string{service, user}]; !ok {
		return keyring.ErrNotFound
	}
	delete(k.secrets, [2]string{service, user})
	return nil
}

func (k *fakeKeyring) secret(service, user string) (string, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	s, ok := k.secrets[[2]string{service, user}]
	return s, ok
}

func (k *fakeKeyring) put(service, user, secret string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.secrets[[2]string{service, user}] = secret
}

func (k *fakeKeyring) callCount() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.calls
}

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func testRecord(updated time.Time) *auth.Record {
	return &auth.Record{
		Version:      auth.RecordVersion,
		AccessToken:  "access-" + updated.Format(time.RFC3339),
		RefreshToken: "refresh",
		TokenType:    "Bearer",
		ExpiresAt:    updated.Add(time.Hour),
		Scopes:       []string{"user-read-private", "playlist-read-private"},
		ClientID:     "client",
		Flow:         auth.FlowPKCE,
		UserID:       "user",
		UserName:     "User Name",
		LoggedInAt:   t0,
		UpdatedAt:    updated,
	}
}

func encode(t *testing.T, rec *auth.Record) []byte {
	t.Helper()
	b, err := rec.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mode(t *testing.T, path string) fs.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

func skipPermsOnWindows(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix permissions")
	}
}

func TestFileStoreSaveModes(t *testing.T) {
	skipPermsOnWindows(t)
	tests := []struct {
		name     string
		existing fs.FileMode // mode of a pre-existing tokens dir; 0 means none
	}{
		{name: "new directory"},
		{name: "existing 0755 directory", existing: 0o755},
		{name: "existing 0777 directory", existing: 0o777},
		{name: "existing 0700 directory", existing: 0o700},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(t.TempDir(), "spotcli", "tokens")
			if tt.existing != 0 {
				if err := os.MkdirAll(dir, 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(dir, tt.existing); err != nil {
					t.Fatal(err)
				}
			}
			st := &config.FileStore{Dir: dir}
			rec := testRecord(t0)
			if err := st.Save("work", rec); err != nil {
				t.Fatal(err)
			}
			if got := mode(t, dir); got != 0o700 {
				t.Errorf("tokens dir mode %04o, want 0700", got)
			}
			path := filepath.Join(dir, "work.json")
			if got := mode(t, path); got != 0o600 {
				t.Errorf("token file mode %04o, want 0600", got)
			}
			got, err := st.Load("work")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(rec, got); diff != "" {
				t.Errorf("Load after Save (-want +got):\n%s", diff)
			}
			if got, want := st.Location("work"), "file (plain text) "+path; got != want {
				t.Errorf("Location = %q, want %q", got, want)
			}
		})
	}
}

func TestFileStoreSaveReplacesAtomically(t *testing.T) {
	skipPermsOnWindows(t)
	t.Parallel()
	dir := t.TempDir()
	st := &config.FileStore{Dir: dir}
	path := filepath.Join(dir, "work.json")
	// A loose file left by someone else is replaced by a 0600 one.
	writeFile(t, path, "old contents", 0o644)
	for i := 0; i < 3; i++ {
		rec := testRecord(t0.Add(time.Duration(i) * time.Minute))
		if err := st.Save("work", rec); err != nil {
			t.Fatal(err)
		}
		got, err := st.Load("work")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(rec, got); diff != "" {
			t.Errorf("save %d: Load (-want +got):\n%s", i, diff)
		}
	}
	if got := mode(t, path); got != 0o600 {
		t.Errorf("mode %04o, want 0600", got)
	}
	if err := st.Save("home", testRecord(t0)); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"home.json", "work.json"}, dirNames(t, dir)); diff != "" {
		t.Errorf("tokens dir (-want +got), temporary files left behind?\n%s", diff)
	}
}

func TestFileStoreSaveFailureLeavesNoTempFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// The rename cannot replace a non-empty directory.
	writeFile(t, filepath.Join(dir, "work.json", "keep"), "x", 0o600)
	st := &config.FileStore{Dir: dir}
	if err := st.Save("work", testRecord(t0)); err == nil {
		t.Fatal("Save over a directory succeeded")
	}
	if diff := cmp.Diff([]string{"work.json"}, dirNames(t, dir)); diff != "" {
		t.Errorf("tokens dir (-want +got):\n%s", diff)
	}
}

func TestFileStoreSaveRefusesHugeRecord(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "tokens")
	rec := testRecord(t0)
	rec.AccessToken = strings.Repeat("a", auth.MaxRecordSize)
	err := (&config.FileStore{Dir: dir}).Save("work", rec)
	if err == nil || !strings.Contains(err.Error(), "2048") {
		t.Fatalf("Save = %v, want the size limit error", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("tokens dir created by a refused Save: %v", err)
	}
}

func TestFileStoreLoadMissing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		dir  func(t *testing.T) string
	}{
		{"no directory", func(t *testing.T) string { return filepath.Join(t.TempDir(), "tokens") }},
		{"empty directory", func(t *testing.T) string { return t.TempDir() }},
		{"other profile only", func(t *testing.T) string {
			d := t.TempDir()
			if err := (&config.FileStore{Dir: d}).Save("home", testRecord(t0)); err != nil {
				t.Fatal(err)
			}
			return d
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec, err := (&config.FileStore{Dir: tt.dir(t)}).Load("work")
			if !errors.Is(err, auth.ErrNotFound) {
				t.Errorf("Load = %v, %v; want auth.ErrNotFound", rec, err)
			}
		})
	}
}

// corruptRecords are stored forms that must not decode, by name.
func corruptRecords(t *testing.T) map[string][]byte {
	good := encode(t, testRecord(t0))
	replace := func(old, new string) []byte {
		if !bytes.Contains(good, []byte(old)) {
			t.Fatalf("stored record %s has no %s", good, old)
		}
		return bytes.Replace(good, []byte(old), []byte(new), 1)
	}
	return map[string][]byte{
		"garbage":              []byte("\x00\x01 not json at all"),
		"empty":                {},
		"truncated JSON":       good[:len(good)/2],
		"missing fields":       []byte(`{"v":1}`),
		"no client_id":         []byte(`{"v":1,"access_token":"a","refresh_token":"r","flow":"pkce"}`),
		"unknown version":      replace(`"v":1`, `"v":2`),
		"version 0":            replace(`"v":1,`, ""),
		"unknown flow":         replace(`"flow":"pkce"`, `"flow":"implicit"`),
		"trailing data":        append(append([]byte{}, good...), []byte(` {"v":1}`)...),
		"JSON array":           []byte(`[1,2,3]`),
		"wrong field type":     replace(`"v":1`, `"v":"1"`),
		"pkce without refresh": replace(`"refresh_token":"refresh",`, ""),
	}
}

func TestFileStoreLoadCorrupt(t *testing.T) {
	t.Parallel()
	for name, data := range corruptRecords(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := filepath.Join(dir, "work.json")
			writeFile(t, path, string(data), 0o600)
			before, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}

			rec, err := (&config.FileStore{Dir: dir}).Load("work")
			var ce *config.CorruptError
			if !errors.As(err, &ce) {
				t.Fatalf("Load = %v, %v; want a *CorruptError", rec, err)
			}
			if ce.Profile != "work" || ce.Where != path {
				t.Errorf("CorruptError{Profile: %q, Where: %q}, want work, %s", ce.Profile, ce.Where, path)
			}
			if !errors.Is(err, auth.ErrCorruptRecord) {
				t.Errorf("error %q does not wrap auth.ErrCorruptRecord", err)
			}
			for _, s := range []string{`"work"`, path, "spotcli logout --profile work", "spotcli login --profile work"} {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not contain %q", err, s)
				}
			}

			// The failed read leaves the file alone.
			after, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, data) || !after.ModTime().Equal(before.ModTime()) || after.Mode() != before.Mode() {
				t.Errorf("the corrupt file was modified by Load")
			}
			if diff := cmp.Diff([]string{"work.json"}, dirNames(t, dir)); diff != "" {
				t.Errorf("tokens dir (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFileStoreDelete(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		save        []string
		wantRemoved bool
		wantLeft    []string
	}{
		{name: "missing", save: nil, wantRemoved: false},
		{name: "other profile only", save: []string{"home"}, wantRemoved: false, wantLeft: []string{"home.json"}},
		{name: "present", save: []string{"work", "home"}, wantRemoved: true, wantLeft: []string{"home.json"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			st := &config.FileStore{Dir: dir}
			for _, p := range tt.save {
				if err := st.Save(p, testRecord(t0)); err != nil {
					t.Fatal(err)
				}
			}
			removed, err := st.Delete("work")
			if err != nil || removed != tt.wantRemoved {
				t.Errorf("Delete = %v, %v; want %v, nil", removed, err, tt.wantRemoved)
			}
			if diff := cmp.Diff(tt.wantLeft, dirNames(t, dir)); diff != "" {
				t.Errorf("left (-want +got):\n%s", diff)
			}
			if removed, err := st.Delete("work"); removed || err != nil {
				t.Errorf("second Delete = %v, %v; want false, nil", removed, err)
			}
		})
	}
	t.Run("no directory", func(t *testing.T) {
		t.Parallel()
		removed, err := (&config.FileStore{Dir: filepath.Join(t.TempDir(), "none")}).Delete("work")
		if removed || err != nil {
			t.Errorf("Delete = %v, %v; want false, nil", removed, err)
		}
	})
}

func TestWriteFileAtomic(t *testing.T) {
	skipPermsOnWindows(t)
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "a", "b")
	path := filepath.Join(dir, "secret")
	for _, data := range []string{"first", "second, longer", ""} {
		if err := config.WriteFileAtomic(path, []byte(data)); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != data {
			t.Errorf("contents %q, want %q", got, data)
		}
	}
	if m := mode(t, path); m != 0o600 {
		t.Errorf("file mode %04o, want 0600", m)
	}
	if m := mode(t, dir); m != 0o700 {
		t.Errorf("dir mode %04o, want 0700", m)
	}
	if diff := cmp.Diff([]string{"secret"}, dirNames(t, dir)); diff != "" {
		t.Errorf("dir (-want +got):\n%s", diff)
	}
}

func TestCorruptError(t *testing.T) {
	t.Parallel()
	inner := fmt.Errorf("%w: no token", auth.ErrCorruptRecord)
	err := error(&config.CorruptError{Profile: "work", Where: "the OS keyring", Err: inner})
	want := `the stored login of profile "work" in the OS keyring cannot be read (stored login cannot be read: no token): run spotcli logout --profile work, then spotcli login --profile work`
	if err.Error() != want {
		t.Errorf("Error() =\n%s\nwant\n%s", err, want)
	}
	if !errors.Is(err, auth.ErrCorruptRecord) {
		t.Error("CorruptError does not unwrap to its cause")
	}
}

// keyringStore is a KeyringStore over backend, with a short timeout.
func keyringStore(backend config.KeyringBackend) *config.KeyringStore {
	return &config.KeyringStore{Backend: backend, Service: "spotcli", Timeout: 100 * time.Millisecond}
}

func TestKeyringStoreRoundTrip(t *testing.T) {
	t.Parallel()
	fk := newFakeKeyring()
	st := keyringStore(fk)
	if got := st.Location("work"); got != "keyring" {
		t.Errorf("Location = %q, want keyring", got)
	}
	if _, err := st.Load("work"); !errors.Is(err, auth.ErrNotFound) {
		t.Fatalf("Load before Save = %v, want auth.ErrNotFound", err)
	}
	for _, p := range []string{"work", "home"} {
		if err := st.Save(p, testRecord(t0)); err != nil {
			t.Fatal(err)
		}
	}
	rec := testRecord(t0.Add(time.Hour))
	if err := st.Save("work", rec); err != nil {
		t.Fatal(err)
	}
	secret, ok := fk.secret("spotcli", "work")
	if !ok || secret != string(encode(t, rec)) {
		t.Errorf("stored secret %q, want the record's stored form under service spotcli, user work", secret)
	}
	got, err := st.Load("work")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(rec, got); diff != "" {
		t.Errorf("Load (-want +got):\n%s", diff)
	}
	if removed, err := st.Delete("work"); !removed || err != nil {
		t.Errorf("Delete = %v, %v; want true, nil", removed, err)
	}
	if _, err := st.Load("work"); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("Load after Delete = %v, want auth.ErrNotFound", err)
	}
	if removed, err := st.Delete("work"); removed || err != nil {
		t.Errorf("Delete of missing = %v, %v; want false, nil", removed, err)
	}
	if _, err := st.Load("home"); err != nil {
		t.Errorf("Load of the other profile: %v", err)
	}
}

// keyringOps runs each KeyringStore operation; err is the operation's error.
var keyringOps = []struct {
	name string
	run  func(st *config.KeyringStore) error
}{
	{"Load", func(st *config.KeyringStore) error { _, err := st.Load("work"); return err }},
	{"Save", func(st *config.KeyringStore) error { return st.Save("work", testRecord(t0)) }},
	{"Delete", func(st *config.KeyringStore) error {
		removed, err := st.Delete("work")
		if removed {
			return errors.New("Delete reported a removal")
		}
		return err
	}},
}

func TestKeyringStoreHangs(t *testing.T) {
	t.Parallel()
	for _, op := range keyringOps {
		t.Run(op.name, func(t *testing.T) {
			t.Parallel()
			fk := hanging(t)
			err := op.run(keyringStore(fk))
			if !errors.Is(err, config.ErrKeyringUnavailable) || !strings.Contains(err.Error(), "no answer within 100ms") {
				t.Errorf("%s = %v; want ErrKeyringUnavailable with \"no answer within 100ms\"", op.name, err)
			}
		})
	}
}

func TestKeyringStoreBackendError(t *testing.T) {
	t.Parallel()
	for _, op := range keyringOps {
		t.Run(op.name, func(t *testing.T) {
			t.Parallel()
			fk := newFakeKeyring()
			fk.err = errors.New("org.freedesktop.DBus.Error.ServiceUnknown")
			err := op.run(keyringStore(fk))
			if !errors.Is(err, config.ErrKeyringUnavailable) || !strings.Contains(err.Error(), "ServiceUnknown") {
				t.Errorf("%s = %v; want ErrKeyringUnavailable with the backend's error", op.name, err)
			}
			if errors.Is(err, auth.ErrNotFound) {
				t.Errorf("%s = %v; a backend failure is not \"not found\"", op.name, err)
			}
		})
	}
}

func TestKeyringStoreUnavailable(t *testing.T) {
	t.Parallel()
	availability := []struct {
		name      string
		available func() error
	}{
		{"wrapped error", func() error { return fmt.Errorf("%w: no session", config.ErrKeyringUnavailable) }},
		{"plain error", func() error { return errors.New("no session") }},
	}
	if runtime.GOOS == "linux" {
		availability = append(availability, struct {
			name      string
			available func() error
		}{"no D-Bus", config.DBusAvailable(func(string) string { return "" })})
	}
	for _, a := range availability {
		for _, op := range keyringOps {
			t.Run(a.name+"/"+op.name, func(t *testing.T) {
				t.Parallel()
				fk := newFakeKeyring()
				st := keyringStore(fk)
				st.Available = a.available
				err := op.run(st)
				if !errors.Is(err, config.ErrKeyringUnavailable) {
					t.Errorf("%s = %v, want ErrKeyringUnavailable", op.name, err)
				}
				if n := fk.callCount(); n != 0 {
					t.Errorf("%d backend calls, want none", n)
				}
			})
		}
	}
}

func TestDBusAvailable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		addr    string
		wantErr bool
	}{
		{addr: "", wantErr: runtime.GOOS != "darwin" && runtime.GOOS != "windows"},
		{addr: "unix:path=/run/user/1000/bus", wantErr: false},
	}
	for _, tt := range tests {
		var asked []string
		err := config.DBusAvailable(func(k string) string {
			asked = append(asked, k)
			if k == "DBUS_SESSION_BUS_ADDRESS" {
				return tt.addr
			}
			return "unrelated"
		})()
		if (err != nil) != tt.wantErr {
			t.Errorf("DBUS_SESSION_BUS_ADDRESS=%q: err %v, want error %v", tt.addr, err, tt.wantErr)
		}
		if err != nil {
			if !errors.Is(err, config.ErrKeyringUnavailable) || !strings.Contains(err.Error(), "DBUS_SESSION_BUS_ADDRESS") {
				t.Errorf("err %q, want ErrKeyringUnavailable naming DBUS_SESSION_BUS_ADDRESS", err)
			}
		}
	}
}

func TestKeyringStoreRefusesHugeRecord(t *testing.T) {
	t.Parallel()
	fk := newFakeKeyring()
	rec := testRecord(t0)
	rec.AccessToken = strings.Repeat("a", auth.MaxRecordSize)
	err := keyringStore(fk).Save("work", rec)
	if err == nil || !strings.Contains(err.Error(), "2048-byte limit") {
		t.Errorf("Save = %v, want the size limit error", err)
	}
	if n := fk.callCount(); n != 0 {
		t.Errorf("%d backend calls, want none", n)
	}
}

func TestKeyringStoreCorrupt(t *testing.T) {
	t.Parallel()
	for name, data := range corruptRecords(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fk := newFakeKeyring()
			fk.put("spotcli", "work", string(data))
			_, err := keyringStore(fk).Load("work")
			var ce *config.CorruptError
			if !errors.As(err, &ce) || ce.Profile != "work" || ce.Where != "the OS keyring" {
				t.Fatalf("Load = %v, want a CorruptError for work in the OS keyring", err)
			}
			if got, _ := fk.secret("spotcli", "work"); got != string(data) {
				t.Error("the corrupt secret was modified by Load")
			}
		})
	}
}

type autoFixture struct {
	fk   *fakeKeyring
	kr   *config.KeyringStore
	file *config.FileStore
	warn *bytes.Buffer
	st   *config.AutoStore
}

func newAuto(t *testing.T, backend *fakeKeyring, available bool) *autoFixture {
	t.Helper()
	f := &autoFixture{fk: backend, warn: &bytes.Buffer{}}
	f.kr = keyringStore(backend)
	if !available {
		f.kr.Available = func() error { return fmt.Errorf("%w: test says no", config.ErrKeyringUnavailable) }
	}
	f.file = &config.FileStore{Dir: filepath.Join(t.TempDir(), "tokens")}
	f.st = &config.AutoStore{Keyring: f.kr, File: f.file, Warn: f.warn}
	return f
}

func (f *autoFixture) path(profile string) string {
	return filepath.Join(f.file.Dir, profile+".json")
}

func TestAutoStoreSaveToKeyring(t *testing.T) {
	t.Parallel()
	f := newAuto(t, newFakeKeyring(), true)
	// A plain-text copy from a time without keyring.
	if err := f.file.Save("work", testRecord(t0)); err != nil {
		t.Fatal(err)
	}
	rec := testRecord(t0.Add(time.Minute))
	if err := f.st.Save("work", rec); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(f.path("work")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("file copy still there after a keyring save: %v", err)
	}
	if secret, ok := f.fk.secret("spotcli", "work"); !ok || secret != string(encode(t, rec)) {
		t.Errorf("keyring holds %q, want the saved record", secret)
	}
	if got := f.st.Location("work"); got != "keyring" {
		t.Errorf("Location = %q, want keyring", got)
	}
	if f.warn.Len() != 0 {
		t.Errorf("warnings %q, want none", f.warn)
	}
	got, err := f.st.Load("work")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(rec, got); diff != "" {
		t.Errorf("Load (-want +got):\n%s", diff)
	}
}

func TestAutoStoreSaveFallsBackToFile(t *testing.T) {
	t.Parallel()
	backends := []struct {
		name      string
		backend   func(t *testing.T) *fakeKeyring
		available bool
	}{
		{"unavailable", func(*testing.T) *fakeKeyring { return newFakeKeyring() }, false},
		{"backend error", func(*testing.T) *fakeKeyring {
			k := newFakeKeyring()
			k.err = errors.New("dbus: connection refused")
			return k
		}, true},
		{"backend hangs", hanging, true},
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			f := newAuto(t, b.backend(t), b.available)
			var last *auth.Record
			for i, p := range []string{"work", "work", "home", "work"} {
				last = testRecord(t0.Add(time.Duration(i) * time.Minute))
				if err := f.st.Save(p, last); err != nil {
					t.Fatalf("save %d: %v", i, err)
				}
			}
			lines := strings.Split(strings.TrimSuffix(f.warn.String(), "\n"), "\n")
			if len(lines) != 1 || !strings.HasSuffix(f.warn.String(), "\n") {
				t.Fatalf("warnings %q, want exactly one line", f.warn)
			}
			if !strings.Contains(lines[0], f.path("work")) || !strings.Contains(lines[0], "plain text") {
				t.Errorf("warning %q does not name the file %s", lines[0], f.path("work"))
			}
			if got, want := f.st.Location("work"), "file (plain text) "+f.path("work"); got != want {
				t.Errorf("Location = %q, want %q", got, want)
			}
			if got := mode(t, f.path("work")); got != 0o600 && runtime.GOOS != "windows" {
				t.Errorf("file mode %04o, want 0600", got)
			}
			got, err := f.file.Load("work")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(last, got); diff != "" {
				t.Errorf("file copy (-want +got):\n%s", diff)
			}
			got, err = f.st.Load("work")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(last, got); diff != "" {
				t.Errorf("AutoStore.Load (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAutoStoreConcurrentSavesWarnOnce(t *testing.T) {
	t.Parallel()
	f := newAuto(t, newFakeKeyring(), false)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f.st.Save(fmt.Sprintf("p%d", i), testRecord(t0)); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := strings.Count(f.warn.String(), "\n"); n != 1 {
		t.Errorf("%d warning lines, want 1: %q", n, f.warn)
	}
}

func TestAutoStoreNilWarn(t *testing.T) {
	t.Parallel()
	f := newAuto(t, newFakeKeyring(), false)
	f.st.Warn = nil
	if err := f.st.Save("work", testRecord(t0)); err != nil {
		t.Fatal(err)
	}
}

func TestAutoStoreLoadNewer(t *testing.T) {
	t.Parallel()
	older, newer := t0, t0.Add(time.Minute)
	tests := []struct {
		name        string
		keyring     *time.Time // UpdatedAt of the keyring copy; nil means none
		file        *time.Time
		unavailable bool
		want        *time.Time // UpdatedAt of the record loaded; nil means ErrNotFound
		wantWhere   string     // "keyring" or "file"
		wantDown    bool       // want a *KeyringDownError instead of ErrNotFound
	}{
		{name: "neither", want: nil},
		{name: "keyring only", keyring: &older, want: &older, wantWhere: "keyring"},
		{name: "file only", file: &older, want: &older, wantWhere: "file"},
		{name: "keyring newer", keyring: &newer, file: &older, want: &newer, wantWhere: "keyring"},
		{name: "file newer", keyring: &older, file: &newer, want: &newer, wantWhere: "file"},
		{name: "same time prefers keyring", keyring: &older, file: &older, want: &older, wantWhere: "keyring"},
		{name: "keyring unavailable reads the file", keyring: &newer, file: &older, unavailable: true, want: &older, wantWhere: "file"},
		// Not "no stored login": the login may be in the keyring, and
		// logging in again would put a second one in a plain-text file.
		{name: "keyring unavailable, no file", keyring: &newer, unavailable: true, want: nil, wantDown: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fk := newFakeKeyring()
			if tt.keyring != nil {
				fk.put("spotcli", "work", string(encode(t, testRecord(*tt.keyring))))
			}
			f := newAuto(t, fk, !tt.unavailable)
			if tt.file != nil {
				if err := f.file.Save("work", testRecord(*tt.file)); err != nil {
					t.Fatal(err)
				}
			}
			got, err := f.st.Load("work")
			if tt.wantDown {
				var kd *config.KeyringDownError
				if !errors.As(err, &kd) || !errors.Is(err, config.ErrKeyringUnavailable) || errors.Is(err, auth.ErrNotFound) ||
					!strings.Contains(err.Error(), "the keyring is locked or unreachable") {
					t.Errorf("Load = %v, %v; want a *KeyringDownError", got, err)
				}
				return
			}
			if tt.want == nil {
				if !errors.Is(err, auth.ErrNotFound) {
					t.Errorf("Load = %v, %v; want auth.ErrNotFound", got, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(testRecord(*tt.want), got); diff != "" {
				t.Errorf("Load (-want +got):\n%s", diff)
			}
			wantWhere := "keyring"
			if tt.wantWhere == "file" {
				wantWhere = "file (plain text) " + f.path("work")
			}
			if got := f.st.Location("work"); got != wantWhere {
				t.Errorf("Location = %q, want %q", got, wantWhere)
			}
			if f.warn.Len() != 0 {
				t.Errorf("Load warned %q", f.warn)
			}
		})
	}
}

func TestAutoStoreLoadHangingKeyringReadsFile(t *testing.T) {
	t.Parallel()
	f := newAuto(t, hanging(t), true)
	rec := testRecord(t0)
	if err := f.file.Save("work", rec); err != nil {
		t.Fatal(err)
	}
	got, err := f.st.Load("work")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(rec, got); diff != "" {
		t.Errorf("Load (-want +got):\n%s", diff)
	}
}

func TestAutoStoreCorrupt(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		inKeyring bool // else in the file
		goodOther bool // a valid copy in the other store
	}{
		{name: "keyring", inKeyring: true},
		{name: "keyring, good file copy", inKeyring: true, goodOther: true},
		{name: "file", inKeyring: false},
		{name: "file, good keyring copy", inKeyring: false, goodOther: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			const garbage = `{"v":1,"access_token":`
			f := newAuto(t, newFakeKeyring(), true)
			if tt.inKeyring {
				f.fk.put("spotcli", "work", garbage)
				if tt.goodOther {
					if err := f.file.Save("work", testRecord(t0.Add(time.Hour))); err != nil {
						t.Fatal(err)
					}
				}
			} else {
				writeFile(t, f.path("work"), garbage, 0o600)
				if tt.goodOther {
					f.fk.put("spotcli", "work", string(encode(t, testRecord(t0.Add(time.Hour)))))
				}
			}
			_, err := f.st.Load("work")
			var ce *config.CorruptError
			if !errors.As(err, &ce) {
				t.Fatalf("Load = %v, want a *CorruptError", err)
			}
			wantWhere := "the OS keyring"
			if !tt.inKeyring {
				wantWhere = f.path("work")
			}
			if ce.Where != wantWhere {
				t.Errorf("CorruptError.Where = %q, want %q", ce.Where, wantWhere)
			}
			// Nothing was replaced.
			if tt.inKeyring {
				if s, _ := f.fk.secret("spotcli", "work"); s != garbage {
					t.Errorf("keyring secret replaced by %q", s)
				}
			} else if b, _ := os.ReadFile(f.path("work")); string(b) != garbage {
				t.Errorf("file replaced by %q", b)
			}
		})
	}
}

func TestAutoStoreDelete(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		inKeyring   bool
		inFile      bool
		unavailable bool
		wantRemoved bool
	}{
		{name: "both", inKeyring: true, inFile: true, wantRemoved: true},
		{name: "keyring only", inKeyring: true, wantRemoved: true},
		{name: "file only", inFile: true, wantRemoved: true},
		{name: "neither"},
		{name: "file, keyring unavailable", inFile: true, unavailable: true, wantRemoved: true},
		{name: "nothing, keyring unavailable", unavailable: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fk := newFakeKeyring()
			if tt.inKeyring {
				fk.put("spotcli", "work", string(encode(t, testRecord(t0))))
			}
			fk.put("spotcli", "home", string(encode(t, testRecord(t0))))
			f := newAuto(t, fk, !tt.unavailable)
			if tt.inFile {
				if err := f.file.Save("work", testRecord(t0)); err != nil {
					t.Fatal(err)
				}
			}
			removed, err := f.st.Delete("work")
			if err != nil || removed != tt.wantRemoved {
				t.Errorf("Delete = %v, %v; want %v, nil", removed, err, tt.wantRemoved)
			}
			if _, ok := fk.secret("spotcli", "work"); ok {
				t.Error("keyring copy still there")
			}
			if _, ok := fk.secret("spotcli", "home"); !ok {
				t.Error("Delete removed another profile")
			}
			if _, err := os.Stat(f.path("work")); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("file copy still there: %v", err)
			}
			if removed, err := f.st.Delete("work"); removed || err != nil {
				t.Errorf("second Delete = %v, %v; want false, nil", removed, err)
			}
		})
	}
}

func TestAutoStoreDeleteKeyringError(t *testing.T) {
	t.Parallel()
	// An unreachable keyring does not fail logout: the file copy is what
	// can be removed.
	fk := newFakeKeyring()
	fk.err = errors.New("dbus: connection refused")
	f := newAuto(t, fk, true)
	if err := f.file.Save("work", testRecord(t0)); err != nil {
		t.Fatal(err)
	}
	removed, err := f.st.Delete("work")
	if !removed || err != nil {
		t.Errorf("Delete = %v, %v; want true, nil", removed, err)
	}
}

// TestAutoStorePlainTextWarningOncePerProfile: with Once, the plain-text
// warning is given once for each profile, across processes (each Save
// below is a fresh store, as each spotcli process has).
func TestAutoStorePlainTextWarningOncePerProfile(t *testing.T) {
	t.Parallel()
	s := &config.Settings{Dir: t.TempDir(), TokenStore: "auto"}
	var warn strings.Builder
	for i, p := range []string{"work", "work", "home", "work", "home"} {
		// No D-Bus session: the keyring is unavailable.
		st := s.Store(func(string) string { return "" }, &warn, newFakeKeyring())
		if err := st.Save(p, testRecord(t0.Add(time.Duration(i)*time.Minute))); err != nil {
			t.Fatal(err)
		}
	}
	if n := strings.Count(warn.String(), "plain text"); n != 2 {
		t.Errorf("%d warnings for two profiles, want 2:\n%s", n, warn.String())
	}
	if !strings.Contains(warn.String(), "work.json") || !strings.Contains(warn.String(), "home.json") {
		t.Errorf("a profile was not warned about:\n%s", warn.String())
	}
}
