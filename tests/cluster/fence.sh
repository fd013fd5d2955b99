#!/usr/bin/env bash
# Keeps everything the cluster sends on this machine: the host forwards no packet from the nodes' Docker network to
# any other interface (the internet, other Docker networks). Inside a node, kube-router's and kube-proxy's ACCEPT
# rules come before the node's own egress chain, so a pod's packet to a Service address that kube-proxy has not
# rewritten yet (a Service just made, in a pod's first seconds) would follow the default route off the machine, and
# whatever answers out there would answer (seen as an HTTP 404 where Prometheus was expected, and as Redis' "Unknown
# reply: H"). Refused here instead, at the host's first forwarding rule (DOCKER-USER, which Docker keeps first), as
# "connection refused", which is what kube-proxy answers for a Service without pods.
#
#   tests/cluster/fence.sh            (up.sh, once the nodes' network exists; again on a live cluster: no change)
#   tests/cluster/fence.sh --remove   (down.sh; also when the network is gone already)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
comment="dockercoins-cluster $CLUSTER_NAME: nothing leaves the machine"

# The fence's rules, as `iptables -S` prints them, as arguments for -D.
fence_rules() {
  iptables -S DOCKER-USER 2>/dev/null | grep -F -- "--comment \"$comment\"" | sed 's/^-A DOCKER-USER //' || true
}

if [[ ${1:-} == --remove ]]; then
  fence_rules | while read -r rule; do eval "iptables -D DOCKER-USER $rule"; done
  exit 0
fi
[[ -z ${1:-} ]] || cl_die "unknown argument $1 (tests/cluster/fence.sh [--remove])"
iptables -S DOCKER-USER >/dev/null 2>&1 \
  || cl_die "the host has no DOCKER-USER chain: Docker runs without its iptables rules (\"iptables\": false in daemon.json?); the cluster needs them to keep its packets on this machine"
bridge=br-$(docker network inspect -f '{{.Id}}' "$NETWORK" | cut -c1-12)
[[ -n $(fence_rules) ]] || iptables -I DOCKER-USER -i "$bridge" ! -o "$bridge" -m comment --comment "$comment" \
  -j REJECT --reject-with icmp-port-unreachable
