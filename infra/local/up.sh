#!/usr/bin/env bash
# One command from a fresh clone to a running cxloop: install, local services, configuration, database,
# migrations, then the API and the workers in the foreground (Ctrl-C stops them all).
set -euo pipefail
cd "$(dirname "$0")/../.."

bash infra/local/install.sh
bash infra/local/ensure-services.sh

if [ ! -f .env ]; then
  # A per-machine key for encrypting source secrets at rest; never committed (.env is ignored).
  echo "CXLOOP_SECRET_KEY=$(node -e 'console.log(require("node:crypto").randomBytes(32).toString("hex"))')" > .env
  echo "wrote .env with a new CXLOOP_SECRET_KEY"
fi

pnpm --silent db:create
pnpm --silent db:migrate
# The dashboard is static files the API serves; build them so / shows it.
pnpm --silent build
exec pnpm --silent start
