#!/usr/bin/env bash
# Makes one node, or starts it again if it exists: a container of the node image on the cluster's network at the
# node's fixed address, as kind makes them, with what a node needs here in place of --privileged (which fails on
# these machines: ../shared/reference/cluster-nodes-here.md): every capability the machine can give, no seccomp or
# AppArmor profile, a writable /proc/sys (the entrypoint keeps it to the node's own network settings), the machine's
# cgroups, /dev/kmsg, and containerd's images on a volume of the node's own (overlayfs cannot nest in overlayfs).
#
#   tests/cluster/node.sh NAME control-plane|worker       (up.sh runs it, after pki.sh NAME)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
name=$1 role=$2

case $(docker inspect -f '{{.State.Running}}' "$name" 2>/dev/null) in
  true) exit 0 ;;
  false) quiet docker start "$name" || cl_die "the node $name did not start again"; exit 0 ;;
esac

# Capabilities the machine lacks (here CAP_SYS_RESOURCE) cannot be given: all but those, of the 38 Docker knows.
bounding=$(awk '/^CapBnd/ {print $2}' /proc/self/status)
drop=()
for cap in $(capsh --decode=$(printf '%x' $(( ~0x$bounding & 0x3fffffffff ))) 2>/dev/null | sed 's/.*=//; s/,/ /g'); do
  drop+=(--cap-drop "${cap#cap_}")
done
docker volume create --label "$LABEL" "$name-containerd" >/dev/null
mounts=(-v /sys/fs/cgroup:/sys/fs/cgroup:rw -v "$name-containerd:/var/lib/containerd"
        -v "$BIN_DIR:/opt/cluster/bin:ro" -v "$CLUSTER_STATE/nodes/$name:/etc/kubernetes:ro")
[[ ! -d /lib/modules ]] || mounts+=(-v /lib/modules:/lib/modules:ro)

quiet docker run -d --name "$name" --hostname "$name" --network "$NETWORK" --ip "$(node_ip "$name")" \
  --label "$LABEL" --label "io.dockercoins.cluster.role=$role" \
  --cap-add ALL "${drop[@]}" --security-opt seccomp=unconfined --security-opt apparmor=unconfined \
  --security-opt systempaths=unconfined --device /dev/kmsg --tmpfs /run --tmpfs /tmp "${mounts[@]}" \
  -e NODE_NAME="$name" -e NODE_ROLE="$role" -e NODE_IP="$(node_ip "$name")" -e MIRROR="$MIRROR_IP:5000" \
  -e POD_CIDR="$CLUSTER_POD_CIDR" -e SERVICE_CIDR="$CLUSTER_SERVICE_CIDR" -e NODE_SUBNET="$CLUSTER_NODE_SUBNET" -e NODE_LOST_SECONDS="$CLUSTER_NODE_LOST_SECONDS" \
  -e PAUSE_IMAGE="docker.io/${PROGRAM_IMAGES[0]}" \
  "$NODE_IMAGE" || cl_die "the node $name could not be made"
