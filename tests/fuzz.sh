#!/usr/bin/env bash
# Bad input at volume (issue 7): starts the compose stack (one worker mining), then tests/fuzz.py sends a catalogue
# of malformed requests to rng, hasher and webui on their published ports, and floods each with 2000 concurrent
# connections. Prints the answers by status per service and each service's memory before and after.
# Fails on any 5xx other than rng's documented 503 + Retry-After (its line is full), or a crashed container.
#
#   tests/fuzz.sh
#
# Environment (all optional): FUZZ_PROJECT=dc-fuzz, FUZZ_ROUNDS=20, FUZZ_CONCURRENCY=20, FUZZ_FLOOD=2000,
# FUZZ_SKIP_BUILD=1 (use the images already built), DOCKERCOINS_WEBUI_PORT / _RNG_PORT / _HASHER_PORT, REGISTRY, TAG.
set -euo pipefail
# shellcheck source=tests/lib.sh
source "$(dirname "$0")/lib.sh"
dc_init fuzz "${FUZZ_PROJECT:-dc-fuzz}"
export FUZZ_PROJECT=$DC_PROJECT

compose down -v --remove-orphans >/dev/null 2>&1 || true
ports_free
if [[ ${FUZZ_SKIP_BUILD:-0} != 1 ]]; then
  log "building the images"
  quiet timeout 1800 "${COMPOSE[@]}" build || fail "build"
fi
log "starting the app (1 worker)"
quiet timeout 300 "${COMPOSE[@]}" up -d || fail "up -d"
wait_mining 240 "the app did not start mining within 240 s"
for port in "$DOCKERCOINS_RNG_PORT" "$DOCKERCOINS_HASHER_PORT"; do
  curl -fsS --max-time 10 -o /dev/null "http://localhost:$port/q/health/ready" || fail "port $port not ready"
done
log "mining; fuzzing"
timeout --foreground "${FUZZ_TIMEOUT_TOTAL:-900}" python3 tests/fuzz.py || fail "fuzzing pass (see above)"
# Still alive and still mining after all that.
h1=$(json_hashes)
sleep 5
h2=$(json_hashes)
((${h2:-0} > ${h1:-0})) || fail "mining stopped after the fuzzing pass (hashes $h1 -> $h2)"
log "still mining after the fuzzing (hashes $h1 -> $h2)"
