#!/usr/bin/env bash
# What the stack costs the machine while it mines at the ceiling: ten workers (10 hashes/s) under Docker Compose,
# each configuration measured the same way, one after the other, so that levers can be compared one at a time.
#
#   bench/idle-cost.sh                                   # the stack as docker-compose.yml runs it
#   bench/idle-cost.sh bench/levers/no-worker-healthcheck.yml bench/levers/jvm-1cpu.yml
#                                                        # the stack as it is, then with each lever alone
#   IDLE_STARTUP=1 bench/idle-cost.sh                    # also start-up to ready of rng and of one worker
#
# For each configuration it prints one row: hashes/s; the WHOLE machine's CPU (from /proc/stat: everything, the
# kernel's network path, dockerd, containerd, the shims, runc and the healthcheck execs included) in cores and in
# CPU-seconds per 1000 hashes; the containers' own CPU (their cgroups) likewise; what dockerd, containerd and the
# shims took; the memory of each service (VmRSS of PID 1, and in brackets its private part, RssAnon: the rest is
# files mapped from the image, which containers of one image share). Nothing else should run on the machine:
# the figures are the machine's, and a build or a browser next to it is counted too. The first line is the
# machine with no container at all (the floor every row includes).
#
# Environment (all optional):
#   IDLE_WORKERS=10      workers          IDLE_SETTLE=45   seconds after the workers are up (JIT warm-up)
#   IDLE_MEASURE=60      seconds measured IDLE_STARTUP=0   1: start-up to ready of rng and of a worker, from `docker start`
#   IDLE_FLOOR=1         0: skip the empty-machine line
#   IDLE_PROJECT=dc-idle (removed at the end: down -v)     first host port 8300
set -euo pipefail
# shellcheck source=tests/lib.sh
source "$(dirname "$0")/../tests/lib.sh"
dc_init idle "${IDLE_PROJECT:-dc-idle}" 8300
WORKERS=${IDLE_WORKERS:-10}
SETTLE=${IDLE_SETTLE:-45}
MEASURE=${IDLE_MEASURE:-60}
HZ=$(getconf CLK_TCK)
CURRENT=(-f docker-compose.yml)
DC_DOWN_ARGS=(-f docker-compose.yml)

quiet() { local out; out=$("$@" 2>&1) || { printf '%s\n' "$out" >&2; return 1; }; }
containers() { docker ps -q --filter "label=com.docker.compose.project=$DC_PROJECT" "$@"; }
of_service() { containers --filter "label=com.docker.compose.service=$1"; }
containers_ns() { local t=0 id; for id in $(docker inspect -f '{{.Id}}' $(containers)); do t=$((t + $(container_cpu_ns "$id"))); done; echo $t; }
# utime+stime ticks of the processes whose command name matches $1 (dockerd, containerd, containerd-shim...)
proc_ticks() {
  local t=0 p
  for p in $(pgrep -x "$1" || true); do
    t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  echo $t
}
daemons_ticks() { echo "$(proc_ticks dockerd) $(proc_ticks containerd) $(proc_ticks containerd-shim) $(proc_ticks docker-proxy)"; }
hashes_now() { curl -sf --max-time 3 "$WEBUI/json" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(float(d["hashes"] or 0), d["now"])'; }
# "VmRSS RssAnon" of a container's PID 1, in KiB: all it has in memory, and its private part (the rest is files
# mapped from the image, libjvm and the AOT cache, whose pages containers of the same image share)
rss_of() { awk '/^(VmRSS|RssAnon)/ {printf "%s ", $2}' "/proc/$(docker inspect -f '{{.State.Pid}}' "$1")/status"; }
rss_service() {   # "VmRSS (private)" in MiB, the mean over the service's containers, or "-"
  local n=0 t=0 a=0 c vm anon
  for c in $(of_service "$1"); do read -r vm anon < <(rss_of "$c"); t=$((t + vm)); a=$((a + anon)); n=$((n + 1)); done
  ((n > 0)) && echo "$((t / n / 1024)) ($((a / n / 1024)))" || echo -
}
startup() { docker stop -t 10 "$1" >/dev/null; ready_after_start "$1"; }
# every container running, and healthy where its healthcheck has run (a lever may space the workers' checks out)
wait_running() {
  local deadline=$((SECONDS + 240))
  while docker inspect -f '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}healthy{{end}} {{index .Config.Labels "com.docker.compose.service"}}' $(containers) \
      | grep -v '^running healthy ' | grep -qv '^running starting worker$'; do
    ((SECONDS < deadline)) || fail "containers not running and healthy within 240 s"
    sleep 2
  done
}

# One measurement over MEASURE seconds: prints the table row for label $1.
measure() {
  local label=$1 m1 m2 c1 c2 d1 d2 h1 t1 h2 t2
  read -r h1 t1 < <(hashes_now); m1=$(machine_ticks); c1=$(containers_ns); d1=$(daemons_ticks)
  sleep "$MEASURE"
  read -r h2 t2 < <(hashes_now); m2=$(machine_ticks); c2=$(containers_ns); d2=$(daemons_ticks)
  python3 - "$label" "$h1" "$t1" "$h2" "$t2" "$m1" "$m2" "$c1" "$c2" "$d1" "$d2" "$HZ" \
    "$(rss_service rng)" "$(rss_service hasher)" "$(rss_service worker)" "$(rss_service webui)" "$(rss_service redis)" "${2:--}" <<'EOF'
import sys
label, h1, t1, h2, t2, m1, m2, c1, c2, d1, d2, hz = sys.argv[1:13]
rss = sys.argv[13:18]; start = sys.argv[18]
hz = float(hz); secs = float(t2) - float(t1)
rate = (float(h2) - float(h1)) / secs
machine = (float(m2) - float(m1)) / hz / secs          # cores
cont = (float(c2) - float(c1)) / 1e9 / secs
dd = [(float(b) - float(a)) / hz / secs for a, b in zip(d1.split(), d2.split())]
per1000 = lambda cores: cores / rate * 1000 if rate > 0 else float('nan')
print('| %s | %.1f | %.3f | %.1f | %.3f | %.1f | %.3f | %.3f | %.3f | %.3f | %s | %s | %s |' % (
    label, rate, machine, per1000(machine), cont, per1000(cont), dd[0], dd[1], dd[2],
    machine - cont - sum(dd), ' / '.join(rss[:4]), rss[4], start))
EOF
}

echo "Command: \`bench/idle-cost.sh $*\` — $(bench_machine); ${WORKERS} workers, ${SETTLE} s settle, ${MEASURE} s measured."
echo
echo "| configuration | hashes/s | machine CPU (cores) | machine CPU-s per 1000 hashes | containers' CPU (cores) | containers' CPU-s per 1000 hashes | dockerd | containerd | shims | rest outside (runc, execs, kernel) | memory MiB, VmRSS (private): rng / hasher / worker / webui | redis | start-up s (rng, worker) |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|"

quiet compose -f docker-compose.yml down -v --remove-orphans || true
if [[ ${IDLE_FLOOR:-1} == 1 ]]; then
  m1=$(machine_ticks); sleep 30; m2=$(machine_ticks)
  python3 -c "print('| the machine, no container | - | %.3f | | | | | | | | | | |' % (($m2 - $m1) / $HZ / 30))"
fi

for config in baseline "$@"; do
  files=(-f docker-compose.yml)
  [[ $config == baseline ]] || files+=(-f "$config")
  log "$config: up with $WORKERS workers"
  # a clean start for every configuration (down -v: the counter and the JIT start from nothing)
  quiet compose "${CURRENT[@]}" down -v --remove-orphans || true
  CURRENT=("${files[@]}"); DC_DOWN_ARGS=("${files[@]}")
  quiet compose "${files[@]}" up -d --scale worker="$WORKERS" || fail "$config: compose up failed"
  wait_running
  sleep "$SETTLE"
  start="-"
  if [[ ${IDLE_STARTUP:-0} == 1 ]]; then
    start="$(startup "$(of_service rng | head -1)"), $(startup "$(of_service worker | head -1)")"
    sleep 15
  fi
  measure "$(basename "$config" .yml)" "$start"
done
