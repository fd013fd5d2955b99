#!/usr/bin/env bash
# What this machine must have before up.sh makes anything; each missing piece is one line that names it and how to
# get it, and a non-zero exit with nothing made.
#
#   tests/cluster/preflight.sh           (up.sh runs it first)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

((EUID == 0)) || cl_die "run as root (sudo tests/cluster/up.sh): nodes are containers that run containerd and mount cgroups"
docker info >/dev/null 2>&1 || cl_die "Docker is not running (../shared/tools/local-base-images installs and starts it here; elsewhere: systemctl start docker)"
for tool in openssl capsh curl python3 go; do
  command -v "$tool" >/dev/null || cl_die "$tool is missing ($(case $tool in capsh) echo "apt-get install libcap2-bin" ;; go) echo "Go 1.24 or newer, to build Kubernetes (helm's module asks for 1.26, which the go command then fetches itself)" ;; *) echo "apt-get install $tool" ;; esac))"
done
[[ -e /proc/sys/net/bridge/bridge-nf-call-iptables ]] \
  || cl_die "the kernel module br_netfilter is not loaded (modprobe br_netfilter): without it kube-proxy cannot see pod-to-pod traffic"
grep -qw overlay /proc/filesystems || cl_die "the kernel has no overlay filesystem (modprobe overlay): containerd stores images with it"
[[ -d /sys/fs/cgroup/memory || -f /sys/fs/cgroup/cgroup.controllers ]] || cl_die "no cgroup filesystem at /sys/fs/cgroup"

# Room for the first build (Go caches and binaries, about 4 GiB) and three nodes' images (about 2 GiB each).
need_gib() { # folder GiB
  local dir=$1; while [[ ! -d $dir ]]; do dir=$(dirname "$dir"); done
  local free=$(( $(df -Pk "$dir" | awk 'NR == 2 {print $4}') / 1048576 ))
  ((free >= $2)) || cl_die "only $free GiB free in $dir; the cluster needs about $2 GiB there (free some room, or set CLUSTER_CACHE elsewhere)"
}
need_gib "$(docker info -f '{{.DockerRootDir}}')" 8
need_gib "$CLUSTER_CACHE" 5

# The cluster's ranges must not overlap the machine's own networks, or its own traffic would go into the cluster.
own=$(docker network inspect -f '{{range .IPAM.Config}}{{.Subnet}}{{end}}' "$NETWORK" 2>/dev/null || true)
python3 - "$CLUSTER_NODE_SUBNET" "$CLUSTER_POD_CIDR" "$CLUSTER_SERVICE_CIDR" "$own" <<'PY' || exit 1
import ipaddress, subprocess, sys
names = ["CLUSTER_NODE_SUBNET", "CLUSTER_POD_CIDR", "CLUSTER_SERVICE_CIDR"]
ranges = []
for name, value in zip(names, sys.argv[1:4]):
    try:
        ranges.append((name, ipaddress.ip_network(value)))
    except ValueError as e:
        sys.exit(f"[cluster] FAILED: {name}={value} is not an IPv4 range ({e})")
if ranges[0][1].prefixlen > 27:
    sys.exit("[cluster] FAILED: CLUSTER_NODE_SUBNET=%s is too small: the mirror takes .2 and the nodes .10 on (a /27 or wider)"
             % ranges[0][1])
if ranges[2][1].prefixlen > 28:
    sys.exit("[cluster] FAILED: CLUSTER_SERVICE_CIDR=%s is too small: the API server takes .1 and CoreDNS .10 (a /28 or wider)"
             % ranges[2][1])
for i, (a, na) in enumerate(ranges):
    for b, nb in ranges[i + 1:]:
        if na.overlaps(nb):
            sys.exit(f"[cluster] FAILED: {a}={na} overlaps {b}={nb}")
ours = sys.argv[4]
for line in subprocess.run(["ip", "-4", "route", "show", "table", "all"], capture_output=True, text=True).stdout.splitlines():
    dst = line.split()[0]
    if dst in ("default", "broadcast", "local") or dst == ours:
        continue
    try:
        net = ipaddress.ip_network(dst if "/" in dst else dst + "/32", strict=False)
    except ValueError:
        continue
    if net.is_loopback:
        continue
    for name, value in ranges:
        if value.overlaps(net):
            sys.exit(f"[cluster] FAILED: {name}={value} overlaps this machine's route to {net}: set {name} to a free range")
PY

if [[ $(docker inspect -f '{{.State.Running}}' "$MIRROR" 2>/dev/null) != true ]] && (exec 3<>"/dev/tcp/127.0.0.1/$CLUSTER_MIRROR_PORT") 2>/dev/null; then
  cl_die "port $CLUSTER_MIRROR_PORT of 127.0.0.1 is taken (the image mirror's, for pushing): set CLUSTER_MIRROR_PORT to a free one"
fi
