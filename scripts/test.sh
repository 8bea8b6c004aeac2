#!/usr/bin/env bash
# Runs every test of spotcli, the way CI does: installs what the tests need
# (D-Bus, gnome-keyring, Chromium: .ci/setup.sh, with apt-get), checks
# formatting and go vet, then runs the whole suite with the race detector
# inside a D-Bus session with an unlocked gnome-keyring, so that the OS
# keyring is tested for real (SPOTCLI_TEST_KEYRING=1 makes those tests fail
# instead of skipping when the keyring is missing), and last validates the
# release configuration (scripts/goreleaser.sh). Between them: each fuzz
# target for a bounded time, staticcheck and govulncheck (scripts/lint.sh).
#
# Usage: scripts/test.sh [go test flags...]   e.g. scripts/test.sh -run Login
set -euo pipefail
# CI may start us with no standard input at all: give commands an empty one.
(exec 9<&0) 2>/dev/null || exec </dev/null
cd "$(dirname "$0")/.."

# Go 1.27.3, the toolchain go.mod names: 1.26.8's standard library has known
# vulnerabilities (govulncheck fails on them). Machines here pin
# GOTOOLCHAIN=local, so ask for it; the go command fetches it from the module
# proxy once.
export GOTOOLCHAIN=go1.27.3

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
go vet -tags gendocs ./...

echo "== go test -race (with a real Secret Service)"
# -tags gendocs: the docs-are-current test needs the hidden gen-docs command.
bash .ci/with-keyring.sh go test -race -count=1 -timeout 15m -tags gendocs "$@" ./...

# Each fuzz target with its seed corpus (testdata/fuzz), for a bounded time.
echo "== fuzz (${SPOTCLI_FUZZTIME:=10s} each)"
for target in ./internal/auth:FuzzCallback ./internal/auth:FuzzDecodeRecord ./internal/api:FuzzParseError ./cmd/cmdutil:FuzzTSV; do
  go test -run='^$' -fuzz="^${target#*:}\$" -fuzztime="$SPOTCLI_FUZZTIME" "${target%%:*}"
done

bash scripts/lint.sh

# The release configuration: goreleaser check, and a snapshot build of the
# host target whose binary must run --version. The first run compiles
# goreleaser into a cache directory (minutes); later runs take seconds.
echo "== goreleaser"
bash scripts/goreleaser.sh
# Then install the host's .deb and inspect the .rpm and .apk it made.
bash scripts/packages.sh
