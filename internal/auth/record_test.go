package auth_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/spotcli/spotcli/internal/auth"
)

var (
	t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
)

func sampleRecord(flow auth.Flow) *auth.Record {
	r := &auth.Record{
		Version:      auth.RecordVersion,
		AccessToken:  "BQaccess",
		RefreshToken: "AQrefresh",
		TokenType:    "Bearer",
		ExpiresAt:    t0.Add(time.Hour),
		Scopes:       []string{"user-read-private", "playlist-read-private"},
		ClientID:     "client-id",
		Flow:         flow,
		UserID:       "alice",
		UserName:     "Alice",
		LoggedInAt:   t0,
		UpdatedAt:    t0.Add(time.Minute),
	}
	if flow == auth.FlowClientCredentials {
		r.RefreshToken, r.Scopes, r.UserID, r.UserName = "", nil, "", ""
	}
	return r
}

func mustEncode(t *testing.T, r *auth.Record) string {
	t.Helper()
	b, err := r.Encode()
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	return string(b)
}

func TestDecodeRecordValid(t *testing.T) {
	onlyRefresh := sampleRecord(auth.FlowPKCE)
	onlyRefresh.AccessToken = ""
	tests := []struct {
		name string
		in   string
		want *auth.Record
	}{
		{"pkce", mustEncode(t, sampleRecord(auth.FlowPKCE)), sampleRecord(auth.FlowPKCE)},
		{"secret", mustEncode(t, sampleRecord(auth.FlowSecret)), sampleRecord(auth.FlowSecret)},
		{"client credentials", mustEncode(t, sampleRecord(auth.FlowClientCredentials)), sampleRecord(auth.FlowClientCredentials)},
		{"pkce with only a refresh token", mustEncode(t, onlyRefresh), onlyRefresh},
		{
			name: "hand written, minimal, surrounding whitespace",
			in:   "\n {\"v\":1,\"access_token\":\"a\",\"refresh_token\":\"r\",\"client_id\":\"c\",\"flow\":\"secret\"}\n\t",
			want: &auth.Record{Version: 1, AccessToken: "a", RefreshToken: "r", ClientID: "c", Flow: auth.FlowSecret},
		},
		{
			name: "unknown fields are ignored",
			in:   `{"v":1,"access_token":"a","client_id":"c","flow":"client_credentials","future":true}`,
			want: &auth.Record{Version: 1, AccessToken: "a", ClientID: "c", Flow: auth.FlowClientCredentials},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := auth.DecodeRecord([]byte(tt.in))
			if err != nil {
				t.Fatalf("DecodeRecord: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("DecodeRecord (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeRecordCorrupt(t *testing.T) {
	valid := mustEncode(t, sampleRecord(auth.FlowPKCE))
	tests := []struct {
		name string
		in   string
		want string // in the error message, besides ErrCorruptRecord
	}{
		{"empty", "", ""},
		{"whitespace", "  \n", ""},
		{"garbage", "not json at all", ""},
		{"binary", "\x00\x01\x02\xff", ""},
		{"truncated", valid[:len(valid)/2], ""},
		{"truncated by one byte", valid[:len(valid)-1], ""},
		{"json null", "null", "no token"},
		{"json array", `[1,2]`, ""},
		{"json string", `"token"`, ""},
		{"trailing object", valid + `{}`, "trailing data"},
		{"trailing record", valid + valid, "trailing data"},
		{"trailing garbage", valid + "xyz", "trailing data"},
		{"trailing closing brace", valid + "}", ""},
		{"trailing closing bracket", valid + "]", ""},
		{"trailing number", valid + " 1", "trailing data"},
		{"unknown version", `{"v":2,"access_token":"a","refresh_token":"r","client_id":"c","flow":"pkce"}`, "unknown version 2"},
		{"no version", `{"access_token":"a","refresh_token":"r","client_id":"c","flow":"pkce"}`, "unknown version 0"},
		{"no token", `{"v":1,"client_id":"c","flow":"client_credentials"}`, "no token"},
		{"empty tokens", `{"v":1,"access_token":"","refresh_token":"","client_id":"c","flow":"pkce"}`, "no token"},
		{"no client_id", `{"v":1,"access_token":"a","refresh_token":"r","flow":"pkce"}`, "no client_id"},
		{"unknown flow", `{"v":1,"access_token":"a","refresh_token":"r","client_id":"c","flow":"implicit"}`, `unknown flow "implicit"`},
		{"no flow", `{"v":1,"access_token":"a","refresh_token":"r","client_id":"c"}`, `unknown flow ""`},
		{"pkce without refresh_token", `{"v":1,"access_token":"a","client_id":"c","flow":"pkce"}`, "no refresh_token"},
		{"secret without refresh_token", `{"v":1,"access_token":"a","client_id":"c","flow":"secret"}`, "no refresh_token"},
		{"wrong type", `{"v":"1","access_token":"a","client_id":"c","flow":"client_credentials"}`, ""},
		{"bad time", `{"v":1,"access_token":"a","client_id":"c","flow":"client_credentials","expires_at":"yesterday"}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := auth.DecodeRecord([]byte(tt.in))
			if err == nil {
				t.Fatalf("DecodeRecord(%q) = %+v, want an error", tt.in, got)
			}
			if !errors.Is(err, auth.ErrCorruptRecord) {
				t.Errorf("error %q does not wrap ErrCorruptRecord", err)
			}
			if got != nil {
				t.Errorf("DecodeRecord returned a record with its error: %+v", got)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not mention %q", err, tt.want)
			}
		})
	}
}

func TestDecodeRecordListsEveryProblem(t *testing.T) {
	_, err := auth.DecodeRecord([]byte(`{"v":7,"flow":"pkce"}`))
	if !errors.Is(err, auth.ErrCorruptRecord) {
		t.Fatalf("err = %v, want ErrCorruptRecord", err)
	}
	for _, want := range []string{"unknown version 7", "no token", "no client_id", "no refresh_token"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestRecordRoundTrip(t *testing.T) {
	for _, flow := range []auth.Flow{auth.FlowPKCE, auth.FlowSecret, auth.FlowClientCredentials} {
		t.Run(string(flow), func(t *testing.T) {
			in := sampleRecord(flow)
			in.Version = 0 // Encode stamps the current version
			b, err := in.Encode()
			if err != nil {
				t.Fatal(err)
			}
			if in.Version != 0 {
				t.Error("Encode modified its receiver")
			}
			got, err := auth.DecodeRecord(b)
			if err != nil {
				t.Fatalf("DecodeRecord(Encode()): %v", err)
			}
			want := sampleRecord(flow)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEncodeSizeLimit(t *testing.T) {
	base := sampleRecord(auth.FlowPKCE)
	base.AccessToken = ""
	n := len(mustEncode(t, base))
	tests := []struct {
		name    string
		size    int
		wantErr bool
	}{
		{"typical", n + 300, false},
		{"exactly the limit", auth.MaxRecordSize, false},
		{"one byte over", auth.MaxRecordSize + 1, true},
		{"far over", 4 * auth.MaxRecordSize, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := *base
			r.AccessToken = strings.Repeat("a", tt.size-n)
			b, err := r.Encode()
			if tt.wantErr {
				if err == nil {
					t.Fatalf("Encode of a %d-byte record succeeded, want an error", tt.size)
				}
				if b != nil {
					t.Error("Encode returned bytes with its error")
				}
				if !strings.Contains(err.Error(), "2048") {
					t.Errorf("error %q does not name the limit", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Encode: %v", err)
			}
			if len(b) != tt.size {
				t.Fatalf("encoded %d bytes, want %d (test arithmetic)", len(b), tt.size)
			}
		})
	}
}

func TestRecordFresh(t *testing.T) {
	tests := []struct {
		name      string
		access    string
		expiresIn time.Duration
		margin    time.Duration
		want      bool
	}{
		{"long before expiry", "a", time.Hour, time.Minute, true},
		{"inside the margin", "a", 30 * time.Second, time.Minute, false},
		{"exactly at the margin", "a", time.Minute, time.Minute, false},
		{"expired", "a", -time.Second, 0, false},
		{"no access token", "", time.Hour, time.Minute, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &auth.Record{AccessToken: tt.access, ExpiresAt: t0.Add(tt.expiresIn)}
			if got := r.Fresh(t0, tt.margin); got != tt.want {
				t.Errorf("Fresh = %v, want %v", got, tt.want)
			}
		})
	}
	r := &auth.Record{LoggedInAt: t0}
	if got, want := r.RefreshExpiresAt(), t0.Add(183*24*time.Hour); !got.Equal(want) {
		t.Errorf("RefreshExpiresAt = %v, want %v", got, want)
	}
}
