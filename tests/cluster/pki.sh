#!/usr/bin/env bash
# The cluster's certificates and kubeconfigs, made with openssl the way kubeadm lays them out, in
# $CLUSTER_STATE/pki; a file that exists is kept, so a live cluster keeps its identities. Then, per node, the folder
# node.sh mounts at /etc/kubernetes: the CA, the node's kubeconfigs and its kubelet and kube-proxy configuration,
# and on the control plane the whole PKI.
#
#   tests/cluster/pki.sh NODE...        (up.sh runs it)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
PKI=$CLUSTER_STATE/pki
mkdir -p "$PKI" && chmod 700 "$CLUSTER_STATE" "$PKI"
command -v openssl >/dev/null || cl_die "openssl is needed: apt-get install openssl"

key() { [[ -s $PKI/$1.key ]] || openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$PKI/$1.key" 2>/dev/null; }
ca() { # name common-name
  key "$1"
  [[ -s $PKI/$1.crt ]] || openssl req -x509 -new -key "$PKI/$1.key" -subj "/CN=$2" -days 3650 -out "$PKI/$1.crt" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign
}
cert() { # name ca subject usage [subjectAltName]
  [[ -s $PKI/$1.crt ]] && return
  key "$1"
  local ext; ext=$(mktemp)
  printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=%s\n' "$4" >"$ext"
  [[ -z ${5:-} ]] || echo "subjectAltName=$5" >>"$ext"
  openssl req -new -key "$PKI/$1.key" -subj "$3" 2>/dev/null \
    | openssl x509 -req -CA "$PKI/$2.crt" -CAkey "$PKI/$2.key" -CAcreateserial -days 3650 -extfile "$ext" \
        -out "$PKI/$1.crt" 2>/dev/null
  rm -f "$ext"
}
kubeconfig() { # file server cert-name user
  local b64='base64 -w0'
  cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: $CLUSTER_NAME
  cluster:
    server: $2
    certificate-authority-data: $($b64 <"$PKI/ca.crt")
users:
- name: $4
  user:
    client-certificate-data: $($b64 <"$PKI/$3.crt")
    client-key-data: $($b64 <"$PKI/$3.key")
contexts:
- name: $CLUSTER_NAME
  context: {cluster: $CLUSTER_NAME, user: $4}
current-context: $CLUSTER_NAME
EOF
  chmod 600 "$1"
}

ca ca kubernetes
ca front-proxy-ca front-proxy-ca
[[ -s $PKI/sa.key ]] || { key sa; openssl pkey -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub"; }
cert apiserver ca /CN=kube-apiserver serverAuth \
  "DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,DNS:localhost,DNS:$CONTROL_PLANE,IP:$(service_ip 1),IP:$API_IP,IP:127.0.0.1"
cert apiserver-kubelet-client ca /O=system:masters/CN=kube-apiserver-kubelet-client clientAuth
cert front-proxy-client front-proxy-ca /CN=front-proxy-client clientAuth
cert admin ca /O=system:masters/CN=kubernetes-admin clientAuth
cert controller-manager ca /CN=system:kube-controller-manager clientAuth
cert scheduler ca /CN=system:kube-scheduler clientAuth
cert kube-proxy ca /CN=system:kube-proxy clientAuth
kubeconfig "$KUBECONFIG_FILE" "https://$API_IP:6443" admin kubernetes-admin

for node in "$@"; do
  dir=$CLUSTER_STATE/nodes/$node
  mkdir -p "$dir/pki"
  cert "kubelet-$node" ca "/O=system:nodes/CN=system:node:$node" clientAuth
  cp "$PKI/ca.crt" "$dir/pki/"
  kubeconfig "$dir/kubelet.kubeconfig" "https://$API_IP:6443" "kubelet-$node" "system:node:$node"
  kubeconfig "$dir/kube-proxy.kubeconfig" "https://$API_IP:6443" kube-proxy system:kube-proxy
  if [[ $node == "$CONTROL_PLANE" ]]; then
    cp "$PKI"/*.crt "$PKI"/*.key "$PKI/sa.pub" "$dir/pki/"
    kubeconfig "$dir/controller-manager.kubeconfig" https://127.0.0.1:6443 controller-manager system:kube-controller-manager
    kubeconfig "$dir/scheduler.kubeconfig" https://127.0.0.1:6443 scheduler system:kube-scheduler
    taints='registerWithTaints: [{key: node-role.kubernetes.io/control-plane, effect: NoSchedule}]'
  else
    taints=''
  fi
  # Each node's pods live under a cgroup of its own (the machine's cgroup v1 tree is shared by every node), so that
  # no kubelet ever manages another's. Disk pressure is the machine's, not the node's: kind's eviction settings.
  cat >"$dir/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: /etc/kubernetes/pki/ca.crt}
authorization: {mode: Webhook}
cgroupDriver: cgroupfs
cgroupRoot: /$node
failCgroupV1: false
containerRuntimeEndpoint: unix:///run/containerd/containerd.sock
clusterDNS: [$DNS_IP]
clusterDomain: cluster.local
resolvConf: ""
failSwapOn: false
oomScoreAdj: 0
serializeImagePulls: false
imageGCHighThresholdPercent: 100
evictionHard: {nodefs.available: "0%", nodefs.inodesFree: "0%", imagefs.available: "0%"}
$taints
EOF
  cat >"$dir/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
clientConnection: {kubeconfig: /etc/kubernetes/kube-proxy.kubeconfig}
clusterCIDR: $CLUSTER_POD_CIDR
hostnameOverride: $node
metricsBindAddress: 127.0.0.1:10249
conntrack: {maxPerCore: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
EOF
  chmod -R go-rwx "$dir"
done
