#!/bin/bash
# A node's first process (under tini): prepares the node's kernel view, then starts and keeps running what a node of
# its role runs, each with its output in /var/log/<name>.log:
#   control plane: etcd, kube-apiserver, kube-controller-manager, kube-scheduler, then what every node runs;
#   every node:    containerd, kubelet, kube-proxy, nodenet (its pods' network and the routes to the other nodes').
# Set by tests/cluster/node.sh: NODE_NAME, NODE_ROLE (control-plane or worker), NODE_IP, MIRROR (the image mirror's
# host:port), PAUSE_IMAGE, POD_CIDR, SERVICE_CIDR, NODE_SUBNET, NODE_LOST_SECONDS; /etc/kubernetes holds the node's certificates and configuration.
set -euo pipefail
K=/etc/kubernetes
log() { echo "[node $NODE_NAME] $*"; }

# --- the kernel as this node sees it -------------------------------------------------------------------------------
# The network settings below live in the node's own network namespace.
sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0
[[ -e /proc/sys/net/bridge/bridge-nf-call-iptables ]] || { log "no br_netfilter: bridged pod traffic would bypass kube-proxy"; exit 1; }
sysctl -qw net.bridge.bridge-nf-call-iptables=1
# The kubelet insists on a few machine-wide settings (vm.overcommit_memory=1, kernel.panic=10,
# kernel.panic_on_oops=1, ...) and would write them into the machine's kernel, which every node and the machine
# share. So /proc/sys is read-only in the node but for the node's own network settings, and each of those settings
# whose value differs is covered by a file of the node's own holding the value the kubelet wants (it only writes
# what differs).
if ! mountpoint -q /proc/sys; then
  mount --bind /proc/sys /proc/sys && mount -o remount,bind,ro /proc/sys
  mount --bind /proc/sys/net /proc/sys/net && mount -o remount,bind,rw /proc/sys/net
  mkdir -p /run/node-sysctl
  for kv in vm/overcommit_memory=1 vm/panic_on_oom=0 kernel/panic=10 kernel/panic_on_oops=1 \
            kernel/keys/root_maxkeys=1000000 kernel/keys/root_maxbytes=25000000; do
    path=/proc/sys/${kv%=*} want=${kv#*=}
    [[ $(<"$path") == "$want" ]] && continue
    copy=/run/node-sysctl/${kv%=*}; mkdir -p "${copy%/*}"; echo "$want" >"$copy"
    mount --bind "$copy" "$path"
  done
fi
# The kubelet's volumes (emptyDir in memory, projected tokens) are mounts that containers must see.
mount --make-rshared /
# The machine's cgroup v1 tree is every node's: this node's pods go under /<node name> of each hierarchy (the
# kubelet's cgroupRoot), which must exist, with cpuset's CPUs and memory nodes copied from the top as cgroup v1 needs.
for hierarchy in /sys/fs/cgroup/*/; do
  [[ -L ${hierarchy%/} || ! -e ${hierarchy}cgroup.procs ]] && continue
  mkdir -p "$hierarchy$NODE_NAME"
done
if [[ -e /sys/fs/cgroup/cpuset/cpuset.cpus ]]; then
  cat /sys/fs/cgroup/cpuset/cpuset.cpus >"/sys/fs/cgroup/cpuset/$NODE_NAME/cpuset.cpus"
  cat /sys/fs/cgroup/cpuset/cpuset.mems >"/sys/fs/cgroup/cpuset/$NODE_NAME/cpuset.mems"
fi
# What cAdvisor (in the kubelet) reads as the machine's identity: one per node.
[[ -s /etc/machine-id ]] || echo "$NODE_NAME" | md5sum | cut -c1-32 >/etc/machine-id

# --- the network: pods leave the cluster only to this machine's own networks ----------------------------------------
# Pods reach each other and the Services unchanged; what goes elsewhere from a pod (a Redis on the nodes' network)
# leaves with the node's address, so that the answer finds its way back. Nothing goes past the nodes' network: the
# cluster sends nothing off this machine.
iptables -t nat -N NODE-MASQ 2>/dev/null || iptables -t nat -F NODE-MASQ
iptables -t nat -C POSTROUTING -j NODE-MASQ 2>/dev/null || iptables -t nat -A POSTROUTING -j NODE-MASQ
iptables -t nat -A NODE-MASQ -d "$POD_CIDR" -j RETURN
iptables -t nat -A NODE-MASQ -s "$POD_CIDR" -j MASQUERADE
iptables -N NODE-EGRESS 2>/dev/null || iptables -F NODE-EGRESS
for chain in FORWARD OUTPUT; do iptables -C "$chain" -j NODE-EGRESS 2>/dev/null || iptables -I "$chain" -j NODE-EGRESS; done
for dst in 127.0.0.0/8 "$NODE_SUBNET" "$POD_CIDR"; do iptables -A NODE-EGRESS -d "$dst" -j RETURN; done
# kube-proxy has rewritten a Service's address to a pod's before these chains see the packet, so one still bound for a
# Service address found no rule (kube-proxy not synced yet): refused as kube-proxy refuses a Service without pods.
# This chain sees the node's own packets; kube-router and kube-proxy put their ACCEPT rules before it in FORWARD, so
# for the pods' packets the host's rule (fence.sh) is what keeps them on the machine.
iptables -A NODE-EGRESS -d "$SERVICE_CIDR" -j REJECT --reject-with icmp-port-unreachable
iptables -A NODE-EGRESS -m addrtype --dst-type LOCAL -j RETURN
iptables -A NODE-EGRESS -j REJECT --reject-with icmp-net-prohibited

# --- the programs ----------------------------------------------------------------------------------------------------
# keep NAME COMMAND...: runs the command, and again a second after it stops, for as long as the node lives.
keep() {
  local name=$1; shift
  ( while :; do
      "$@" >>"/var/log/$name.log" 2>&1 || true
      echo "[node] $name stopped; starting it again in 1 s" >>"/var/log/$name.log"
      sleep 1
    done ) &
}
wait_for() { # what, test command...: up to 60 s
  local what=$1; shift
  for _ in $(seq 120); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
  log "$what did not come up"; return 1
}

if [[ $NODE_ROLE == control-plane ]]; then
  keep etcd etcd --name "$NODE_NAME" --data-dir /var/lib/etcd \
    --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 \
    --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
    --initial-cluster "$NODE_NAME=http://127.0.0.1:2380" --listen-metrics-urls http://127.0.0.1:2381 \
    --snapshot-count 10000 --quota-backend-bytes 2147483648
  keep kube-apiserver kube-apiserver \
    --advertise-address "$NODE_IP" --secure-port 6443 --etcd-servers http://127.0.0.1:2379 \
    --service-cluster-ip-range "$SERVICE_CIDR" --allow-privileged=true \
    --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction \
    --client-ca-file $K/pki/ca.crt --tls-cert-file $K/pki/apiserver.crt --tls-private-key-file $K/pki/apiserver.key \
    --kubelet-client-certificate $K/pki/apiserver-kubelet-client.crt --kubelet-client-key $K/pki/apiserver-kubelet-client.key \
    --kubelet-preferred-address-types InternalIP \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file $K/pki/sa.pub --service-account-signing-key-file $K/pki/sa.key \
    --requestheader-client-ca-file $K/pki/front-proxy-ca.crt --requestheader-allowed-names front-proxy-client \
    --requestheader-extra-headers-prefix X-Remote-Extra- --requestheader-group-headers X-Remote-Group \
    --requestheader-username-headers X-Remote-User \
    --proxy-client-cert-file $K/pki/front-proxy-client.crt --proxy-client-key-file $K/pki/front-proxy-client.key \
    --default-not-ready-toleration-seconds "$NODE_LOST_SECONDS" --default-unreachable-toleration-seconds "$NODE_LOST_SECONDS" \
    --enable-aggregator-routing=true --profiling=false
  keep kube-controller-manager kube-controller-manager \
    --kubeconfig $K/controller-manager.kubeconfig \
    --authentication-kubeconfig $K/controller-manager.kubeconfig --authorization-kubeconfig $K/controller-manager.kubeconfig \
    --bind-address 127.0.0.1 --leader-elect=false --use-service-account-credentials \
    --controllers '*,bootstrapsigner,tokencleaner' \
    --allocate-node-cidrs --cluster-cidr "$POD_CIDR" --node-cidr-mask-size 24 --service-cluster-ip-range "$SERVICE_CIDR" \
    --cluster-signing-cert-file $K/pki/ca.crt --cluster-signing-key-file $K/pki/ca.key \
    --root-ca-file $K/pki/ca.crt --service-account-private-key-file $K/pki/sa.key --profiling=false
  keep kube-scheduler kube-scheduler --kubeconfig $K/scheduler.kubeconfig \
    --authentication-kubeconfig $K/scheduler.kubeconfig --authorization-kubeconfig $K/scheduler.kubeconfig \
    --bind-address 127.0.0.1 --leader-elect=false --profiling=false
fi

# containerd: runc with cgroupfs, the CNI plugins of Debian, unprivileged ports for every pod (as containerd 2.x,
# Docker and k3s do), never an OOM score below its own (lowering one needs CAP_SYS_RESOURCE, which nodes lack
# here), and every image of docker.io pulled from the cluster's mirror only.
mkdir -p /etc/containerd/certs.d/docker.io
cat >/etc/containerd/config.toml <<EOF
version = 2
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  enable_unprivileged_ports = true
  enable_unprivileged_icmp = true
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "/etc/cni/net.d"
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "/etc/containerd/certs.d"
EOF
cat >/etc/containerd/certs.d/docker.io/hosts.toml <<EOF
server = "http://$MIRROR"
[host."http://$MIRROR"]
  capabilities = ["pull", "resolve"]
EOF
keep containerd containerd
wait_for containerd test -S /run/containerd/containerd.sock

# Drop-ins in /var/lib/kubelet/config.d (the kubelet's --config-dir) change one node's configuration at run time, e.g.
# a scenario's systemReserved; stopping the kubelet makes keep() start it again with them.
mkdir -p /var/lib/kubelet/config.d
keep kubelet kubelet --config $K/kubelet.yaml --config-dir /var/lib/kubelet/config.d --kubeconfig $K/kubelet.kubeconfig \
  --hostname-override "$NODE_NAME" --node-ip "$NODE_IP"
keep kube-proxy kube-proxy --config $K/kube-proxy.yaml --hostname-override "$NODE_NAME"
keep nodenet nodenet --kubeconfig $K/kube-proxy.kubeconfig --node "$NODE_NAME" --cluster-cidr "$POD_CIDR"
log "started; logs in /var/log"
trap 'exit 0' TERM INT
wait
