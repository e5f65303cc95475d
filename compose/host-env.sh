#!/bin/sh
# Prints, as shell `export` lines, what a process on the host needs to reach the running stack's
# broker as one of its MQTT users (default: cli). Nothing is written to disk.
#
#   eval "$(compose/host-env.sh)"              # the CLI as "cli":  pnpm exec mcp-mqtt services
#   eval "$(compose/host-env.sh neurhomia)"    # the front end's user and API key
#   eval "$(compose/host-env.sh weather)"      # `pnpm dev` of a service as its own user
#   eval "$(compose/host-env.sh gateway)"      # MCP_API_KEY, the key of the gateway's LLM clients,
#                                              # and MCP_GATEWAY_URL (http://127.0.0.1:3003/mcp)
#   compose/host-env.sh --ca > stack-ca.crt    # the CA that signs the TLS listeners' certificate
#
# The secrets are read by a throw-away `secrets-init` container (the broker's own user cannot
# read them). A service run on the host joins the container's shared subscription (same share
# group): requests are then split between the two. Stop the container first
# (docker compose stop weather) to get them all.
set -eu
user=${1:-cli}
case $user in --ca) ;; '' | *[!A-Za-z0-9_.-]*) echo "host-env.sh: bad user name '$user'" >&2; exit 2 ;; esac
cd "$(dirname "$0")"

if ! lines=$(docker compose run --rm --no-deps -T --entrypoint /bin/sh secrets-init \
  /stack/mosquitto/bootstrap/print-env.sh "$user" 2>/dev/null); then
  echo "host-env.sh: cannot read the credentials of '$user' (is the stack up? is '$user' named in an ACL fragment?)" >&2
  exit 1
fi
if [ "$user" = --ca ]; then
  printf '%s\n' "$lines"
  exit 0
fi
# The host address and port mosquitto's 1883 is published on (MOSQUITTO_BIND, MOSQUITTO_PORT).
published=$(docker compose port mosquitto 1883 2>/dev/null | tail -n 1)
host=${published%:*}
case $host in '' | 0.0.0.0 | '[::]' | ::) host=localhost ;; esac
port=${published##*:}
echo "export MQTT_URL=mqtt://$host:${port:-1883}"
printf '%s\n' "$lines"
if [ "$user" = gateway ] && gateway=$(docker compose port gateway 3003 2>/dev/null | tail -n 1) && [ -n "$gateway" ]; then
  # Where the gateway's MCP endpoint is published (GATEWAY_BIND, GATEWAY_PUBLISHED_PORT).
  ghost=${gateway%:*}
  case $ghost in '' | 0.0.0.0 | '[::]' | ::) ghost=127.0.0.1 ;; esac
  echo "export MCP_GATEWAY_URL=http://$ghost:${gateway##*:}/mcp"
fi
