#!/usr/bin/env bash
# Validates the release configuration the way CI does: installs goreleaser
# (once, into a cache directory), runs `goreleaser check`, builds a snapshot
# of the host target, and runs the built binary's --version.
#
# Needs no network beyond the Go module proxy: nothing is published, and the
# first run compiles goreleaser with `go install` (several minutes on two
# cores; later runs reuse the cached binary).
#
# Environment: GORELEASER_DIR overrides where goreleaser is cached.
set -euo pipefail
cd "$(dirname "$0")/.."

readonly GORELEASER_VERSION=v2.15.1
dir=${GORELEASER_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/spotcli-tools/goreleaser-$GORELEASER_VERSION}
goreleaser=$dir/goreleaser

if [ ! -x "$goreleaser" ]; then
  echo "goreleaser.sh: installing goreleaser $GORELEASER_VERSION into $dir (compiles once; takes a while)"
  mkdir -p "$(dirname "$dir")"
  # Install into a fresh directory and move it into place, so that an
  # interrupted install never leaves a half-written binary in the cache.
  tmp=$(mktemp -d "$dir.tmp.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && GOBIN=$tmp go install "github.com/goreleaser/goreleaser/v2@$GORELEASER_VERSION")
  rm -rf "$dir"
  mv "$tmp" "$dir"
  chmod 755 "$dir"
  trap - EXIT
fi
have=$("$goreleaser" --version 2>&1)
if [[ $have != *"${GORELEASER_VERSION#v}"* ]]; then
  echo "goreleaser.sh: $goreleaser is not goreleaser $GORELEASER_VERSION; remove $dir to reinstall" >&2
  exit 1
fi

# Without a git remote (a checkout that was not cloned), goreleaser's snapshot
# gives up on every git fact and builds "commit none" dated year 1. Name the
# project's remote for this run only, through git's environment config: the
# repository is not changed.
if ! git ls-remote --get-url >/dev/null 2>&1; then
  n=${GIT_CONFIG_COUNT:-0}
  export "GIT_CONFIG_KEY_$n=remote.origin.url" "GIT_CONFIG_VALUE_$n=https://github.com/spotcli/spotcli.git"
  export GIT_CONFIG_COUNT=$((n + 1))
fi

echo "== goreleaser check"
"$goreleaser" check

echo "== goreleaser build --snapshot --single-target"
"$goreleaser" build --snapshot --single-target --clean

dist=$(sed -n 's/^dist: *//p' .goreleaser.yaml)
bin=$(find "${dist:-dist}" -type f \( -name spotcli -o -name spotcli.exe \) | head -n 1)
if [ -z "$bin" ]; then
  echo "goreleaser.sh: the snapshot build left no spotcli binary in ${dist:-dist}" >&2
  exit 1
fi
out=$("$bin" --version)
echo "$bin --version: $out"
# A release binary names its version, commit and build date (-ldflags).
if ! [[ $out =~ ^spotcli\ [0-9]+\.[0-9]+\.[0-9]+[^\ ]*\ \(commit\ [0-9a-f]{7,},\ built\ [0-9]{4}-[0-9]{2}-[0-9]{2}T[^\)]*\)$ ]]; then
  echo "goreleaser.sh: unexpected --version output from the snapshot build: $out" >&2
  exit 1
fi
for f in completions/spotcli.bash completions/_spotcli completions/spotcli.fish completions/spotcli.ps1 man/spotcli.1 man/spotcli-login.1; do
  if [ ! -s "dist/assets/$f" ]; then
    echo "goreleaser.sh: the before hook did not write dist/assets/$f" >&2
    exit 1
  fi
done
echo "goreleaser.sh: ok"
