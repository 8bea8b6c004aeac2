package config

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/spotcli/spotcli/internal/auth"
)

func TestRefused(t *testing.T) {
	s := &Settings{Dir: t.TempDir()}
	login := time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)
	rec := &auth.Record{ClientID: "c", UserID: "alice", LoggedInAt: login, RefreshToken: "secret-refresh-token"}
	if s.Refused("default", rec) != nil {
		t.Fatal("a refusal before any")
	}
	at := time.Date(2026, 12, 2, 1, 2, 3, 0, time.UTC)
	if err := s.NoteRefused("default", rec, "Refresh token revoked\x1b]0;x\a", at); err != nil {
		t.Fatal(err)
	}
	rf := s.Refused("default", rec)
	if rf == nil || !rf.At.Equal(at) || rf.Reason != `Refresh token revoked\x1b]0;x\x07` {
		t.Fatalf("refusal %+v", rf)
	}
	b, err := os.ReadFile(s.statePath("default", "refused.json"))
	if err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(s.statePath("default", "refused.json")); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %04o", fi.Mode().Perm())
	}
	if strings.Contains(string(b), "secret-refresh-token") || len(b) == 0 {
		t.Errorf("state file %s", b)
	}
	// Another login (a new login time, another app or user) is not refused.
	for _, other := range []*auth.Record{
		{ClientID: "c", UserID: "alice", LoggedInAt: login.Add(time.Second)},
		{ClientID: "d", UserID: "alice", LoggedInAt: login},
		{ClientID: "c", UserID: "bob", LoggedInAt: login},
	} {
		if s.Refused("default", other) != nil {
			t.Errorf("refusal applies to %+v", other)
		}
	}
	if s.Refused("work", rec) != nil {
		t.Error("refusal applies to another profile")
	}
	if err := s.ClearRefused("default"); err != nil || s.Refused("default", rec) != nil {
		t.Errorf("after clear: %v", err)
	}
	if err := s.ClearRefused("default"); err != nil {
		t.Errorf("clear twice: %v", err)
	}
}
