#!/bin/sh
# secrets-init: the compose stack's one-shot bootstrap of broker credentials, API keys and ACL.
#
# Runs as root in a container of the eclipse-mosquitto:2 image (official Alpine image or the
# Debian-based one: POSIX sh, mosquitto_passwd, awk, od, sha256sum) after tls-init and before the
# broker, on every `docker compose up`. Idempotent:
#   - every `user` named in the ACL fragments gets a random MQTT password on first start; an
#     existing password is kept; a password in the environment (.env) replaces it, and a
#     random one comes back once that variable is removed;
#   - every service gets a random share group (its shared subscription's name, which no one
#     else can guess, so no one else can join it);
#   - every client user (a `user` of mosquitto/acl.d/*.acl, or of a services/*/mosquitto/*.acl
#     fragment that declares `# @role client` or `# @role relay`) gets a random API key; the
#     services get only the SHA-256 digests of the keys with their owner and scopes: the admin
#     client (cli) has `*`, the other clients the scopes that the service fragments declare
#     (`# @api-scopes`);
#   - the users of `# @role relay` fragments (the HTTP gateway, which passes its callers' keys on)
#     are written to every service's relay-clients (its MCP_RELAY_CLIENTS_FILE): the services
#     answer a relay's inbox for any key, and no service fragment has to name the gateway;
#   - the broker's password file, ACL and TLS listeners are rebuilt on every run, so that a new
#     service's fragment is picked up; when one changes, a new `generation` stamp makes the
#     running broker reload them (see run-broker.sh).
# It never prints a secret.
#
# Inputs (read-only mounts):
#   $MCP_ACL_DIR/*.acl                   base rules: clients, healthcheck (default /stack/mosquitto/acl.d)
#   $MCP_SERVICES_DIR/*/mosquitto/*.acl  one fragment per service         (default /stack/services)
#   $MCP_SECRETS_DIR/tls/                the CA and server certificate made by tls-init (make-certs.mjs)
# Environment (compose/.env), NAME = user name in upper case, "-" -> "_":
#   <NAME>_MQTT_PASSWORD   e.g. WEATHER_MQTT_PASSWORD, CLI_MQTT_PASSWORD, NEURHOMIA_MQTT_PASSWORD
#   <NAME>_API_KEY         e.g. CLI_API_KEY, NEURHOMIA_API_KEY  (16+ characters: A-Z a-z 0-9 . _ ~ -)
#   <NAME>_API_SCOPES      e.g. NEURHOMIA_API_SCOPES=weather:read|docker:read
#   MCP_EXTRA_API_KEYS     more keys for the services: `owner:key=scope|scope` or, to keep the key
#                          itself out of .env, `owner:sha256:<hex digest>=scope|scope`
#   MOSQUITTO_TLS          true: TLS listeners 8883 (MQTT) and 9443 (WebSockets); the services
#                          connect with mqtts:// (default false)
# Output, in $MCP_SECRETS_DIR (default /run/secrets/mcp, the `mcp-secrets` volume):
#   broker/                passwd, acl, healthcheck.password, generation, conf.d/, tls/  (mosquitto, 0700)
#   services/<id>/         mqtt.password, share-group, api-keys (digests), relay-clients, mqtt-url,
#                          ca.crt, and a random file per `# @secret <name>` of the service's fragment
#   clients/<name>/        mqtt.password, api.key, ca.crt
#   (services/ and clients/ directories: owner $MCP_SECRETS_UID, 0700; files 0400)
# Each service container receives a copy of its own directory only (install-secrets.sh), the CLI
# container that of clients/cli; the broker mounts the volume but reads only broker/.
# Other knobs (tests, other images): MCP_SECRETS_UID/GID, MCP_BROKER_OWNER, MCP_ADMIN_CLIENT,
# MCP_HEALTHCHECK_USER, MCP_STACK_CONFIG_DIR.
#
# User names are checked by check_fragment ([A-Za-z0-9_.-]): splitting word lists is safe here.
# shellcheck disable=SC2013,SC2020 source-path=SCRIPTDIR
set -eu
umask 077
SCRIPT=secrets-init
here=$(dirname "$0")
. "$here/lib/common.sh"
. "$here/lib/acl.sh"
. "$here/lib/secrets.sh"
. "$here/lib/tls.sh"

MCP_SECRETS_DIR=${MCP_SECRETS_DIR:-/run/secrets/mcp}
MCP_ACL_DIR=${MCP_ACL_DIR:-/stack/mosquitto/acl.d}
MCP_SERVICES_DIR=${MCP_SERVICES_DIR:-/stack/services}
# mosquitto/ of the repository: tls.conf, the TLS listeners copied into broker/conf.d/.
MCP_STACK_CONFIG_DIR=${MCP_STACK_CONFIG_DIR:-$MCP_ACL_DIR/..}
# Owner of the files the services and the CLI read: the `node` user of node:24-bookworm-slim.
MCP_SECRETS_UID=${MCP_SECRETS_UID:-1000}
MCP_SECRETS_GID=${MCP_SECRETS_GID:-1000}
# The broker runs as the image's `mosquitto` user; its uid differs between images (1883 in the
# official image), hence a name, resolved inside this same image.
MCP_BROKER_OWNER=${MCP_BROKER_OWNER:-mosquitto:mosquitto}
MCP_ADMIN_CLIENT=${MCP_ADMIN_CLIENT:-cli}
MCP_HEALTHCHECK_USER=${MCP_HEALTHCHECK_USER:-healthcheck}
MOSQUITTO_TLS=${MOSQUITTO_TLS:-false}
case $MOSQUITTO_TLS in true | false) ;; *) die "MOSQUITTO_TLS: expected true or false, got '$MOSQUITTO_TLS'" ;; esac

D=$MCP_SECRETS_DIR
OWN="$MCP_SECRETS_UID:$MCP_SECRETS_GID"
command -v mosquitto_passwd >/dev/null || die "mosquitto_passwd not found (run this in the eclipse-mosquitto:2 image)"
[ -d "$MCP_ACL_DIR" ] || die "base ACL directory $MCP_ACL_DIR is not mounted"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

make_dir "$D" root:root 0755
make_dir "$D/broker" "$MCP_BROKER_OWNER" 0700
make_dir "$D/broker/conf.d" "$MCP_BROKER_OWNER" 0700
make_dir "$D/services" root:root 0755
make_dir "$D/clients" root:root 0755
make_dir "$D/.from-env" root:root 0700

# --- 1. ACL fragments: check, list users, assemble -----------------------------------------------
assemble_acl
is_service() { grep -qxF "$1" "$work/services"; }
# Directory of a user's secrets (the healthcheck's stay with the broker).
home_of() {
  if [ "$1" = "$MCP_HEALTHCHECK_USER" ]; then echo "$D/broker"
  elif is_service "$1"; then echo "$D/services/$1"
  else echo "$D/clients/$1"; fi
}
password_of() {
  if [ "$1" = "$MCP_HEALTHCHECK_USER" ]; then echo "$D/broker/$1.password"; else echo "$(home_of "$1")/mqtt.password"; fi
}
for u in $(grep -vxF "$MCP_HEALTHCHECK_USER" "$work/users"); do make_dir "$(home_of "$u")" "$OWN" 0700; done

# --- 2. Volumes of earlier versions: mqtt/<user>.password, api/<client>.key, api/keys ---------------
# Kept secrets move to the per-user directories (a configured front end keeps working); the
# plaintext key list, which every service could read, is deleted.
if [ -d "$D/mqtt" ] || [ -d "$D/api" ]; then
  for u in $(cat "$work/users"); do
    [ "$u" != "$MCP_HEALTHCHECK_USER" ] || continue
    [ ! -f "$D/mqtt/$u.password" ] || [ -f "$(password_of "$u")" ] || mv "$D/mqtt/$u.password" "$(password_of "$u")"
    [ ! -f "$D/.from-env/mqtt_$u.password" ] || mv "$D/.from-env/mqtt_$u.password" "$D/.from-env/$(marker_of "$(password_of "$u")")"
  done
  for c in $(cat "$work/clients"); do
    [ ! -f "$D/api/$c.key" ] || [ -f "$D/clients/$c/api.key" ] || mv "$D/api/$c.key" "$D/clients/$c/api.key"
    [ ! -f "$D/.from-env/api_$c.key" ] || mv "$D/.from-env/api_$c.key" "$D/.from-env/$(marker_of "$D/clients/$c/api.key")"
  done
  rm -rf "$D/mqtt" "$D/api"
  log "moved the secrets of the previous layout (mqtt/, api/) to services/ and clients/"
fi

# --- 3. MQTT passwords and share groups ----------------------------------------------------------
generated=""; kept=""; from_env=""
for u in $(cat "$work/users"); do
  if [ "$u" = "$MCP_HEALTHCHECK_USER" ]; then owner=$MCP_BROKER_OWNER; else owner=$OWN; fi
  resolve_secret "$(password_of "$u")" "$owner" "$(env_name "$u")_MQTT_PASSWORD" "$u" random_hex
done
for s in $(cat "$work/services"); do
  [ -s "$D/services/$s/share-group" ] || { random_hex 16 | put_file "$D/services/$s/share-group" "$OWN" 0400; }
done
# Secrets a service fragment declares with `# @secret <name>`: random, kept once made.
while read -r s name; do
  [ -s "$D/services/$s/$name" ] || { random_hex | put_file "$D/services/$s/$name" "$OWN" 0400; }
done <"$work/service-secrets"

# The hashed file is rebuilt only when a user or a password changed (hashing salts differ on
# every run, and an unchanged file must not trigger a broker reload).
passwd_sum=$(for u in $(cat "$work/users"); do printf '%s:' "$u"; cat "$(password_of "$u")"; printf '\n'; done | sha256sum | cut -d' ' -f1)
changed=""
if [ ! -s "$D/broker/passwd" ] || [ "$(cat "$D/broker/passwd.sum" 2>/dev/null || true)" != "$passwd_sum" ]; then
  : >"$work/passwd"
  for u in $(cat "$work/users"); do
    # -b, not -U: -U cuts a password at its first ':'
    mosquitto_passwd -b "$work/passwd" "$u" "$(cat "$(password_of "$u")")" >/dev/null 2>&1 || die "mosquitto_passwd failed for user $u"
  done
  put_file "$D/broker/passwd" "$MCP_BROKER_OWNER" 0600 <"$work/passwd"
  printf '%s\n' "$passwd_sum" | put_file "$D/broker/passwd.sum" "$MCP_BROKER_OWNER" 0600
  changed="$changed passwd"
fi
put_if_changed "$D/broker/acl" "$MCP_BROKER_OWNER" 0600 <"$work/acl.full" && changed="$changed acl"

# --- 4. API keys: plaintext for their client, digests for the services ---------------------------
digest() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }
all_scopes=$(sort -u "$work/scopes" | tr '\n' '|' | sed 's/|$//')
: >"$work/keys"
for c in $(cat "$work/clients"); do
  file="$D/clients/$c/api.key"
  name=$(env_name "$c")
  override=$(env_value "${name}_API_KEY")
  case $override in *[!A-Za-z0-9._~-]*) die "${name}_API_KEY: only A-Z a-z 0-9 . _ ~ - are allowed" ;; esac
  # The services refuse keys under 8 characters: refuse them here, before a service crash-loops.
  [ -z "$override" ] || [ ${#override} -ge 16 ] || die "${name}_API_KEY: use at least 16 characters"
  resolve_secret "$file" "$OWN" "${name}_API_KEY" "$c(api-key)" random_key
  scopes=$(env_value "${name}_API_SCOPES")
  if [ -z "$scopes" ]; then
    if [ "$c" = "$MCP_ADMIN_CLIENT" ]; then scopes='*'; else scopes=$all_scopes; fi
  fi
  case $scopes in *[!A-Za-z0-9:*_.\|-]*) die "${name}_API_SCOPES: expected scope|scope (e.g. weather:read|docker:*)" ;; esac
  if [ -z "$scopes" ]; then
    log "warning: no scope for client $c (no service declares @api-scopes): its key is not granted anything"
    continue
  fi
  printf '%s:sha256:%s=%s\n' "$c" "$(digest "$(cat "$file")")" "$scopes" >>"$work/keys"
done
add_extra_keys "${MCP_EXTRA_API_KEYS:-}" >>"$work/keys"
keys_changed=""
for s in $(cat "$work/services"); do
  put_if_changed "$D/services/$s/api-keys" "$OWN" 0400 <"$work/keys" && keys_changed=1
done
if [ -n "$keys_changed" ]; then
  changed="$changed api-keys"
  log "note: services read the API key list when they start; a running one keeps the previous list until restarted"
fi
# Relay clients (comma-separated; empty = none), for each service's MCP_RELAY_CLIENTS_FILE.
tr '\n' ',' <"$work/relays" | sed 's/,$//' >"$work/relays.line"
relays_changed=""
for s in $(cat "$work/services"); do
  put_if_changed "$D/services/$s/relay-clients" "$OWN" 0400 <"$work/relays.line" && relays_changed=1
done
[ -z "$relays_changed" ] || changed="$changed relay-clients"

# --- 5. TLS: listeners for the broker, the CA and the broker URL for everyone else -----------------
install_tls
[ -z "$tls_changed" ] || changed="$changed tls"

# --- 6. Reload stamp for a running broker -------------------------------------------------------------
case $changed in *passwd* | *acl* | *tls*)
  printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(random_hex 4)" |
    put_file "$D/broker/generation" "$MCP_BROKER_OWNER" 0600
  ;;
esac

log "services: $(tr '\n' ' ' <"$work/services")"
log "clients with an API key: $(tr '\n' ' ' <"$work/clients")"
[ ! -s "$work/relays" ] || log "relay clients (answered for any key): $(tr '\n' ' ' <"$work/relays")"
[ -z "$generated" ] || log "generated:$generated"
[ -z "$kept" ] || log "kept:$kept"
[ -z "$from_env" ] || log "from the environment:$from_env"
log "TLS listeners: $MOSQUITTO_TLS"
log "updated:${changed:- nothing}"
log "credentials of a client on the host: compose/host-env.sh [client]"
