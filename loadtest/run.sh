#!/usr/bin/env bash
# The load test from the host, against the app run by Docker Compose (or anything listening there).
#
#   loadtest/run.sh rng                          # GET /32 on rng, 1, 10 then 50 concurrent clients, 30 s each
#   loadtest/run.sh rng --users 10 --duration 60s
#   loadtest/run.sh hasher --users 1,10,50       # POST / with 32-byte bodies
#   loadtest/run.sh rng --rate 5,10,20           # open model: requests per second instead of clients
#   loadtest/run.sh app --users 1,2,5,10         # virtual workers, plus the speed read from webui
#   loadtest/run.sh --help                       # every option
#
# URLs: http://localhost:8001 (rng), :8002 (hasher), :8000 (webui), or the DOCKERCOINS_*_PORT given to
# compose, or --rng/--hasher/--webui/--url. Builds the module first when its sources changed (JDK 17+).
# Ends with a one-screen summary; Gatling's HTML report goes to loadtest/target/gatling/<run>/index.html.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
jar=$here/target/loadtest.jar
if [[ ! -f $jar || -n $(find "$here/src" "$here/pom.xml" -newer "$jar" -print -quit) ]]; then
  echo "building loadtest/ (./mvnw -pl loadtest package)" >&2
  (cd "$here/.." && ./mvnw -B -q -ntp -pl loadtest package -DskipTests)
fi
export LOADTEST_RNG_URL=${LOADTEST_RNG_URL:-http://localhost:${DOCKERCOINS_RNG_PORT:-8001}}
export LOADTEST_HASHER_URL=${LOADTEST_HASHER_URL:-http://localhost:${DOCKERCOINS_HASHER_PORT:-8002}}
export LOADTEST_WEBUI_URL=${LOADTEST_WEBUI_URL:-http://localhost:${DOCKERCOINS_WEBUI_PORT:-8000}}
export LOADTEST_RESULTS=${LOADTEST_RESULTS:-$here/target/gatling}
exec java ${LOADTEST_JAVA_OPTS:-} -jar "$jar" "$@"
