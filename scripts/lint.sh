#!/usr/bin/env bash
# Static checks that CI fails on: staticcheck, and govulncheck against a
# vulnerability database built offline from the golang.org/x/vulndb module
# (the Go module proxy is the only network CI has, and vuln.go.dev is not on
# it). Tools are installed once, at pinned versions, into a cache directory
# keyed by the Go version that builds them.
#
# Environment: SPOTCLI_TOOLS overrides the cache directory.
set -euo pipefail
cd "$(dirname "$0")/.."

readonly STATICCHECK=v0.8.2
readonly GOVULNCHECK=v1.9.0
readonly VULNDB=v0.0.0-20261105234957-e22db6528018 # golang.org/x/vulndb data of 2026-11-05
tools=${SPOTCLI_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/spotcli-tools}
gover=$(go env GOVERSION)

# tool NAME PACKAGE VERSION: the path of the cached binary, installed if missing.
tool() {
  local dir=$tools/$1-$3-$gover
  if [ ! -x "$dir/$1" ]; then
    echo "lint.sh: installing $2@$3 into $dir" >&2
    mkdir -p "$tools"
    local tmp
    tmp=$(mktemp -d "$dir.tmp.XXXXXX")
    (cd "$tmp" && GOBIN=$tmp go install "$2@$3") >&2
    rm -rf "$dir"
    mv "$tmp" "$dir"
  fi
  echo "$dir/$1"
}

echo "== staticcheck"
"$(tool staticcheck honnef.co/go/tools/cmd/staticcheck "$STATICCHECK")" ./...

echo "== govulncheck"
db=$tools/vulndb-$VULNDB
if [ ! -f "$db/index/db.json" ]; then
  indexdb=$(tool indexdb golang.org/x/vulndb/cmd/indexdb "$VULNDB")
  src=$(cd "$tools" && go mod download -json "golang.org/x/vulndb@$VULNDB" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -d "$src/data/osv" ] || { echo "lint.sh: no OSV data in golang.org/x/vulndb@$VULNDB" >&2; exit 1; }
  tmp=$(mktemp -d "$db.tmp.XXXXXX")
  "$indexdb" -vulns "$src/data/osv" -out "$tmp"
  rm -rf "$db"
  mv "$tmp" "$db"
fi
"$(tool govulncheck golang.org/x/vuln/cmd/govulncheck "$GOVULNCHECK")" -db "file://$db" ./...
