#!/usr/bin/env bash
# Every "What can Kubernetes do?" scenario of the README on this repository's own cluster (tests/cluster/up.sh, which
# it brings up or reuses), each in a namespace of its own: tests/k8s-scenarios.py says how.
#
#   tests/k8s-scenarios.sh [NAME...]      all, or those named;   tests/k8s-scenarios.sh --list
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/usr/bin:$PATH DOCKER_BUILDKIT=1 COMPOSE_DOCKER_CLI_BUILD=1
if [[ ${1:-} == --list ]]; then KUBECTL=none KUBECONFIG=none exec python3 tests/k8s-scenarios.py --list; fi
cluster=$(tests/cluster/up.sh) || exit 1
eval "$(tail -n 2 <<<"$cluster" | sed 's/^/export /')"
exec python3 tests/k8s-scenarios.py "$@"
