#!/usr/bin/env bash
# A real Kubernetes on this machine, built from its Go modules and run as kind runs one: each node a container on a
# Docker network of its own, with its own address, containerd and kubelet; one control plane (etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler, tainted as kubeadm does) and N workers; kube-proxy (iptables), CoreDNS,
# metrics-server and a default StorageClass; the project's images in every node and in the cluster's image mirror.
# Nothing it runs has an address outside the networks it makes, and nothing it runs sends anything off the machine.
#
#   tests/cluster/up.sh [--workers N]      N workers (default 2, CLUSTER_WORKERS); on a live cluster, adds the
#                                          missing workers and reuses the rest
#
# It ends once every node is Ready, CoreDNS answers and `kubectl top nodes` works, with these two lines:
#   KUBECTL=<a kubectl of the cluster's version>
#   KUBECONFIG=<the cluster's admin kubeconfig>
# so that `eval "$(tests/cluster/up.sh | tail -n 2 | sed 's/^/export /')"` sets both. On failure: non-zero, one line
# naming what failed (with the last lines of its log), and nothing left of a cluster this run began (down.sh).
# Settings: tests/cluster/README.md. Remove it all: tests/cluster/down.sh.
set -euo pipefail
while (($#)); do
  case $1 in
    --workers) [[ ${2:-} =~ ^[1-9][0-9]?$ ]] || { echo "[cluster] FAILED: --workers takes a number from 1 to 99" >&2; exit 2; }
               export CLUSTER_WORKERS=$2; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "[cluster] FAILED: unknown argument $1 (tests/cluster/up.sh [--workers N])" >&2; exit 2 ;;
  esac
done
here=$(dirname "$0")
source "$here/lib.sh"
SECONDS=0

"$here/preflight.sh"
fresh=no
[[ -n $(cluster_nodes) ]] || fresh=yes
if [[ $fresh == yes && ${CLUSTER_KEEP_ON_FAILURE:-0} != 1 ]]; then
  trap 'rc=$?; ((rc == 0)) || { cl_log "removing what this run made (CLUSTER_KEEP_ON_FAILURE=1 keeps it)"; "$here/down.sh" || true; }' EXIT
fi
trap 'exit 130' INT TERM

"$here/build.sh" >/dev/null
"$here/images.sh"

if ! docker network inspect "$NETWORK" >/dev/null 2>&1; then
  quiet docker network create --subnet "$CLUSTER_NODE_SUBNET" --gateway "$(subnet_ip 1)" --label "$LABEL" "$NETWORK" \
    || cl_die "the nodes' network $NETWORK ($CLUSTER_NODE_SUBNET) could not be made"
fi
"$here/fence.sh"
cl_log "the image mirror: pushing the cluster's and the project's images"
"$here/mirror.sh" "${CLUSTER_IMAGES[@]}" "${APP_IMAGES[@]}"

nodes=("$CONTROL_PLANE")
for i in $(seq 1 "$CLUSTER_WORKERS"); do nodes+=("$(worker_name "$i")"); done
"$here/pki.sh" "${nodes[@]}"
cl_log "nodes: ${nodes[*]}"
"$here/node.sh" "$CONTROL_PLANE" control-plane
for node in "${nodes[@]:1}"; do "$here/node.sh" "$node" worker; done

node_running() { [[ $(docker inspect -f '{{.State.Running}}' "$1" 2>/dev/null) == true ]] \
  || cl_die "the node $1 stopped: $(docker logs --tail 5 "$1" 2>&1 | tr '\n' ' ')"; }
# A component that keeps stopping fails at once, with its log: no use waiting the whole two minutes.
keeps_stopping() { # node component
  local n; n=$(docker exec "$1" grep -c "\[node\] $2 stopped" "/var/log/$2.log" 2>/dev/null) || true
  ((${n:-0} >= 3))
}
for _ in $(seq 60); do
  node_running "$CONTROL_PLANE"
  kctl --request-timeout=2s get --raw /readyz >/dev/null 2>&1 && break
  for component in etcd kube-apiserver; do
    keeps_stopping "$CONTROL_PLANE" "$component" && cl_component_failed "$CONTROL_PLANE" "$component" "it keeps stopping"
  done
  sleep 2
done
kctl --request-timeout=2s get --raw /readyz >/dev/null 2>&1 || {
  for component in etcd kube-apiserver; do
    docker exec "$CONTROL_PLANE" pgrep -x "$component" >/dev/null || cl_component_failed "$CONTROL_PLANE" "$component" "not running"
  done
  cl_component_failed "$CONTROL_PLANE" kube-apiserver "not ready after 120 s"
}
cl_log "API server ready; loading images into the nodes"
"$here/load.sh" "${CLUSTER_IMAGES[@]}" "${APP_IMAGES[@]}"

for node in "${nodes[@]}"; do
  for _ in $(seq 90); do
    node_running "$node"
    [[ $(kctl get node "$node" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null) == True ]] && continue 2
    for component in containerd kubelet kube-proxy nodenet; do
      keeps_stopping "$node" "$component" && cl_component_failed "$node" "$component" "it keeps stopping"
    done
    for component in kube-controller-manager kube-scheduler; do
      keeps_stopping "$CONTROL_PLANE" "$component" && cl_component_failed "$CONTROL_PLANE" "$component" "it keeps stopping"
    done
    sleep 2
  done
  why=$(kctl get node "$node" -o jsonpath='{.status.conditions[?(@.type=="Ready")].message}' 2>/dev/null || echo "not registered")
  case $why in
    *network*|*cni*) cl_component_failed "$node" nodenet "not Ready after 180 s: $why" ;;
    *) cl_component_failed "$node" kubelet "not Ready after 180 s: ${why:-not registered}" ;;
  esac
done
cl_log "all ${#nodes[@]} nodes Ready; add-ons"
"$here/addons.sh"

# CoreDNS answers through its Service (kube-proxy's rules) from a node, as a pod would ask it.
docker exec "$CONTROL_PLANE" dig +short +time=2 +tries=5 "@$DNS_IP" kubernetes.default.svc.cluster.local | grep -qx "$(service_ip 1)" \
  || cl_die "CoreDNS does not answer kubernetes.default.svc.cluster.local at $DNS_IP: $(kctl logs -n kube-system -l k8s-app=kube-dns --tail 5 2>&1 | tr '\n' ' ')"
for _ in $(seq 60); do kctl top nodes >/dev/null 2>&1 && break; sleep 2; done
kctl top nodes >/dev/null 2>&1 \
  || cl_die "kubectl top nodes does not work after 120 s (metrics-server): $(kctl logs -n kube-system -l k8s-app=metrics-server --tail 5 2>&1 | tr '\n' ' ')"

trap - EXIT
cl_log "cluster $CLUSTER_NAME ready in ${SECONDS} s: Kubernetes $K8S_VERSION, ${#nodes[@]} nodes"
kctl get nodes -o wide >&2
echo "KUBECTL=$KUBECTL"
echo "KUBECONFIG=$KUBECONFIG_FILE"
