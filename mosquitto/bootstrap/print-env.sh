#!/bin/sh
# print-env: the credentials of one MQTT user of the stack as shell `export` lines, for
# compose/host-env.sh (run in a throw-away secrets-init container: the only place besides the
# copiers that may read the whole secrets volume). Values are single-quoted for the shell.
#   print-env.sh cli         MQTT_USERNAME, MQTT_PASSWORD, MCP_API_KEY
#   print-env.sh weather     MQTT_USERNAME, MQTT_PASSWORD, MCP_API_KEYS (digests), MCP_SHARE_GROUP
#   print-env.sh --ca        the stack's CA certificate (PEM), to verify the TLS listeners
# shellcheck source-path=SCRIPTDIR
set -eu
SCRIPT=print-env
. "$(dirname "$0")/lib/common.sh"
D=${MCP_SECRETS_DIR:-/run/secrets/mcp}

quote() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
export_line() { printf 'export %s=%s\n' "$1" "$(quote "$2")"; }

user=${1:-cli}
if [ "$user" = --ca ]; then
  [ -s "$D/tls/ca.crt" ] || die "no CA yet: tls-init makes it on 'docker compose up'"
  cat "$D/tls/ca.crt"
  exit 0
fi
valid_name "$user" || die "bad user name '$user'"
if [ -d "$D/clients/$user" ]; then
  dir="$D/clients/$user"
elif [ -d "$D/services/$user" ]; then
  dir="$D/services/$user"
else
  die "no MQTT user '$user' (is the stack up? is '$user' named in an ACL fragment?)"
fi
export_line MQTT_USERNAME "$user"
export_line MQTT_PASSWORD "$(cat "$dir/mqtt.password")"
# A client: the API key it sends in auth.api_key.
[ ! -f "$dir/api.key" ] || export_line MCP_API_KEY "$(cat "$dir/api.key")"
# A service: the key digests it accepts, so that the stack's clients can call it, and its share
# group, so that an instance on the host shares requests with the container's.
[ ! -f "$dir/api-keys" ] || export_line MCP_API_KEYS "$(tr '\n' ',' <"$dir/api-keys" | sed 's/,$//')"
[ ! -f "$dir/share-group" ] || export_line MCP_SHARE_GROUP "$(cat "$dir/share-group")"
