package auth

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Printable returns s with every control character (C0, DEL and C1:
// U+0000–U+001F, U+007F–U+009F) written as a visible escape (\n, \t, \r,
// \x1b, \u009b) and every byte that is not UTF-8 as \xHH, so that text from
// Spotify or a browser (an error description, a display name) cannot move a
// terminal's cursor, set its title or write its clipboard. Everything else
// passes unchanged.
func Printable(s string) string {
	clean := true
	for _, r := range s {
		if r < 0x20 || r >= 0x7f && r <= 0x9f || r == utf8.RuneError {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r >= 0x80 && r <= 0x9f:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}
