#!/usr/bin/env bash
# The training run behind the image's AOT cache (../Dockerfile, JDK 24+: JEP 483 and 515). At build time, in the
# run-time image itself (a cache is only valid for the JVM that made it), the service is started once with the
# image's JAVA_OPTS, sent the requests it serves in the app, and stopped; the JVM then writes
# /deployments/app.aot: the classes it loaded, already parsed and linked, and the profiles of the methods it ran.
# docker/entrypoint.sh passes -XX:AOTCache when that file is there: the service is ready sooner, with less memory
# of its own (measured in bench/results.md). Without the file, or on a JVM that cannot use it (other flags,
# another JDK), the JVM starts as it would have without it.
#
#   aot-training <service>      # rng, hasher, worker, webui; any other name (report, operator): nothing to do
#
# Nothing here needs Redis, rng or hasher: the worker's calls fail and it backs off, webui's /json answers 503;
# both paths are what the services load at start in the app too.
set -euo pipefail
service=$1
cache=/deployments/app.aot
port=8089
log=/tmp/aot-training.log

case $service in
  rng | hasher | worker | webui) ;;
  *) echo "aot-training: no training run for $service (not a long-running HTTP service)"; exit 0 ;;
esac
# shellcheck disable=SC2086  # JAVA_OPTS holds several options
if ! java -XX:AOTMode=off -version >/dev/null 2>&1; then
  echo "aot-training: this JVM has no AOT cache (JDK 24 or later); the image runs without one"
  exit 0
fi

# One HTTP/1.0 request over bash's /dev/tcp: $1 method, $2 path, $3 body (optional). Prints the status line.
request() {
  local status body=${3:-}
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  printf '%s %s HTTP/1.0\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n%s' \
    "$1" "$2" "${#body}" "$body" >&3
  read -r status <&3 || true
  cat <&3 >/dev/null || true
  exec 3<&-
  echo "$1 $2: ${status%$'\r'}" >>"$log"
}

cd /deployments
# shellcheck disable=SC2086
# -AOTRecordTraining: no method profiles in the cache (JEP 515): only C2 reads them, and the images stop at C1
# (-XX:TieredStopAtLevel=1), so they would be pages mapped and never used.
java $JAVA_OPTS -XX:+UnlockDiagnosticVMOptions -XX:-AOTRecordTraining -XX:AOTCacheOutput="$cache" -Xlog:aot=off -Xlog:cds=off \
  -Dquarkus.http.port=$port -jar quarkus-run.jar >"$log" 2>&1 &
pid=$!
for _ in $(seq 1 300); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
  kill -0 $pid 2>/dev/null || { cat "$log"; echo "aot-training: $service exited during its training run"; exit 1; }
  sleep 0.1
done
for _ in $(seq 1 30); do
  case $service in
    rng) request GET /32; request GET / ;;
    hasher) request POST / "dockercoins-aot-training-$RANDOM" ;;
    webui) request GET /; request GET /json; request GET /webui.js; request GET /webui.css ;;
    worker) sleep 0.1 ;;   # its loop runs by itself (and fails: there is no rng here)
  esac
  request GET /q/health/ready
done
request GET /q/health/live
request GET /q/metrics
kill -TERM $pid
wait $pid || true   # the JVM writes the cache as it exits
if [[ ! -s $cache ]]; then
  cat "$log"
  echo "aot-training: the JVM wrote no $cache"
  exit 1
fi
echo "aot-training: $service: $(du -h "$cache" | cut -f1) $cache"
rm -f "$log"
