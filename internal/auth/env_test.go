package auth

import (
	"errors"
	"strings"
	"testing"
)

func TestEnvValue(t *testing.T) {
	tests := []struct {
		name, val, want, err string
	}{
		{"plain", "abc", "abc", ""},
		{"a pasted newline", "abc\n", "abc", ""},
		{"spaces and CRLF around", "  abc \r\n", "abc", ""},
		{"unset", "", "", ""},
		{"only whitespace", " \n", "", ""},
		{"a space inside", "ab c", "", "K holds whitespace (U+0020 at byte 2)"},
		{"a newline inside", "ab\ncd", "", "K holds whitespace (U+000A at byte 2)"},
		{"a no-break space inside", "ab\u00a0cd", "", "K holds whitespace (U+00A0 at byte 2)"},
		{"an escape", "ab\x1bcd", "", "K holds a control character (U+001B at byte 2)"},
		{"not UTF-8", "ab\xffcd", "", "K holds a control character (U+FFFD at byte 2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := EnvValue(func(string) string { return tt.val }, "K")
			if tt.err == "" {
				if err != nil || got != tt.want {
					t.Errorf("got %q, %v; want %q", got, err, tt.want)
				}
				return
			}
			var se *SettingError
			if !errors.As(err, &se) || !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("err %v, want a SettingError with %q", err, tt.err)
			}
			if strings.Contains(err.Error(), "cd") {
				t.Errorf("the error echoes the value: %v", err)
			}
		})
	}
	if EnvCredentials(func(k string) string { return map[string]string{EnvRefreshToken: " \n"}[k] }) != "" {
		t.Error("a variable of whitespace counts as set")
	}
}
