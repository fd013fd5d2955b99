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
cd "$(dirname "$0")/.."
export PATH=/usr/bin:$PATH DOCKER_BUILDKIT=1 COMPOSE_DOCKER_CLI_BUILD=1
export FUZZ_PROJECT=${FUZZ_PROJECT:-dc-fuzz}
export DOCKERCOINS_WEBUI_PORT=${DOCKERCOINS_WEBUI_PORT:-8000} DOCKERCOINS_RNG_PORT=${DOCKERCOINS_RNG_PORT:-8001} \
  DOCKERCOINS_HASHER_PORT=${DOCKERCOINS_HASHER_PORT:-8002}
if command -v docker-compose >/dev/null 2>&1; then COMPOSE=(docker-compose -p "$FUZZ_PROJECT"); else COMPOSE=(docker compose -p "$FUZZ_PROJECT"); fi
compose() { "${COMPOSE[@]}" "$@"; }
START=$SECONDS
log() { printf '[fuzz %4ds] %s\n' $((SECONDS - START)) "$*" >&2; }
fail() { log "FAIL: $*"; compose ps >&2 || true; compose logs --tail=30 >&2 || true; exit 1; }
cleanup() {
  local rc=$?
  log "cleaning up (down -v)"
  timeout 120 "${COMPOSE[@]}" down -v --remove-orphans >/dev/null 2>&1 || true
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

compose down -v --remove-orphans >/dev/null 2>&1 || true
for port in "$DOCKERCOINS_WEBUI_PORT" "$DOCKERCOINS_RNG_PORT" "$DOCKERCOINS_HASHER_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then fail "port $port is already taken on this host"; fi
done
if [[ ${FUZZ_SKIP_BUILD:-0} != 1 ]]; then
  log "building the images"
  timeout 1800 "${COMPOSE[@]}" build >/dev/null || fail "build"
fi
log "starting the app (1 worker)"
timeout 300 "${COMPOSE[@]}" up -d >/dev/null 2>&1 || fail "up -d"
deadline=$((SECONDS + 240))
until curl -fsS --max-time 5 "http://localhost:$DOCKERCOINS_WEBUI_PORT/json" 2>/dev/null | grep -q '"hashes": *"\{0,1\}[1-9]'; do
  ((SECONDS < deadline)) || fail "the app did not start mining within 240 s"
  sleep 2
done
for port in "$DOCKERCOINS_RNG_PORT" "$DOCKERCOINS_HASHER_PORT"; do
  curl -fsS --max-time 10 -o /dev/null "http://localhost:$port/q/health/ready" || fail "port $port not ready"
done
log "mining; fuzzing"
timeout --foreground "${FUZZ_TIMEOUT_TOTAL:-900}" python3 tests/fuzz.py || fail "fuzzing pass (see above)"
# Still alive and still mining after all that.
h1=$(curl -fsS --max-time 5 "http://localhost:$DOCKERCOINS_WEBUI_PORT/json" | sed -n 's/.*"hashes": *"\{0,1\}\([0-9]*\).*/\1/p')
sleep 5
h2=$(curl -fsS --max-time 5 "http://localhost:$DOCKERCOINS_WEBUI_PORT/json" | sed -n 's/.*"hashes": *"\{0,1\}\([0-9]*\).*/\1/p')
((h2 > h1)) || fail "mining stopped after the fuzzing pass (hashes $h1 -> $h2)"
log "still mining after the fuzzing (hashes $h1 -> $h2)"
