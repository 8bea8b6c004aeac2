#!/usr/bin/env bash
# Validates the release configuration the way CI does: installs goreleaser and
# cyclonedx-gomod (once, into a cache directory), runs `goreleaser check`,
# makes a snapshot release of the host's target (archive, .deb/.rpm/.apk,
# SBOM, checksums, Homebrew formula) and runs the built binary's --version.
# scripts/packages.sh then installs and inspects the packages.
#
# Usage: scripts/goreleaser.sh [--all]
#   --all  every target, as a release makes them (six builds, Scoop manifest
#          included); without it, only the host's target, to keep CI short.
#
# Needs no network beyond the Go module proxy: nothing is published, and the
# first run compiles the tools with `go install` (several minutes on two
# cores; later runs reuse the cached binaries).
#
# Environment: GORELEASER_DIR overrides where goreleaser is cached;
# SPOTCLI_TOOLS where the tools are (default ~/.cache/spotcli-tools, as for
# scripts/lint.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

all=false
case ${1:-} in
  --all) all=true ;;
  "") ;;
  *) echo "usage: scripts/goreleaser.sh [--all]" >&2; exit 2 ;;
esac

# go.mod's toolchain (the before hook builds spotcli; see scripts/test.sh).
export GOTOOLCHAIN=go1.27.3

readonly GORELEASER_VERSION=v2.15.1
# Writes the SBOMs (.goreleaser.yaml, sboms). Not packaged for Debian; syft,
# goreleaser's default, would compile for many minutes more.
readonly CYCLONEDX_GOMOD_VERSION=v1.10.0
tools=${SPOTCLI_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/spotcli-tools}

# install_tool DIR BINARY PACKAGE@VERSION: go install into DIR, once.
install_tool() {
  local dir=$1 binary=$2 pkg=$3 tmp
  [ -x "$dir/$binary" ] && return 0
  echo "goreleaser.sh: installing $pkg into $dir (compiles once; takes a while)"
  mkdir -p "$(dirname "$dir")"
  # Install into a fresh directory and move it into place, so that an
  # interrupted install never leaves a half-written binary in the cache.
  tmp=$(mktemp -d "$dir.tmp.XXXXXX")
  # shellcheck disable=SC2064 # $tmp is local: expand it now
  trap "rm -rf '$tmp'" EXIT
  (cd "$tmp" && GOBIN=$tmp go install "$pkg")
  rm -rf "$dir"
  mv "$tmp" "$dir"
  chmod 755 "$dir"
  trap - EXIT
}

dir=${GORELEASER_DIR:-$tools/goreleaser-$GORELEASER_VERSION}
goreleaser=$dir/goreleaser
install_tool "$dir" goreleaser "github.com/goreleaser/goreleaser/v2@$GORELEASER_VERSION"
have=$("$goreleaser" --version 2>&1)
if [[ $have != *"${GORELEASER_VERSION#v}"* ]]; then
  echo "goreleaser.sh: $goreleaser is not goreleaser $GORELEASER_VERSION; remove $dir to reinstall" >&2
  exit 1
fi

cdxdir=$tools/cyclonedx-gomod-$CYCLONEDX_GOMOD_VERSION
install_tool "$cdxdir" cyclonedx-gomod "github.com/CycloneDX/cyclonedx-gomod/cmd/cyclonedx-gomod@$CYCLONEDX_GOMOD_VERSION"
have=$("$cdxdir/cyclonedx-gomod" version 2>&1 || true)
if [[ $have != *"${CYCLONEDX_GOMOD_VERSION#v}"* ]]; then
  echo "goreleaser.sh: $cdxdir/cyclonedx-gomod is not cyclonedx-gomod $CYCLONEDX_GOMOD_VERSION; remove $cdxdir to reinstall" >&2
  exit 1
fi
export PATH=$cdxdir:$PATH

# Without a git remote (a checkout that was not cloned), goreleaser's snapshot
# gives up on every git fact and builds "commit none" dated year 1. Name the
# project's remote for this run only, through git's environment config: the
# repository is not changed.
if ! git ls-remote --get-url >/dev/null 2>&1; then
  n=${GIT_CONFIG_COUNT:-0}
  export "GIT_CONFIG_KEY_$n=remote.origin.url" "GIT_CONFIG_VALUE_$n=https://github.com/spotcli/spotcli.git"
  export GIT_CONFIG_COUNT=$((n + 1))
fi

# A snapshot is versioned after the last release tag (v1.2.3): other tags, such
# as the developers' layout-1, are no versions and would make goreleaser fail
# ("invalid semantic version"). No release tag yet: v0.0.0.
if [ -z "${GORELEASER_CURRENT_TAG:-}" ]; then
  GORELEASER_CURRENT_TAG=$(git describe --tags --abbrev=0 --match 'v[0-9]*.[0-9]*.[0-9]*' 2>/dev/null || echo v0.0.0)
  export GORELEASER_CURRENT_TAG
fi

echo "== goreleaser check"
"$goreleaser" check

config=.goreleaser.yaml
skip=()
if ! $all; then
  # goreleaser release has no --single-target (goreleaser build has): the
  # same configuration, narrowed to the host's target, in dist/. The Scoop
  # manifest needs the Windows archive, so it is left out here (--all has it).
  goos=$(go env GOOS) goarch=$(go env GOARCH)
  mkdir -p dist
  config=dist/goreleaser-host.yaml
  sed -e "s/^    goos: \[linux, darwin, windows\]\$/    goos: [$goos]/" \
    -e "s/^    goarch: \[amd64, arm64\]\$/    goarch: [$goarch]/" .goreleaser.yaml >"$config"
  if [ "$(grep -c -x -e "    goos: \[$goos\]" -e "    goarch: \[$goarch\]" "$config")" != 2 ]; then
    echo "goreleaser.sh: could not narrow the builds' goos/goarch lines of .goreleaser.yaml to $goos/$goarch" >&2
    exit 1
  fi
  [ "$goos" = windows ] || skip=(--skip=scoop)
fi

echo "== goreleaser release --snapshot ($($all && echo 'every target' || echo "$goos/$goarch only"))"
start=$SECONDS
"$goreleaser" release --snapshot --clean --config "$config" "${skip[@]}"
echo "goreleaser.sh: snapshot release took $((SECONDS - start)) s"

dist=$(sed -n 's/^dist: *//p' .goreleaser.yaml)
dist=${dist:-dist}
if $all; then
  bin=$(find "$dist" -path "*_$(go env GOOS)_$(go env GOARCH)*" -type f -name spotcli | head -n 1)
else
  bin=$(find "$dist" -type f \( -name spotcli -o -name spotcli.exe \) | head -n 1)
fi
if [ -z "$bin" ]; then
  echo "goreleaser.sh: the snapshot release left no spotcli binary for this machine in $dist" >&2
  exit 1
fi
out=$("$bin" --version)
echo "$bin --version: $out"
# A release binary names its version, commit and build date (-ldflags).
if ! [[ $out =~ ^spotcli\ [0-9]+\.[0-9]+\.[0-9]+[^\ ]*\ \(commit\ [0-9a-f]{7,},\ built\ [0-9]{4}-[0-9]{2}-[0-9]{2}T[^\)]*\)$ ]]; then
  echo "goreleaser.sh: unexpected --version output from the snapshot build: $out" >&2
  exit 1
fi
for f in completions/spotcli.bash completions/_spotcli completions/spotcli.fish completions/spotcli.ps1 man/spotcli.1 man/spotcli-login.1 man-gz/spotcli.1.gz; do
  if [ ! -s "dist/assets/$f" ]; then
    echo "goreleaser.sh: the before hook did not write dist/assets/$f" >&2
    exit 1
  fi
done
echo "goreleaser.sh: ok"
