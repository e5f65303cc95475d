#!/bin/sh
# Healthcheck of the broker container (compose runs it every 2 s; Engine 20.10 has no
# start_interval, so a short interval is what makes a restarted broker healthy within seconds).
#   - every run: the MQTT listener is in LISTEN state (/proc/net/tcp*: no connection is made, so
#     nothing reaches the broker's log);
#   - on the first run after a start (/tmp is a fresh tmpfs) and then at most every
#     MOSQUITTO_HEALTH_FULL_INTERVAL seconds (default 30): an authenticated MQTT round trip as
#     the `healthcheck` user ($SYS/broker/uptime is retained, so it arrives at once). The broker
#     logs each one as a connect and a disconnect.
set -eu
port=${MOSQUITTO_HEALTH_PORT:-1883}
full_every=${MOSQUITTO_HEALTH_FULL_INTERVAL:-30}
stamp=/tmp/healthcheck.last-full

hex=$(printf ':%04X' "$port")
tables=""
for t in /proc/net/tcp /proc/net/tcp6; do [ -r "$t" ] && tables="$tables $t"; done
# Columns: sl local_address rem_address st …; state 0A = LISTEN.
# shellcheck disable=SC2086  # $tables: a list of existing /proc paths
if ! awk -v port="$hex" '$4 == "0A" && substr($2, length($2) - 4) == port { found = 1 } END { exit !found }' $tables; then
  echo "nothing listens on port $port"
  exit 1
fi

now=$(date +%s)
last=$(cat "$stamp" 2>/dev/null || echo 0)
[ $((now - last)) -ge "$full_every" ] || exit 0
# shellcheck disable=SC2016  # a literal $SYS topic
mosquitto_sub -h 127.0.0.1 -p "$port" -u healthcheck \
  -P "$(cat /run/secrets/mcp/broker/healthcheck.password)" \
  -t '$SYS/broker/uptime' -C 1 -W 3 >/dev/null
echo "$now" >"$stamp"
