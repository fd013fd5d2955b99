#!/usr/bin/env bash
# What up.sh and down.sh do with bad input and a machine that lacks something: each case must end non-zero with one
# line naming what is missing, and leave nothing behind (no container, network or volume of the cluster but the
# mirror's storage, which is a cache). Then down.sh without a cluster, and twice. On a cluster of its own name
# (faults), so a live cluster is never touched. A component that fails midway (the controller manager refusing the
# pod range) checks that a half-made first up.sh is removed by itself, naming the component.
#
#   tests/cluster/faults.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
export CLUSTER_NAME=faults CLUSTER_NODE_SUBNET=10.208.0.0/24 CLUSTER_MIRROR_PORT=5098
export PATH=/usr/bin:$PATH
failures=0
say() { printf '[cluster faults] %s\n' "$*" >&2; }

leftovers() {
  { docker ps -aq --filter label=io.dockercoins.cluster=faults
    docker network ls -q --filter label=io.dockercoins.cluster=faults
    docker volume ls -q --filter label=io.dockercoins.cluster=faults | grep -v -- '-mirror-storage$'; } | wc -l
}

# expect WHAT PATTERN COMMAND...: COMMAND fails, says PATTERN in its one FAILED line, and leaves nothing.
expect() {
  local what=$1 pattern=$2 out rc=0; shift 2
  out=$("$@" 2>&1) || rc=$?
  local line; line=$(grep -m1 'FAILED' <<<"$out" || true)
  if ((rc != 0)) && [[ $line == *$pattern* ]] && (($(leftovers) == 0)); then
    say "ok: $what: exit $rc: ${line#*FAILED: }"
  else
    say "FAIL: $what: exit $rc, expected a FAILED line with '$pattern' and nothing left ($(leftovers) left); it printed:"
    tail -n 15 <<<"$out" | sed 's/^/    /' >&2
    failures=$((failures + 1))
  fi
}

expect "an unknown argument" "unknown argument --fast" tests/cluster/up.sh --fast
expect "--workers 0" "--workers takes a number" tests/cluster/up.sh --workers 0
expect "not root" "run as root" setpriv --reuid=65534 --regid=65534 --clear-groups tests/cluster/up.sh
expect "no Docker" "Docker is not running" env DOCKER_HOST=unix:///nonexistent/docker.sock tests/cluster/up.sh
python3 -c 'import socket, time; s = socket.socket(); s.bind(("127.0.0.1", 5098)); s.listen(); time.sleep(60)' &
listener=$!
sleep 0.5
expect "the mirror's port in use" "port 5098 of 127.0.0.1 is taken" tests/cluster/up.sh
kill "$listener"
route=$(ip -4 route | awk '$1 != "default" && $1 ~ /\// && $1 !~ /^(10\.208|172\.|127\.)/ {print $1; exit}')
if [[ -n $route ]]; then
  expect "a pod range over the machine's own route ($route)" "overlaps this machine's route" \
    env CLUSTER_POD_CIDR="$route" tests/cluster/up.sh
else
  say "skipped: a pod range over the machine's own route (this machine has no route but the default and Docker's)"
fi
expect "overlapping ranges" "overlaps CLUSTER_SERVICE_CIDR" env CLUSTER_POD_CIDR=10.96.0.0/12 tests/cluster/up.sh
small=$(mktemp -d)
mount -t tmpfs -o size=64m tmpfs "$small"
expect "a full disk for the build cache" "GiB free in $small" env CLUSTER_CACHE="$small/cache" tests/cluster/up.sh
umount "$small" && rmdir "$small"
# A pod range smaller than one node's /24: the controller manager refuses it and stops, again and again, once the
# nodes and the API server are up.
expect "a component that fails midway (a first up.sh, removed by itself)" "kube-controller-manager on faults-control-plane" \
  env CLUSTER_POD_CIDR=10.244.0.0/25 CLUSTER_APP_IMAGES="redis:7" tests/cluster/up.sh

for i in 1 2; do
  if tests/cluster/down.sh >/dev/null 2>&1 && (($(leftovers) == 0)); then say "ok: down.sh without a cluster ($i)"
  else say "FAIL: down.sh without a cluster ($i)"; failures=$((failures + 1)); fi
done
docker volume rm -f faults-mirror-storage >/dev/null 2>&1 || true
((failures == 0)) && say "PASS" || { say "$failures FAILED"; exit 1; }
