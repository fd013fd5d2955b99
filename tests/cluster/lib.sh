# shellcheck shell=bash
# What every script of tests/cluster/ shares: the cluster's names, addresses and folders, and its log and failure
# helpers. Sourced, never run. Every setting can be changed from the environment (the table in tests/cluster/README.md).

CLUSTER_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$CLUSTER_DIR/../.." && pwd)
# Debian's Docker CLI first (it builds with BuildKit on Docker 20.10), as the project's other scripts do.
export PATH=/usr/bin:$PATH DOCKER_BUILDKIT=1 COMPOSE_DOCKER_CLI_BUILD=1
source "$REPO_DIR/tests/lib.sh" # quiet

# The Kubernetes version is the one tests/cluster/go.mod requires: one place to change it.
K8S_VERSION=$(awk '{for (i = 1; i < NF; i++) if ($i == "k8s.io/kubernetes" && $(i + 1) ~ /^v1\./) {print $(i + 1); exit}}' "$CLUSTER_DIR/go.mod")

CLUSTER_NAME=${CLUSTER_NAME:-dockercoins}
CLUSTER_WORKERS=${CLUSTER_WORKERS:-2}
# How long a pod stays bound to a node that stopped answering before it is evicted and made again elsewhere.
# Kubernetes' own default is 300 s; 30 here, so that losing a node shows its pods moving within a minute.
CLUSTER_NODE_LOST_SECONDS=${CLUSTER_NODE_LOST_SECONDS:-30}
# Addresses: the nodes' Docker network, the pods' and the Services' ranges. None may overlap the machine's own
# routes (up.sh checks); the defaults stay out of Docker's own address pools (172.17-31.x, 192.168.x).
CLUSTER_NODE_SUBNET=${CLUSTER_NODE_SUBNET:-10.200.0.0/24}
CLUSTER_POD_CIDR=${CLUSTER_POD_CIDR:-10.244.0.0/16}
CLUSTER_SERVICE_CIDR=${CLUSTER_SERVICE_CIDR:-10.96.0.0/16}
# The host's port for pushing to the cluster's image mirror (Docker pushes without TLS to 127.0.0.1 only).
CLUSTER_MIRROR_PORT=${CLUSTER_MIRROR_PORT:-5001}
# Built binaries and images stay here across down.sh (like kind's node image); down.sh --purge removes them.
CLUSTER_CACHE=${CLUSTER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dockercoins-cluster}
# What one cluster needs while it lives (certificates, kubeconfigs, node configs); down.sh removes it.
CLUSTER_STATE=${CLUSTER_STATE:-${XDG_STATE_HOME:-$HOME/.local/state}/dockercoins-cluster/$CLUSTER_NAME}

NETWORK=$CLUSTER_NAME-cluster
CONTROL_PLANE=$CLUSTER_NAME-control-plane
MIRROR=$CLUSTER_NAME-mirror
KUBECONFIG_FILE=$CLUSTER_STATE/kubeconfig
LABEL=io.dockercoins.cluster=$CLUSTER_NAME

# x.y.z.N of the nodes' subnet: the gateway (the host) is .1, the mirror .2, the control plane .10, workers .11 on.
subnet_ip() { local base=${CLUSTER_NODE_SUBNET%/*}; echo "${base%.*}.$1"; }
# The first address of the Service range is the API server's ClusterIP, the tenth CoreDNS's (as kubeadm does).
service_ip() { local base=${CLUSTER_SERVICE_CIDR%/*}; echo "${base%.*}.$((${base##*.} + $1))"; }
worker_name() { if (($1 == 1)); then echo "$CLUSTER_NAME-worker"; else echo "$CLUSTER_NAME-worker$1"; fi; }
node_ip() { # node name -> its address
  case $1 in
    "$CONTROL_PLANE") subnet_ip 10 ;;
    "$CLUSTER_NAME-worker") subnet_ip 11 ;;
    *) subnet_ip $((10 + ${1##*worker})) ;;
  esac
}
MIRROR_IP=$(subnet_ip 2)
API_IP=$(subnet_ip 10)
DNS_IP=$(service_ip 10)

# The nodes that exist now (running or stopped), control plane first.
cluster_nodes() {
  docker ps -a --filter "label=$LABEL" --filter label=io.dockercoins.cluster.role --format '{{.Names}}' | sort
}

# Seconds since up.sh (or the script run alone) began, in every script it runs.
: "${CLUSTER_T0:=$(date +%s)}"; export CLUSTER_T0
cl_log() { printf '[cluster %4ds] %s\n' $(($(date +%s) - CLUSTER_T0)) "$*" >&2; }
cl_die() { printf '[cluster] FAILED: %s\n' "$*" >&2; exit 1; }

# One line naming the component that failed, then the last lines of its log in the node that runs it.
cl_component_failed() { # node component what-happened
  printf '[cluster] FAILED: %s on %s: %s; the last lines of its log (/var/log/%s.log):\n' "$2" "$1" "$3" "$2" >&2
  docker exec "$1" tail -n 25 "/var/log/$2.log" 2>&1 | sed 's/^/    /' >&2 || true
  exit 1
}

# Where the built programs are: one folder per Kubernetes version and hash of everything the build reads (the
# modules, the helpers' sources, build.sh), so a change to any of them builds anew and an unchanged tree never does.
BIN_DIR=$CLUSTER_CACHE/bin/$K8S_VERSION-$(cd "$CLUSTER_DIR" && cat build.sh $(find go.mod go.sum cmd modules -type f | sort) | sha256sum | cut -c1-12)
KUBECTL=$BIN_DIR/kubectl
# The cluster's own images: one per program that runs as a pod, FROM scratch (or from the Dockerfile of a folder
# named after it, for one that needs more than its binary), tagged with the build's name; and two
# built from a folder of their own, tagged with its hash: the node image (node/) and the load-testing pod
# (loadtester/, also the scenarios' probe pods; also tagged latest, for `kubectl run --image=dockercoins-cluster/loadtester`).
IMAGE_TAG=${BIN_DIR##*/}
folder_hash() { cat "$CLUSTER_DIR/$1"/* | sha256sum | cut -c1-12; }
PROGRAM_IMAGES=(dockercoins-cluster/{pause,coredns,metrics-server,hostpath-provisioner,kube-router,prometheus,prometheus-adapter}:"$IMAGE_TAG")
NODE_IMAGE=dockercoins-cluster/node:$(folder_hash node)
LOADTESTER_IMAGE=dockercoins-cluster/loadtester:$(folder_hash loadtester)
CLUSTER_IMAGES=("${PROGRAM_IMAGES[@]}" "$LOADTESTER_IMAGE" dockercoins-cluster/loadtester:latest)
# The project's images, in every node and in the mirror: what the walkthrough and the scenarios run.
read -ra APP_IMAGES <<<"${CLUSTER_APP_IMAGES:-$(echo dockercoins-java/{rng,hasher,worker,webui,report,operator}:v0.1 redis:7 redis:latest registry:2 registry:latest)}"
kctl() { "$KUBECTL" --kubeconfig "$KUBECONFIG_FILE" "$@"; }
