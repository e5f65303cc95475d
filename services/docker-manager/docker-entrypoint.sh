#!/bin/sh
# Entrypoint of the docker-manager image: runs its command (the service, or the healthcheck) as
# the unprivileged `node` user (uid 1000), with one supplementary group: the group that owns the
# Docker socket. Why this way:
#
# - the socket's group differs per host (the `docker` group's gid on a Linux host, 0 on Docker
#   Desktop), so no fixed `user:`/`group_add:` can work on a fresh clone with no configuration;
# - the container therefore starts as root, with every capability dropped but SETUID and SETGID
#   (compose.yaml), reads the socket's gid here, and setpriv switches to node:node + that gid
#   before anything else runs. Once the uid is not 0, the kernel clears every capability the
#   process had; --no-new-privs makes sure no setuid binary or file capability brings one back.
#
# The socket is root on the host to whoever can write to it: the service's safety rules (read-only
# mode, manageable scope, protected containers) are what stand between a caller and the engine.
# For a tighter setup, see "Socket proxy" in services/docker-manager/README.md.
#
# Started as another user (docker run --user …), it changes nothing and runs the command as is.
set -eu

if [ "$(id -u)" != 0 ]; then
  exec "$@"
fi

# The socket named by DOCKER_HOST (unix://path; unset or empty: /var/run/docker.sock); none for
# tcp:// and ssh:// engines.
host=${DOCKER_HOST:-unix://}
case $host in
  unix://*) socket=${host#unix://} && socket=${socket:-/var/run/docker.sock} ;;
  *) socket= ;;
esac

if [ -n "$socket" ] && [ -S "$socket" ]; then
  groups="--groups=$(stat -c %g "$socket")"
else
  # No socket to reach (tcp:// or ssh:// engine, or nothing mounted): no extra group.
  groups=--clear-groups
fi

exec setpriv --reuid=node --regid=node "$groups" --inh-caps=-all --no-new-privs -- "$@"
