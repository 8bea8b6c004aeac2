// Command spotcli is a command-line client for the Spotify Web API.
package main

import (
	"os"

	"github.com/spotcli/spotcli/cmd"
)

// Set by -ldflags at release.
var (
	version = "dev"
	commit  = ""
	date    = ""
)

func main() {
	// cmd.Run handles SIGINT, SIGTERM and SIGPIPE; the end-to-end tests run
	// the same function as their spotcli binary.
	os.Exit(cmd.Run(cmd.BuildInfo{Version: version, Commit: commit, Date: date}, os.Args[1:]))
}
