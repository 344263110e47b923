#!/usr/bin/env bash
# One command from a fresh clone to a running cxloop: install, system packages (PostgreSQL, Redis: installed
# with apt on Debian/Ubuntu when missing), local services, configuration, database login, database,
# migrations, then the API and the workers in the foreground (Ctrl-C stops them all).
set -euo pipefail
cd "$(dirname "$0")/../.."

bash infra/local/install.sh
bash infra/local/system-packages.sh
bash infra/local/ensure-services.sh

if [ ! -f .env ] || ! grep -q '^CXLOOP_SECRET_KEY=' .env; then
  # A per-machine key for encrypting source secrets at rest; never committed (.env is ignored).
  touch .env
  chmod 600 .env
  echo "CXLOOP_SECRET_KEY=$(node -e 'console.log(require("node:crypto").randomBytes(32).toString("hex"))')" >> .env
  echo "wrote .env with a new CXLOOP_SECRET_KEY"
fi
if ! grep -q '^OUTBOUND_ALLOWED_HOSTS=' .env; then
  # On this machine only: replies may go to a receiver on 127.0.0.1 over http, where `pnpm demo` plays the
  # customers' channels (services/api/src/demo/customer-replies.ts). Production leaves this empty.
  echo "OUTBOUND_ALLOWED_HOSTS=127.0.0.1" >> .env
  echo "allowed reply targets on 127.0.0.1 in .env (for the demo)"
fi
bash infra/local/database-access.sh

pnpm --silent db:create
pnpm --silent db:migrate
# The dashboard is static files the API serves; build them so / shows it.
pnpm --silent build
exec pnpm --silent start
