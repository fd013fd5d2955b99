#!/usr/bin/env bash
# Builds the cluster's programs from their Go modules (tests/cluster/go.mod and modules/*/go.mod pin every version) into
# the build cache, static, with the version Kubernetes' own build stamps into them: the Kubernetes components and
# kubectl, the tools beside kubectl (stern, kustomize, helm), the add-ons that run as pods (CoreDNS, metrics-server, the
# volume provisioner, kube-router's network policies, Prometheus, prometheus-adapter) and the cluster's helpers of cmd/
# (pause, nodenet). Prints the folder. A second run with nothing changed builds nothing.
#
#   tests/cluster/build.sh              (up.sh runs it)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

if [[ -f $BIN_DIR/.complete ]]; then echo "$BIN_DIR"; exit 0; fi
command -v go >/dev/null || cl_die "Go is needed to build Kubernetes (1.24 or newer; Debian: apt-get install golang, or go.dev/dl)"

PROGRAMS=(
  k8s.io/kubernetes/cmd/kube-apiserver
  k8s.io/kubernetes/cmd/kube-controller-manager
  k8s.io/kubernetes/cmd/kube-scheduler
  k8s.io/kubernetes/cmd/kubelet
  k8s.io/kubernetes/cmd/kube-proxy
  k8s.io/kubernetes/cmd/kubectl
  github.com/stern/stern
  sigs.k8s.io/kustomize/kustomize/v5
  sigs.k8s.io/metrics-server/cmd/metrics-server
  ./cmd/coredns
  ./cmd/hostpath-provisioner
  ./cmd/pause
  ./cmd/nodenet
)
# Programs built against other versions of the Kubernetes libraries than ../go.mod's: a module each, under modules/.
MODULES=(prometheus prometheus-adapter kube-router helm)
# What `kubectl version` and the nodes report; without it they say v0.0.0 (Kubernetes' hack/lib/version.sh).
minor=${K8S_VERSION#v1.}; minor=${minor%%.*}
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
  ldflags+=" -X $pkg.gitCommit=0000000000000000000000000000000000000000 -X $pkg.buildDate=1970-01-01T00:00:00Z"
done
# helm's version, as helm's own Makefile stamps it (without it, `helm version` and its OCI user agent say only the minor).
helm_version=$(awk '$1 == "helm.sh/helm/v4" {print $2; exit}' "$CLUSTER_DIR/modules/helm/go.mod")
ldflags+=" -X helm.sh/helm/v4/internal/version.version=$helm_version -X helm.sh/helm/v4/internal/version.gitTreeState=clean"

cl_log "building Kubernetes $K8S_VERSION and the cluster's programs into $BIN_DIR (the first time: several minutes)"
rm -rf "$BIN_DIR.part" && mkdir -p "$BIN_DIR.part"
t0=$SECONDS
build() { # module folder, packages
  local dir=$1; shift
  (cd "$CLUSTER_DIR/$dir" && CGO_ENABLED=0 go build -trimpath -tags selinux,notest,grpcnotrace,providerless \
     -ldflags "$ldflags" -o "$BIN_DIR.part/" "$@") || cl_die "go build in tests/cluster/$dir failed (above)"
}
build . "${PROGRAMS[@]}"
for module in "${MODULES[@]}"; do build "modules/$module" tool; done
# Named after what they are, not after their main package's folder.
mv "$BIN_DIR.part/adapter" "$BIN_DIR.part/prometheus-adapter"
touch "$BIN_DIR.part/.complete"
rm -rf "$BIN_DIR" && mv "$BIN_DIR.part" "$BIN_DIR"
# Older builds go (each is most of a gigabyte), but for one that a node of a live cluster still runs.
in_use=$(docker ps -aq --filter label=io.dockercoins.cluster 2>/dev/null | xargs -r docker inspect \
  -f '{{range .Mounts}}{{if eq .Destination "/opt/cluster/bin"}}{{.Source}}{{end}}{{end}}' 2>/dev/null || true)
for old in "$CLUSTER_CACHE"/bin/*; do
  [[ $old == "$BIN_DIR" ]] || grep -qxF "$old" <<<"$in_use" || rm -rf "$old"
done
cl_log "built in $((SECONDS - t0)) s: $(cd "$BIN_DIR" && ls | tr '\n' ' ')"
echo "$BIN_DIR"
