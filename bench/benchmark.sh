#!/usr/bin/env bash
# Benchmark of DockerCoins for Java on this machine, in one run (about 12-15 minutes), with Docker Compose:
#   1. fidelity:  hashes/s with 1, 2, 5, 10, 20 workers (default settings) against the model
#                 min(3.33 x workers, 10 x rng instances), with one rng and with two;
#   2. overhead:  every delay at 0 and rng unlimited (bench/turbo.yml): workers added until hashes/s
#                 stops rising; the highest hashes/s and the CPU-seconds per 1000 hashes (all containers);
#   3. footprint: memory of each service idle and at 10 workers, start-up time to ready, image sizes.
# Prints the tables and writes them into bench/results.md between its markers (<!-- BEGIN bench/benchmark.sh ... -->
# and <!-- END bench/benchmark.sh -->), leaving the hand-kept sections around them as they are.
#
#   bench/benchmark.sh                  # builds the images first if they are missing
#
# Environment (all optional):
#   BENCH_PROJECT=dc-load               compose project (everything it creates is removed at the end: down -v)
#   DOCKERCOINS_WEBUI_PORT=8200 DOCKERCOINS_RNG_PORT=8201 DOCKERCOINS_HASHER_PORT=8202   host ports
#   BENCH_MEASURE=20                    seconds of each measurement
#   BENCH_BUILD=1                       rebuild the images even if they exist
#   BENCH_OUT=bench/results.md          the file whose marked section the tables replace (added at its end if unmarked)
#   BENCH_WORKERS="1 2 5 10 20"         worker counts of the fidelity table with one rng (10 is needed for memory)
#   BENCH_TWO_RNGS=1                    0 skips the 2-rng rows (a shorter run)
# CPU time is read twice: the containers' own (their cgroups: cpuacct.usage on cgroup v1, cpu.stat on v2), and the
# whole machine's (/proc/stat: the containers plus what runs on their behalf, dockerd, containerd, runc, the
# healthchecks' execs, the kernel's network path); nothing else should run meanwhile. Memory is the JVM's (or
# redis') resident set, VmRSS of PID 1 in each container, and the cgroup's memory usage beside it.
# bench/idle-cost.sh breaks the machine's CPU at 10 workers down further, one lever at a time.
set -euo pipefail
# shellcheck source=tests/lib.sh
source "$(dirname "$0")/../tests/lib.sh"
dc_init bench "${BENCH_PROJECT:-dc-load}" 8200
PROJECT=$DC_PROJECT
MEASURE=${BENCH_MEASURE:-20}
OUT=${BENCH_OUT:-bench/results.md}
# compose, quiet unless it fails (then its output and the reason the benchmark stops)
DC=(dc)
dc() {
  local out
  if ! out=$("${COMPOSE[@]}" "$@" 2>&1); then
    printf '%s\n' "$out" >&2
    printf '[bench] FAILED: %s %s\n' "${COMPOSE[*]}" "$*" >&2
    return 1
  fi
}
BASE=(-f docker-compose.yml)
TWO=(-f docker-compose.yml -f bench/two-rngs.yml)
TURBO=(-f docker-compose.yml -f bench/turbo.yml)
DC_DOWN_ARGS=("${TWO[@]}")
dc_before_cleanup() { (($1 == 0)) || log "stopped on an error (exit $1)"; }

# ---------- helpers ----------
load() { cut -d' ' -f1-3 /proc/loadavg; }
containers() { docker ps -q --filter "label=com.docker.compose.project=$PROJECT" "$@"; }
service_containers() { containers --filter "label=com.docker.compose.service=$1"; }
HZ=$(getconf CLK_TCK)
cpu_all_ns() { local t=0 c; for c in $(docker inspect -f '{{.Id}}' $(containers)); do t=$((t + $(container_cpu_ns "$c"))); done; echo $t; }
rss_mib() { docker exec "$1" cat /proc/1/status | awk '/^VmRSS/ {printf "%.0f", $2 / 1024}'; }
cgmem_mib() { docker stats --no-stream --format '{{.MemUsage}}' "$1" | awk '{print $1}'; }
# hashes and now from webui's /json
json() { curl -sf --max-time 3 "$WEBUI/json"; }
hashes_now() { json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(float(d["hashes"] or 0), d["now"])'; }
# hashes/s over $1 seconds (webui's counter: the workers add to it every second), the CPU-seconds of every
# container of the project and those of the whole machine during the same window: prints "rate cpu machine"
measure() {
  local secs=$1 h1 t1 h2 t2 c1 c2 m1 m2
  c1=$(cpu_all_ns); m1=$(machine_ticks); read -r h1 t1 < <(hashes_now)
  sleep "$secs"
  c2=$(cpu_all_ns); m2=$(machine_ticks); read -r h2 t2 < <(hashes_now)
  python3 -c "print('%.1f %.2f %.2f' % (($h2-$h1)/($t2-$t1), ($c2-$c1)/1e9, ($m2-$m1)/$HZ))"
}
# every container of the project has been healthy at least once (or has no healthcheck), at most $1 s
# (not tests/lib.sh's wait_healthy, which fails on the first unhealthy check).
# "At least once": on a crowded machine a later healthcheck may time out (3 s) without the service being
# down; the measurement itself (webui's counter) shows whether the workers work.
declare -A SEEN_HEALTHY
wait_seen_healthy() {
  local deadline=$((SECONDS + ${1:-180})) bad name status
  while :; do
    bad=0
    while read -r name status; do
      [[ $status == healthy || $status == none ]] && SEEN_HEALTHY[$name]=1
      [[ -n ${SEEN_HEALTHY[$name]:-} ]] || bad=1
    done < <(docker inspect -f '{{.Id}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' $(containers))
    ((bad == 0)) && return 0
    if ((SECONDS > deadline)); then
      log "not healthy after ${1:-180}s"
      docker ps --filter "label=com.docker.compose.project=$PROJECT" >&2
      return 1
    fi
    sleep 2
  done
}
# scale the workers (with the compose files given after the count) and wait until all are ready.
# --no-deps: rng, hasher and redis are up already; on a crowded machine their healthcheck can time out
# now and then, and compose would then refuse to start workers (depends_on: service_healthy).
workers() {
  local n=$1; shift
  "${DC[@]}" "$@" up -d --no-deps --no-recreate --scale worker="$n" worker
  wait_seen_healthy 240 || log "measuring anyway: the rate shows what the workers that run do"
  sleep 4   # a worker's first report reaches Redis after ~1 s; let the rate settle
}
# seconds from `docker start` to the first 200 of /q/health/ready, and what Quarkus logged ("started in X.XXXs")
startup() {
  local c=$1 t0 ready started
  docker stop -t 10 "$c" >/dev/null
  t0=$(date +%s)
  ready=$(ready_after_start "$c")
  started=$(docker logs --since "$t0" "$c" 2>&1 | grep -o 'started in [0-9.]*s' | tail -1 | grep -o '[0-9.]\+' || true)
  echo "$ready s (${started:-"-"}${started:+ s})"
}
rng_served() { # requests served by one rng container (its Prometheus counter of bytes / 32)
  docker exec "$1" bash -c 'exec 3<>/dev/tcp/127.0.0.1/80 && printf "GET /q/metrics HTTP/1.0\r\n\r\n" >&3 && cat <&3' \
    | awk '/^rng_bytes_served_bytes_total/ {printf "%.0f", $2 / 32}'
}

# ---------- images ----------
need_build=${BENCH_BUILD:-0}
for s in rng hasher worker webui; do
  docker image inspect "$(image_of "$s")" >/dev/null 2>&1 || need_build=1
done
if [[ $need_build == 1 ]]; then
  log "building the images (docker compose build)"
  "${DC[@]}" "${BASE[@]}" build
fi

R="$(mktemp)"
emit() { printf '%s\n' "$*" | tee -a "$R"; }
emit "## Benchmark results"
emit ""
emit "Command: \`bench/benchmark.sh\` — $(bench_machine) at the start."
emit "Each rate is measured over ${MEASURE} s from webui's \`/json\` counter; CPU is every container of the stack (cgroup), and the whole machine's (/proc/stat) where it says so."

# ---------- start: one rng, no workers ----------
log "clean start (down -v, up rng hasher redis webui)"
"${DC[@]}" "${TWO[@]}" down -v --remove-orphans || true
"${DC[@]}" "${BASE[@]}" up -d rng hasher redis webui
wait_seen_healthy 240
sleep 5

# ---------- footprint: idle memory and start-up ----------
declare -A IDLE_RSS IDLE_CG BUSY_RSS BUSY_CG START_T
for s in rng hasher webui redis; do
  c=$(service_containers $s | head -1)
  IDLE_RSS[$s]=$(rss_mib "$c"); IDLE_CG[$s]=$(cgmem_mib "$c")
done
log "start-up times (docker stop, docker start, until /q/health/ready answers 200)"
for s in rng hasher webui; do
  START_T[$s]=$(startup "$(service_containers $s | head -1)")
done
wait_seen_healthy 120

# ---------- fidelity: 1 rng ----------
declare -A RATE CPU MACHINE SPREAD
emit ""
emit "### 1. Fidelity: hashes/s against the model min(3.33 x workers, 10 x rng instances)"
emit ""
emit "| workers | rng instances | measured hashes/s | model | measured / model | original (same machine) | load avg |"
emit "|---:|---:|---:|---:|---:|---|---|"
original() { case "$1/$2" in 1/1) echo "3.2";; 10/1) echo "9.9";; *) echo "";; esac; }
row() { # workers rngs rate
  local model; model=$(python3 -c "print('%.1f' % min(10/3*$1, 10*$2))")
  emit "| $1 | $2 | $3 | $model | $(python3 -c "print('%.2f' % ($3/$model))") | $(original $1 $2) | $(load) |"
}
for w in ${BENCH_WORKERS:-1 2 5 10 20}; do
  log "fidelity: $w workers, 1 rng"
  workers $w "${BASE[@]}"
  if [[ $w == 1 ]]; then
    c=$(service_containers worker | head -1)
    IDLE_RSS[worker]=$(rss_mib "$c"); IDLE_CG[worker]=$(cgmem_mib "$c")
  fi
  read -r rate cpu machine < <(measure "$MEASURE")
  if [[ $w == 1 ]]; then START_T[worker]=$(startup "$c"); SEEN_HEALTHY=(); wait_seen_healthy 120; fi
  RATE[$w/1]=$rate; CPU[$w/1]=$cpu; MACHINE[$w/1]=$machine
  row $w 1 "$rate"
  if [[ $w == 10 ]]; then   # memory at 10 workers
    for s in rng hasher webui redis; do
      c=$(service_containers $s | head -1); BUSY_RSS[$s]=$(rss_mib "$c"); BUSY_CG[$s]=$(cgmem_mib "$c")
    done
    tot=0 n=0 cg=""
    for c in $(service_containers worker); do tot=$((tot + $(rss_mib "$c"))); n=$((n + 1)); done
    BUSY_RSS[worker]=$((tot / n)); BUSY_CG[worker]=$(cgmem_mib "$(service_containers worker | head -1)")
  fi
done

if [[ ${BENCH_TWO_RNGS:-1} == 1 ]]; then
# ---------- fidelity: 2 rngs ----------
log "fidelity: 2 rngs (bench/two-rngs.yml: rng2 with the network alias rng)"
"${DC[@]}" "${TWO[@]}" up -d --scale worker=0 rng2
"${DC[@]}" "${TWO[@]}" up -d --scale worker=0 worker || true
wait_seen_healthy 120
rng1=$(service_containers rng | head -1); rng2=$(service_containers rng2 | head -1)
for w in 10 20; do
  log "fidelity: $w workers, 2 rngs"
  workers $w "${TWO[@]}"
  a1=$(rng_served "$rng1"); b1=$(rng_served "$rng2")
  read -r rate cpu _ < <(measure "$MEASURE")
  a2=$(rng_served "$rng1"); b2=$(rng_served "$rng2")
  RATE[$w/2]=$rate
  row $w 2 "$rate"
  SPREAD[$w]="rng $((a2 - a1)), rng2 $((b2 - b1))"
done
emit ""
emit "Requests served by each rng during the 2-rng measurements (DNS round-robin on the alias \`rng\`): 10 workers: ${SPREAD[10]}; 20 workers: ${SPREAD[20]}."
fi
emit "CPU at default settings, 10 workers, 1 rng: $(python3 -c "r=${RATE[10/1]}; c=${CPU[10/1]}; m=${MACHINE[10/1]}; print('the containers %.2f CPU-s over %d s = %.1f CPU-s per 1000 hashes (original: 6.1); the whole machine %.2f CPU-s = %.1f per 1000 hashes, %.2f cores (original: 16.5, 0.16 cores)' % (c, $MEASURE, c/(r*$MEASURE)*1000, m, m/(r*$MEASURE)*1000, m/$MEASURE))")."

# ---------- overhead: turbo ----------
emit ""
emit "### 2. Overhead: every delay at 0, rng unlimited (bench/turbo.yml)"
emit ""
emit "| workers | hashes/s | CPU-s per 1000 hashes (containers) | CPU used (cores of $(nproc), containers) | machine CPU-s per 1000 hashes | load avg |"
emit "|---:|---:|---:|---:|---:|---|"
log "overhead: recreate rng, hasher, worker with every delay at 0"
"${DC[@]}" "${TWO[@]}" rm -sf rng2 || true
"${DC[@]}" "${TURBO[@]}" up -d --scale worker=0
"${DC[@]}" "${TURBO[@]}" up -d --remove-orphans --scale worker=0 rng hasher redis webui
wait_seen_healthy 180
best=0 best_w=0 best_cpu=0 prev=0
for w in 1 2 4 8 16; do
  log "overhead: $w workers"
  workers $w "${TURBO[@]}"
  sleep 6   # JIT warm-up under load
  read -r rate cpu machine < <(measure "$MEASURE")
  per1000=$(python3 -c "print('%.2f' % ($cpu/($rate*$MEASURE)*1000 if $rate > 0 else 0))")
  emit "| $w | $rate | $per1000 | $(python3 -c "print('%.2f' % ($cpu/$MEASURE))") | $(python3 -c "print('%.2f' % ($machine/($rate*$MEASURE)*1000 if $rate > 0 else 0))") | $(load) |"
  if python3 -c "import sys; sys.exit(0 if $rate > $best else 1)"; then best=$rate best_w=$w best_cpu=$per1000; fi
  # stop once adding workers no longer adds 5%
  python3 -c "import sys; sys.exit(0 if $prev > 0 and $rate < $prev * 1.05 else 1)" && break
  prev=$rate
done
emit ""
emit "Highest: **$best hashes/s** with $best_w workers, **$best_cpu CPU-s per 1000 hashes** (original: about 320 hashes/s and 3.1 CPU-s per 1000 hashes here)."

# ---------- footprint table ----------
log "footprint: image sizes"
emit ""
emit "### 3. Footprint"
emit ""
emit "| service | RSS idle (MiB) | RSS at 10 workers (MiB) | container memory idle / at 10 workers | start-up to ready (Quarkus' \"started in\") | image size | original RSS |"
emit "|---|---:|---:|---|---|---:|---:|"
orig_rss() { case $1 in rng) echo 22;; hasher) echo 24;; worker) echo 22;; webui) echo 33;; redis) echo 4;; esac; }
for s in rng hasher worker webui redis; do
  if [[ $s == redis ]]; then img=redis:7; else img=$(image_of "$s"); fi
  size=$(docker image inspect -f '{{.Size}}' "$img")
  emit "| $s | ${IDLE_RSS[$s]} | ${BUSY_RSS[$s]} | ${IDLE_CG[$s]} / ${BUSY_CG[$s]} | ${START_T[$s]:--} | $(python3 -c "print('%.0f MB' % ($size/1e6))") | $(orig_rss $s) |"
done
emit ""
emit "Worker: idle = one worker just ready (it works at 3.3 loops/s); at 10 workers = the mean of the ten."
emit "Image sizes as \`docker image inspect\` gives them, every layer included; what is shared and what a learner downloads: \`bench/image-size.sh\`."
emit ""
emit "Whole run: $((SECONDS - DC_START)) s; load average at the end: $(load)."
mkdir -p "$(dirname "$OUT")"
write_between_markers "$OUT" bench/benchmark.sh "$R"
rm -f "$R"
log "results written to $OUT, between its bench/benchmark.sh markers"
