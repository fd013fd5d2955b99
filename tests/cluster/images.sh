#!/usr/bin/env bash
# The cluster's images, built into this machine's Docker: the node image (node/), and one image FROM scratch for each
# program that runs as a pod (pause, CoreDNS, metrics-server, the volume provisioner), holding its static binary. An
# image whose inputs did not change is not built again. Then the project's images that are missing are built with
# the compose file, as a learner would.
#
#   tests/cluster/images.sh              (up.sh runs it, after build.sh)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

# built IMAGE INPUT-HASH: whether IMAGE exists, made from inputs of that hash.
built() { [[ $(docker image inspect -f '{{index .Config.Labels "io.dockercoins.inputs"}}' "$1" 2>/dev/null) == "$2" ]]; }

if ! built "$NODE_IMAGE" "${NODE_IMAGE##*:}"; then
  cl_log "building the node image $NODE_IMAGE (Debian's containerd, runc, CNI plugins, etcd)"
  quiet docker build --label "io.dockercoins.inputs=${NODE_IMAGE##*:}" -t "$NODE_IMAGE" "$CLUSTER_DIR/node" \
    || cl_die "the node image did not build (debian:bookworm is needed: ../shared/tools/local-base-images here, docker pull elsewhere)"
fi

for image in "${CLUSTER_IMAGES[@]}"; do
  program=${image#*/}; program=${program%%:*}
  sum=$(sha256sum "$BIN_DIR/$program" | cut -c1-16)
  built "$image" "$sum" && continue
  context=$(mktemp -d)
  cp "$BIN_DIR/$program" "$context/"
  printf 'FROM scratch\nCOPY %s /%s\nENTRYPOINT ["/%s"]\n' "$program" "$program" "$program" >"$context/Dockerfile"
  quiet docker build --label "io.dockercoins.inputs=$sum" -t "$image" "$context" || cl_die "the image $image did not build"
  rm -rf "$context"
done

missing=()
for image in "${APP_IMAGES[@]}"; do
  docker image inspect "$image" >/dev/null 2>&1 || missing+=("$image")
done
services=()
for image in "${missing[@]}"; do
  case $image in
    dockercoins-java/*) service=${image#dockercoins-java/}; services+=("${service%%:*}") ;;
    *) cl_die "the image $image is missing: ../shared/tools/local-base-images makes it here (docker pull $image elsewhere)" ;;
  esac
done
if ((${#services[@]})); then
  cl_log "building ${services[*]} with the compose file (docker compose build)"
  (cd "$REPO_DIR" && quiet docker compose --profile report --profile operator build "${services[@]}") \
    || cl_die "docker compose build ${services[*]} failed (on these machines the Maven image needs the project's dependencies: ./mvnw -B verify, then ../shared/tools/local-base-images --refresh-maven-repo)"
fi
