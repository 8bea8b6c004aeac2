#!/usr/bin/env bash
# Installs what the CI needs on a fresh Debian machine (run as root):
#   - a D-Bus session bus (dbus-run-session) and gnome-keyring-daemon, so the
#     OS keyring (Secret Service, org.freedesktop.secrets) can be tested for real
#     through .ci/with-keyring.sh;
#   - chromium, for the browser-based tests;
#   - jq, which the documentation's examples use (they run in e2e);
#   - bash-completion and script(1), for the completion and terminal tests
#     (which fail in CI, rather than skip, without them).
# Idempotent: when every needed command is already there, apt is skipped.
set -euo pipefail

# command -> Debian package that provides it
declare -A NEEDED=(
  [dbus-daemon]=dbus
  [dbus-run-session]=dbus
  [dbus-send]=dbus
  [gnome-keyring-daemon]=gnome-keyring
  [chromium]=chromium
  # the docs' examples pipe into jq (e2e TestDocExamples runs them)
  [jq]=jq
  [script]=bsdutils
)
# file -> Debian package, for packages that bring no command
declare -A NEEDED_FILES=(
  [/usr/share/bash-completion/bash_completion]=bash-completion
)

missing=()
for cmd in "${!NEEDED[@]}"; do
  pkg=${NEEDED[$cmd]}
  if ! command -v "$cmd" >/dev/null 2>&1 \
     || ! dpkg -s "$pkg" 2>/dev/null | grep -q '^Status: install ok installed'; then
    missing+=("$pkg")
  fi
done
for file in "${!NEEDED_FILES[@]}"; do
  [ -e "$file" ] || missing+=("${NEEDED_FILES[$file]}")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup.sh: dbus, gnome-keyring, chromium, jq and bash-completion already installed; skipping apt"
  exit 0
fi

# de-duplicate
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
echo "setup.sh: installing: ${missing[*]}"

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"

for cmd in "${!NEEDED[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || { echo "setup.sh: '$cmd' still missing after install" >&2; exit 1; }
done
for file in "${!NEEDED_FILES[@]}"; do
  [ -e "$file" ] || { echo "setup.sh: '$file' still missing after install" >&2; exit 1; }
done
echo "setup.sh: done"
