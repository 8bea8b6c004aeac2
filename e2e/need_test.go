package e2e

import (
	"os"
	"testing"
)

// inCI reports whether the suite runs in CI, where every tool a test needs
// is installed by .ci/setup.sh.
func inCI() bool {
	ci := os.Getenv("CI")
	return ci != "" && ci != "false" && ci != "0"
}

// skipUnlessCI skips a test whose tool is missing on a developer's machine,
// and fails it in CI, so that a missing install step cannot pass as green.
func skipUnlessCI(t *testing.T, why string) {
	t.Helper()
	if inCI() {
		t.Fatalf("%s: .ci/setup.sh should have installed it", why)
	}
	t.Skip(why)
}
