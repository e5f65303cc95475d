#!/bin/sh
# Prints, as shell `export` lines, what a process on the host needs to reach the running stack's
# broker as one of its MQTT users (default: cli). Nothing is written to disk.
#
#   eval "$(compose/host-env.sh)"              # the CLI as "cli":  pnpm exec mcp-mqtt services
#   eval "$(compose/host-env.sh neurhomia)"    # the front end's user and API key
#   eval "$(compose/host-env.sh weather)"      # `pnpm dev` of a service as its own user
#   eval "$(compose/host-env.sh gateway)"      # MCP_API_KEY, the key of the gateway's LLM clients,
#                                              # and MCP_GATEWAY_URL (http://127.0.0.1:3003/mcp)
#
# A service run on the host joins the container's shared subscription: requests are then split
# between the two. Stop the container first (docker compose stop weather) to get them all.
set -eu
user=${1:-cli}
case $user in '' | *[!A-Za-z0-9_.-]*) echo "host-env.sh: bad user name '$user'" >&2; exit 2 ;; esac
cd "$(dirname "$0")"
dir=/run/secrets/mcp

read_secret() { docker compose exec -T mosquitto cat "$1" 2>/dev/null; }
quote() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }

if ! password=$(read_secret "$dir/mqtt/$user.password"); then
  echo "host-env.sh: no password for MQTT user '$user' (is the stack up? is '$user' named in an ACL fragment?)" >&2
  exit 1
fi
# The host port mosquitto's 1883 is published on (MOSQUITTO_PORT may change it).
published=$(docker compose port mosquitto 1883 2>/dev/null | tail -n 1)
port=${published##*:}

echo "export MQTT_URL=mqtt://localhost:${port:-1883}"
echo "export MQTT_USERNAME=$(quote "$user")"
echo "export MQTT_PASSWORD=$(quote "$password")"
if key=$(read_secret "$dir/api/$user.key"); then
  # A client: the API key it sends in auth.api_key.
  echo "export MCP_API_KEY=$(quote "$key")"
elif keys=$(read_secret "$dir/api/keys"); then
  # A service: the key list it accepts, so that the stack's clients can call it.
  echo "export MCP_API_KEYS=$(quote "$keys")"
fi
if [ "$user" = gateway ] && gateway=$(docker compose port gateway 3003 2>/dev/null | tail -n 1) && [ -n "$gateway" ]; then
  # Where the gateway's MCP endpoint is published (GATEWAY_PUBLISHED_PORT may change it).
  echo "export MCP_GATEWAY_URL=http://127.0.0.1:${gateway##*:}/mcp"
fi
