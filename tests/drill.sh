#!/usr/bin/env bash
# Fault drill (issue 7): with the compose stack up and several workers mining, one fault at a time (kill -9,
# compose restart, docker pause, Redis stopped / restarted with and without its volume, SIGTERM to every
# worker, scale 10 -> 1 -> 10, workers replaced by another TAG), each followed by a quiescent ledger check.
# Prints a table: fault | recovery (s) | loops lost | loops counted twice | coins duplicated | /json 5xx | ...
#
#   tests/drill.sh                          # builds the images; ~15-25 min on 2 busy cores (5 workers: ~18 min)
#
# Environment (all optional):
#   DRILL_PROJECT=dc-drill        compose project (everything it creates is removed at the end: down -v)
#   DRILL_WORKERS=10              workers mining during the drill (5 halves the JVM start-up load)
#   DRILL_OUTAGE_SECONDS=15       length of the pause and of the Redis outage
#   DRILL_SKIP_BUILD=1            use the images already built
#   DRILL_RECOVERY_LIMIT=10       FAIL if mining resumes later than this after a dependency is back
#   DOCKERCOINS_WEBUI_PORT / _RNG_PORT / _HASHER_PORT, REGISTRY, TAG, REDIS_PASSWORD   as for compose
# The logic (and the accounting method, see docs/reliability.md) is in tests/drill.py (python3, stdlib only).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/usr/bin:$PATH DOCKER_BUILDKIT=1 COMPOSE_DOCKER_CLI_BUILD=1
export DRILL_PROJECT=${DRILL_PROJECT:-dc-drill}
if command -v docker-compose >/dev/null 2>&1; then COMPOSE=(docker-compose -p "$DRILL_PROJECT"); else COMPOSE=(docker compose -p "$DRILL_PROJECT"); fi

cleanup() {
  local rc=$?
  echo "[drill] cleaning up (down -v)" >&2
  timeout 120 "${COMPOSE[@]}" down -v --remove-orphans >/dev/null 2>&1 || true
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

command -v python3 >/dev/null || { echo "[drill] FAIL: python3 is needed" >&2; exit 1; }
# A hard ceiling: the drill itself has timeouts everywhere; this catches anything they miss.
timeout --foreground "${DRILL_TIMEOUT:-2400}" python3 tests/drill.py
