#!/usr/bin/env bash
# The README's set-up on a machine that has only Node.js: a Debian bookworm container (Debian's minimal
# base plus Node.js 20, no PostgreSQL, no Redis, no chromium) gets a clean copy of the committed tree and,
# as root, runs `bash infra/local/up.sh` until the API answers /readyz, checks that a second run of the
# machine set-up installs and changes nothing, then runs the README's test commands (`pnpm test:unit`,
# `pnpm test`; the browser suite is skipped there, and the summary must say so). apt and npm in the
# container reach their archives the way this machine does (its apt sources and settings, its addresses
# for the archive hosts, its trusted certificates). Needs root and Docker (infra/container/ensure-engine.sh).
# Heavy (a full install and test run): `bash infra/local/fresh-machine-check.sh`, docs/operations.md.
set -euo pipefail
cd "$(dirname "$0")/../.."

log() { echo "[fresh-machine] $*"; }
seconds_since() { echo $(($(date +%s) - $1)); }
started=$(date +%s)

bash infra/container/ensure-engine.sh > /dev/null
if timeout 30 docker pull -q node:20-bookworm-slim > /dev/null 2>&1; then
  image=node:20-bookworm-slim
else
  log "Docker Hub out of reach: Debian bookworm with this machine's Node.js as the base"
  image=$(bash infra/container/offline/build-base-images.sh node | sed -n 's/^NODE_IMAGE=//p')
fi

work=$(mktemp -d)
container="cxfresh$$"
cleanup() {
  docker rm -f "$container" > /dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
# A fresh clone has what is committed, nothing else (no node_modules, no .env).
git archive --format=tar HEAD | tar -x -C "$work"

# The hosts apt and npm fetch from, at the addresses this machine uses for them (a mirror or proxy in
# /etc/hosts is followed; with plain DNS these are the same answers the container would get).
hosts=()
for name in deb.debian.org security.debian.org registry.npmjs.org; do
  address=$(getent hosts "$name" | awk '{ print $1; exit }')
  [ -n "$address" ] && hosts+=(--add-host "$name:$address")
done

log "base image $image ready after $(seconds_since "$started") s; starting the machine"
docker run --rm --name "$container" "${hosts[@]}" \
  -v "$work:/mnt/clone:ro" -v /etc/apt:/mnt/host-apt:ro \
  -e NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
  "$image" bash -euo pipefail -c '
    log() { echo "[fresh-machine] $*"; }
    fail() { echo "[fresh-machine] FAILED: $*" >&2; exit 1; }
    for tool in psql pg_ctlcluster redis-server chromium; do
      ! command -v "$tool" > /dev/null || fail "$tool is installed already: not a fresh machine"
    done
    # apt as on the host: its sources and settings.
    rm -f /etc/apt/sources.list
    cp /mnt/host-apt/sources.list.d/*.sources /etc/apt/sources.list.d/ 2> /dev/null || true
    cp /mnt/host-apt/sources.list /etc/apt/ 2> /dev/null || true
    cp /mnt/host-apt/apt.conf.d/* /etc/apt/apt.conf.d/
    cp -a /mnt/clone /root/cxloop
    cd /root/cxloop
    now() { date +%s; }

    began=$(now)
    bash infra/local/up.sh > /root/up.log 2>&1 &
    up=$!
    ready=
    for _ in $(seq 1 900); do
      if node -e "fetch(\"http://127.0.0.1:3000/readyz\").then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"; then
        ready=1
        break
      fi
      kill -0 "$up" 2> /dev/null || break
      sleep 1
    done
    grep -v -iE "key|password|secret" /root/up.log | grep -vE "^\s*$" | grep -vE "^(Progress|Packages|\+|Done)" | head -60
    [ -n "$ready" ] || fail "the API did not answer /readyz (set-up output above)"
    log "up.sh: the API answers /readyz $(( $(now) - began )) s after the set-up command started"
    grep -q "installing with apt" /root/up.log || fail "up.sh did not say what it installs"

    # A second run of the machine set-up installs and changes nothing.
    env_before=$(sha256sum .env)
    second=$(bash infra/local/system-packages.sh; bash infra/local/database-access.sh)
    [ -z "$second" ] || fail "a second run did something: $second"
    [ "$(sha256sum .env)" = "$env_before" ] || fail "a second run changed .env"
    log "a second run installed nothing and left .env as it was"

    began=$(now)
    pnpm test:unit > /root/unit.log 2>&1 || { tail -40 /root/unit.log; fail "pnpm test:unit"; }
    log "pnpm test:unit passed in $(( $(now) - began )) s: $(sed "s/\x1b\[[0-9;]*m//g" /root/unit.log | grep -E "^\s+Tests " | tr -s " ")"
    began=$(now)
    pnpm test > /root/test.log 2>&1 || { sed "s/\x1b\[[0-9;]*m//g" /root/test.log | grep -E "FAIL|×|Error" | head -40; fail "pnpm test"; }
    log "pnpm test passed in $(( $(now) - began )) s: $(sed "s/\x1b\[[0-9;]*m//g" /root/test.log | grep -E "^\s+(Test Files|Tests) " | tr -s " " | tr "\n" ";")"
    sed "s/\x1b\[[0-9;]*m//g" /root/test.log | grep -A1 "SKIPPED" || fail "the summary does not say the browser suite was skipped"
  '
log "passed in $(seconds_since "$started") s"
