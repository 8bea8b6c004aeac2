package cmdutil

import (
	"github.com/spotcli/spotcli/internal/api"
	"github.com/spotcli/spotcli/internal/auth"
)

// LoginFlags is what a "run spotcli login" hint adds for profile: nothing
// for the default one, else --profile NAME.
func LoginFlags(profile string) string {
	if profile == "" || profile == "default" {
		return ""
	}
	return " --profile " + profile
}

// scopeHint writes the hint of a 403 for a missing scope (api.ScopeRules):
// the command that adds the scope to this profile's login, or for
// credentials from the environment, how to get a token that has it.
func (f *Factory) scopeHint(profile string) func(method, path string, need []string) string {
	return func(method, path string, need []string) string {
		h := api.ScopeHint(method, path, need, LoginFlags(profile))
		switch auth.EnvCredentials(f.Getenv) {
		case auth.EnvAccessToken:
			h += " where the login is stored, then replace SPOTCLI_ACCESS_TOKEN with the output of spotcli token"
		case auth.EnvRefreshToken:
			h += " where the login is stored, then replace SPOTCLI_REFRESH_TOKEN with the output of spotcli token --refresh-token (docs/ci.md)"
		}
		return h
	}
}
