#!/usr/bin/env bash
# What this repository's cluster (tests/cluster/) costs on this machine, measured and printed:
#   - the first build from empty Go caches (--cold only: it builds everything again in empty caches, minutes);
#   - up.sh with the build cached: seconds to three Ready nodes, and to its end (CoreDNS answers, kubectl top works);
#   - the idle cluster (add-ons, no app): memory as PSS of every process of its containers and of their pods, and
#     CPU over a minute, both beside the whole machine's;
#   - down.sh: seconds.
# It makes a cluster of its own (CLUSTER_NAME=costbench on 10.209.0.0/24, mirror port 5009, unless set) and removes
# it at the end, so a cluster already running is left alone (but shares the CPU: run it on a quiet machine).
#
#   bench/cluster-cost.sh [--cold]
set -euo pipefail
cd "$(dirname "$0")/.."
export CLUSTER_NAME=${CLUSTER_NAME:-costbench} CLUSTER_NODE_SUBNET=${CLUSTER_NODE_SUBNET:-10.209.0.0/24}
export CLUSTER_MIRROR_PORT=${CLUSTER_MIRROR_PORT:-5009}
source tests/cluster/lib.sh
source tests/lib.sh # machine_ticks
IDLE_SECONDS=${IDLE_SECONDS:-60}
say() { printf '[cluster-cost] %s\n' "$*" >&2; }

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(date -u +%F); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "Kubernetes $K8S_VERSION, 1 control plane + $CLUSTER_WORKERS workers"

if [[ ${1:-} == --cold ]]; then
  cold=$(mktemp -d /var/tmp/cluster-cold.XXXXXX)
  say "first build from empty Go caches in $cold (GOCACHE, GOMODCACHE, CLUSTER_CACHE)"
  t0=$(date +%s.%N); busy0=$(machine_ticks)
  GOCACHE=$cold/gocache GOMODCACHE=$cold/gomodcache CLUSTER_CACHE=$cold/cluster tests/cluster/build.sh >/dev/null
  t1=$(date +%s.%N); busy1=$(machine_ticks)
  printf 'first build, empty Go caches (download included): %.0f s, %.0f CPU-s; module cache %s, build cache %s\n' \
    "$(echo "$t1 - $t0" | bc)" "$(echo "($busy1 - $busy0) / $(getconf CLK_TCK)" | bc -l)" \
    "$(du -sh "$cold/gomodcache" | cut -f1)" "$(du -sh "$cold/gocache" | cut -f1)"
  chmod -R u+w "$cold" && rm -rf "$cold"
fi

tests/cluster/build.sh >/dev/null
tests/cluster/images.sh
trap 'tests/cluster/down.sh >/dev/null 2>&1 || true' EXIT
tests/cluster/down.sh >/dev/null
log=$(mktemp)
t0=$(date +%s.%N)
CLUSTER_T0=$(date +%s) tests/cluster/up.sh >/dev/null 2>"$log"   # its log counts from its own start
t1=$(date +%s.%N)
ready=$(sed -n 's/^\[cluster *\([0-9]*\)s\] all .* nodes Ready.*/\1/p' "$log")
printf 'up.sh, build cached: %s s to %d Ready nodes, %.0f s to its end\n' "$ready" $((CLUSTER_WORKERS + 1)) "$(echo "$t1 - $t0" | bc)"
rm -f "$log"

# Every process of the cluster: its containers' (nodes and mirror, in Docker's cgroups) and its pods' (under each
# node's cgroupRoot, /<node name>), from the memory hierarchy's cgroup.procs.
cluster_pids() {
  local id node
  for id in $(docker ps -q --no-trunc --filter "label=$LABEL"); do
    find "/sys/fs/cgroup/memory/docker/$id" -name cgroup.procs -exec cat {} + 2>/dev/null
  done
  for node in $(cluster_nodes); do
    find "/sys/fs/cgroup/memory/$node" -name cgroup.procs -exec cat {} + 2>/dev/null
  done
}
cluster_cpu_ns() {
  local id node total=0 f
  for id in $(docker ps -q --no-trunc --filter "label=$LABEL"); do
    f=/sys/fs/cgroup/cpuacct/docker/$id/cpuacct.usage; [[ -r $f ]] && total=$((total + $(<"$f")))
  done
  for node in $(cluster_nodes); do
    f=/sys/fs/cgroup/cpuacct/$node/cpuacct.usage; [[ -r $f ]] && total=$((total + $(<"$f")))
  done
  echo "$total"
}
say "idle for ${IDLE_SECONDS} s"
sleep 30
c0=$(cluster_cpu_ns); m0=$(machine_ticks); t0=$(date +%s.%N)
sleep "$IDLE_SECONDS"
c1=$(cluster_cpu_ns); m1=$(machine_ticks); t1=$(date +%s.%N)
pss_kib=$(cluster_pids | sort -u | while read -r pid; do
  awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null; done | awk '{s += $1} END {print s + 0}')
processes=$(cluster_pids | sort -u | wc -l)
printf 'idle cluster: %d MiB PSS over %d processes; CPU %.2f cores (the whole machine: %.2f)\n' \
  $((pss_kib / 1024)) "$processes" "$(echo "($c1 - $c0) / 1000000000 / ($t1 - $t0)" | bc -l)" \
  "$(echo "($m1 - $m0) / $(getconf CLK_TCK) / ($t1 - $t0)" | bc -l)"
printf 'the biggest, by PSS (MiB):'
cluster_pids | sort -u | while read -r pid; do
  printf '%s %s\n' "$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || echo 0)" "$(cat "/proc/$pid/comm" 2>/dev/null)"
done | awk '{m[$2] += $1} END {for (c in m) printf "%d %s\n", m[c] / 1024, c}' | sort -rn | head -n 8 | awk '{printf " %s %s", $2, $1}'
echo

t0=$(date +%s.%N)
tests/cluster/down.sh >/dev/null 2>&1
t1=$(date +%s.%N)
trap - EXIT
printf 'down.sh: %.1f s\n' "$(echo "$t1 - $t0" | bc)"
