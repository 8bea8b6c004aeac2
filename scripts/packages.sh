#!/usr/bin/env bash
# Proves the release packages that scripts/goreleaser.sh left in
# dist/goreleaser, the way a user meets them:
#   - checksums.txt covers every release file (archives, packages, SBOMs) and
#     every sum is right; each SBOM is a CycloneDX document of its binary that
#     lists the modules `go version -m` finds in it;
#   - the Homebrew formula parses (ruby -c) and names the archives by their
#     checksums; the Scoop manifest (when built: goreleaser.sh --all) is JSON
#     that does the same;
#   - the .deb, .rpm and .apk of each Linux target hold exactly the expected
#     files, with the expected modes and metadata; the .rpm's and .apk's lists
#     are the .deb's (rpm -qpl, dpkg-deb -c);
#   - the host's .deb installs with dpkg -i; /usr/bin/spotcli --version runs,
#     man -w finds the pages and man renders them, and a bash with
#     bash-completion loads the installed completion file by itself and
#     completes `spotcli pl` to `playlists`; dpkg -r removes every file again.
#
# Runs as root on Debian (CI), or with sudo; installs what it needs with
# apt-get when missing (rpm, man-db, bash-completion, ruby, jq). It refuses to
# run where spotcli is installed already, so that it never replaces or removes
# a spotcli it did not install.
#
# Usage: scripts/packages.sh   (after scripts/goreleaser.sh [--all])
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS

fail() {
  echo "packages.sh: $*" >&2
  exit 1
}

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

command -v dpkg >/dev/null || fail "needs dpkg (Debian or a derivative)"

# Debian package -> a file it installs.
declare -A NEEDED=(
  [rpm]=/usr/bin/rpm
  [man-db]=/usr/bin/man
  [bash-completion]=/usr/share/bash-completion/bash_completion
  [ruby]=/usr/bin/ruby
  [jq]=/usr/bin/jq
)
missing=()
for pkg in "${!NEEDED[@]}"; do
  if [ ! -e "${NEEDED[$pkg]}" ] || ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "packages.sh: installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # The lists may be missing or old: update once if the first try fails.
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
    || { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }
  echo "packages.sh: installed them in $((SECONDS - start)) s"
fi
for pkg in "${!NEEDED[@]}"; do
  [ -e "${NEEDED[$pkg]}" ] || fail "${NEEDED[$pkg]} (package $pkg) still missing after apt-get install"
done

dist=dist/goreleaser
[ -f "$dist/artifacts.json" ] || fail "no $dist/artifacts.json: run scripts/goreleaser.sh first"
assets=dist/assets
version=$(jq -r .version "$dist/metadata.json")
[ -n "$version" ] && [ "$version" != null ] || fail "no version in $dist/metadata.json"
echo "packages.sh: checking the packages of spotcli $version"

# artifacts TYPE: the paths of goreleaser's artifacts of that type, one a line.
artifacts() {
  jq -r --arg t "$1" '.[] | select(.type == $t) | .path' "$dist/artifacts.json"
}

echo "== checksums.txt"
checksums=$dist/checksums.txt
[ -s "$checksums" ] || fail "no $checksums"
(cd "$dist" && sha256sum --quiet --strict -c checksums.txt) || fail "a sum in $checksums is wrong"
uploads=$(jq -r '.[] | select(.type == "Archive" or .type == "Linux Package" or .type == "SBOM") | .name' "$dist/artifacts.json" | sort)
listed=$(awk '{print $2}' "$checksums" | sort)
[ "$uploads" = "$listed" ] || fail "checksums.txt does not list exactly the release files:
$(diff <(echo "$uploads") <(echo "$listed") || true)"
# And nothing in dist/goreleaser that would be uploaded is left out.
for f in "$dist"/*.tar.gz "$dist"/*.zip "$dist"/*.deb "$dist"/*.rpm "$dist"/*.apk "$dist"/*.cdx.json; do
  [ -e "$f" ] || continue
  grep -q "  ${f##*/}\$" "$checksums" || fail "$f is not in checksums.txt"
done
echo "checksums.txt: $(wc -l <"$checksums") files, every sum right"

# sum FILE: its sha256 as checksums.txt has it.
sum() {
  awk -v f="$1" '$2 == f {print $1}' "$checksums"
}

echo "== SBOMs"
nbin=$(jq '[.[] | select(.type == "Binary")] | length' "$dist/artifacts.json")
nsbom=0
while read -r sbom; do
  jq -e --arg v "$version" '.bomFormat == "CycloneDX" and .metadata.component.name == "github.com/spotcli/spotcli" and .metadata.component.version == $v and ([.components[].name] | index("github.com/spf13/cobra") != null)' "$sbom" >/dev/null \
    || fail "$sbom is not a CycloneDX SBOM of spotcli $version that lists its modules"
  # Its modules are the ones Go recorded in the binary of that target.
  target=${sbom%.cdx.json}; target=${target#*_"$version"_}
  bin=$(jq -r --arg t "$target" '.[] | select(.type == "Binary" and "\(.goos)_\(.goarch)" == $t) | .path' "$dist/artifacts.json")
  [ -n "$bin" ] || fail "$sbom: no binary for $target"
  want=$(cd / && go version -m "$OLDPWD/$bin" | awk '$1 == "dep" {print $2 "@" $3}' | sort)
  got=$(jq -r '.components[] | "\(.name)@\(.version)"' "$sbom" | sort)
  [ -n "$want" ] && [ "$want" = "$got" ] || fail "$sbom does not list the modules of $bin (- go version -m, + SBOM):
$(diff <(echo "$want") <(echo "$got") || true)"
  nsbom=$((nsbom + 1))
done < <(artifacts SBOM)
[ "$nsbom" -gt 0 ] && [ "$nsbom" = "$nbin" ] || fail "$nsbom SBOMs for $nbin binaries"
echo "SBOMs: one CycloneDX document for each of the $nbin binaries"

echo "== Homebrew formula"
formula=$dist/homebrew/Formula/spotcli.rb
[ -s "$formula" ] || fail "no Homebrew formula $formula"
ruby -c "$formula" >/dev/null || fail "$formula is not valid Ruby"
grep -q '^class Spotcli < Formula$' "$formula" || fail "$formula does not define class Spotcli < Formula"
grep -q "version \"$version\"" "$formula" || fail "$formula does not name version $version"
n=0
for a in $(jq -r '.[] | select(.type == "Archive" and (.goos == "darwin" or .goos == "linux")) | .name' "$dist/artifacts.json"); do
  grep -q "url \"https://github.com/spotcli/spotcli/releases/download/[^/\"]*/$a\"" "$formula" || fail "$formula has no url for $a"
  grep -A2 -F "/$a\"" "$formula" | grep -q "sha256 \"$(sum "$a")\"" || fail "$formula has not the sha256 of $a"
  n=$((n + 1))
done
[ "$n" -gt 0 ] || fail "no archive for the Homebrew formula"
for line in 'bin.install "spotcli"' 'man1.install' 'bash_completion.install' 'zsh_completion.install' 'fish_completion.install'; do
  grep -q -F "$line" "$formula" || fail "$formula does not $line"
done
echo "$formula: valid Ruby, $n archives with their sha256"

echo "== Scoop manifest"
manifest=$dist/scoop/spotcli.json
if jq -e '[.[] | select(.type == "Archive" and .goos == "windows")] | length > 0' "$dist/artifacts.json" >/dev/null; then
  [ -s "$manifest" ] || fail "no Scoop manifest $manifest"
  jq -e --arg v "$version" '.version == $v and .license == "MIT" and (.architecture | length) > 0' "$manifest" >/dev/null \
    || fail "$manifest is not a Scoop manifest of spotcli $version"
  while read -r arch url hash bin; do
    a=${url##*/}
    [ "$hash" = "$(sum "$a")" ] || fail "$manifest: the hash for $arch is not $a's"
    [ "$bin" = spotcli.exe ] || fail "$manifest: bin for $arch is $bin"
  done < <(jq -r '.architecture | to_entries[] | "\(.key) \(.value.url) \(.value.hash) \(.value.bin | if type == "array" then join(",") else . end)"' "$manifest")
  echo "$manifest: valid JSON, $(jq '.architecture | length' "$manifest") architectures with their hashes"
else
  [ ! -e "$manifest" ] || fail "$manifest without a Windows archive"
  echo "no Windows archive in this build (scripts/goreleaser.sh --all makes it): no Scoop manifest to check"
fi

echo "== package contents"
# The files every package must hold (zsh's directory as on Debian), with modes.
expected=$(
  {
    echo "-rwxr-xr-x /usr/bin/spotcli"
    for page in "$assets"/man-gz/*.1.gz; do echo "-rw-r--r-- /usr/share/man/man1/${page##*/}"; done
    echo "-rw-r--r-- /usr/share/bash-completion/completions/spotcli"
    echo "-rw-r--r-- /usr/share/zsh/vendor-completions/_spotcli"
    echo "-rw-r--r-- /usr/share/fish/vendor_completions.d/spotcli.fish"
    echo "-rw-r--r-- /usr/share/doc/spotcli/README.md"
    echo "-rw-r--r-- /usr/share/doc/spotcli/LICENSE"
  } | sort
)
npages=$(find "$assets/man-gz" -name '*.1.gz' | wc -l)
[ -f "$assets/man-gz/spotcli.1.gz" ] && [ "$npages" = "$(find "$assets/man" -name '*.1' | wc -l)" ] \
  || fail "$assets/man-gz does not hold each page of $assets/man gzipped"

# Each list: "MODE PATH" of the regular files, sorted, from a `tar -tv`-like
# listing; zsh's directory as on Debian.
listing() {
  awk '$1 ~ /^-/ {p=$6; sub(/^\.?\/?/, "/", p); print $1, p}' |
    sed 's|^\(\S* \)/usr/share/zsh/site-functions/|\1/usr/share/zsh/vendor-completions/|' | sort
}
deb_files() {
  dpkg-deb -c "$1" | listing
}
rpm_files() {
  rpm -qp --qf '[%{FILEMODES:perms} root/root 0 date time %{FILENAMES}\n]' "$1" 2>/dev/null | listing
}
apk_files() {
  tar -tvzf "$1" --ignore-zeros 2>/dev/null | grep -v -E ' \.(PKGINFO|SIGN\.)' | listing
}

npkg=0
for deb in $(artifacts "Linux Package" | grep '\.deb$'); do
  arch=$(dpkg-deb -f "$deb" Architecture)
  got=$(deb_files "$deb")
  [ "$got" = "$expected" ] || fail "$deb does not hold the expected files (- expected, + in the package):
$(diff <(echo "$expected") <(echo "$got") || true)"
  owners=$(dpkg-deb -c "$deb" | awk '{print $2}' | sort -u)
  [ "$owners" = root/root ] || fail "$deb has files not owned by root/root: $owners"
  # nfpm writes a prerelease 1.2.3-rc.1 as 1.2.3~rc.1 (sorts before 1.2.3).
  for field in Package:spotcli Version:"${version/-/\~}" Maintainer: Description: Homepage:https://github.com/spotcli/spotcli Section:utils Priority:optional; do
    value=$(dpkg-deb -f "$deb" "${field%%:*}")
    [ -n "$value" ] || fail "$deb has no ${field%%:*} field"
    [ -z "${field#*:}" ] || [ "$value" = "${field#*:}" ] || fail "$deb: ${field%%:*} is $value, not ${field#*:}"
  done
  # dpkg-deb -c and the file list of the .rpm and .apk of the same target.
  goarch=$(jq -r --arg p "$deb" '.[] | select(.path == $p) | .goarch' "$dist/artifacts.json")
  formats=$(jq -r --arg a "$goarch" '.[] | select(.type == "Linux Package" and .goarch == $a) | .path | split(".") | last' "$dist/artifacts.json" | sort | tr '\n' ' ')
  [ "$formats" = "apk deb rpm " ] || fail "linux/$goarch has packages $formats, not apk deb rpm"
  for other in $(jq -r --arg a "$goarch" '.[] | select(.type == "Linux Package" and .goarch == $a) | .path' "$dist/artifacts.json" | grep -v '\.deb$'); do
    case $other in
      *.rpm)
        got=$(rpm_files "$other")
        # What rpm -qpl lists, less the directories the package owns, is the
        # .deb's list of files.
        dirs=$(rpm -qp --qf '[%{FILEMODES:perms} %{FILENAMES}\n]' "$other" 2>/dev/null | awk '$1 ~ /^d/ {print $2}')
        qpl=$(rpm -qpl "$other" 2>/dev/null | grep -v -x -F -f <(echo "${dirs:-/nonexistent}") |
          sed 's|^/usr/share/zsh/site-functions/|/usr/share/zsh/vendor-completions/|' | sort)
        [ "$qpl" = "$(awk '{print $2}' <<<"$expected" | sort)" ] || fail "rpm -qpl $other does not list the .deb's files:
$(diff <(awk '{print $2}' <<<"$expected" | sort) <(echo "$qpl") || true)"
        info=$(rpm -qpi "$other" 2>/dev/null)
        for want in "Name        : spotcli" "Version     : ${version/-/\~}" "License     : MIT" "URL         : https://github.com/spotcli/spotcli"; do
          grep -q -F "$want" <<<"$info" || fail "$other: rpm -qpi has no \"$want\""
        done
        docs=$(rpm -qpd "$other" 2>/dev/null | sort | tr '\n' ' ')
        [[ $docs == *"/usr/share/doc/spotcli/README.md "* ]] || fail "$other does not mark README.md as documentation: $docs"
        [ "$(rpm -qpL "$other" 2>/dev/null)" = /usr/share/doc/spotcli/LICENSE ] || fail "$other does not mark LICENSE as its license"
        ;;
      *.apk)
        got=$(apk_files "$other")
        info=$(tar -xzOf "$other" --ignore-zeros .PKGINFO 2>/dev/null)
        for want in "pkgname = spotcli" "license = MIT" "url = https://github.com/spotcli/spotcli"; do
          grep -q -x -F "$want" <<<"$info" || fail "$other: .PKGINFO has no \"$want\""
        done
        ;;
      *) fail "unexpected package $other" ;;
    esac
    [ "$got" = "$expected" ] || fail "$other does not hold the files of $deb (- deb, + ${other##*.}):
$(diff <(echo "$expected") <(echo "$got") || true)"
    npkg=$((npkg + 1))
  done
  npkg=$((npkg + 1))
  echo "$arch: .deb, .rpm and .apk hold the same $(wc -l <<<"$expected") files"
done
[ "$npkg" -gt 0 ] || fail "no Linux packages in $dist"
[ "$npkg" = "$(artifacts "Linux Package" | wc -l)" ] || fail "$npkg packages checked of $(artifacts "Linux Package" | wc -l)"

# doc_example NAME: the shell block that follows the line
# "<!-- scripts/packages.sh runs this: NAME -->" in docs/install.md.
doc_example() {
  local block
  block=$(awk -v m="<!-- scripts/packages.sh runs this: $1 -->" '
    $0 == m { found = 1; next }
    found && /^```/ { if (inblock) exit; inblock = 1; next }
    found && inblock { print; next }
    found { exit }
  ' docs/install.md)
  [ -n "$block" ] || fail "docs/install.md has no example \"$1\" for scripts/packages.sh"
  # As root, sudo is not needed (and may not be installed).
  if [ -z "$SUDO" ]; then block=$(sed 's/^sudo //' <<<"$block"); fi
  printf '%s\n' "$block"
}

# check_use HOME PATH BINARY MANDIR COMPLETION: spotcli as a user meets it,
# in a clean environment (that HOME and PATH only): `spotcli` is BINARY and
# runs, man finds its pages in MANDIR and renders them, and a bash with
# bash-completion loads COMPLETION by itself and completes `spotcli pl`.
check_use() {
  local home=$1 path=$2 binary=$3 mandir=$4 completion=$5 clean out where page got spec
  clean=(env -i "HOME=$home" "PATH=$path" "LANG=C.UTF-8" "TERM=dumb")
  got=$("${clean[@]}" bash --norc --noprofile -c 'command -v spotcli') || fail "spotcli is not on PATH ($path)"
  [ "$got" = "$binary" ] || fail "spotcli on PATH is $got, not $binary"
  out=$("${clean[@]}" spotcli --version)
  [[ $out == "spotcli $version (commit "* ]] || fail "$binary --version says: $out"
  echo "$binary --version: $out"

  for page in spotcli spotcli-login spotcli-completion-bash; do
    where=$("${clean[@]}" man -w "$page") || fail "man -w $page finds nothing"
    [[ $where == "$mandir/$page.1" || $where == "$mandir/$page.1.gz" ]] || fail "man -w $page: $where, not in $mandir"
  done
  "${clean[@]}" MANWIDTH=80 man spotcli 2>/dev/null | grep -q 'spotcli' || fail "man spotcli renders nothing"
  echo "man -w spotcli: $("${clean[@]}" man -w spotcli) (and it renders)"

  [ -f "$completion" ] || fail "no completion file $completion"
  # bash-completion finds the file by the command's name (as it does when Tab
  # is first pressed after `spotcli`); then the completion function is driven
  # as bash drives it.
  got=$("${clean[@]}" bash --norc --noprofile -c '
    source /usr/share/bash-completion/bash_completion
    complete -p spotcli >/dev/null 2>&1 && { echo "spotcli completion registered before loading" >&2; exit 1; }
    _completion_loader spotcli
    spec=$(complete -p spotcli) || { echo "bash-completion did not load a completion for spotcli" >&2; exit 1; }
    # For a command without a completion file, the loader sets _minimal.
    [[ $spec == *" -F "* && $spec != *" -F _minimal "* ]] || { echo "no completion file was loaded: $spec" >&2; exit 1; }
    fn=${spec#*-F }; fn=${fn%% *}
    COMP_LINE="spotcli pl"; COMP_POINT=${#COMP_LINE}
    COMP_WORDS=(spotcli pl); COMP_CWORD=1; COMP_TYPE=9
    "$fn" spotcli pl spotcli
    printf "%s\n" "${COMPREPLY[@]}"
  ' 2> >(grep -v "compopt: not currently executing completion function" >&2)) || fail "bash completion failed"
  [ "$got" = playlists ] || fail "bash completes \`spotcli pl\` to \"$got\", not \"playlists\""
  echo "bash (bash-completion, $completion): spotcli pl<Tab> -> $got"
}

# no_completion HOME: bash-completion finds no completion file for spotcli.
no_completion() {
  local spec
  spec=$(env -i "HOME=$1" PATH=/usr/bin:/bin bash --norc --noprofile -c 'source /usr/share/bash-completion/bash_completion; _completion_loader spotcli; complete -p spotcli')
  [ "$spec" = "complete -F _minimal spotcli" ] || fail "bash-completion finds a completion for spotcli: $spec"
}

host=$(dpkg --print-architecture)
goarch=$host # Go and Debian name amd64 and arm64 alike
if dpkg-query -W -f='${Status}' spotcli 2>/dev/null | grep -q 'installed'; then
  fail "a spotcli package is installed on this machine already; remove it first (dpkg -r spotcli): this check never replaces one"
fi
[ ! -e /usr/bin/spotcli ] || fail "/usr/bin/spotcli exists already and is not from a package; move it away first"
work=$(mktemp -d)
installed=false
cleanup() {
  if $installed; then $SUDO dpkg -r spotcli >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
mkdir "$work/home" "$work/download"
no_completion "$work/home"

echo "== release archive, installed for one user (docs/install.md)"
archive=$(jq -r --arg a "$goarch" '.[] | select(.type == "Archive" and .goos == "linux" and .goarch == $a) | .path' "$dist/artifacts.json")
[ -n "$archive" ] || fail "no linux/$goarch archive in $dist"
cp "$archive" "$work/download/"
example=$(doc_example archive | sed "s|spotcli_1\.2\.3_linux_amd64\.tar\.gz|${archive##*/}|g")
(cd "$work/download" && env -i "HOME=$work/home" "PATH=/usr/bin:/bin" bash -euo pipefail -c "$example") \
  || fail "the release archive example of docs/install.md failed"
home=$work/home
check_use "$home" "$home/.local/bin:/usr/bin:/bin" "$home/.local/bin/spotcli" "$home/.local/share/man/man1" \
  "$home/.local/share/bash-completion/completions/spotcli"
for f in .local/share/zsh/site-functions/_spotcli .config/fish/completions/spotcli.fish; do
  cmp -s "$home/$f" "$assets/completions/${f##*/}" || fail "the archive example did not install ~/$f"
done
rm -rf "${work:?}/home" && mkdir "$work/home"

echo "== .deb: dpkg -i, use, dpkg -r (docs/install.md)"
deb=$(artifacts "Linux Package" | grep "_${host}\.deb\$" | head -n 1)
[ -n "$deb" ] || fail "no .deb for this machine ($host) in $dist"
cp "$deb" "$work/download/"
example=$(doc_example deb-install | sed "s|spotcli_1\.2\.3_amd64\.deb|${deb##*/}|g")
installed=true
(cd "$work/download" && env -i "HOME=$work/home" "PATH=/usr/sbin:/usr/bin:/sbin:/bin" bash -euo pipefail -c "$example") \
  || fail "the Debian example of docs/install.md failed"
dpkg-query -W -f='${Status} ${Version}' spotcli | grep -q "install ok installed ${version/-/\~}" || fail "dpkg does not have spotcli ${version/-/\~} installed"
check_use "$work/home" /usr/sbin:/usr/bin:/sbin:/bin /usr/bin/spotcli /usr/share/man/man1 /usr/share/bash-completion/completions/spotcli

example=$(doc_example deb-remove)
env -i "HOME=$work/home" "PATH=/usr/sbin:/usr/bin:/sbin:/bin" bash -euo pipefail -c "$example" || fail "dpkg -r spotcli failed"
installed=false
left=$(dpkg-deb -c "$deb" | awk '$1 ~ /^-/ {p=$6; sub(/^\./, "", p); print p}' | while read -r f; do [ ! -e "$f" ] || echo "$f"; done)
[ -z "$left" ] || fail "dpkg -r spotcli left: $left"
! env -i PATH=/usr/bin:/bin man -w spotcli >/dev/null 2>&1 || fail "man -w spotcli still finds a page after dpkg -r"
# So the completion above came from the package's file, and no other.
no_completion "$work/home"
echo "dpkg -r spotcli: every file gone"

echo "packages.sh: ok ($npkg packages, $((SECONDS - start)) s)"
