#!/usr/bin/env bash
# Writes what the release archives and packages hold besides the binary: shell
# completions (bash, zsh, fish, powershell) and man pages (section 1), generated
# by a host build of spotcli. Goreleaser runs it as a before hook
# (.goreleaser.yaml).
#
# Usage: scripts/gen-release-assets.sh OUTDIR [VERSION [SOURCE_DATE_EPOCH]]
#   OUTDIR gets completions/, man/ (for the archives) and man-gz/ (the same
#   pages gzipped, as Linux packages install them); it is replaced.
#   VERSION is what the man pages name (default: dev).
#   SOURCE_DATE_EPOCH dates the man pages (default: the environment's, else
#   the last commit's time), so that the same commit gives the same pages.
set -euo pipefail
cd "$(dirname "$0")/.."

out=${1:?usage: scripts/gen-release-assets.sh OUTDIR [VERSION [SOURCE_DATE_EPOCH]]}
version=${2:-dev}
epoch=${3:-${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A host binary, whatever GOOS/GOARCH the caller has set.
env -u GOOS -u GOARCH CGO_ENABLED=0 go build -tags gendocs -trimpath -ldflags "-X main.version=$version" -o "$tmp/spotcli" .

rm -rf "$out"
mkdir -p "$out/completions" "$out/man"
"$tmp/spotcli" completion bash >"$out/completions/spotcli.bash"
"$tmp/spotcli" completion zsh >"$out/completions/_spotcli"
"$tmp/spotcli" completion fish >"$out/completions/spotcli.fish"
"$tmp/spotcli" completion powershell >"$out/completions/spotcli.ps1"
SOURCE_DATE_EPOCH=$epoch "$tmp/spotcli" gen-docs --man "$out/man"
# -n: no name or time in the gzip header, so that the same pages give the
# same bytes.
mkdir -p "$out/man-gz"
for page in "$out"/man/*.1; do
  gzip -9 -n -c "$page" >"$out/man-gz/${page##*/}.gz"
done

echo "gen-release-assets: wrote $(find "$out" -type f | wc -l) files to $out"
