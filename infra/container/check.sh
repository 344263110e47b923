#!/usr/bin/env bash
# `pnpm test:containers`: builds the image and starts compose.yaml with two API replicas behind the load
# balancer and two analysis and two aggregation workers; seeds the demo organisation through the load
# balancer and checks that every stored feedback is analysed and counted and that a score is computed;
# restarts each API replica in turn under signed load (nothing refused, every 2xx stored); stops and
# restarts the stack on the same volumes and checks that nothing was lost and new feedback still flows.
# Needs a Docker engine (ensure-engine.sh). Without Docker Hub in reach it builds on local stand-ins for
# the base images (offline/build-base-images.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."

log() { echo "[containers] $*"; }
fail() { echo "[containers] FAILED: $*" >&2; exit 1; }
seconds_since() { echo $(($(date +%s) - $1)); }

if docker compose version > /dev/null 2>&1; then compose_cmd=(docker compose); else compose_cmd=(docker-compose); fi
project="cxcheck$$"
export CXLOOP_SECRET_KEY API_PORT
CXLOOP_SECRET_KEY=$(openssl rand -hex 32)
API_PORT=$(node -e 'const s=require("node:net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
work=$(mktemp -d)
compose() { "${compose_cmd[@]}" -p "$project" -f infra/container/compose.yaml "$@"; }
sql() { compose exec -T postgres psql -U cxloop -d cxloop -At -c "$1"; }
replicas=(--scale api=2 --scale analysis=2 --scale aggregation=2)

cleanup() {
  local status=$?
  if [ "$status" -ne 0 ]; then compose logs --tail 40 api analysis aggregation migrate >&2 || true; fi
  [ "${KEEP_STACK:-}" = 1 ] || compose down -v --remove-orphans > /dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

if timeout 30 docker pull -q node:20-bookworm-slim > /dev/null 2>&1; then
  log "base images from Docker Hub"
else
  log "Docker Hub out of reach: building local stand-ins for the base images"
  while IFS='=' read -r name value; do export "$name=$value"; done \
    < <(bash infra/container/offline/build-base-images.sh)
fi

started=$(date +%s)
compose build --quiet > /dev/null 2>&1 || compose build
log "image built in $(seconds_since "$started") s ($(docker image inspect cxloop:local --format '{{.Size}}' | awk '{printf "%.0f MB", $1/1e6}'))"

wait_ready() {
  for _ in $(seq 1 90); do
    curl -fsS -o /dev/null "http://127.0.0.1:$API_PORT/readyz" 2> /dev/null && return 0
    sleep 1
  done
  fail "the API did not answer /readyz within 90 s"
}

# The demo's output names its API keys: kept in a file, never printed.
seed_demo() { # extra demo options; prints the number of feedback the demo sent
  compose run --rm --no-deps api node --import tsx services/api/src/demo/main.ts \
    --api http://lb:3000 --state /tmp/demo.json --no-trickle "$@" > "$work/demo.out" 2>&1 \
    || { grep -v -i key "$work/demo.out" >&2; fail "the demo run failed"; }
  # Its feedback: the history, and the post-purchase surveys imported with the orders.
  sed -n -e 's/^ *history *\([0-9]*\) feedback.*/\1/p' \
    -e 's/^ *orders .*, \([0-9]*\) new post-purchase surveys$/\1/p' "$work/demo.out" \
    | awk '{ sum += $1 } END { if (NR > 0) print sum }'
}

wait_counted() { # expected minimum of stored feedback
  local row
  for _ in $(seq 1 120); do
    row=$(sql "select count(*), count(analysed_at), count(aggregated_at), count(distinct org_id),
                 (select count(*) from score_current where scope = 'enterprise') from feedback")
    IFS='|' read -r stored analysed counted organisations scored <<< "$row"
    if [ "$stored" -ge "$1" ] && [ "$analysed" = "$stored" ] && [ "$counted" = "$stored" ] \
      && [ "$scored" = "$organisations" ]; then
      return 0
    fi
    sleep 2
  done
  fail "after 240 s: stored $stored, analysed $analysed, counted $counted, enterprise scores $scored for $organisations organisations (want >= $1 stored, all analysed and counted, a score each)"
}

started=$(date +%s)
compose up -d "${replicas[@]}" > /dev/null 2>&1
wait_ready
log "stack up in $(seconds_since "$started") s: $(compose ps --services | tr '\n' ' ')"

[ "$(compose exec -T api id -u | tr -d '\r')" != 0 ] || fail "the API runs as root"
curl -fsS "http://127.0.0.1:$API_PORT/" | grep -q '<script type="module"' || fail "the API does not serve the dashboard"
[ "$(compose exec -T redis redis-cli config get appendonly | tail -n 1 | tr -d '\r')" = yes ] \
  || fail "Redis runs without AOF"
containers_of() { docker ps -q --filter "label=com.docker.compose.project=$project" --filter "label=com.docker.compose.service=$1"; }
for service in api analysis aggregation; do
  [ "$(containers_of "$service" | wc -l)" = 2 ] || fail "expected two $service containers"
done

started=$(date +%s)
sent=$(seed_demo --days 3)
[ -n "$sent" ] && [ "$sent" -gt 0 ] || fail "the demo reported no feedback"
wait_counted "$sent"
first_score=$(sql "select round(total::numeric, 1) || ' (' || stage || ')' from score_current where scope = 'enterprise'")
log "demo: $stored stored of $sent sent, $analysed analysed, $counted counted in $(seconds_since "$started") s; $(sql 'select count(*) from cases') cases; enterprise $first_score"
[ "$stored" = "$sent" ] || fail "stored $stored feedback, the demo sent $sent"
# Each replica logs the requests it served: the load balancer must have used both.
served=()
for container in $(containers_of api); do
  served+=("$(docker logs "$container" 2>&1 | grep -c '"method":"POST"' || true)")
done
log "POST requests served per API replica: ${served[*]}"
for count in "${served[@]}"; do [ "$count" -gt 0 ] || fail "an API replica served no request"; done

# A rolling restart under signed load: each API replica in turn is stopped (SIGTERM: it drains) and started
# again while the load balancer sends deliveries to the other. Every 2xx must be a stored row.
admin_key=$(sed -n 's/^ *admin key *\([^ ]*\).*/\1/p' "$work/demo.out")
curl -fsS -X POST "http://127.0.0.1:$API_PORT/v1/sources" -H "authorization: Bearer $admin_key" \
  -H 'content-type: application/json' \
  -d '{"name":"rolling restart","adapter":"generic","rateLimitPerMinute":1000000}' > "$work/source.json"
source_id=$(node -p 'require(process.argv[1]).id' "$work/source.json")
load_connections=16 # 90 s of 200 single deliveries a second
node --import tsx test/bench/load.ts "http://127.0.0.1:$API_PORT/v1/sources/$source_id/events" \
  "$(node -p 'require(process.argv[1]).signingSecret' "$work/source.json")" 90 "$load_connections" 1 200 > "$work/load.out" &
load_pid=$!
sleep 5
started=$(date +%s)
for container in $(containers_of api); do
  docker stop -t 20 "$container" > /dev/null
  docker start "$container" > /dev/null
  for _ in $(seq 1 60); do
    [ "$(docker inspect --format '{{.State.Health.Status}}' "$container")" = healthy ] && break
    sleep 1
  done
done
restart_seconds=$(seconds_since "$started")
kill -0 "$load_pid" 2> /dev/null || fail "the load ended before the rolling restart did; lengthen it"
wait "$load_pid" || fail "the load generator failed: $(cat "$work/load.out")"
IFS=' ' read -r requests accepted refused failed <<< "$(node -e '
  const r = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8").trim().split("\n").at(-1));
  console.log(r.requests, r.accepted, r.non2xx, r.errors);' "$work/load.out")"
stored_for_source=$(sql "select count(*) from feedback where source_id = '$source_id'")
log "rolling restart of both API replicas ($restart_seconds s) under load: $requests deliveries, $accepted accepted, $refused refused, $failed connection errors; $stored_for_source stored"
[ "$stored_for_source" -ge "$accepted" ] || fail "accepted $accepted deliveries but stored $stored_for_source"
# The replicas drain (SHUTDOWN_DRAIN_SECONDS) before they close, so the load balancer never routes to a closing one.
[ "$refused" = 0 ] && [ "$failed" = 0 ] || fail "$refused deliveries refused and $failed failed during the rolling restart"
# Beyond the 2xx, only requests whose outcome the sender never learned (errors, the last in flight on each
# connection) may be stored.
[ "$stored_for_source" -le $((accepted + failed + load_connections)) ] || fail "stored $stored_for_source, more than were accepted or unanswered"

stored=$(sql 'select count(*) from feedback')
marker=$(openssl rand -hex 8)
compose exec -T redis redis-cli set cxcheck:marker "$marker" > /dev/null
started=$(date +%s)
compose stop > /dev/null 2>&1
compose up -d "${replicas[@]}" > /dev/null 2>&1
wait_ready
log "stopped and restarted on the same volumes in $(seconds_since "$started") s"
[ "$(compose exec -T redis redis-cli get cxcheck:marker | tr -d '\r')" = "$marker" ] || fail "Redis lost its data across the restart"
[ "$(sql 'select count(*) from feedback')" = "$stored" ] || fail "feedback count changed across the restart"

before=$stored
started=$(date +%s)
more=$(seed_demo --days 1 --seed 7)
wait_counted $((before + 1))
log "after the restart: $more more sent (a second demo organisation), $stored stored, $analysed analysed, $counted counted in $(seconds_since "$started") s"
log "passed"
