package cmdutil

import (
	"io"

	"github.com/pkg/browser"
)

// openDefaultBrowser asks the shell (ShellExecute) to open url: no child
// process of spotcli's own starts, and the browser, usually running already,
// keeps its environment.
func openDefaultBrowser(url string, _ []string, out io.Writer) error {
	browser.Stdout, browser.Stderr = out, out
	return browser.OpenURL(url)
}
