package config_test

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/spotcli/spotcli/internal/auth"
	"github.com/spotcli/spotcli/internal/config"
	"github.com/zalando/go-keyring"
)

// mockChildEnv marks the subprocess of TestSystemKeyringMock.
const mockChildEnv = "SPOTCLI_TEST_KEYRING_MOCK_CHILD"

// TestSystemKeyringMock runs SystemKeyring over go-keyring's mock. The mock
// replaces the keyring of the whole process, so it runs in a subprocess and
// cannot disturb TestRealKeyring whatever the order.
func TestSystemKeyringMock(t *testing.T) {
	if os.Getenv(mockChildEnv) != "1" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestSystemKeyringMock$", "-test.v", "-test.count=1")
		cmd.Env = append(os.Environ(), mockChildEnv+"=1")
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "--- PASS: TestSystemKeyringMock") {
			t.Fatalf("subprocess: %v\n%s", err, out)
		}
		return
	}

	keyring.MockInit()
	st := &config.KeyringStore{Backend: config.SystemKeyring{}, Service: "spotcli", Timeout: time.Second}
	if _, err := st.Load("work"); !errors.Is(err, auth.ErrNotFound) {
		t.Fatalf("Load before Save = %v, want auth.ErrNotFound", err)
	}
	rec := testRecord(t0)
	if err := st.Save("work", rec); err != nil {
		t.Fatal(err)
	}
	if s, err := keyring.Get("spotcli", "work"); err != nil || s != string(encode(t, rec)) {
		t.Errorf("keyring.Get = %q, %v; want the stored record", s, err)
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
	if removed, err := st.Delete("work"); removed || err != nil {
		t.Errorf("Delete of missing = %v, %v; want false, nil", removed, err)
	}
	if _, err := st.Load("work"); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("Load after Delete = %v, want auth.ErrNotFound", err)
	}

	keyring.MockInitWithError(errors.New("the name org.freedesktop.secrets was not provided"))
	for _, op := range keyringOps {
		if err := op.run(st); !errors.Is(err, config.ErrKeyringUnavailable) || !strings.Contains(err.Error(), "org.freedesktop.secrets") {
			t.Errorf("%s with a failing keyring = %v, want ErrKeyringUnavailable with the cause", op.name, err)
		}
	}
}

// TestRealKeyring stores a record in the OS keyring for real. Off by
// default: a developer's keyring may be locked or absent.
func TestRealKeyring(t *testing.T) {
	if os.Getenv("SPOTCLI_TEST_KEYRING") != "1" {
		t.Skip("the real OS keyring test needs a Secret Service: run .ci/with-keyring.sh go test ./internal/config -run RealKeyring (it sets SPOTCLI_TEST_KEYRING=1)")
	}
	// From here on, no keyring is a failure, not a skip.
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	profile := "test-" + hex.EncodeToString(b)
	st := &config.KeyringStore{
		Backend:   config.SystemKeyring{},
		Service:   "spotcli",
		Timeout:   10 * time.Second,
		Available: config.DBusAvailable(os.Getenv),
	}

	rec := testRecord(t0)
	rec.AccessToken = ""
	rec.AccessToken = strings.Repeat("A", 1500-len(encode(t, rec)))
	if n := len(encode(t, rec)); n != 1500 {
		t.Fatalf("test record is %d bytes, want 1500", n)
	}

	if err := st.Save(profile, rec); err != nil {
		t.Fatalf("Save to the OS keyring: %v", err)
	}
	t.Cleanup(func() { _, _ = st.Delete(profile) })
	got, err := st.Load(profile)
	if err != nil {
		t.Fatalf("Load from the OS keyring: %v", err)
	}
	if diff := cmp.Diff(rec, got); diff != "" {
		t.Errorf("Load (-want +got):\n%s", diff)
	}
	if removed, err := st.Delete(profile); !removed || err != nil {
		t.Fatalf("Delete = %v, %v; want true, nil", removed, err)
	}
	if _, err := st.Load(profile); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("Load after Delete = %v, want auth.ErrNotFound", err)
	}
	if removed, err := st.Delete(profile); removed || err != nil {
		t.Errorf("Delete of missing = %v, %v; want false, nil", removed, err)
	}
}
