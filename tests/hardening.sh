#!/usr/bin/env bash
# Hardening checks (issue 7), on the compose stack started WITH a Redis password:
#   - worker and webui honour REDIS_PASSWORD (the app mines), redis-cli without the password is refused;
#   - every DockerCoins container runs as a numeric non-root user, with no added capability, not privileged;
#   - Redis is not published on the host;
#   - nothing secret is baked into an image (history and environment), the password is not in any image.
# (The drill runs the same stack without a password: empty REDIS_PASSWORD means no AUTH.)
#
#   tests/hardening.sh            # env: HARDEN_PROJECT=dc-harden, HARDEN_SKIP_BUILD=1, DOCKERCOINS_*_PORT, REGISTRY, TAG
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/usr/bin:$PATH DOCKER_BUILDKIT=1 COMPOSE_DOCKER_CLI_BUILD=1
PROJECT=${HARDEN_PROJECT:-dc-harden}
export DOCKERCOINS_WEBUI_PORT=${DOCKERCOINS_WEBUI_PORT:-8000} DOCKERCOINS_RNG_PORT=${DOCKERCOINS_RNG_PORT:-8001} \
  DOCKERCOINS_HASHER_PORT=${DOCKERCOINS_HASHER_PORT:-8002}
REDIS_PASSWORD="drill-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
export REDIS_PASSWORD
if command -v docker-compose >/dev/null 2>&1; then COMPOSE=(docker-compose -p "$PROJECT"); else COMPOSE=(docker compose -p "$PROJECT"); fi
compose() { "${COMPOSE[@]}" "$@"; }
START=$SECONDS
log() { printf '[harden %4ds] %s\n' $((SECONDS - START)) "$*" >&2; }
FAILS=()
problem() { FAILS+=("$*"); log "FAIL: $*"; }
fatal() { log "FAIL: $*"; compose ps >&2 || true; compose logs --tail=30 >&2 || true; exit 1; }
cleanup() {
  local rc=$?
  timeout 120 "${COMPOSE[@]}" down -v --remove-orphans >/dev/null 2>&1 || true
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
trap 'log "FAIL: unexpected error on line $LINENO: $BASH_COMMAND"' ERR
ROWS=()
row() { ROWS+=("$(printf '| %s | %s | %s |' "$1" "$2" "$3")"); }

compose down -v --remove-orphans >/dev/null 2>&1 || true
if [[ ${HARDEN_SKIP_BUILD:-0} != 1 ]]; then timeout 1800 "${COMPOSE[@]}" build >/dev/null || fatal "build"; fi
log "starting the app with REDIS_PASSWORD set"
timeout 300 "${COMPOSE[@]}" up -d >/dev/null 2>&1 || fatal "up -d"

json() { { curl -fsS --max-time 5 "http://localhost:$DOCKERCOINS_WEBUI_PORT/json" 2>/dev/null || true; } | sed -n 's/.*"hashes": *"\{0,1\}\([0-9][0-9]*\).*/\1/p'; }
deadline=$((SECONDS + 240))
until [[ $(json) =~ ^[1-9] ]]; do ((SECONDS < deadline)) || fatal "no mining with a Redis password within 240 s"; sleep 2; done
h1=$(json); sleep 4; h2=$(json)
if ((${h2:-0} > ${h1:-0})); then row "REDIS_PASSWORD set: worker and webui authenticate" "mining, /json $h1 -> $h2" PASS
else problem "no growth with a password ($h1 -> $h2)"; row "REDIS_PASSWORD set" "$h1 -> $h2" FAIL; fi

redis=$(compose ps -q redis)
noauth=$(docker exec "$redis" redis-cli get hashes 2>&1 || true)
if [[ $noauth == *NOAUTH* ]]; then row "redis-cli without the password" "$noauth" PASS
else problem "redis answered without the password: $noauth"; row "redis-cli without the password" "$noauth" FAIL; fi
withauth=$(docker exec -e REDISCLI_AUTH="$REDIS_PASSWORD" "$redis" redis-cli get hashes 2>&1 || true)
row "redis-cli with REDISCLI_AUTH" "hashes=$withauth" "$([[ $withauth =~ ^[0-9]+$ ]] && echo PASS || { problem "with auth: $withauth"; echo FAIL; })"

port=$(compose port redis 6379 2>/dev/null || true)
if [[ -z $port || $port == ":0" ]]; then row "Redis not published on the host" "compose port redis 6379: (none)" PASS
else problem "redis is published on $port"; row "Redis not published on the host" "$port" FAIL; fi

for svc in rng hasher worker webui redis; do
  cid=$(compose ps -q "$svc" | head -1)
  IFS='|' read -r user caps priv < <(docker inspect -f '{{.Config.User}}|{{.HostConfig.CapAdd}}|{{.HostConfig.Privileged}}' "$cid")
  proc_user=$(docker exec "$cid" sh -c 'while read -r k uid _; do [ "$k" = Uid: ] && echo "$uid"; done < /proc/1/status' 2>/dev/null || true)
  detail="Config.User=${user:-(none)}, uid of PID 1=${proc_user:-?}, CapAdd=$caps, Privileged=$priv"
  verdict=PASS
  if [[ $caps != "[]" && $caps != "<no value>" ]] || [[ $priv != false ]]; then verdict=FAIL; problem "$svc: $detail"; fi
  if [[ $svc != redis ]]; then
    if ! [[ $user =~ ^[1-9][0-9]*(:[0-9]+)?$ ]] || [[ $proc_user == 0 ]]; then verdict=FAIL; problem "$svc runs as '${user}' ($proc_user)"; fi
  elif [[ $proc_user == 0 ]]; then
    verdict="WARN (this machine's redis:7 stand-in runs as root; the official image drops to the redis user with gosu)"
  fi
  row "$svc: non-root, no extra capability" "$detail" "$verdict"
done

for svc in rng hasher worker webui; do
  img=$(docker inspect -f '{{.Config.Image}}' "$(compose ps -q "$svc" | head -1)")
  hist=$(docker history --no-trunc --format '{{.CreatedBy}}' "$img"; docker image inspect -f '{{range .Config.Env}}{{println .}}{{end}}' "$img")
  secret=$(grep -iE '(password|passwd|secret|token|api[_-]?key|private[_-]?key)[^ ]*=[^ "]+' <<<"$hist" | grep -v '^PATH=' || true)
  if [[ -n $secret ]] || grep -qF "$REDIS_PASSWORD" <<<"$hist"; then problem "$img: $secret"; row "$img: no secret in history/env" "$secret" FAIL
  else row "$img: no secret in history/env" "$(wc -l <<<"$hist") lines checked" PASS; fi
done
# The password is a run-time value: it shows in `docker inspect` of the running containers (env, redis' command), not in images.

printf '\n| check | found | verdict |\n|---|---|---|\n'
printf '%s\n' "${ROWS[@]}"
if ((${#FAILS[@]})); then printf '\nFAIL (%d):\n' "${#FAILS[@]}"; printf '  %s\n' "${FAILS[@]}"; exit 1; fi
printf '\nPASS in %d s\n' $((SECONDS - START))
