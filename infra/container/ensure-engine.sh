#!/usr/bin/env bash
# Makes sure a Docker engine and a compose command answer, installing Debian's docker.io, docker-compose and
# debootstrap and starting dockerd where none runs (a bare CI machine). Used by check.sh's callers.
set -euo pipefail

engine_up() { docker info > /dev/null 2>&1; }
compose_available() { docker compose version > /dev/null 2>&1 || command -v docker-compose > /dev/null; }

as_root=()
if [ "$(id -u)" -ne 0 ]; then as_root=(sudo); fi
if ! command -v dockerd > /dev/null || ! compose_available || ! command -v debootstrap > /dev/null; then
  "${as_root[@]}" apt-get update -qq
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    docker.io docker-compose debootstrap > /dev/null
fi
if ! engine_up; then
  echo "starting dockerd…"
  "${as_root[@]}" mkdir -p /var/log/cxloop
  "${as_root[@]}" sh -c 'nohup dockerd > /var/log/cxloop/dockerd.log 2>&1 &'
  for _ in $(seq 1 60); do engine_up && break; sleep 1; done
  engine_up || { echo "the Docker engine did not start; see /var/log/cxloop/dockerd.log" >&2; exit 1; }
fi
echo "Docker engine $(docker version --format '{{.Server.Version}}') is up"
