#!/usr/bin/env bash
# What the access log (one line per request, ACCESS_LOG) costs: hasher with no delay (HASHER_DELAY=0), run from its
# packaged jar on the host, loaded with ab, with the log on and off in turn; prints requests/s and the JVM's CPU
# seconds per 1000 requests (from /proc/<pid>/stat), one line per run. The log goes to a file, as Docker's does.
#
#   ./mvnw -B -ntp -pl hasher -am package -DskipTests && bench/access-log-cost.sh      # env: ROUNDS=3 REQUESTS=20000
# Needs ab (Debian: apache2-utils).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=tests/lib.sh
source tests/lib.sh # bench_machine
JAR=hasher/target/quarkus-app/quarkus-run.jar
ROUNDS=${ROUNDS:-3} REQUESTS=${REQUESTS:-20000} PORT=${PORT:-18202}
[[ -f $JAR ]] || { echo "no $JAR: ./mvnw -B -ntp -pl hasher -am package -DskipTests" >&2; exit 1; }
command -v ab >/dev/null || { echo "ab not found: apt-get install apache2-utils" >&2; exit 1; }
body=$(mktemp); head -c 32 /dev/urandom > "$body"
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)

run() { # $1 = ACCESS_LOG value
  local log pid t0 t1 rps
  log=$(mktemp)
  ACCESS_LOG=$1 HASHER_DELAY=0 QUARKUS_HTTP_PORT=$PORT java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar "$JAR" >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do curl -fs -o /dev/null "localhost:$PORT/" && break; sleep 0.2; done
  ab -q -n 5000 -c 4 -p "$body" -T application/octet-stream "http://localhost:$PORT/" >/dev/null 2>&1   # warm-up
  t0=$(cpu_ticks $pid)
  rps=$(ab -q -n "$REQUESTS" -c 4 -p "$body" -T application/octet-stream "http://localhost:$PORT/" 2>/dev/null | awk '/Requests per second/ {print $4}')
  t1=$(cpu_ticks $pid)
  kill $pid; wait $pid 2>/dev/null || true
  printf '| %s | %s | %.2f | %s |\n' "$1" "$rps" "$(echo "($t1 - $t0) / $hz * 1000 / $REQUESTS" | bc -l)" "$(grep -c access-log "$log")"
  rm -f "$log"
}

echo "Command: \`bench/access-log-cost.sh\` — $(bench_machine); ROUNDS=$ROUNDS REQUESTS=$REQUESTS."
echo
echo "| ACCESS_LOG | requests/s | JVM CPU-s per 1000 requests | lines logged |"
echo "|---|---:|---:|---:|"
for _ in $(seq 1 "$ROUNDS"); do run true; run false; done
rm -f "$body"
