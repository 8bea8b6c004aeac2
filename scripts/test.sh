#!/usr/bin/env bash
# Runs every test of spotcli, the way CI does: installs what the tests need
# (D-Bus, gnome-keyring, Chromium: .ci/setup.sh, with apt-get), checks
# formatting and go vet, then runs the whole suite with the race detector
# inside a D-Bus session with an unlocked gnome-keyring, so that the OS
# keyring is tested for real (SPOTCLI_TEST_KEYRING=1 makes those tests fail
# instead of skipping when the keyring is missing).
#
# Usage: scripts/test.sh [go test flags...]   e.g. scripts/test.sh -run Login
set -euo pipefail
cd "$(dirname "$0")/.."

bash .ci/setup.sh

echo "== gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change:" >&2
  echo "$unformatted" >&2
  exit 1
fi

echo "== go vet"
go vet ./...

echo "== go test -race (with a real Secret Service)"
bash .ci/with-keyring.sh go test -race -count=1 -timeout 15m "$@" ./...
