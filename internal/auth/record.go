// Package auth holds spotcli's OAuth flows against Spotify's accounts service:
// the browser login (PKCE or client secret), refresh, app-only tokens, and the
// token source that refreshes under a cross-process lock and saves rotated tokens.
package auth

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Flow names the grant that issued a stored token; refresh must use the same one.
type Flow string

const (
	FlowPKCE              Flow = "pkce"
	FlowSecret            Flow = "secret"
	FlowClientCredentials Flow = "client_credentials"
)

// RecordVersion is the version of the stored JSON layout.
const RecordVersion = 1

// MaxRecordSize keeps a record within the secret size that Windows' credential
// manager and macOS' keychain accept.
const MaxRecordSize = 2048

// RefreshTokenLifetime is how long Spotify keeps a refresh token valid after the
// login that issued it; refreshing does not extend it.
const RefreshTokenLifetime = 183 * 24 * time.Hour

// Record is one stored login.
type Record struct {
	Version      int       `json:"v"`
	AccessToken  string    `json:"access_token"`
	RefreshToken string    `json:"refresh_token,omitempty"`
	TokenType    string    `json:"token_type,omitempty"`
	ExpiresAt    time.Time `json:"expires_at"`
	Scopes       []string  `json:"scopes,omitempty"`
	ClientID     string    `json:"client_id"`
	Flow         Flow      `json:"flow"`
	UserID       string    `json:"user_id,omitempty"`
	UserName     string    `json:"user_name,omitempty"`
	// LoggedInAt is the time of the browser login; Spotify's refresh token
	// dies RefreshTokenLifetime after it.
	LoggedInAt time.Time `json:"logged_in_at"`
	// UpdatedAt orders copies of a record found in more than one store.
	UpdatedAt time.Time `json:"updated_at"`
}

// Fresh reports whether the access token stays valid for at least margin.
func (r *Record) Fresh(now time.Time, margin time.Duration) bool {
	return r.AccessToken != "" && now.Add(margin).Before(r.ExpiresAt)
}

// Margin is how long before expiry the record's access token is refreshed:
// RefreshMargin, or a quarter of the token's lifetime when that is shorter,
// so that a token issued for 30 seconds is used for 22 of them instead of
// being refreshed on every request.
func (r *Record) Margin() time.Duration {
	life := r.ExpiresAt.Sub(r.UpdatedAt)
	if r.UpdatedAt.IsZero() || life <= 0 {
		return RefreshMargin
	}
	return min(RefreshMargin, life/4)
}

// Valid reports whether the access token can be used now, without a refresh.
func (r *Record) Valid(now time.Time) bool {
	return r.Fresh(now, r.Margin())
}

// SameLogin reports whether two records come from the same login at the same
// point of its life: a refresh may replace the stored record only while it is
// still the one that was refreshed.
func (r *Record) SameLogin(o *Record) bool {
	return r.ClientID == o.ClientID && r.Flow == o.Flow && r.RefreshToken == o.RefreshToken &&
		r.LoggedInAt.Equal(o.LoggedInAt) && r.UserID == o.UserID
}

// RefreshExpiresAt is when Spotify will stop accepting the refresh token.
func (r *Record) RefreshExpiresAt() time.Time {
	return r.LoggedInAt.Add(RefreshTokenLifetime)
}

// Encode returns the record's stored form.
func (r *Record) Encode() ([]byte, error) {
	c := *r
	c.Version = RecordVersion
	b, err := json.Marshal(&c)
	if err != nil {
		return nil, err
	}
	if len(b) > MaxRecordSize {
		return nil, fmt.Errorf("%w: %d bytes, over the %d-byte limit of OS keyrings (applied to the file store too)", ErrRecordTooLarge, len(b), MaxRecordSize)
	}
	return b, nil
}

// ErrRecordTooLarge is wrapped by Encode when a record exceeds MaxRecordSize,
// a limit applied to every store so that a login can move between them.
var ErrRecordTooLarge = errors.New("token record too large")

// ErrCorruptRecord is wrapped by every decoding failure.
var ErrCorruptRecord = errors.New("stored login cannot be read")

// DecodeRecord parses a stored record and checks that it can be used.
func DecodeRecord(b []byte) (*Record, error) {
	var r Record
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorruptRecord, err)
	}
	// dec.More misses a trailing "}" or "]"; only EOF proves nothing follows.
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: trailing data after the record", ErrCorruptRecord)
	}
	var problems []string
	if r.Version != RecordVersion {
		problems = append(problems, fmt.Sprintf("unknown version %d", r.Version))
	}
	if r.AccessToken == "" && r.RefreshToken == "" {
		problems = append(problems, "no token")
	}
	if r.ClientID == "" {
		problems = append(problems, "no client_id")
	}
	switch r.Flow {
	case FlowPKCE, FlowSecret:
		if r.RefreshToken == "" {
			problems = append(problems, "no refresh_token")
		}
	case FlowClientCredentials:
	default:
		problems = append(problems, fmt.Sprintf("unknown flow %q", r.Flow))
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%w: %s", ErrCorruptRecord, strings.Join(problems, ", "))
	}
	return &r, nil
}
