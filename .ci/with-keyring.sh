#!/usr/bin/env bash
# shellcheck disable=SC2317  # (functions called from traps)
# Usage: .ci/with-keyring.sh COMMAND [ARGS...]
#
# Runs COMMAND inside a private D-Bus session bus (dbus-run-session) in which
# gnome-keyring-daemon serves the Secret Service (org.freedesktop.secrets)
# with an unlocked "login" collection (the default alias), so that
# github.com/zalando/go-keyring's Set/Get/Delete work without any prompt.
# COMMAND gets SPOTCLI_TEST_KEYRING=1. Works as root, headless (no X display),
# and in a bare environment (env -i): the keyring files and the daemon's
# control socket live in a throwaway directory, never in $HOME, which need not
# exist or be writable. The daemon is killed and the directory removed on exit.
# Exits with COMMAND's status, or non-zero with a message if the Secret Service
# cannot be brought up.
# Needs: dbus (dbus-run-session, dbus-send) and gnome-keyring; see .ci/setup.sh.
set -euo pipefail
# CI may start us with no standard input at all: give commands an empty one.
(exec 9<&0) 2>/dev/null || exec </dev/null

me="with-keyring.sh"
die() { echo "$me: ERROR: $*" >&2; exit 1; }

[ $# -gt 0 ] || { echo "usage: $0 COMMAND [ARGS...]" >&2; exit 2; }

for cmd in dbus-run-session dbus-send gnome-keyring-daemon; do
  command -v "$cmd" >/dev/null 2>&1 || die "'$cmd' not found; run .ci/setup.sh first"
done

# Stage 1: re-run this script inside a fresh session bus. dbus-run-session
# ignores (and replaces) any DBUS_SESSION_BUS_ADDRESS of the caller, so a
# developer's real keyring is never touched; it stops the bus when we exit.
# dbus-run-session forwards no signal: if it alone were killed, the bus, the
# daemon and COMMAND would be orphaned. So this outer stage keeps running and
# forwards INT/TERM/HUP to the inner stage, which then cleans up.
if [ "${_SPOTCLI_KEYRING_STAGE:-}" != "inner" ]; then
  pidfile=$(mktemp "${TMPDIR:-/tmp}/spotcli-keyring-pid.XXXXXX")
  exec 3<&0   # a background job would otherwise get /dev/null as stdin
  _SPOTCLI_KEYRING_STAGE=inner _SPOTCLI_KEYRING_PIDFILE="$pidfile" \
    dbus-run-session -- bash "${BASH_SOURCE[0]}" "$@" <&3 3<&- &
  drs=$!
  exec 3<&-
  inner_pid() { cat "$pidfile" 2>/dev/null || true; }
  forward() { local p; p=$(inner_pid); [ -z "$p" ] || kill -TERM "$p" 2>/dev/null || true; }
  trap forward INT TERM HUP
  while :; do
    rc=0; wait "$drs" || rc=$?
    kill -0 "$drs" 2>/dev/null || break   # else: wait was interrupted by a signal
  done
  # if the session was torn down by a signal, let the inner stage finish cleaning up
  p=$(inner_pid)
  for _ in $(seq 100); do [ -n "$p" ] || break; kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  rm -f "$pidfile"
  exit "$rc"
fi
[ -z "${_SPOTCLI_KEYRING_PIDFILE:-}" ] || echo "$$" >"$_SPOTCLI_KEYRING_PIDFILE"
unset _SPOTCLI_KEYRING_STAGE _SPOTCLI_KEYRING_PIDFILE
[ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] || die "dbus-run-session gave no DBUS_SESSION_BUS_ADDRESS"

# Stage 2: start gnome-keyring-daemon on this bus.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/spotcli-keyring.XXXXXX")
chmod 700 "$tmp"
mkdir -m 700 "$tmp/data" "$tmp/runtime"
daemon_pid=""
cmd_pid=""

stop() {  # stop PID: TERM, up to 5 s, then KILL
  kill -0 "$1" 2>/dev/null || return 0
  kill "$1" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
cleanup() {
  trap '' INT TERM HUP   # a second signal must not cut the cleanup short
  [ -z "$cmd_pid" ] || stop "$cmd_pid"
  [ -z "$daemon_pid" ] || stop "$daemon_pid"
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 129' HUP
trap 'exit 143' TERM

# --foreground keeps it our child (so we know its pid and can stop it).
# --unlock reads the login keyring's password from stdin: with a fresh data
# dir it creates the "login" collection with that password, unlocked, and
# makes it the default alias. The password must NOT be empty (an empty one
# leaves no usable collection: Set then fails with "failed to unlock correct
# collection"). XDG_DATA_HOME/XDG_RUNTIME_DIR apply to the daemon only.
printf '%s' "spotcli-ci-keyring" |
  XDG_DATA_HOME="$tmp/data" XDG_RUNTIME_DIR="$tmp/runtime" \
  gnome-keyring-daemon --foreground --unlock --components=secrets \
  >"$tmp/daemon.log" 2>&1 &
daemon_pid=$!

bus() { dbus-send --session --print-reply "$@" 2>&1; }

# Wait until the daemon owns org.freedesktop.secrets. NameHasOwner does not
# trigger D-Bus activation (a call to org.freedesktop.secrets itself would
# start a second, locked daemon from the .service file and race ours).
owned=""
for _ in $(seq 100); do   # up to ~10 s
  kill -0 "$daemon_pid" 2>/dev/null || break
  if bus --dest=org.freedesktop.DBus /org/freedesktop/DBus \
       org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets | grep -q 'boolean true'; then
    owned=1; break
  fi
  sleep 0.1
done
if [ -z "$owned" ]; then
  echo "$me: gnome-keyring-daemon output:" >&2; cat "$tmp/daemon.log" >&2 || true
  if ! kill -0 "$daemon_pid" 2>/dev/null; then
    st=0; wait "$daemon_pid" || st=$?; daemon_pid=""
    die "gnome-keyring-daemon exited (status $st) before serving org.freedesktop.secrets"
  fi
  die "Secret Service (org.freedesktop.secrets) did not appear on the session bus within 10 s"
fi

owner_pid=$(bus --dest=org.freedesktop.DBus /org/freedesktop/DBus \
  org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets |
  awk '/uint32/ {print $2}')
[ "$owner_pid" = "$daemon_pid" ] ||
  die "org.freedesktop.secrets is owned by pid '${owner_pid}', not by our gnome-keyring-daemon ($daemon_pid)"

locked=$(bus --dest=org.freedesktop.secrets /org/freedesktop/secrets/aliases/default \
  org.freedesktop.DBus.Properties.Get string:org.freedesktop.Secret.Collection string:Locked) ||
  { echo "$locked" >&2; cat "$tmp/daemon.log" >&2 || true
    die "Secret Service does not answer for the default collection"; }
if ! grep -q 'boolean false' <<<"$locked"; then
  echo "$locked" >&2; cat "$tmp/daemon.log" >&2 || true
  die "the default (login) collection is locked or missing"
fi

export SPOTCLI_TEST_KEYRING=1
echo "$me: Secret Service up (gnome-keyring-daemon pid $daemon_pid, login collection unlocked)" >&2

# In the background (with our stdin) so that a signal reaches our trap at once.
exec 3<&0
"$@" <&3 3<&- &
cmd_pid=$!
exec 3<&-
rc=0; wait "$cmd_pid" || rc=$?
cmd_pid=""
exit "$rc"
