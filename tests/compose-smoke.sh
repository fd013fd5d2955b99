#!/usr/bin/env bash
# Smoke test of docker-compose.yml: builds every image from source, runs the whole app, and checks the
# numbers the workshop depends on (3.3 hashes/s with one worker, a ceiling of ~10 hashes/s with ten,
# rng slow and hasher fast to answer GET /), then that `down` + `up` keeps the wallet and the counter, and that
# docs/webui.md's line for three rng instances works as typed.
#
#   tests/compose-smoke.sh                 # from anywhere; uses docker-compose if present, else docker compose
#
# Environment (all optional):
#   SMOKE_PROJECT=dockercoins-smoke        compose project name (everything it creates is removed at the end)
#   DOCKERCOINS_WEBUI_PORT / _RNG_PORT / _HASHER_PORT   host ports (default 8000 / 8001 / 8002)
#   SMOKE_MEASURE_SECONDS=20               length of each hashes/s measurement
#   SMOKE_SKIP_BUILD=1                     use the images already built
# With Docker 20.10 and docker-compose 1.29, BuildKit must be on for the builds; this script turns it on.
set -euo pipefail
# shellcheck source=tests/lib.sh
source "$(dirname "$0")/lib.sh"
dc_init smoke "${SMOKE_PROJECT:-dockercoins-smoke}"
PROJECT=$DC_PROJECT
MEASURE=${SMOKE_MEASURE_SECONDS:-20}

RESULTS=()
result() { RESULTS+=("$(printf '%-44s %s' "$1" "$2")"); log "$1: $2"; }

# --- helpers ---------------------------------------------------------------------------------------

# /json -> "hashes coins now". hashes may be a JSON string (like the original) or a number, and is
# absent or null before the worker's first INCRBY.
read_json() {
  local body hashes coins now
  body=$(curl -fsS --max-time 5 "$WEBUI/json") || return 1
  hashes=$(sed -n 's/.*"hashes": *"\{0,1\}\([0-9][0-9]*\).*/\1/p' <<<"$body")
  coins=$(sed -n 's/.*"coins": *"\{0,1\}\([0-9][0-9]*\).*/\1/p' <<<"$body")
  now=$(sed -n 's/.*"now": *"\{0,1\}\([0-9][0-9.]*\).*/\1/p' <<<"$body")
  [[ -n $now ]] || return 1
  echo "${hashes:-0} ${coins:-0} $now"
}

# Waits until /json answers with hashes > $1; $2 = timeout in seconds.
wait_hashes_above() {
  local min=$1 deadline=$((SECONDS + $2)) h c t
  while :; do
    if read -r h c t < <(read_json) && ((h > min)); then echo "$h $c"; return 0; fi
    ((SECONDS < deadline)) || fail "hashes did not grow above $min within $2 s (last: ${h:-none})"
    sleep 1
  done
}

# hashes/s over $MEASURE seconds, from /json deltas (its own clock, like the web UI).
measure_rate() {
  local h1 c1 t1 h2 c2 t2
  read -r h1 c1 t1 < <(read_json) || fail "/json did not answer"
  sleep "$MEASURE"
  read -r h2 c2 t2 < <(read_json) || fail "/json did not answer"
  awk -v h1="$h1" -v h2="$h2" -v t1="$t1" -v t2="$t2" 'BEGIN { printf "%.2f\n", (h2 - h1) / (t2 - t1) }'
}

in_range() { awk -v x="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(x >= lo && x <= hi) }'; }

# Median of 5 GET / on a port, in seconds (curl's time_total).
latency() {
  local url=$1 i s samples=()
  for i in 1 2 3 4 5; do
    s=$(curl -fsS -o /dev/null --max-time 10 -w '%{time_total}' "$url") || fail "GET $url failed"
    samples+=("$s")
  done
  printf '%s\n' "${samples[@]}" | sort -n | sed -n 3p
}

# --- 1. build and start ----------------------------------------------------------------------------
compose down -v --remove-orphans >/dev/null 2>&1 || true
ports_free
if [[ ${SMOKE_SKIP_BUILD:-0} != 1 ]]; then
  log "building the images"
  t0=$SECONDS
  quiet compose build || fail "build"
  result "build (all images)" "$((SECONDS - t0)) s"
fi

log "starting the app (1 worker)"
t0=$SECONDS
quiet timeout 180 "${COMPOSE[@]}" up -d || fail "up -d"
wait_healthy 120
result "up -d until all healthy" "$((SECONDS - t0)) s"
# Each JVM runs with the AOT cache its image was trained for (docker/aot-training.sh): the JVM maps the file only
# when it accepts it, and a JVM that rejects it (flags or JDK that do not match) starts slower and says so.
for s in rng hasher worker webui; do
  c=$(compose ps -q "$s" | head -1)
  docker exec "$c" grep -q /deployments/app.aot /proc/1/maps \
    || fail "$s does not use its AOT cache: $(compose logs "$s" 2>&1 | grep -i -m2 'aot' | tr '\n' ' ')"
done
result "AOT cache in use (rng, hasher, worker, webui)" "ok"

# --- 2. it mines -----------------------------------------------------------------------------------
read -r h0 c0 < <(wait_hashes_above 0 60)
log "hashes=$h0 coins=$c0; waiting for the counter to grow and a coin to appear"
deadline=$((SECONDS + 90))
while :; do
  read -r h c _ < <(read_json) || fail "/json did not answer"
  if ((h > h0 && c > 0)); then break; fi
  ((SECONDS < deadline)) || fail "no growth or no coin within 90 s (hashes $h0 -> $h, coins $c)"
  sleep 2
done
result "hashes grow, coins appear" "ok (hashes $h, coins $c)"

# --- 3. speed with 1 worker ------------------------------------------------------------------------
sleep 5 # past the JVMs' first, slower, requests
rate1=$(measure_rate)
result "hashes/s, 1 worker (~3.3)" "$rate1"
in_range "$rate1" 2.5 4.0 || fail "1 worker should give about 3.3 hashes/s, got $rate1"

# --- 4. ten workers: the ceiling and the latency contrast ------------------------------------------
log "scaling the worker to 10"
quiet timeout 180 "${COMPOSE[@]}" up -d --scale worker=10 || fail "up -d --scale worker=10"
wait_healthy 120
sleep 5 # let the new workers get into rng's line
rate10=$(measure_rate)
result "hashes/s, 10 workers (ceiling ~10)" "$rate10"
in_range "$rate10" 8 11 || fail "10 workers should hit the ceiling of about 10 hashes/s, got $rate10"

rng_latency=$(latency "http://localhost:$DOCKERCOINS_RNG_PORT/")
hasher_latency=$(latency "http://localhost:$DOCKERCOINS_HASHER_PORT/")
result "GET / rng, 10 workers (~0.7-0.8 s)" "${rng_latency} s"
result "GET / hasher, 10 workers (a few ms)" "${hasher_latency} s"
in_range "$rng_latency" 0.4 1.5 || fail "rng's GET / should wait in its line (~0.8 s), took $rng_latency s"
in_range "$hasher_latency" 0 0.1 || fail "hasher's GET / should take a few ms, took $hasher_latency s"

log "memory per container (docker stats)"
# shellcheck disable=SC2046
MEM=$(docker stats --no-stream --format '{{.Name}} {{.MemUsage}}' $(compose ps -q) | sort)
while read -r name usage; do result "memory $name" "$usage"; done <<<"$MEM"
for s in rng hasher worker webui; do
  img=$(image_of "$s")
  result "image $img" "$(docker image inspect -f '{{.Size}}' "$img" | awk '{printf "%.0f MB", $1/1e6}')"
done

# --- 5. down then up keeps the wallet and the counter ----------------------------------------------
read -r hk ck _ < <(read_json) || fail "/json did not answer"
log "stop (the workers write their last count on SIGTERM) at hashes=$hk coins=$ck, down, up"
t0=$SECONDS
quiet timeout 90 "${COMPOSE[@]}" stop || fail "stop"
result "stop, 10 workers (the whole app)" "$((SECONDS - t0)) s"
quiet timeout 90 "${COMPOSE[@]}" down || fail "down"
quiet timeout 180 "${COMPOSE[@]}" up -d || fail "up -d after down"
wait_healthy 120
read -r h c _ < <(read_json) || fail "/json did not answer"
((hk > 0 && h >= hk && c >= ck)) || fail "counter not kept: before down hashes=$hk coins=$ck, after up hashes=$h coins=$c"
result "kept across down/up" "ok (hashes $hk -> $h, coins $ck -> $c)"

# --- 6. down -v wipes them (done again by the trap) ------------------------------------------------
quiet timeout 90 "${COMPOSE[@]}" down -v || fail "down -v"
if docker volume inspect "${PROJECT}_redis-data" >/dev/null 2>&1; then fail "down -v left the volume"; fi
result "down -v removes the volume" "ok"

# --- 7. three rng instances, the line of docs/webui.md as typed, on a fresh up ---------------------
# Docker gives each rng any free port of the documented range: a range holding webui's or hasher's port lets an
# rng take it before they start. The line runs as a user types it (`docker compose`), in this project
# (COMPOSE_PROJECT_NAME), with this script's webui and hasher ports.
line=$(grep -m1 '^DOCKERCOINS_RNG_PORT=.* docker compose up .*--scale rng=3' docs/webui.md) \
  || fail "docs/webui.md has no 'DOCKERCOINS_RNG_PORT=... docker compose up ... --scale rng=3' line"
range=$(sed -n 's/^DOCKERCOINS_RNG_PORT=\([0-9]*-[0-9]*\) .*/\1/p' <<<"$line")
for port in 8000 8002 "$DOCKERCOINS_WEBUI_PORT" "$DOCKERCOINS_HASHER_PORT"; do
  ((port < ${range%-*} || port > ${range#*-})) || fail "docs/webui.md: rng's range $range holds port $port (webui's or hasher's)"
done
for ((port = ${range%-*}; port <= ${range#*-}; port++)); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then fail "port $port of rng's documented range is taken here"; fi
done
log "three rng instances, as docs/webui.md types it: $line"
quiet timeout 180 env COMPOSE_PROJECT_NAME="$PROJECT" bash -c "$line" || fail "$line"
wait_healthy 120
rngs=$(compose ps -q rng | wc -l)
((rngs == 3)) || fail "$line: $rngs rng containers, not 3"
for c in $(compose ps -q rng); do
  # sed reads every line (0.0.0.0:P, then :::P): `head -1` could exit before docker port's second write, and
  # with pipefail the SIGPIPE (141) would end the script under set -e without a word.
  hp=$(docker port "$c" 80/tcp | sed -n '1s/.*://p')
  ((hp >= ${range%-*} && hp <= ${range#*-})) || fail "an rng published port $hp, outside $range"
done
sleep 15 # the workers reconnect to rng every 5 s and spread over the three
rate3=$(measure_rate)
result "hashes/s, 10 workers, 3 rng (past 10)" "$rate3"
in_range "$rate3" 12 40 || fail "three rng instances should lift 10 workers past 10 hashes/s, got $rate3"

printf '\n%-44s %s\n' "DockerCoins compose smoke test" "result"
printf '%s\n' "--------------------------------------------------------------------"
printf '%s\n' "${RESULTS[@]}"
printf 'PASS in %d s\n' $((SECONDS - DC_START))
