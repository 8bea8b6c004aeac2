package cmd

import (
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spotcli/spotcli/cmd/cmdutil"
	"github.com/spotcli/spotcli/internal/api"
)

// noAPI are the commands that send no Web API request of their own (or,
// for login and status --check, only GET /me, which is in the table).
var noAPI = []string{"logout", "refresh", "token", "version", "completion", "gen-docs", "help", "config", "__complete", "__completeNoDesc"}

// Every command that talks to the Web API has its requests in
// api.ScopeRules, the one endpoint → scope table that 403 hints use: a new
// command fails here until its endpoints are in the table.
func TestScopeRulesCoverEveryCommand(t *testing.T) {
	covered := map[string]bool{}
	for _, r := range api.ScopeRules {
		for _, c := range r.Commands {
			covered[c] = true
		}
	}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			path := strings.TrimPrefix(sub.CommandPath(), "spotcli ")
			top, _, _ := strings.Cut(path, " ")
			if slices.Contains(noAPI, top) || sub.Hidden && top != "gen-docs" {
				continue
			}
			if sub.Runnable() && !covered[path] {
				t.Errorf("spotcli %s: none of its requests is in api.ScopeRules", path)
			}
			walk(sub)
		}
	}
	walk(NewRootCmd(&cmdutil.Factory{}))
}
