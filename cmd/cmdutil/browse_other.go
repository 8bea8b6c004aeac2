//go:build !windows

package cmdutil

import (
	"io"
	"os/exec"
	"runtime"
)

// openDefaultBrowser runs the desktop's URL opener (the ones pkg/browser
// tries) with env, and waits for it: it hands the URL to the browser and
// exits. pkg/browser itself cannot be told the environment of what it runs.
func openDefaultBrowser(url string, env []string, out io.Writer) error {
	openers := []string{"xdg-open", "x-www-browser", "www-browser"}
	if runtime.GOOS == "darwin" {
		openers = []string{"open"}
	}
	for _, name := range openers {
		path, err := exec.LookPath(name)
		if err != nil {
			continue
		}
		c := exec.Command(path, url)
		c.Stdout, c.Stderr, c.Env = out, out, env
		return c.Run()
	}
	return exec.ErrNotFound
}
