# shellcheck shell=sh disable=SC2154  # $work, $SCRIPT: set by the sourcing script
# Helpers shared by the bootstrap scripts (sourced; POSIX sh: busybox ash in the official Alpine
# image, dash in the Debian-based one). They never print a secret.

log() { printf '%s: %s\n' "$SCRIPT" "$*"; }
die() { printf '%s: error: %s\n' "$SCRIPT" "$*" >&2; exit 1; }

# 24 random bytes as 48 hex characters; `random_hex 16` for 32.
random_hex() { head -c "${1:-24}" /dev/urandom | od -An -v -tx1 | tr -d ' \n'; }
# "docker-manager" -> "DOCKER_MANAGER"
env_name() { printf '%s' "$1" | tr 'a-z.-' 'A-Z__'; }
# Value of the environment variable named $1 (a checked [A-Z0-9_] name), empty when unset.
env_value() {
  case $1 in *[!A-Z0-9_]*) die "bad variable name $1" ;; esac
  eval "printf '%s' \"\${$1:-}\""
}
# A user, client or service name as the ACL fragments allow it (check_fragment enforces the same).
valid_name() { case $1 in '' | [!A-Za-z0-9]* | *[!A-Za-z0-9_.-]*) return 1 ;; esac; }

# put_file PATH OWNER MODE < content: atomic replace, with owner and mode set before the rename.
put_file() {
  _tmp="$1.tmp.$$"
  cat >"$_tmp"
  chown "$2" "$_tmp"
  chmod "$3" "$_tmp"
  mv -f "$_tmp" "$1"
}
same_content() { [ -f "$1" ] && [ -f "$2" ] && cmp -s "$1" "$2"; }
# put_if_changed PATH OWNER MODE < content: put_file only when the content differs (keeps mtimes
# and lets the caller know: returns 1 when nothing changed).
put_if_changed() {
  cat >"$work/candidate"
  if same_content "$work/candidate" "$1"; then
    chown "$2" "$1"
    chmod "$3" "$1"
    return 1
  fi
  put_file "$1" "$2" "$3" <"$work/candidate"
}
# make_dir PATH OWNER MODE
make_dir() {
  mkdir -p "$1"
  chown "$2" "$1"
  chmod "$3" "$1"
}
