#!/bin/sh
# As the official image: `redis-server [options]` (or options alone) start the server with protected mode off;
# anything else runs as given.
set -eu
if [ "$#" -eq 0 ] || [ "$1" = "redis-server" ] || [ "${1#-}" != "$1" ]; then
  [ "${1:-}" = "redis-server" ] && shift
  exec redis-server --protected-mode no "$@"
fi
exec "$@"
