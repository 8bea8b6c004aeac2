package cmd

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// envVar is one environment variable spotcli reads.
type envVar struct {
	Name, Meaning string
}

// envPrecedence is how the variables rank against flags, the config file
// and each other.
const envPrecedence = `Precedence: a flag comes first, then the SPOTCLI_<KEY> variable, then the config
file (a profile's own section before its top level), then the default.
SPOTCLI_ACCESS_TOKEN comes before SPOTCLI_REFRESH_TOKEN, and either comes before
a stored login: with one of them set, spotcli reads and writes nothing in the
config directory or the keyring (--config FILE is still read), and login and
logout refuse to run.`

// environment is the one table of spotcli's environment variables: spotcli
// help environment prints it, and docs/configuration.md holds the same
// table (checked by TestEnvironmentDoc).
var environment = []envVar{
	{"SPOTCLI_ACCESS_TOKEN", "an access token, used as is (no refresh, no stored login): for a CI step that got one elsewhere"},
	{"SPOTCLI_REFRESH_TOKEN", "a refresh token, refreshed in memory for access tokens (no stored login); needs SPOTCLI_CLIENT_ID, and SPOTCLI_CLIENT_SECRET for the secret flow; see --save-refresh-token"},
	{"SPOTCLI_CLIENT_ID", "the Spotify app's client ID (setting client_id)"},
	{"SPOTCLI_CLIENT_SECRET", "the app's client secret: the Authorization Code flow with the secret instead of PKCE, and app-only tokens (setting client_secret)"},
	{"SPOTCLI_REDIRECT_URI", "the loopback redirect URI registered in the app (setting redirect_uri)"},
	{"SPOTCLI_SCOPES", "the scopes login asks for, space- or comma-separated (setting scopes)"},
	{"SPOTCLI_PROFILE", "which stored login and profiles section to use, like --profile (setting profile)"},
	{"SPOTCLI_TOKEN_STORE", "auto, keyring or file (setting token_store)"},
	{"SPOTCLI_CONFIG_DIR", "the directory of config.yaml, the file store, locks and state (default: spotcli under $XDG_CONFIG_HOME, ~/.config on Linux)"},
	{"SPOTCLI_MAX_WAIT", "the longest Retry-After waited out, like --max-wait (setting max_wait)"},
	{"SPOTCLI_HTTP_TIMEOUT", "how long one HTTP request may take (setting http_timeout)"},
	{"SPOTCLI_KEYRING_TIMEOUT", "how long one keyring call may take (setting keyring_timeout)"},
	{"SPOTCLI_DEVICE", "the Spotify Connect device that player commands target when none is active, like --device (setting device)"},
	{"SPOTCLI_ACCOUNTS_URL", "the base of Spotify's accounts service (setting accounts_url)"},
	{"SPOTCLI_API_URL", "the base of the Web API (setting api_url)"},
	{"BROWSER", "the command login opens the authorize URL with (default: the OS's browser)"},
}

// environmentText is the help topic.
func environmentText() string {
	var b strings.Builder
	b.WriteString("spotcli reads these environment variables. Surrounding whitespace in the tokens,\nclient ID and secret is trimmed; any inside is an error naming the variable.\n\n")
	for _, v := range environment {
		fmt.Fprintf(&b, "%s\n    %s\n\n", v.Name, v.Meaning)
	}
	b.WriteString(envPrecedence)
	return b.String()
}

// environmentMarkdown is the table in docs/configuration.md.
func environmentMarkdown() string {
	var b strings.Builder
	b.WriteString("| variable | meaning |\n|---|---|\n")
	for _, v := range environment {
		fmt.Fprintf(&b, "| `%s` | %s |\n", v.Name, v.Meaning)
	}
	return b.String()
}

// newEnvironmentCmd is the help topic "spotcli help environment", as gh has.
func newEnvironmentCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "environment",
		Short: "Environment variables that spotcli reads, and their precedence",
		Long:  environmentText(),
	}
}
