#!/usr/bin/env bash
# Sourced by the set-up scripts: where cxloop looks for PostgreSQL and Redis, as its processes do
# (DATABASE_URL / REDIS_URL from the environment, else from .env, else the local defaults). Sets
# PG_HOST PG_PORT REDIS_HOST REDIS_PORT and DATABASE_URL_CONFIGURED (1 when a DATABASE_URL is set).
# shellcheck disable=SC2034
read -r PG_HOST PG_PORT REDIS_HOST REDIS_PORT DATABASE_URL_CONFIGURED < <(node -e '
  const fs = require("node:fs");
  const { parseEnv } = require("node:util");
  const file = fs.existsSync(".env") ? parseEnv(fs.readFileSync(".env", "utf8")) : {};
  const pick = (name) => process.env[name] ?? file[name];
  const pg = new URL(pick("DATABASE_URL") ?? "postgres://postgres@127.0.0.1:5432/cxloop");
  const redis = new URL(pick("REDIS_URL") ?? "redis://127.0.0.1:6379");
  console.log(pg.hostname, pg.port || 5432, redis.hostname, redis.port || 6379, pick("DATABASE_URL") ? 1 : 0);
')
answers() { (exec 3<> "/dev/tcp/$1/$2") 2> /dev/null; }
is_local() { [ "$1" = 127.0.0.1 ] || [ "$1" = localhost ] || [ "$1" = '[::1]' ]; }
