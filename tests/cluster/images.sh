#!/usr/bin/env bash
# The cluster's images, built into this machine's Docker: the node image (node/) and the load-testing pod's
# (loadtester/), and one image for each program that runs as a pod (pause, CoreDNS, metrics-server, the volume
# provisioner, kube-router, Prometheus, prometheus-adapter): its static binary FROM scratch, or in the folder's
# Dockerfile named after it. An image whose inputs did not change is not built again. Then the project's images that are missing are built with
# the compose file, as a learner would.
#
#   tests/cluster/images.sh              (up.sh runs it, after build.sh)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

# built IMAGE INPUT-HASH: whether IMAGE exists, made from inputs of that hash.
built() { [[ $(docker image inspect -f '{{index .Config.Labels "io.dockercoins.inputs"}}' "$1" 2>/dev/null) == "$2" ]]; }

for image in "$NODE_IMAGE" "$LOADTESTER_IMAGE"; do
  folder=${image#*/}; folder=${folder%%:*}
  built "$image" "${image##*:}" && continue
  cl_log "building $image (Debian packages)"
  quiet docker build --label "io.dockercoins.inputs=${image##*:}" -t "$image" "$CLUSTER_DIR/$folder" \
    || cl_die "$image did not build (debian:bookworm is needed: ../shared/tools/local-base-images here, docker pull elsewhere)"
done
docker tag "$LOADTESTER_IMAGE" dockercoins-cluster/loadtester:latest

for image in "${PROGRAM_IMAGES[@]}"; do
  program=${image#*/}; program=${program%%:*}
  context=$(mktemp -d)
  cp "$BIN_DIR/$program" "$context/"
  if [[ -f $CLUSTER_DIR/$program/Dockerfile ]]; then
    cp "$CLUSTER_DIR/$program/Dockerfile" "$context/"
  else
    printf 'FROM scratch\nCOPY %s /usr/bin/%s\nENTRYPOINT ["/usr/bin/%s"]\n' "$program" "$program" "$program" >"$context/Dockerfile"
  fi
  sum=$(cat "$context"/* | sha256sum | cut -c1-16)
  if ! built "$image" "$sum"; then
    quiet docker build --label "io.dockercoins.inputs=$sum" -t "$image" "$context" || cl_die "the image $image did not build"
  fi
  rm -rf "$context"
done

# The cluster's images of older builds go, but for those a container still runs.
keep=$(printf '%s\n' "$NODE_IMAGE" "${CLUSTER_IMAGES[@]}"; docker ps -a --format '{{.Image}}')
docker images --format '{{.Repository}}:{{.Tag}}' | grep '^dockercoins-cluster/' | { grep -vxF "$keep" || true; } \
  | xargs -r docker rmi >/dev/null 2>&1 || true

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
