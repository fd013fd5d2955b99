#!/usr/bin/env bash
# The Kubernetes walkthrough of k8s/README.md, as a learner types it, on this repository's own cluster
# (tests/cluster/up.sh, which it brings up or reuses): what each part checks is in tests/k8s-walkthrough.py.
#
#   tests/k8s-walkthrough.sh                       all of it (about 18 minutes)
#   WALK_PARTS="deploy rng" tests/k8s-walkthrough.sh   some parts, in that order
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/usr/bin:$PATH DOCKER_BUILDKIT=1 COMPOSE_DOCKER_CLI_BUILD=1
cluster=$(tests/cluster/up.sh) || exit 1
eval "$(tail -n 2 <<<"$cluster" | sed 's/^/export /')"
exec python3 tests/k8s-walkthrough.py
