package auth

import (
	"fmt"
	"strings"
	"unicode"
)

// EnvValue is the value of a credential variable (SPOTCLI_ACCESS_TOKEN,
// SPOTCLI_REFRESH_TOKEN, SPOTCLI_CLIENT_ID, SPOTCLI_CLIENT_SECRET): the
// whitespace around a pasted secret (a trailing newline, a leading space) is
// trimmed, and any other whitespace or control character makes it a
// SettingError naming the variable. Sent as is, such a value would come back
// from Spotify as "refresh token no longer valid" and send the user to log
// in again for a typo.
func EnvValue(getenv func(string) string, key string) (string, error) {
	v := strings.TrimSpace(getenv(key))
	if err := CheckToken(key, v); err != nil {
		return "", err
	}
	return v, nil
}

// CheckToken refuses a token, client ID or secret (named by what) that holds
// whitespace or a control character: no such value is valid, and it is not
// echoed in the error.
func CheckToken(what, v string) error {
	for i, r := range v {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == unicode.ReplacementChar {
			kind := "whitespace"
			if !unicode.IsSpace(r) {
				kind = "a control character"
			}
			return &SettingError{Msg: fmt.Sprintf("%s holds %s (%U at byte %d): a token, client ID or secret never does; set it again without it", what, kind, r, i)}
		}
	}
	return nil
}
