#!/usr/bin/env bash
# Builds local stand-ins for the public images compose.yaml starts from (node, postgres, redis, haproxy)
# out of Debian's archive, for machines that reach Debian and npm but not Docker Hub (our development and CI
# machines), and prints the variables that point compose.yaml at them. With Docker Hub in reach, skip this.
# Needs root, debootstrap, a running Docker engine and, for the node image, this machine's Node.js 20.
# Arguments name the images to build (node postgres redis haproxy); none builds all four.
set -euo pipefail
cd "$(dirname "$0")"

debian_image=cxloop-standin/debian:bookworm
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
log() { echo "[base-images] $*" >&2; }

if ! docker image inspect "$debian_image" > /dev/null 2>&1; then
  log "debootstrap bookworm (minbase) and import it as $debian_image"
  debootstrap --variant=minbase bookworm "$work/rootfs" http://deb.debian.org/debian > /dev/null
  rm -f "$work"/rootfs/var/cache/apt/archives/*.deb
  tar -C "$work/rootfs" -c . | docker import - "$debian_image" > /dev/null
  rm -rf "$work/rootfs"
fi

if [ "$(node -p 'process.versions.node.split(".")[0]')" != 20 ]; then
  log "the node image must carry Node.js 20; this machine runs $(node --version)"
  exit 1
fi
# Node.js and its npm as this machine has them (the version every test ran on), unpacked under /usr.
node_prefix=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")
tar -C "$node_prefix" -cf "$work/node.tar" bin/node lib/node_modules/npm
cp ./*.Dockerfile ./*-entrypoint.sh /etc/ssl/certs/ca-certificates.crt "$work"/

images=(node:20-bookworm-slim postgres:15-bookworm redis:7-bookworm haproxy:3.0-bookworm)
wanted=" ${*:-node postgres redis haproxy} "
for image in "${images[@]}"; do
  name=${image%%:*}
  [[ "$wanted" == *" $name "* ]] || continue
  log "building cxloop-standin/$image"
  # The legacy builder warns on every build; show its output only when the build fails.
  docker build --build-arg "DEBIAN_IMAGE=$debian_image" -t "cxloop-standin/$image" \
    -f "$work/$name.Dockerfile" "$work" > "$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
  echo "${name^^}_IMAGE=cxloop-standin/$image"
done
