#!/usr/bin/env bash
# Makes sure PostgreSQL and Redis answer at the configured addresses (service-address.sh), starting local
# ones the way Debian installs them if they do not. Used by the set-up command and by CI.
set -euo pipefail
cd "$(dirname "$0")/../.."
source infra/local/service-address.sh

as_root=()
if [ "$(id -u)" -ne 0 ]; then as_root=(sudo); fi
pg_up() { pg_isready -q -h "$PG_HOST" -p "$PG_PORT" > /dev/null 2>&1; }
redis_up() { [ "$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2> /dev/null)" = "PONG" ]; }

if ! pg_up; then
  if is_local "$PG_HOST" && command -v pg_ctlcluster > /dev/null 2>&1; then
    echo "starting PostgreSQL…"
    "${as_root[@]}" pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start || true
  fi
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
  pg_up || { echo "PostgreSQL is not reachable on $PG_HOST:$PG_PORT; start it and retry (bash infra/local/system-packages.sh installs it on Debian/Ubuntu)" >&2; exit 1; }
fi

if ! redis_up; then
  if is_local "$REDIS_HOST" && command -v redis-server > /dev/null 2>&1; then
    echo "starting Redis…"
    "${as_root[@]}" mkdir -p /var/lib/redis /var/log/redis 2> /dev/null || true
    "${as_root[@]}" redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
  fi
  for _ in $(seq 1 30); do redis_up && break; sleep 1; done
  redis_up || { echo "Redis is not reachable on $REDIS_HOST:$REDIS_PORT; start it and retry (bash infra/local/system-packages.sh installs it on Debian/Ubuntu)" >&2; exit 1; }
fi
echo "PostgreSQL and Redis are up"
