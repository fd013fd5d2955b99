#!/usr/bin/env bash
# Runs every workload of k8s/ (the top level: what `kubectl apply -f k8s/` creates) the way a kubelet would, under
# Docker, since no Kubernetes cluster runs here: the same image, env, command and args, user, read-only root
# filesystem, dropped capabilities, no-new-privileges, sysctls, memory and CPU limits (memory request as reservation),
# each emptyDir as a tmpfs of its sizeLimit, the grace period as the stop timeout. Each Service becomes a network
# alias on one Docker network, so the pods reach each other by the Services' names (rng, hasher, redis, webui).
# Then, like a kubelet, it runs each container's startup probe until it passes, then its readiness and liveness
# probes (from a "node" container, with the manifests' timeouts), and checks:
#   - every probe passes, including rng's liveness and readiness while 20 clients hammer rng's line;
#   - the pods talk by Service name: rng, hasher, redis and webui answer, the hash counter grows;
#   - what runs is what the manifests say: uid, read-only root, no capabilities, no-new-privs, seccomp, limits;
#   - the worker stops on SIGTERM well within its grace period;
#   - memory stays under the limits.
# Then the workshop's HAND-MADE path (k8s/README.md, "By hand, as the workshop does"): pods shaped as `kubectl create
# deployment` makes them (label app=<name>, the image's own user and port, no securityContext, no probes, no
# resources) with service links ON (REDIS_PORT=tcp://10.96.0.11:6379 and the rest, for redis, rng, hasher and webui,
# as `kubectl expose` made them), the worker scaled to 2: the app must mine at about 2 x 3.3 hashes/s.
#
#   tests/k8s-under-docker.sh              # builds the images if needed (docker compose build), runs the checks
#   tests/k8s-under-docker.sh --measure    # ... then ten workers for a minute: hashes/s, CPU and memory per pod
#   tests/k8s-under-docker.sh --redis-password   # ... as if `kubectl create secret generic redis --from-literal=
#                                           #     password=...` had been run first: Redis asks for it, the app mines
#   tests/k8s-under-docker.sh --manifests-only   # only the manifests' path;  --hand-made-only: only the hand-made one
#
# Environment: K8S_DOCKER_PROJECT (default dockercoins-k8s: names of containers, network and compose project),
# K8S_DOCKER_SKIP_BUILD=1 (use the images as they are; the default runs `compose build`, quick when cached),
# K8S_DOCKER_MEASURE_SECONDS (default 60), REGISTRY and TAG (the images to run: the manifests' dockercoins-java/<service>:
# v0.1 stand for $REGISTRY/<service>:$TAG, as k8s/README.md's sed line does; default dockercoins-java and v0.1).
# Everything it starts is removed on exit. The logic is in tests/k8s-under-docker.py (python3 + PyYAML).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/usr/bin:$PATH DOCKER_BUILDKIT=1 COMPOSE_DOCKER_CLI_BUILD=1
PROJECT=${K8S_DOCKER_PROJECT:-dockercoins-k8s}
export K8S_DOCKER_PROJECT=$PROJECT

log() { printf '[k8s-under-docker] %s\n' "$*" >&2; }

docker info >/dev/null 2>&1 || { log "Docker is not running"; exit 1; }
if ! python3 -c 'import yaml' 2>/dev/null; then
  log "installing PyYAML (python3-yaml) to read the manifests"
  if command -v apt-get >/dev/null; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-yaml) >/dev/null 2>&1 || true
  fi
  python3 -c 'import yaml' 2>/dev/null || python3 -m pip install -q pyyaml
fi

# The images the manifests name are those `docker compose build` makes with REGISTRY=dockercoins-java, TAG=v0.1.
export REGISTRY=${REGISTRY:-dockercoins-java} TAG=${TAG:-v0.1}
if [[ ${K8S_DOCKER_SKIP_BUILD:-} != 1 ]]; then
  if command -v docker-compose >/dev/null 2>&1; then COMPOSE=(docker-compose); else COMPOSE=(docker compose); fi
  log "building the images: ${COMPOSE[*]} -p $PROJECT build rng hasher worker webui"
  "${COMPOSE[@]}" -p "$PROJECT" build rng hasher worker webui >&2
fi

exec python3 tests/k8s-under-docker.py "$@"
