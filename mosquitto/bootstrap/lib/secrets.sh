# shellcheck shell=sh disable=SC2154  # $work, $SCRIPT: set by the sourcing script
# Secret values: generated, kept, or taken from the environment (sourced by init-secrets.sh).

random_key() { printf 'k_%s' "$(random_hex)"; }

# Name of the marker recording that a stored secret came from the environment:
# $D/clients/cli/api.key -> clients_cli_api.key
marker_of() { printf '%s' "${1#"$D"/}" | tr '/' '_'; }

# resolve_secret FILE OWNER VARIABLE LABEL GENERATOR
# The value of VARIABLE when set (remembered as coming from the environment); else the stored
# value; else a new one from GENERATOR. A stored value that came from the environment is replaced
# by a generated one once the variable is removed: unset always means "a random secret".
resolve_secret() {
  _marker="$D/.from-env/$(marker_of "$1")"
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

# add_extra_keys "entry,entry…": MCP_EXTRA_API_KEYS as digest entries for the services, one a
# line. An entry is `owner:key=scopes` (the key is hashed here) or `owner:sha256:<digest>=scopes`.
# The owner is the MQTT user that sends the key: the services answer a Response Topic under
# mcp/clients/{owner}/ only for that owner's keys.
add_extra_keys() {
  [ -n "$1" ] || return 0
  printf '%s\n' "$1" | tr ',' '\n' | sed 's/^[[:space:]]*//; s/[[:space:]]*$//; /^$/d' >"$work/extra"
  while IFS= read -r _entry; do
    _scopes=${_entry#*=}
    _left=${_entry%%=*}
    _owner=${_left%%:*}
    _secret=${_left#*:}
    case $_entry in *=*) ;; *) die "MCP_EXTRA_API_KEYS: an entry is not owner:key=scope|scope" ;; esac
    if [ "$_owner" = "$_left" ]; then
      die "MCP_EXTRA_API_KEYS: an entry has no owner: write owner:key=scope|scope (owner = the MQTT user that sends the key)"
    fi
    valid_name "$_owner" || die "MCP_EXTRA_API_KEYS: bad owner '$_owner' (letters, digits, . _ -)"
    case $_scopes in '' | *[!A-Za-z0-9:*_.\|-]*) die "MCP_EXTRA_API_KEYS: bad scopes for owner $_owner" ;; esac
    case $_secret in
      sha256:*)
        _hex=${_secret#sha256:}
        case $_hex in *[!0-9a-f]*) die "MCP_EXTRA_API_KEYS: the digest of $_owner's key is not lowercase hex" ;; esac
        [ ${#_hex} -eq 64 ] || die "MCP_EXTRA_API_KEYS: the digest of $_owner's key is not 64 hex digits"
        ;;
      *)
        case $_secret in *[!A-Za-z0-9._~-]*) die "MCP_EXTRA_API_KEYS: $_owner's key: only A-Z a-z 0-9 . _ ~ - are allowed" ;; esac
        [ ${#_secret} -ge 16 ] || die "MCP_EXTRA_API_KEYS: $_owner's key: use at least 16 characters"
        _hex=$(digest "$_secret")
        ;;
    esac
    printf '%s:sha256:%s=%s\n' "$_owner" "$_hex" "$_scopes"
  done <"$work/extra"
}
