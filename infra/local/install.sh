#!/usr/bin/env bash
# Installs the toolchain pieces a fresh machine lacks (pnpm) and the workspace's packages, frozen to the
# lockfile. corepack cannot verify pnpm's signature against the registry reachable here, so npm installs it.
set -euo pipefail
cd "$(dirname "$0")/../.."

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "cxloop needs Node.js 20 or newer (found $(node --version))" >&2
  exit 1
fi
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version | cut -d. -f1)" != "10" ]; then
  echo "installing pnpm 10…"
  npm install -g pnpm@10 >/dev/null
fi
pnpm install --frozen-lockfile
