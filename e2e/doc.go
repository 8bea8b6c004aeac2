// Package e2e holds spotcli's end-to-end tests: what needs several
// processes or real parts (the lock race, kill -9, signals, | head, a pty,
// the OS keyring, a browser), and the CLI sessions of
// testdata/script/*.txtar. The test binary doubles as spotcli (see
// TestMain), run as a user would. A command line that one process shows is
// tested in-process next to its command instead (cmd/**/*_cli_test.go).
package e2e
