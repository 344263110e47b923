#!/usr/bin/env bash
# Installs the system packages this machine lacks for cxloop, with apt on Debian or Ubuntu when run as root
# or with sudo: PostgreSQL (the record of everything) and Redis (queues, counters, live scores) when none
# answers at the configured address; with --browser also chromium (the browser test suite). Elsewhere it
# prints the commands to run instead. Installs nothing that is there already, so a second run changes
# nothing. Used by up.sh and CI; `bash infra/local/system-packages.sh --browser` prepares a machine for the
# whole test suite.
set -euo pipefail
cd "$(dirname "$0")/../.."
source infra/local/service-address.sh

missing=() # apt package names
reasons=()
need() { missing+=("$1"); reasons+=("  $1: $2"); }

if ! answers "$PG_HOST" "$PG_PORT" && is_local "$PG_HOST" && ! compgen -G '/usr/lib/postgresql/*/bin/postgres' > /dev/null \
  && ! command -v postgres > /dev/null; then
  need postgresql "the database: every feedback, analysis, score and setting is stored there"
fi
if ! answers "$REDIS_HOST" "$REDIS_PORT" && is_local "$REDIS_HOST" && ! command -v redis-server > /dev/null; then
  need redis-server "the job queues between the API and the workers, rate limits and live score events"
fi
if [ "${1:-}" = --browser ] && [ ! -x /usr/bin/chromium ]; then
  need chromium "the browser the dashboard's test suite (test/browser) drives"
fi
[ "${#missing[@]}" -eq 0 ] && exit 0

debian_like() {
  [ -r /etc/os-release ] && command -v apt-get > /dev/null \
    && grep -qiE '^(ID|ID_LIKE)=.*(debian|ubuntu)' /etc/os-release
}
as_root=()
if [ "$(id -u)" -ne 0 ]; then as_root=(sudo); fi
if ! debian_like || { [ "${#as_root[@]}" -gt 0 ] && ! command -v sudo > /dev/null; }; then
  {
    echo "cxloop needs these, and this script installs them only on Debian/Ubuntu as root or with sudo:"
    printf '%s\n' "${reasons[@]}"
    echo "Install them with this system's package manager and start them on $PG_HOST:$PG_PORT and $REDIS_HOST:$REDIS_PORT, e.g."
    echo "  Debian/Ubuntu (as root): apt-get install -y --no-install-recommends ${missing[*]}"
    echo "  Fedora/RHEL:  sudo dnf install -y postgresql-server redis && sudo postgresql-setup --initdb && sudo systemctl enable --now postgresql redis"
    echo "  macOS:        brew install postgresql@16 redis && brew services start postgresql@16 && brew services start redis"
    echo "or run cxloop with its services in containers instead: docker compose -f infra/container/compose.yaml up (docs/operations.md)."
  } >&2
  exit 1
fi

echo "installing with apt (${as_root[*]:-as root}): ${missing[*]}"
printf '%s\n' "${reasons[@]}"
"${as_root[@]}" apt-get update -qq
# Where the package scripts cannot start a service (a container without an init), ensure-services.sh does.
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
echo "installed: ${missing[*]}"
