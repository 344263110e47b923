#!/usr/bin/env bash
# Gives cxloop a PostgreSQL login when it has none: without a DATABASE_URL, the default
# (postgres@127.0.0.1, no password) works only where local connections are trusted. Debian's fresh install
# asks for a password on 127.0.0.1, so this creates a `cxloop` role (allowed to create databases: cxloop's
# own, and one per test run) with a generated password and writes its DATABASE_URL to .env. Does nothing
# when a DATABASE_URL is configured or the default login works, so a second run changes nothing.
set -euo pipefail
cd "$(dirname "$0")/../.."
source infra/local/service-address.sh

[ "$DATABASE_URL_CONFIGURED" = 1 ] && exit 0
psql -w -q -At -d "postgres://postgres@$PG_HOST:$PG_PORT/postgres" -c 'select 1' > /dev/null 2>&1 && exit 0

# As the postgres system user (peer login on the local socket), from a directory it may enter.
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else (cd / && sudo -u postgres "$@"); fi
}
if ! is_local "$PG_HOST" || ! as_postgres psql -w -q -At -c 'select 1' > /dev/null 2>&1; then
  echo "cannot log in to PostgreSQL on $PG_HOST:$PG_PORT: set DATABASE_URL (in .env) to a login that may create databases" >&2
  exit 1
fi
password=$(node -e 'console.log(require("node:crypto").randomBytes(24).toString("hex"))')
echo "creating the PostgreSQL role cxloop (may create databases) with a generated password, kept in .env"
# The password goes in on stdin, not on a command line other users could read.
{
  echo "\\set password '$password'"
  cat <<'SQL'
select format('create role cxloop login createdb password %L', :'password')
  where not exists (select from pg_roles where rolname = 'cxloop') \gexec
alter role cxloop login createdb password :'password';
SQL
} | as_postgres psql -q -v ON_ERROR_STOP=1 > /dev/null
touch .env
chmod 600 .env
echo "DATABASE_URL=postgres://cxloop:$password@$PG_HOST:$PG_PORT/cxloop" >> .env
echo "wrote DATABASE_URL (role cxloop) to .env"
