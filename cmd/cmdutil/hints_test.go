package cmdutil

import "testing"

// TestWithProfile: every login hint names the profile it is about.
func TestWithProfile(t *testing.T) {
	tests := []struct {
		name, msg, profile, want string
	}{
		{"default needs no flag", "not logged in: run spotcli login", "default", "not logged in: run spotcli login"},
		{"another profile", "not logged in: run spotcli login", "work", "not logged in: run spotcli login --profile work"},
		{"with flags after", "the login lacks a scope: run spotcli login --scopes with it", "work", "the login lacks a scope: run spotcli login --profile work --scopes with it"},
		{"already there", "run spotcli logout --profile work, then spotcli login --profile work", "work", "run spotcli logout --profile work, then spotcli login --profile work"},
		{"logout and login", "run spotcli logout, then spotcli login", "ci", "run spotcli logout --profile ci, then spotcli login --profile ci"},
		{"mid-sentence", "refresh token expires in 3 days: run spotcli login to renew", "band", "refresh token expires in 3 days: run spotcli login --profile band to renew"},
		{"not a word", "spotcli loginx", "work", "spotcli loginx"},
		{"nothing to do", "Spotify answered 500", "work", "Spotify answered 500"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := WithProfile(tt.msg, tt.profile); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}
