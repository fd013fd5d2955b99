#!/usr/bin/env bash
# The whole app against a Redis that speaks only TLS (docker-compose.tls.yml, the third-party Redis of issue 13):
#   - the one-shot service makes a CA and Redis' certificate; Redis listens with TLS only;
#   - worker and webui, with REDIS_TLS=true and REDIS_TLS_CA, mine and serve /json over it;
#   - plain-text redis-cli is refused; redis-cli --tls with the CA answers;
#   - a worker given other CAs refuses the server with the one line that names REDIS_TLS_CA, and keeps retrying.
#
#   tests/compose-tls.sh          # env: TLS_PROJECT=dc-tls, TLS_SKIP_BUILD=1, DOCKERCOINS_*_PORT, REGISTRY, TAG
set -euo pipefail
# shellcheck source=tests/lib.sh
source "$(dirname "$0")/lib.sh"
DC_DOWN_ARGS=(-f docker-compose.yml -f docker-compose.tls.yml)
dc_init tls "${TLS_PROJECT:-dc-tls}"
COMPOSE+=(-f docker-compose.yml -f docker-compose.tls.yml)

compose down -v --remove-orphans >/dev/null 2>&1 || true
ports_free
if [[ ${TLS_SKIP_BUILD:-0} != 1 ]]; then quiet timeout 1800 "${COMPOSE[@]}" build || fail "build"; fi
log "starting the app against a TLS-only Redis"
quiet timeout 300 "${COMPOSE[@]}" up -d || fail "up -d"
wait_healthy 240
wait_mining 120 "no mining over TLS within 120 s"
h1=$(json_hashes); sleep 4; h2=$(json_hashes)
((${h2:-0} > ${h1:-0})) || fail "the counter does not grow over TLS ($h1 -> $h2)"
log "mining over TLS: /json hashes $h1 -> $h2"

redis=$(compose ps -q redis)
plain=$(docker exec "$redis" redis-cli -p 6379 ping 2>&1 || true)
[[ $plain != *PONG* ]] || fail "Redis answered a plain-text PING: $plain"
tls=$(docker exec "$redis" redis-cli --tls --cacert /tls/ca.crt get hashes 2>&1 || true)
[[ $tls =~ ^[0-9]+$ ]] || fail "redis-cli --tls: $tls"
log "plain-text PING refused ($(tr '\n' ' ' <<<"$plain" | cut -c1-60)), redis-cli --tls: hashes=$tls"

# A worker that trusts other CAs: the system's bundle of public CAs never signed our demo certificate.
wrong_ca="${DC_PROJECT}-wrong-ca"
dc_before_cleanup() { docker rm -f "$wrong_ca" >/dev/null 2>&1; }
network=$(docker inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}}{{end}}' "$redis")
docker run -d --name "$wrong_ca" --network "$network" -e REDIS_TLS=true -e REDIS_TLS_CA=/etc/ssl/certs/ca-certificates.crt \
  "$(image_of worker)" >/dev/null
wrong=""
for _ in $(seq 1 60); do
  wrong=$(docker logs "$wrong_ca" 2>&1 | grep -m1 'redis unavailable' || true)
  [[ -z $wrong ]] || break
  sleep 1
done
docker rm -f "$wrong_ca" >/dev/null
[[ $wrong == *"is not signed by the CA of REDIS_TLS_CA=/etc/ssl/certs/ca-certificates.crt"*"set REDIS_TLS_CA"* ]] || fail "a worker with the wrong CA said: ${wrong:-nothing in 60 s}"
log "a worker without our CA logs: ${wrong##*WARN*] }"
log "PASS"
