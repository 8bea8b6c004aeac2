package config

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"time"

	"github.com/spotcli/spotcli/internal/auth"
)

// Refusal remembers that Spotify refused a stored login's refresh token
// (invalid_grant), so that status tells the truth about a login every
// command fails with. It is kept in the state directory next to the
// logins, holds no secret, and names the login it is about by its client,
// user and login time: a new login is not refused.
type Refusal struct {
	At         time.Time `json:"at"`
	Reason     string    `json:"reason"`
	ClientID   string    `json:"client_id"`
	UserID     string    `json:"user_id,omitempty"`
	LoggedInAt time.Time `json:"logged_in_at"`
}

// About reports whether the refusal is about rec's login.
func (r *Refusal) About(rec *auth.Record) bool {
	return r.ClientID == rec.ClientID && r.UserID == rec.UserID && r.LoggedInAt.Equal(rec.LoggedInAt)
}

// NoteRefused records that Spotify refused rec's refresh token at at.
func (s *Settings) NoteRefused(profile string, rec *auth.Record, reason string, at time.Time) error {
	b, err := json.Marshal(&Refusal{At: at.UTC(), Reason: auth.Printable(reason), ClientID: rec.ClientID, UserID: rec.UserID, LoggedInAt: rec.LoggedInAt})
	if err != nil {
		return err
	}
	return WriteFileAtomic(s.statePath(profile, "refused.json"), append(b, '\n'))
}

// Refused is the refusal recorded for profile's login rec, or nil when
// there is none (or it is about another login, or cannot be read).
func (s *Settings) Refused(profile string, rec *auth.Record) *Refusal {
	b, _, err := readSmallFile(s.statePath(profile, "refused.json"), 4<<10)
	if err != nil {
		return nil
	}
	var r Refusal
	if json.Unmarshal(b, &r) != nil || !r.About(rec) {
		return nil
	}
	return &r
}

// ClearRefused forgets profile's refusal: after a login, a logout, or a
// refresh that status --check proved to work. Other refreshes leave it: a
// refusal is only remembered for the login it was about (LoggedInAt), and
// Spotify does not accept a refused refresh token again.
func (s *Settings) ClearRefused(profile string) error {
	if err := os.Remove(s.statePath(profile, "refused.json")); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}
