// Package e2e holds spotcli's end-to-end tests: what needs several
// processes or real parts (the lock race, kill -9, signals, | head, the OS
// keyring, a browser), and the CLI sessions of testdata/script/*.txtar. The
// test binary doubles as spotcli (see TestMain), run as a user would.
package e2e
