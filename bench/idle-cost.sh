#!/usr/bin/env bash
# What the stack costs the machine while it mines at the ceiling: ten workers (10 hashes/s) under Docker Compose,
# each configuration measured the same way, one after the other, so that levers and images can be compared.
#
#   bench/idle-cost.sh                                   # the stack as docker-compose.yml runs it
#   bench/idle-cost.sh bench/levers/no-worker-healthcheck.yml bench/levers/jvm-1cpu.yml
#                                                        # the stack as it is, then with each lever alone
#   bench/idle-cost.sh --against dockercoins-java:755ac85   # our images (REGISTRY, TAG), then those, and the ratios
#   bench/idle-cost.sh --against                         # ... against the original's images, dockercoins/<service>:v0.1
#   IDLE_STARTUP=1 bench/idle-cost.sh                    # also start-up to ready of rng and of one worker
#   IDLE_WORKERS=2 bench/idle-cost.sh --against dockercoins-java:755ac85 bench/turbo.yml    # turbo, side by side
#
# For each configuration it prints one row: hashes/s; the WHOLE machine's CPU (from /proc/stat: everything, the
# kernel's network path, dockerd, containerd, the shims, runc and the healthcheck execs included) in cores and in
# CPU-seconds per 1000 hashes; the containers' own CPU (their cgroups) likewise; what dockerd, containerd and the
# shims took; the memory of each service's main process: PSS (its private memory plus its share of the pages it
# shares with other processes, such as the image's files that every container of that image maps) and, in
# brackets, its private part (RssAnon); and the PSS of the whole stack (every container's main process). Nothing
# else should run on the machine: the figures are the machine's, and a build or a browser next to it is counted
# too. The first line is the machine with no container at all (the floor every row includes).
#
# --against IMAGE_PREFIX:TAG measures a second set of images, IMAGE_PREFIX/<service>:TAG for rng, hasher, worker
# and webui (run by this docker-compose.yml as REGISTRY and TAG), right after ours, for every configuration, then
# prints the ratios ours / theirs. Images without a healthcheck of their own (the original's) run with
# bench/foreign-images.yml: no healthchecks, and Redis as the original runs it. Images that do not exist: one line
# naming them, and nothing is started.
#
# Environment (all optional):
#   IDLE_WORKERS=10      workers          IDLE_SETTLE=45   seconds after the workers are up (JIT warm-up)
#   IDLE_MEASURE=60      seconds measured IDLE_STARTUP=0   1: start-up to ready of rng and of a worker, from `docker start`
#   IDLE_FLOOR=1         0: skip the empty-machine line
#   IDLE_AGAINST_FILES   compose files added for the --against set only, e.g. bench/levers/healthchecks-before.yml
#                        to run an older build with the compose settings it came with
#   IDLE_PROJECT=dc-idle (removed at the end: down -v)     first host port 8300
set -euo pipefail
ARGS="$*"
# Arguments first: bad input says so in one line, before anything is started.
against="" levers=()
while (($#)); do
  case $1 in
    --against=*) against=${1#--against=}; shift ;;
    --against)
      shift
      if [[ -n ${1:-} && ${1:-} != -* && ${1:-} != *.yml ]]; then against=$1; shift; else against=dockercoins:v0.1; fi ;;
    -*) echo "unknown option $1 (bench/idle-cost.sh [--against IMAGE_PREFIX:TAG] [LEVER.yml ...])" >&2; exit 2 ;;
    *) [[ -f $1 ]] || { echo "no lever file $1 (a compose file, e.g. bench/levers/no-aot-cache.yml)" >&2; exit 2; }
       levers+=("$(realpath "$1")"); shift ;;
  esac
done
[[ -z $against || $against == ?*:?* ]] || { echo "--against $against: give IMAGE_PREFIX:TAG, e.g. dockercoins-java:755ac85" >&2; exit 2; }
export PATH=/usr/bin:$PATH
# shellcheck source=tests/lib.sh
source "$(dirname "$0")/../tests/lib.sh"
# The image sets: ours as docker-compose.yml names them (built if missing), then the one to compare with.
bench_image_sets "$against" 1   # SETS; exits naming any missing image
dc_init idle "${IDLE_PROJECT:-dc-idle}" 8300
WORKERS=${IDLE_WORKERS:-10}
SETTLE=${IDLE_SETTLE:-45}
MEASURE=${IDLE_MEASURE:-60}
HZ=$(getconf CLK_TCK)

# Compose v2 when there is one, as users type it (and the lever files that bring a check back need it).
if docker compose version >/dev/null 2>&1; then COMPOSE=(docker compose -p "$DC_PROJECT"); fi
CURRENT=(-f docker-compose.yml)
DC_DOWN_ARGS=(-f docker-compose.yml)
read -r -a AGAINST_FILES <<<"${IDLE_AGAINST_FILES:-}"

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
# "PSS RssAnon" of a container's PID 1, in KiB: its private memory plus its share of what it shares with other
# processes (the image's files it maps: libjvm, the AOT cache, which containers of the same image share), and its
# private part alone
pss_of() {
  local pid
  pid=$(docker inspect -f '{{.State.Pid}}' "$1")
  echo "$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup") $(awk '/^RssAnon/ {print $2}' "/proc/$pid/status")"
}
pss_service() {   # "PSS (private)" in MiB, the mean over the service's containers, or "-"
  local n=0 t=0 a=0 c pss anon
  for c in $(of_service "$1"); do read -r pss anon < <(pss_of "$c"); t=$((t + pss)); a=$((a + anon)); n=$((n + 1)); done
  ((n > 0)) && echo "$((t / n / 1024)) ($((a / n / 1024)))" || echo -
}
pss_stack() {     # the PSS of every container's main process together, in MiB
  local t=0 c pss anon
  for c in $(containers); do read -r pss anon < <(pss_of "$c"); t=$((t + pss)); done
  echo $((t / 1024))
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
  # images without healthchecks: until the counter moves
  until [[ $(json_hashes) =~ ^[1-9] ]]; do ((SECONDS < deadline)) || fail "no hash counted within 240 s"; sleep 2; done
}

# One measurement over MEASURE seconds: prints the table row for label $1, and adds its figures to $FIGURES.
measure() {
  local label=$1 m1 m2 c1 c2 d1 d2 h1 t1 h2 t2
  read -r h1 t1 < <(hashes_now); m1=$(machine_ticks); c1=$(containers_ns); d1=$(daemons_ticks)
  sleep "$MEASURE"
  read -r h2 t2 < <(hashes_now); m2=$(machine_ticks); c2=$(containers_ns); d2=$(daemons_ticks)
  python3 - "$label" "$h1" "$t1" "$h2" "$t2" "$m1" "$m2" "$c1" "$c2" "$d1" "$d2" "$HZ" \
    "$(pss_service rng)" "$(pss_service hasher)" "$(pss_service worker)" "$(pss_service webui)" "$(pss_service redis)" \
    "$(pss_stack)" "${2:--}" "$FIGURES" <<'PY'
import sys
label, h1, t1, h2, t2, m1, m2, c1, c2, d1, d2, hz = sys.argv[1:13]
pss = sys.argv[13:18]; stack, start, figures = sys.argv[18:21]
hz = float(hz); secs = float(t2) - float(t1)
rate = (float(h2) - float(h1)) / secs
machine = (float(m2) - float(m1)) / hz / secs          # cores
cont = (float(c2) - float(c1)) / 1e9 / secs
dd = [(float(b) - float(a)) / hz / secs for a, b in zip(d1.split(), d2.split())]
per1000 = lambda cores: cores / rate * 1000 if rate > 0 else float('nan')
print('| %s | %.1f | %.3f | %.1f | %.3f | %.1f | %.3f | %.3f | %.3f | %.3f | %s | %s | %s | %s |' % (
    label, rate, machine, per1000(machine), cont, per1000(cont), dd[0], dd[1], dd[2],
    machine - cont - sum(dd), ' / '.join(pss[:4]), pss[4], stack, start))
with open(figures, 'a') as f:
    f.write('%f %f %f %s %s\n' % (rate, per1000(machine), per1000(cont), stack, ' '.join(p.split()[0] for p in pss[:4])))
PY
}

# The row of ratios ours / theirs, from the last two measurements (one configuration, both sets of images).
ratios() {
  python3 - "$1" "$FIGURES" <<'PY'
import sys
label, figures = sys.argv[1:3]
ours, theirs = [line.split() for line in open(figures).read().splitlines()[-2:]]
def r(a, b):
    try:
        return '%.2f' % (float(a) / float(b))
    except (ValueError, ZeroDivisionError):
        return '-'
print('| **%s: ours / theirs** | %s | | **%s** | | **%s** | | | | | %s | | **%s** | |' % (
    label, r(ours[0], theirs[0]), r(ours[1], theirs[1]), r(ours[2], theirs[2]),
    ' / '.join(r(a, b) for a, b in zip(ours[4:8], theirs[4:8])), r(ours[3], theirs[3])))
PY
}

FIGURES=$(mktemp)
echo "Command: \`bench/idle-cost.sh $ARGS\` — $(bench_machine); ${WORKERS} workers, ${SETTLE} s settle, ${MEASURE} s measured."
[[ -z $against ]] || echo "Images: ours ${SETS[0]%:*}/<service>:${SETS[0]##*:}, theirs ${against%:*}/<service>:${against##*:}$(foreign "$against" && echo ' with bench/foreign-images.yml')${IDLE_AGAINST_FILES:+ with $IDLE_AGAINST_FILES}."
echo
echo "| configuration | hashes/s | machine CPU (cores) | machine CPU-s per 1000 hashes | containers' CPU (cores) | containers' CPU-s per 1000 hashes | dockerd | containerd | shims | rest outside (runc, execs, kernel) | memory MiB, PSS (private): rng / hasher / worker / webui | redis | stack PSS MiB | start-up s (rng, worker) |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---|"

quiet compose -f docker-compose.yml down -v --remove-orphans || true
if [[ ${IDLE_FLOOR:-1} == 1 ]]; then
  m1=$(machine_ticks); sleep 30; m2=$(machine_ticks)
  python3 -c "print('| the machine, no container | - | %.3f | | | | | | | | | | | |' % (($m2 - $m1) / $HZ / 30))"
fi

for config in baseline "${levers[@]}"; do
  for set in "${SETS[@]}"; do
    files=(-f docker-compose.yml)
    if foreign "$set"; then files+=(-f bench/foreign-images.yml); fi
    if [[ $set != "${SETS[0]}" ]]; then for f in "${AGAINST_FILES[@]}"; do files+=(-f "$f"); done; fi
    [[ $config == baseline ]] || files+=(-f "$config")
    label=$(basename "$config" .yml)
    ((${#SETS[@]} == 1)) || label="$label, ${set%:*}:${set##*:}"
    log "$label: up with $WORKERS workers"
    # a clean start for every configuration (down -v: the counter and the JIT start from nothing)
    quiet compose "${CURRENT[@]}" down -v --remove-orphans || true
    CURRENT=("${files[@]}"); DC_DOWN_ARGS=("${files[@]}")
    export REGISTRY=${set%:*} TAG=${set##*:}
    build=(); [[ $set == "${SETS[0]}" ]] || build=(--no-build)
    quiet compose "${files[@]}" up -d "${build[@]}" --scale worker="$WORKERS" || fail "$label: compose up failed"
    wait_running
    sleep "$SETTLE"
    start="-"
    if [[ ${IDLE_STARTUP:-0} == 1 ]] && ! foreign "$set"; then
      start="$(startup "$(of_service rng | head -1)"), $(startup "$(of_service worker | head -1)")"
      sleep 15
    fi
    measure "$label" "$start"
  done
  ((${#SETS[@]} == 1)) || ratios "$(basename "$config" .yml)"
done
rm -f "$FIGURES"
