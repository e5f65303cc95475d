# shellcheck shell=sh disable=SC2154,SC2034,SC2013  # variables shared with init-secrets.sh; checked names
# TLS (sourced by init-secrets.sh). tls-init (make-certs.mjs, node image) keeps a CA and a server
# certificate in $D/tls/ (root only); this hands each party what it needs:
#   broker:   server.crt + server.key, and the listeners of mosquitto/tls.conf, when MOSQUITTO_TLS=true;
#   services: ca.crt, and mqtt-url (mqtts://mosquitto:8883 with TLS, mqtt://mosquitto:1883 without);
#   clients:  ca.crt.
# Sets tls_changed when the broker must reload (new certificate) or pick up listeners.

install_tls() {
  tls_changed=""
  if [ "$MOSQUITTO_TLS" = true ]; then
    for f in ca.crt server.crt server.key; do
      [ -s "$D/tls/$f" ] || die "MOSQUITTO_TLS=true but $D/tls/$f is missing: tls-init (mosquitto/bootstrap/make-certs.mjs) must run first"
    done
    [ -f "$MCP_STACK_CONFIG_DIR/tls.conf" ] || die "$MCP_STACK_CONFIG_DIR/tls.conf is not mounted"
    make_dir "$D/broker/tls" "$MCP_BROKER_OWNER" 0700
    for f in server.crt server.key; do
      put_if_changed "$D/broker/tls/$f" "$MCP_BROKER_OWNER" 0400 <"$D/tls/$f" && tls_changed=1
    done
    put_if_changed "$D/broker/conf.d/tls.conf" "$MCP_BROKER_OWNER" 0400 <"$MCP_STACK_CONFIG_DIR/tls.conf" && tls_changed=1
    url=mqtts://mosquitto:8883
  else
    if [ -e "$D/broker/conf.d/tls.conf" ] || [ -e "$D/broker/tls" ]; then tls_changed=1; fi
    rm -rf "$D/broker/conf.d/tls.conf" "$D/broker/tls"
    url=mqtt://mosquitto:1883
  fi
  for s in $(cat "$work/services"); do
    printf '%s\n' "$url" | put_if_changed "$D/services/$s/mqtt-url" "$OWN" 0400 || true
  done
  # The CA is public: every service and client may verify the broker with it.
  if [ -s "$D/tls/ca.crt" ]; then
    for dir in $(sed "s|^|$D/services/|" "$work/services") $(sed "s|^|$D/clients/|" "$work/clients"); do
      put_if_changed "$dir/ca.crt" "$OWN" 0400 <"$D/tls/ca.crt" || true
    done
  elif [ "$MOSQUITTO_TLS" = false ]; then
    log "note: no CA in $D/tls (tls-init did not run): the services get no ca.crt"
  fi
}
