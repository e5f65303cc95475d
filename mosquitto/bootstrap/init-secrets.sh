#!/bin/sh
# secrets-init: the compose stack's one-shot bootstrap of broker credentials, API keys and ACL.
#
# Runs as root in a container of the eclipse-mosquitto:2 image (official Alpine image or the
# Debian-based one: POSIX sh, mosquitto_passwd, awk, od) before the broker starts, on every
# `docker compose up`. Idempotent:
#   - every `user` named in the ACL fragments gets a random MQTT password on first start; an
#     existing password is kept; a password in the environment (.env) replaces it, and a
#     random one comes back once that variable is removed;
#   - every client user (a `user` of mosquitto/acl.d/*.acl, or of a services/*/mosquitto/*.acl
#     fragment that says `# @role client` or `# @role relay`) gets a random API key; the services
#     get the resulting key list (MCP_API_KEYS_FILE): the admin client (cli) has `*`, the other
#     clients the scopes that the service fragments declare with `# @api-scopes …`;
#   - the users of `# @role relay` fragments (the HTTP gateway, which passes its callers' keys on)
#     are listed in api/relays, the services' MCP_RELAY_CLIENTS_FILE: no service fragment names
#     them, so a new relay or a new service needs no edit of the other;
#   - the broker's password file and ACL are rebuilt from the above on every run, so that a new
#     service's fragment is picked up; when either changes, a new `generation` stamp makes the
#     running broker reload them (see run-broker.sh).
# It never prints a secret.
#
# Inputs (read-only mounts):
#   $MCP_ACL_DIR/*.acl                   base rules: clients, healthcheck (default /stack/mosquitto/acl.d)
#   $MCP_SERVICES_DIR/*/mosquitto/*.acl  one fragment per service         (default /stack/services)
#                                        (`# @role client|relay`: its users are clients, not services)
# Environment overrides (compose/.env), NAME = user name in upper case, "-" -> "_":
#   <NAME>_MQTT_PASSWORD   e.g. WEATHER_MQTT_PASSWORD, CLI_MQTT_PASSWORD, NEURHOMIA_MQTT_PASSWORD
#   <NAME>_API_KEY         e.g. CLI_API_KEY, NEURHOMIA_API_KEY  (16+ characters: A-Z a-z 0-9 . _ ~ -)
#   <NAME>_API_SCOPES      e.g. NEURHOMIA_API_SCOPES=weather:read|docker:read
#   MCP_EXTRA_API_KEYS     more `key=scope|scope,…` entries appended to the services' key list
# Output, in $MCP_SECRETS_DIR (default /run/secrets/mcp, the `mcp-secrets` volume):
#   broker/{passwd,acl,healthcheck.password,generation}    owner mosquitto, 0600 / 0400
#   mqtt/<user>.password                                    owner $MCP_SECRETS_UID (1000), 0400
#   api/<client>.key, api/keys (the services' MCP_API_KEYS_FILE)   same
#   api/relays (the services' MCP_RELAY_CLIENTS_FILE: relay users, comma-separated)   same
# Other knobs (tests, other images): MCP_SECRETS_UID/GID, MCP_BROKER_OWNER, MCP_ADMIN_CLIENT,
# MCP_HEALTHCHECK_USER.
#
# User names are checked by check_fragment ([A-Za-z0-9_.-]): splitting word lists is safe here.
# shellcheck disable=SC2013,SC2020
set -eu
umask 077

MCP_SECRETS_DIR=${MCP_SECRETS_DIR:-/run/secrets/mcp}
MCP_ACL_DIR=${MCP_ACL_DIR:-/stack/mosquitto/acl.d}
MCP_SERVICES_DIR=${MCP_SERVICES_DIR:-/stack/services}
# Owner of the files the services and the CLI read: the `node` user of node:24-bookworm-slim.
MCP_SECRETS_UID=${MCP_SECRETS_UID:-1000}
MCP_SECRETS_GID=${MCP_SECRETS_GID:-1000}
# The broker runs as the image's `mosquitto` user; its uid differs between images (1883 in the
# official image), hence a name, resolved inside this same image.
MCP_BROKER_OWNER=${MCP_BROKER_OWNER:-mosquitto:mosquitto}
MCP_ADMIN_CLIENT=${MCP_ADMIN_CLIENT:-cli}
MCP_HEALTHCHECK_USER=${MCP_HEALTHCHECK_USER:-healthcheck}

log() { printf 'secrets-init: %s\n' "$*"; }
die() { printf 'secrets-init: error: %s\n' "$*" >&2; exit 1; }

# 24 random bytes as 48 hex characters.
random_hex() { head -c 24 /dev/urandom | od -An -v -tx1 | tr -d ' \n'; }
# "docker-manager" -> "DOCKER_MANAGER"
env_name() { printf '%s' "$1" | tr 'a-z.-' 'A-Z__'; }
# Value of the environment variable named $1 (a checked [A-Z0-9_] name), empty when unset.
env_value() {
  case $1 in *[!A-Z0-9_]*) die "bad variable name $1" ;; esac
  eval "printf '%s' \"\${$1:-}\""
}
# put_file PATH OWNER MODE < content: atomic replace, with owner and mode set before the rename.
put_file() {
  _tmp="$1.tmp.$$"
  cat >"$_tmp"
  chown "$2" "$_tmp"
  chmod "$3" "$_tmp"
  mv -f "$_tmp" "$1"
}
same_content() { [ -f "$1" ] && [ -f "$2" ] && cmp -s "$1" "$2"; }
random_key() { printf 'k_%s' "$(random_hex)"; }

# resolve_secret FILE OWNER VARIABLE LABEL GENERATOR
# The value of VARIABLE when set (remembered as coming from the environment); else the stored
# value; else a new one from GENERATOR. A stored value that came from the environment is replaced
# by a generated one once the variable is removed: unset always means "a random secret".
resolve_secret() {
  _marker="$MCP_SECRETS_DIR/.from-env/$(printf '%s' "${1#"$MCP_SECRETS_DIR"/}" | tr '/' '_')"
  _value=$(env_value "$3")
  if [ -n "$_value" ]; then
    if [ ! -f "$1" ] || [ "$(cat "$1")" != "$_value" ]; then
      printf '%s' "$_value" | put_file "$1" "$2" 0400
    fi
    : >"$_marker"
    from_env="$from_env $4"
  elif [ -s "$1" ] && [ ! -f "$_marker" ]; then
    kept="$kept $4"
  else
    "$5" | put_file "$1" "$2" 0400
    rm -f "$_marker"
    generated="$generated $4"
  fi
  chown "$2" "$1"
  chmod 0400 "$1"
}

command -v mosquitto_passwd >/dev/null || die "mosquitto_passwd not found (run this in the eclipse-mosquitto:2 image)"
[ -d "$MCP_ACL_DIR" ] || die "base ACL directory $MCP_ACL_DIR is not mounted"

mkdir -p "$MCP_SECRETS_DIR/broker" "$MCP_SECRETS_DIR/mqtt" "$MCP_SECRETS_DIR/api" "$MCP_SECRETS_DIR/.from-env"
chmod 0700 "$MCP_SECRETS_DIR/.from-env"
chown root:root "$MCP_SECRETS_DIR" "$MCP_SECRETS_DIR/mqtt" "$MCP_SECRETS_DIR/api"
chmod 0755 "$MCP_SECRETS_DIR" "$MCP_SECRETS_DIR/mqtt" "$MCP_SECRETS_DIR/api"
chown "$MCP_BROKER_OWNER" "$MCP_SECRETS_DIR/broker"
chmod 0700 "$MCP_SECRETS_DIR/broker"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# --- 1. ACL fragments: check, list users, assemble -----------------------------------------------
# Checks one fragment. Mosquitto ignores lines it does not understand and binds a `topic` line to
# the last `user` line read, across fragment boundaries once concatenated: refuse both mistakes.
check_fragment() {
  awk -v file="$1" '
    function fail(msg) { printf "secrets-init: error: %s:%d: %s\n", file, NR, msg > "/dev/stderr"; bad = 1; exit 1 }
    /\t/ { fail("tab character (mosquitto splits on spaces only)") }
    /^#/ || /^ *$/ { next }
    $1 == "user" {
      if (NF != 2 || $2 !~ /^[A-Za-z0-9][A-Za-z0-9_.-]*$/) fail("expected `user <name>` (letters, digits, . _ -)")
      user = $2; next
    }
    $1 == "topic" || $1 == "pattern" {
      if (NF < 3 || ($2 != "read" && $2 != "write" && $2 != "readwrite" && $2 != "deny"))
        fail("expected `" $1 " read|write|readwrite|deny <topic>`")
      if ($1 == "topic" && user == "") fail("`topic` line before any `user` line")
      next
    }
    { fail("unknown directive `" $1 "`") }
  ' "$1"
}
users_of() { awk '$1 == "user" { print $2 }' "$1"; }
# `# @role client` or `# @role relay` in a services/ fragment; empty for a service's own.
role_of() { sed -n 's/^#[[:space:]]*@role[[:space:]]*\([a-z]*\).*/\1/p' "$1" | head -n 1; }
scopes_of() { sed -n 's/^#[[:space:]]*@api-scopes[[:space:]]*//p' "$1" | tr ' ,|' '\n\n\n' | sed '/^$/d'; }

: >"$work/acl"
: >"$work/client-users"
: >"$work/service-users"
: >"$work/scopes"
: >"$work/relay-users"
fragments=0
add_fragment() { # add_fragment FILE LABEL KIND
  check_fragment "$1" || die "fix $2 (see above)"
  { printf '\n# ---- %s\n' "$2"; cat "$1"; printf '\n'; } >>"$work/acl"
  case $3 in
    client) users_of "$1" >>"$work/client-users" ;;
    relay) users_of "$1" >>"$work/client-users"; users_of "$1" >>"$work/relay-users" ;;
    *) users_of "$1" >>"$work/service-users"; scopes_of "$1" >>"$work/scopes" ;;
  esac
  fragments=$((fragments + 1))
}
for f in "$MCP_ACL_DIR"/*.acl; do
  [ -f "$f" ] && add_fragment "$f" "mosquitto/acl.d/${f##*/}" client
done
if [ -d "$MCP_SERVICES_DIR" ]; then
  for f in "$MCP_SERVICES_DIR"/*/mosquitto/*.acl; do
    [ -f "$f" ] || continue
    role=$(role_of "$f")
    case $role in '' | client | relay) ;; *) die "services/${f#"$MCP_SERVICES_DIR"/}: unknown @role '$role' (client or relay)" ;; esac
    add_fragment "$f" "services/${f#"$MCP_SERVICES_DIR"/}" "${role:-service}"
  done
else
  log "warning: $MCP_SERVICES_DIR is not mounted: no service fragment"
fi
while IFS= read -r s; do
  case $s in *:*) ;; *) die "bad @api-scopes entry '$s' (expected name:level, e.g. weather:read)" ;; esac
  case $s in *[!A-Za-z0-9:*_.-]*) die "bad @api-scopes entry '$s'" ;; esac
done <"$work/scopes"

sort -u "$work/service-users" -o "$work/service-users"
# A user named in a service fragment is a service, even if the base rules name it too.
sort -u "$work/client-users" | grep -vxF -f "$work/service-users" | grep -vxF "$MCP_HEALTHCHECK_USER" >"$work/clients" || true
{ cat "$work/service-users" "$work/clients"; echo "$MCP_HEALTHCHECK_USER"; } | sort -u >"$work/users"
[ -s "$work/service-users" ] || log "warning: no service user found in $MCP_SERVICES_DIR/*/mosquitto/*.acl"

# --- 2. MQTT passwords -------------------------------------------------------------------------------
generated=""; kept=""; from_env=""
for u in $(cat "$work/users"); do
  if [ "$u" = "$MCP_HEALTHCHECK_USER" ]; then
    resolve_secret "$MCP_SECRETS_DIR/broker/$u.password" "$MCP_BROKER_OWNER" "$(env_name "$u")_MQTT_PASSWORD" "$u" random_hex
  else
    resolve_secret "$MCP_SECRETS_DIR/mqtt/$u.password" "$MCP_SECRETS_UID:$MCP_SECRETS_GID" "$(env_name "$u")_MQTT_PASSWORD" "$u" random_hex
  fi
done

# The hashed file is rebuilt only when a user or a password changed (hashing salts differ on
# every run, and an unchanged file must not trigger a broker reload).
sum_input() { for u in $(cat "$work/users"); do
    if [ "$u" = "$MCP_HEALTHCHECK_USER" ]; then f="$MCP_SECRETS_DIR/broker/$u.password"; else f="$MCP_SECRETS_DIR/mqtt/$u.password"; fi
    printf '%s:' "$u"; cat "$f"; printf '\n'
  done | sha256sum | cut -d' ' -f1; }
passwd_sum=$(sum_input)
changed=""
if [ ! -s "$MCP_SECRETS_DIR/broker/passwd" ] || [ "$(cat "$MCP_SECRETS_DIR/broker/passwd.sum" 2>/dev/null || true)" != "$passwd_sum" ]; then
  : >"$work/passwd"
  for u in $(cat "$work/users"); do
    if [ "$u" = "$MCP_HEALTHCHECK_USER" ]; then f="$MCP_SECRETS_DIR/broker/$u.password"; else f="$MCP_SECRETS_DIR/mqtt/$u.password"; fi
    # -b, not -U: -U cuts a password at its first ':'
    mosquitto_passwd -b "$work/passwd" "$u" "$(cat "$f")" >/dev/null 2>&1 || die "mosquitto_passwd failed for user $u"
  done
  put_file "$MCP_SECRETS_DIR/broker/passwd" "$MCP_BROKER_OWNER" 0600 <"$work/passwd"
  printf '%s\n' "$passwd_sum" | put_file "$MCP_SECRETS_DIR/broker/passwd.sum" "$MCP_BROKER_OWNER" 0600
  changed="$changed passwd"
fi

# --- 3. ACL ------------------------------------------------------------------------------------------
{
  printf '# Generated by secrets-init from %s fragment(s) -- do not edit: edit the fragments.\n' "$fragments"
  cat "$work/acl"
} >"$work/acl.full"
if ! same_content "$work/acl.full" "$MCP_SECRETS_DIR/broker/acl"; then
  put_file "$MCP_SECRETS_DIR/broker/acl" "$MCP_BROKER_OWNER" 0600 <"$work/acl.full"
  changed="$changed acl"
fi

# --- 4. API keys -------------------------------------------------------------------------------------
all_scopes=$(sort -u "$work/scopes" | tr '\n' '|' | sed 's/|$//')
: >"$work/keys"
for c in $(cat "$work/clients"); do
  file="$MCP_SECRETS_DIR/api/$c.key"
  name=$(env_name "$c")
  override=$(env_value "${name}_API_KEY")
  case $override in *[!A-Za-z0-9._~-]*) die "${name}_API_KEY: only A-Z a-z 0-9 . _ ~ - are allowed" ;; esac
  # The services refuse keys under 8 characters: refuse them here, before a service crash-loops.
  [ -z "$override" ] || [ ${#override} -ge 16 ] || die "${name}_API_KEY: use at least 16 characters"
  resolve_secret "$file" "$MCP_SECRETS_UID:$MCP_SECRETS_GID" "${name}_API_KEY" "$c(api-key)" random_key
  scopes=$(env_value "${name}_API_SCOPES")
  if [ -z "$scopes" ]; then
    if [ "$c" = "$MCP_ADMIN_CLIENT" ]; then scopes='*'; else scopes=$all_scopes; fi
  fi
  case $scopes in *[!A-Za-z0-9:*_.\|-]*) die "${name}_API_SCOPES: expected scope|scope (e.g. weather:read|docker:*)" ;; esac
  if [ -z "$scopes" ]; then
    log "warning: no scope for client $c (no service declares @api-scopes): its key is not granted anything"
    continue
  fi
  printf '%s=%s\n' "$(cat "$file")" "$scopes" >>"$work/keys"
done
extra=${MCP_EXTRA_API_KEYS:-}
if [ -n "$extra" ]; then
  printf '%s\n' "$extra" | tr ',' '\n' | sed '/^$/d' >"$work/extra"
  while IFS= read -r entry; do
    case $entry in *=*) ;; *) die "MCP_EXTRA_API_KEYS: '${entry%%=*}…' is not key=scope|scope" ;; esac
    case $entry in *[!A-Za-z0-9._~=:*\|-]*) die "MCP_EXTRA_API_KEYS: unexpected character in an entry" ;; esac
    _k=${entry%%=*}
    [ ${#_k} -ge 16 ] || die "MCP_EXTRA_API_KEYS: use keys of at least 16 characters"
  done <"$work/extra"
  cat "$work/extra" >>"$work/keys"
fi
tr '\n' ',' <"$work/keys" | sed 's/,$//' >"$work/keys.line"
if ! same_content "$work/keys.line" "$MCP_SECRETS_DIR/api/keys"; then
  [ ! -f "$MCP_SECRETS_DIR/api/keys" ] ||
    log "note: services read the API key list when they start; a running one keeps the previous list until restarted"
  put_file "$MCP_SECRETS_DIR/api/keys" "$MCP_SECRETS_UID:$MCP_SECRETS_GID" 0400 <"$work/keys.line"
  changed="$changed api-keys"
fi
chown "$MCP_SECRETS_UID:$MCP_SECRETS_GID" "$MCP_SECRETS_DIR/api/keys"
chmod 0400 "$MCP_SECRETS_DIR/api/keys"
# Relay clients, for the services' MCP_RELAY_CLIENTS_FILE (an empty file = none).
sort -u "$work/relay-users" | tr '\n' ',' | sed 's/,$//' >"$work/relays"
if ! same_content "$work/relays" "$MCP_SECRETS_DIR/api/relays"; then
  put_file "$MCP_SECRETS_DIR/api/relays" "$MCP_SECRETS_UID:$MCP_SECRETS_GID" 0400 <"$work/relays"
  changed="$changed relays"
fi

# --- 5. Reload stamp for a running broker -------------------------------------------------------------
case $changed in *passwd* | *acl*)
  printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(random_hex | head -c 8)" |
    put_file "$MCP_SECRETS_DIR/broker/generation" "$MCP_BROKER_OWNER" 0600
  ;;
esac

log "users: $(tr '\n' ' ' <"$work/users")"
log "clients with an API key: $(tr '\n' ' ' <"$work/clients")"
[ ! -s "$work/relays" ] || log "relay clients (answered for any key): $(cat "$work/relays")"
[ -z "$generated" ] || log "generated:$generated"
[ -z "$kept" ] || log "kept:$kept"
[ -z "$from_env" ] || log "from the environment:$from_env"
log "updated:${changed:- nothing}"
log "credentials of a client: docker compose exec mosquitto cat $MCP_SECRETS_DIR/mqtt/cli.password $MCP_SECRETS_DIR/api/cli.key"
