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
# shellcheck source=tests/lib.sh
source "$(dirname "$0")/lib.sh"
dc_init drill "${DRILL_PROJECT:-dc-drill}"
export DRILL_PROJECT=$DC_PROJECT

command -v python3 >/dev/null || fail "python3 is needed"
# A hard ceiling: the drill itself has timeouts everywhere; this catches anything they miss.
timeout --foreground "${DRILL_TIMEOUT:-2400}" python3 tests/drill.py
