#!/usr/bin/env bash
# Time to the first hash: from `docker compose up -d` (images built, nothing running) until Redis' `hashes` counter
# is above 0, which is when a learner's chart starts to move. Each run starts clean (`down -v`).
#
#   bench/first-hash.sh                                  # the stack as docker-compose.yml runs it (REGISTRY, TAG)
#   bench/first-hash.sh --against dockercoins-java:755ac85   # ... and a second set of images, run after run, and the ratio
#   FIRST_HASH_AGAINST_FILES=bench/levers/healthchecks-before.yml bench/first-hash.sh --against dockercoins-java:755ac85
#                                                        # ... that set with the compose settings it came with
#
# Prints, per run, the seconds until `up -d` returned and until the first hash; then the median of each. The counter
# is read straight from Redis over its container's address (the host reaches it on the compose network), every 50 ms,
# so that neither webui's start nor an exec per poll is counted. Images without a healthcheck of their own (the
# original's) run with bench/foreign-images.yml, as in bench/idle-cost.sh. Images that do not exist: one line naming
# them, and nothing is started.
#
# Environment (all optional): FIRST_HASH_RUNS=3, FIRST_HASH_PROJECT=dc-first (removed at the end: down -v), first host
# port 8400, FIRST_HASH_AGAINST_FILES (compose files added for the --against set only).
set -euo pipefail
ARGS="$*"
against=""
while (($#)); do
  case $1 in
    --against=*) against=${1#--against=}; shift ;;
    --against) shift; if [[ -n ${1:-} && ${1:-} != -* ]]; then against=$1; shift; else against=dockercoins:v0.1; fi ;;
    *) echo "unknown argument $1 (bench/first-hash.sh [--against IMAGE_PREFIX:TAG])" >&2; exit 2 ;;
  esac
done
[[ -z $against || $against == ?*:?* ]] || { echo "--against $against: give IMAGE_PREFIX:TAG, e.g. dockercoins-java:755ac85" >&2; exit 2; }
export PATH=/usr/bin:$PATH

# shellcheck source=tests/lib.sh
source "$(dirname "$0")/../tests/lib.sh"
bench_image_sets "$against" 0   # SETS; exits naming any missing image
dc_init first-hash "${FIRST_HASH_PROJECT:-dc-first}" 8400
if docker compose version >/dev/null 2>&1; then COMPOSE=(docker compose -p "$DC_PROJECT"); fi
RUNS=${FIRST_HASH_RUNS:-3}
read -r -a AGAINST_FILES <<<"${FIRST_HASH_AGAINST_FILES:-}"
DC_DOWN_ARGS=(-f docker-compose.yml)
ports_free

# Redis' `hashes` counter (0 if unset), over the container's address; empty if Redis does not answer yet.
hashes_in_redis() {
  local reply=""
  {
    exec 3<>"/dev/tcp/$1/6379" || return 0
    if [[ -n ${REDIS_PASSWORD:-} ]]; then printf 'AUTH %s\r\n' "$REDIS_PASSWORD" >&3; read -r -t 1 _ <&3 || true; fi
    printf 'GET hashes\r\n' >&3
    read -r -t 1 reply <&3 || true
    if [[ $reply == '$'* && $reply != '$-1'* ]]; then read -r -t 1 reply <&3 || true; else reply=0; fi
    exec 3<&-
  } 2>/dev/null
  echo "${reply%$'\r'}"
}

# One run: "seconds to up -d's return, seconds to the first hash" for image set $1 with the compose files after it.
run() {
  local set=$1 t0 t_up ip now h
  shift
  quiet compose "$@" down -v --remove-orphans || true
  export REGISTRY=${set%:*} TAG=${set##*:}
  t0=$(date +%s.%N)
  quiet compose "$@" up -d --no-build || fail "up -d failed"
  t_up=$(date +%s.%N)
  ip=$(docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$(compose "$@" ps -q redis)")
  while :; do
    h=$(hashes_in_redis "$ip")
    now=$(date +%s.%N)
    [[ $h =~ ^[1-9][0-9]*$ ]] && break
    python3 -c "import sys; sys.exit(0 if $now - $t0 < 180 else 1)" || fail "no hash within 180 s"
    sleep 0.05
  done
  python3 -c "print('%.1f %.1f' % ($t_up - $t0, $now - $t0))"
}

echo "Command: \`bench/first-hash.sh $ARGS\` — $(bench_machine); $RUNS runs, images built, each run from nothing (down -v)."
[[ -z $against ]] || echo "Images: ours ${SETS[0]%:*}/<service>:${SETS[0]##*:}, theirs ${against%:*}/<service>:${against##*:}$(foreign "$against" && echo ' with bench/foreign-images.yml')${FIRST_HASH_AGAINST_FILES:+ with $FIRST_HASH_AGAINST_FILES}."
echo
echo "| run | images | \`up -d\` returned (s) | first hash (s) |"
echo "|---:|---|---:|---:|"
declare -A FIRST
for ((i = 1; i <= RUNS; i++)); do
  for set in "${SETS[@]}"; do
    files=(-f docker-compose.yml)
    if foreign "$set"; then files+=(-f bench/foreign-images.yml); fi
    if [[ $set != "${SETS[0]}" ]]; then for f in "${AGAINST_FILES[@]}"; do files+=(-f "$f"); done; fi
    DC_DOWN_ARGS=("${files[@]}")
    log "run $i: $set"
    read -r up first < <(run "$set" "${files[@]}")
    echo "| $i | ${set%:*}:${set##*:} | $up | $first |"
    FIRST[$set]="${FIRST[$set]:-} $first"
  done
done
echo
for set in "${SETS[@]}"; do
  echo "Median, ${set%:*}:${set##*:}: $(python3 -c "import statistics,sys; print('%.1f s' % statistics.median(map(float, sys.argv[1:])))" ${FIRST[$set]}) to the first hash (runs:${FIRST[$set]})."
done
if [[ -n $against ]]; then
  python3 -c "import statistics,sys; o, t = sys.argv[1].split(), sys.argv[2].split(); print('Ours / theirs: %.2f.' % (statistics.median(map(float, o)) / statistics.median(map(float, t))))" "${FIRST[${SETS[0]}]}" "${FIRST[$against]}"
fi
