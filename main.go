// Command spotcli is a command-line client for the Spotify Web API.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/spotcli/spotcli/cmd"
)

// Set by -ldflags at release.
var (
	version = "dev"
	commit  = ""
	date    = ""
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// With SIGPIPE handled, a write to a closed pipe returns EPIPE instead of
	// killing the process, and Main ends quietly with exit 0.
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
	code := cmd.Main(ctx, cmd.NewFactory(cmd.BuildInfo{Version: version, Commit: commit, Date: date}), os.Args[1:])
	stop()
	os.Exit(code)
}
