#!/bin/sh
# install-secrets: copies ONE directory of the stack's secrets volume into a volume of its own,
# for the one container that needs it. Docker Engine 20.10 cannot mount a sub-directory of a
# volume, and a container that mounted the whole `mcp-secrets` volume could read every other
# service's and client's secrets; so each service's compose fragment runs this as a one-shot
# `<id>-secrets` container (network none, no other mount) and the service mounts only the result:
#
#   install-secrets.sh services/weather     # /run/secrets/mcp/services/weather/* -> /own/
#   install-secrets.sh clients/cli          # the CLI container's credentials
#
# The copy replaces what was there (a file removed upstream disappears) and keeps owner (uid
# 1000, the services' `node` user) and mode (0400). Runs as root with CHOWN, DAC_OVERRIDE and
# FOWNER only. Prints file names, never contents.
# shellcheck source-path=SCRIPTDIR
set -eu
SCRIPT=install-secrets
. "$(dirname "$0")/lib/common.sh"

from=${1:-}
dest=${2:-/own}
source_root=${MCP_SECRETS_DIR:-/run/secrets/mcp}
case $from in
  services/* | clients/*) valid_name "${from#*/}" || die "bad name in '$from'" ;;
  *) die "usage: install-secrets.sh services/<id> | clients/<name>" ;;
esac
src="$source_root/$from"
[ -d "$src" ] || die "$src does not exist: is '${from#*/}' named in an ACL fragment (services/<id>/mosquitto/<id>.acl, mosquitto/acl.d/*.acl)? secrets-init creates it"
[ -d "$dest" ] || die "destination $dest is not mounted"

# Plain globs (busybox and coreutils alike); a pattern that matches nothing is removed as a
# missing file, which -f ignores.
rm -rf "${dest:?}"/* "$dest"/.[!.]*
cp -p "$src"/* "$dest"/
chmod 0755 "$dest"
log "$from -> $(cd "$dest" && echo *)"
