#!/usr/bin/env bash
# Installs what every cluster of ours has beside Kubernetes itself: each manifest of addons/ (CoreDNS,
# metrics-server, the default StorageClass and its provisioner, NetworkPolicy enforcement, Prometheus and
# prometheus-adapter, and whatever else is put there), with the cluster's
# image tag and addresses filled in, and waits until each of their workloads is ready. Also marks the control plane
# as kubeadm does (its taint comes from the kubelet's registration).
#
#   tests/cluster/addons.sh              (up.sh runs it once the API server answers)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

kctl label node "$CONTROL_PLANE" --overwrite node-role.kubernetes.io/control-plane= >/dev/null
for manifest in "$CLUSTER_DIR"/addons/*.yaml; do
  sed -e "s|@IMAGE_TAG@|$IMAGE_TAG|g" -e "s|@DNS_IP@|$DNS_IP|g" -e "s|@SERVICE_CIDR@|$CLUSTER_SERVICE_CIDR|g" "$manifest" | quiet kctl apply -f - \
    || cl_die "the add-on $(basename "$manifest") did not apply"
done
for namespace in kube-system monitoring; do
  for workload in $(kctl get deployments,daemonsets -n "$namespace" -o name); do
    quiet kctl rollout status -n "$namespace" "$workload" --timeout=180s || {
      kctl get pods -n "$namespace" -o wide >&2
      kctl get events -n "$namespace" --sort-by=.lastTimestamp 2>/dev/null | tail -n 10 >&2
      cl_die "the add-on $namespace/${workload#*/} did not become ready in 180 s"
    }
  done
done
