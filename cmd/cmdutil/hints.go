package cmdutil

import (
	"strings"

	"github.com/spotcli/spotcli/internal/auth"
	"github.com/spotcli/spotcli/internal/config"
)

// Profile is the profile this run acts on, for messages: the settings'
// when they were loaded, else --profile or SPOTCLI_PROFILE as given, else
// "default". With credentials from the environment no profile is used,
// and it is "default".
func (f *Factory) Profile() string {
	if f.Getenv != nil && auth.EnvCredentials(f.Getenv) != "" {
		return "default"
	}
	if f.settings != nil {
		return f.settings.Profile
	}
	p := ""
	if f.flags != nil {
		if fl := f.flags.Lookup("profile"); fl != nil {
			p = fl.Value.String()
		}
	}
	if p == "" && f.Getenv != nil {
		p = f.Getenv("SPOTCLI_PROFILE")
	}
	if p = strings.TrimSpace(p); p == "" || !config.ValidProfile(p) {
		return "default"
	}
	return p
}

// WithProfile makes every "spotcli login" and "spotcli logout" in msg act
// on profile: a hint copied from an error must fix the login it is about,
// not the default one. The default profile needs no flag.
func WithProfile(msg, profile string) string {
	if profile == "" || profile == "default" {
		return msg
	}
	var b strings.Builder
	for {
		i, n := nextLoginHint(msg)
		if i < 0 {
			b.WriteString(msg)
			return b.String()
		}
		end := i + n
		b.WriteString(msg[:end])
		if !strings.HasPrefix(msg[end:], " --profile") {
			b.WriteString(" --profile " + profile)
		}
		msg = msg[end:]
	}
}

// nextLoginHint finds the first "spotcli login" or "spotcli logout" that
// is a whole word, and returns its index and length (-1 if none).
func nextLoginHint(s string) (int, int) {
	best, length := -1, 0
	for _, w := range []string{"spotcli login", "spotcli logout"} {
		from := 0
		for {
			i := strings.Index(s[from:], w)
			if i < 0 {
				break
			}
			i += from
			end := i + len(w)
			if end == len(s) || !isWordByte(s[end]) {
				if best < 0 || i < best {
					best, length = i, len(w)
				}
				break
			}
			from = end
		}
	}
	return best, length
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}
