package cmdutil_test

import "github.com/spotcli/spotcli/cmd/internal/clitest"

// The *_cli_test.go files run whole command lines in-process, each test in
// a world of its own (clitest.Harness).
var newHarness = clitest.New
