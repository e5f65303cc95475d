#!/bin/sh
# Entrypoint of every service image (services/Dockerfile): runs its command (the service, or the
# healthcheck) as the unprivileged `node` user (uid 1000).
#
# - Started as node (the image's USER): it runs the command as is.
# - Started as root (`user: root` in a compose fragment): setpriv switches to node:node before
#   anything else runs, with one supplementary group per path of RUN_WITH_GROUP_OF (space-separated)
#   that exists: the group that owns it. docker-manager needs this for the Docker socket, whose
#   group differs per host (the `docker` group's gid on a Linux host, 0 on Docker Desktop), so that
#   no fixed `user:`/`group_add:` can work on a fresh clone with no configuration. Such a container
#   keeps SETUID and SETGID only (compose.yaml); once the uid is not 0 the kernel clears every
#   capability the process had, and --no-new-privs makes sure no setuid binary or file capability
#   brings one back.
set -eu

if [ "$(id -u)" != 0 ]; then
  exec "$@"
fi

groups=
for path in ${RUN_WITH_GROUP_OF:-}; do
  [ -e "$path" ] || continue
  gid=$(stat -c %g "$path")
  groups=${groups:+$groups,}$gid
done

if [ -n "$groups" ]; then
  exec setpriv --reuid=node --regid=node --groups="$groups" --inh-caps=-all --no-new-privs -- "$@"
fi
# Nothing to join (no such path: a tcp:// engine through a socket proxy, or nothing mounted).
exec setpriv --reuid=node --regid=node --clear-groups --inh-caps=-all --no-new-privs -- "$@"
