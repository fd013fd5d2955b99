#!/usr/bin/env bash
# Removes the cluster: its nodes and its mirror (containers), the nodes' volumes, its Docker network and the host's
# rule that fences it in (fence.sh), the cgroups its kubelets made, and its state (certificates, kubeconfig). Runs as
# well after a partial up.sh, twice, or with no cluster at all. Kept for the next up.sh: the build cache (binaries),
# the cluster's images and the mirror's storage; --purge removes them too.
#
#   tests/cluster/down.sh [--purge]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
purge=no
case ${1:-} in
  --purge) purge=yes ;;
  "") ;;
  *) cl_die "unknown argument $1 (tests/cluster/down.sh [--purge])" ;;
esac

containers=$(docker ps -aq --filter "label=$LABEL")
nodes=$(cluster_nodes)
[[ -z $containers ]] || docker rm -f $containers >/dev/null
for node in $nodes; do docker volume rm -f "$node-containerd" >/dev/null 2>&1 || true; done
docker volume ls -q --filter "label=$LABEL" | { grep -v -- '-mirror-storage$' || true; } | xargs -r docker volume rm -f >/dev/null
"$(dirname "$0")/fence.sh" --remove
docker network rm "$NETWORK" >/dev/null 2>&1 || true
# Each kubelet kept its pods' cgroups under /<node name> of every hierarchy of the machine (kubelet.yaml cgroupRoot).
for root in /sys/fs/cgroup/*/"$CLUSTER_NAME"-* /sys/fs/cgroup/"$CLUSTER_NAME"-*; do
  [[ -d $root ]] && find "$root" -depth -type d -exec rmdir {} + 2>/dev/null || true
done
rm -rf "$CLUSTER_STATE"
if [[ $purge == yes ]]; then
  docker volume rm -f "$CLUSTER_NAME-mirror-storage" >/dev/null 2>&1 || true
  docker images --format '{{.Repository}}:{{.Tag}}' | { grep '^dockercoins-cluster/' || true; } | xargs -r docker rmi -f >/dev/null
  rm -rf "$CLUSTER_CACHE"
fi
cl_log "cluster $CLUSTER_NAME removed$([[ $purge == yes ]] && echo ", with its build cache and images")"
