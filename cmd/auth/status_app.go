package authcmd

import (
	"errors"
	"io/fs"
	"os"

	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/internal/auth"
	"github.com/spotcli/spotcli/internal/config"
)

// flowName says which OAuth flow a login uses, in words.
func flowName(fl auth.Flow) string {
	switch fl {
	case auth.FlowPKCE:
		return "PKCE (Authorization Code, no client secret)"
	case auth.FlowSecret:
		return "client secret (Authorization Code)"
	case auth.FlowClientCredentials:
		return "Client Credentials (app-only, no user)"
	}
	return ""
}

// configFileName is the config file in use, with whether it exists.
func configFileName(s *config.Settings) string {
	switch _, err := os.Stat(s.ConfigFile); {
	case s.ConfigFile == "":
		return "none read (credentials from the environment)"
	case errors.Is(err, fs.ErrNotExist):
		return s.ConfigFile + " (does not exist; spotcli config set creates it)"
	}
	return s.ConfigFile
}

// setApp fills in the flow, client ID and config file of a profile's login.
func (ps *profileStatus) setApp(s *config.Settings, src *auth.Source) {
	ps.ConfigFile, ps.configDesc = s.ConfigFile, configFileName(s)
	if ps.rec != nil && src.Env != auth.EnvAccessToken {
		ps.Flow, ps.ClientID = string(ps.rec.Flow), ps.rec.ClientID
		return
	}
	ps.ClientID = s.ClientID
}

// flowText is the Flow line of status.
func (ps *profileStatus) flowText() string {
	if ps.env == auth.EnvAccessToken {
		return unknownFromEnv
	}
	return flowName(auth.Flow(ps.Flow))
}

// loginCommand is the command that logs profile in again.
func loginCommand(profile string) string {
	if profile == "" || profile == "default" {
		return "spotcli login"
	}
	return "spotcli login --profile " + profile
}

// whoamiApp is whoami's lines about the app: the flow, the client ID and
// the config file.
func whoamiApp(f *cmdutil.Factory, src *auth.Source, rec *auth.Record) [][2]string {
	s, err := f.Settings()
	if err != nil {
		return nil
	}
	ps := &profileStatus{rec: rec, env: src.Env}
	ps.setApp(s, src)
	var rows [][2]string
	if fl := ps.flowText(); fl != "" {
		rows = append(rows, [2]string{"Flow", fl})
	}
	if ps.ClientID != "" {
		rows = append(rows, [2]string{"Client ID", ps.ClientID})
	}
	return append(rows, [2]string{"Config", ps.configDesc})
}
