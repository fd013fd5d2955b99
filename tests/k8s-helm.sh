#!/usr/bin/env bash
# The Helm chart, the workshop's helmcoins lab and the Kustomize overlays on a real cluster (tests/cluster/), with
# the helm and kustomize that tests/cluster/build.sh builds beside its kubectl:
#   - bad input: helm install with worker.replicas=-1, an unknown key, a tag that is not a string: refused by the
#     schema in one line, nothing installed;
#   - helm install in a fresh namespace mines at the expected rate (one worker, then three: the ceiling of one rng);
#     helm test passes; helm upgrade --set worker.image.tag=v0.2 rolls the workers with no failed /json request (all
#     counted); helm rollback returns to v0.1; an image that is not on the nodes shows ErrImagePull naming our image;
#     helm uninstall leaves nothing;
#   - the in-cluster registry of the workshop (kubectl create deployment registry --image=registry, a NodePort, the
#     host pushing through kubectl port-forward): the chart pushed there as an OCI artifact and our images beside it;
#     the chart installed from there, its images from there too, with every switch on (Redis as a StatefulSet):
#     mines, helm test passes, helm uninstall leaves only Redis' claim; a second copy with a plain Redis of another
#     namespace as its outside Redis (redis.enabled=false, by name) mines into it;
#   - the helmcoins loop of the workshop, as typed, in namespace helmcoins: mines;
#   - every overlay of kustomize/ (the registry one pointed at the in-cluster registry with `kustomize edit set
#     image`) and the workshop's kustomcoins step (`kustomize edit set image dockercoins-java/worker=:v0.2`), each in
#     a namespace of its own: applies and mines.
# Brings the cluster up first (tests/cluster/up.sh, which reuses a live one; the CLUSTER_* settings are its own) and
# loads a worker v0.2 into its nodes. Removes what it made; the cluster stays (tests/cluster/down.sh removes it).
#
#   tests/k8s-helm.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/usr/bin:$PATH DOCKER_BUILDKIT=1 COMPOSE_DOCKER_CLI_BUILD=1
START=$SECONDS
log() { printf '[k8s-helm %4ds] %s\n' $((SECONDS - START)) "$*" >&2; }
# The namespace whose pods and events a failure shows.
CURRENT_NS=""
fail() {
  log "FAILED: $*"
  if [[ -n $CURRENT_NS ]]; then
    k -n "$CURRENT_NS" get pods -o wide >&2 || true
    k -n "$CURRENT_NS" get events --sort-by=.lastTimestamp 2>/dev/null | tail -n 15 >&2 || true
  fi
  exit 1
}
load() { cut -d' ' -f1 /proc/loadavg; }

TMP=$(mktemp -d)
PIDS=()
NAMESPACES=(helm-chart helm-oci helm-outside helm-redis helmcoins registry kustomize-three-rng kustomize-hardened kustomize-registry kustomcoins)
TAGGED=()
CREATED_CLASSES=no
cleanup() {
  local rc=$?
  # Each background job and the programs it started (a subshell's docker push, say): by their ids.
  for pid in "${PIDS[@]}"; do pkill -P "$pid" 2>/dev/null || true; kill "$pid" 2>/dev/null || true; done
  if [[ -n ${KUBECTL:-} ]]; then
    k delete namespace "${NAMESPACES[@]}" --ignore-not-found --wait=false >/dev/null 2>&1 || true
    if [[ $CREATED_CLASSES == yes ]]; then
      k delete priorityclass dockercoins-services dockercoins-workers --ignore-not-found >/dev/null 2>&1 || true
    fi
  fi
  if ((${#TAGGED[@]})); then docker rmi "${TAGGED[@]}" >/dev/null 2>&1 || true; fi
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- the cluster, and its helm and kustomize ------------------------------------------------------------------------
log "the cluster (tests/cluster/up.sh: brings it up, or reuses a live one)"
up=$(tests/cluster/up.sh 2>"$TMP/up.log") || { tail -n 20 "$TMP/up.log" >&2; fail "tests/cluster/up.sh failed"; }
eval "$(tail -n 2 <<<"$up" | sed 's/^/export /')"
[[ -x ${KUBECTL:-} && -f ${KUBECONFIG:-} ]] || fail "tests/cluster/up.sh did not print KUBECTL= and KUBECONFIG="
BIN=$(dirname "$KUBECTL")
k() { "$KUBECTL" "$@"; }
helm() { "$BIN/helm" "$@"; }
kustomize() { "$BIN/kustomize" "$@"; }
[[ -x $BIN/helm && -x $BIN/kustomize ]] || fail "no helm or kustomize beside $KUBECTL (tests/cluster/build.sh builds them)"
# helm's own files (repositories, registry logins, cache) here, not in the user's home.
export HELM_CONFIG_HOME=$TMP/helm/config HELM_CACHE_HOME=$TMP/helm/cache HELM_DATA_HOME=$TMP/helm/data
unset HELM_NAMESPACE
log "$(helm version --short), kustomize $(kustomize version), kubectl $(k version --client -o json | sed -n 's/.*"gitVersion": "\(.*\)".*/\1/p' | head -n 1)"
NODE_IP=$(k get nodes -l '!node-role.kubernetes.io/control-plane' -o jsonpath='{.items[0].status.addresses[?(@.type=="InternalIP")].address}')
[[ -n $NODE_IP ]] || fail "no worker node address"

k delete namespace "${NAMESPACES[@]}" --ignore-not-found --wait=true --timeout=120s >/dev/null
if k get priorityclass dockercoins-services >/dev/null 2>&1; then PRIORITIES_EXIST=yes; else PRIORITIES_EXIST=no; fi

if ! docker image inspect dockercoins-java/worker:v0.2 >/dev/null 2>&1; then
  log "building dockercoins-java/worker:v0.2 (v0.1, slower: WORKER_SLEEP=2s), as k8s/README.md's rolling update does"
  docker build -q -t dockercoins-java/worker:v0.2 - >/dev/null <<'EOF'
FROM dockercoins-java/worker:v0.1
ENV WORKER_SLEEP=2s WORKER_VERSION=v0.2
EOF
fi
tests/cluster/load.sh dockercoins-java/worker:v0.2 2>"$TMP/load.log" || { cat "$TMP/load.log" >&2; fail "loading worker v0.2"; }

# ---- helpers --------------------------------------------------------------------------------------------------------
nodeport() { k -n "$1" get service webui -o jsonpath='{.spec.ports[0].nodePort}'; }
json() { curl -fsS -m 3 "http://$NODE_IP:$1/json"; } # webui's /json through its NodePort
field() { [[ $2 =~ \"$1\":([0-9.]+) ]] && echo "${BASH_REMATCH[1]}"; }
# wait_mining NS: until the hashes counter of the namespace's webui has grown (workers ready and mining).
wait_mining() {
  local port first="" now j
  port=$(nodeport "$1")
  for _ in $(seq 90); do
    if j=$(json "$port" 2>/dev/null) && now=$(field hashes "$j"); then
      [[ -z $first ]] && first=$now
      ((now > first)) && return 0
    fi
    sleep 2
  done
  fail "$1: the hashes counter did not grow in 180 s (last /json: ${j:-none})"
}
# between A B: hashes/s from one /json answer to a later one, by webui's own counter and clock.
between() {
  awk -v h1="$(field hashes "$1")" -v h2="$(field hashes "$2")" -v t1="$(field now "$1")" -v t2="$(field now "$2")" \
    'BEGIN { printf "%.2f", (h2 - h1) / (t2 - t1) }'
}
# rate NS SECONDS: hashes/s over that many seconds.
rate() {
  local port a b
  port=$(nodeport "$1")
  a=$(json "$port") || fail "$1: /json"
  sleep "$2"
  b=$(json "$port") || fail "$1: /json"
  between "$a" "$b"
}
# expect_rate NS WHAT LOW HIGH: measures 15 s; fails outside [LOW, HIGH]; prints the rate with the load average.
# The bounds leave room for a machine that other jobs keep busy; the numbers to quote come from a quiet one.
expect_rate() {
  local r
  r=$(rate "$1" 15)
  log "$2: $r hashes/s over 15 s (load average $(load))"
  awk -v r="$r" -v lo="$3" -v hi="$4" 'BEGIN { exit !(r >= lo && r <= hi) }' || fail "$2: $r hashes/s, expected $3-$4"
}
# What a namespace still holds besides what Kubernetes puts in every namespace.
leftovers() {
  k -n "$1" get all,configmaps,secrets,serviceaccounts,persistentvolumeclaims,networkpolicies,poddisruptionbudgets,horizontalpodautoscalers,resourcequotas,endpointslices -o name \
    | grep -v -e '^configmap/kube-root-ca.crt$' -e '^serviceaccount/default$' | sort | tr '\n' ' ' || true
}
# expect_left NS WHAT: waits (the garbage collector takes a moment with endpoint slices) until the namespace holds
# exactly that; prints it.
expect_left() {
  local left=""
  for _ in $(seq 30); do left=$(leftovers "$1"); [[ $left == "$2" ]] && return 0; sleep 1; done
  fail "$1 should hold ${2:-nothing} after helm uninstall, it holds: ${left:-nothing}"
}
# expect_refused WHAT SETTING: helm install with it fails with one line naming what is wrong, and installs nothing.
expect_refused() {
  local out lines
  if out=$(helm install refused k8s/helm/dockercoins -n helm-chart --set "$2" 2>&1); then fail "$1 was accepted"; fi
  lines=$(grep -c '^- ' <<<"$out" || true)
  ((lines == 1)) || fail "$1: not one line: $out"
  log "refused, $1 (--set $2): $(grep '^- ' <<<"$out")"
}

# ---- the in-cluster registry, and our images pushed to it while the chart is tested ---------------------------------
CURRENT_NS=registry
k create namespace registry >/dev/null
k -n registry create deployment registry --image=registry >/dev/null
k -n registry expose deploy/registry --port=5000 --type=NodePort >/dev/null
k -n registry rollout status deploy/registry --timeout=120s >/dev/null || fail "the registry did not start"
REGISTRY_NODEPORT=$(k -n registry get svc/registry -o jsonpath='{.spec.ports[0].nodePort}')
# The host reaches it through kubectl port-forward on a port the system picks (Docker pushes to 127.0.0.1 without
# TLS); the nodes pull from 127.0.0.1:<NodePort>, as in k8s/README.md's in-cluster registry.
"$KUBECTL" -n registry port-forward svc/registry :5000 >"$TMP/port-forward.log" 2>&1 & # kubectl itself, so that $! is its id
PIDS+=($!)
for _ in $(seq 50); do PUSH_PORT=$(sed -n 's/^Forwarding from 127.0.0.1:\([0-9]*\) .*/\1/p' "$TMP/port-forward.log"); [[ -n $PUSH_PORT ]] && break; sleep 0.2; done
[[ -n ${PUSH_PORT:-} ]] || fail "kubectl port-forward to the registry: $(cat "$TMP/port-forward.log")"
PUSH=127.0.0.1:$PUSH_PORT
for _ in $(seq 50); do curl -fs "http://$PUSH/v2/" >/dev/null && break; sleep 0.2; done
log "the in-cluster registry: 127.0.0.1:$REGISTRY_NODEPORT from the nodes, $PUSH from here; pushing our four images"
for s in rng hasher worker webui; do docker tag "dockercoins-java/$s:v0.1" "$PUSH/$s:v0.1"; TAGGED+=("$PUSH/$s:v0.1"); done
(for s in rng hasher worker webui; do docker push -q "$PUSH/$s:v0.1" || exit 1; done) >"$TMP/push.log" 2>&1 &
PUSHING=$!
PIDS+=("$PUSHING")

# ---- the chart: bad input ----------------------------------------------------------------------------------------
CURRENT_NS=helm-chart
k create namespace helm-chart >/dev/null
helm lint --strict k8s/helm/dockercoins >"$TMP/lint.log" 2>&1 || { cat "$TMP/lint.log" >&2; fail "helm lint --strict"; }
log "helm lint --strict: $(tail -n 1 "$TMP/lint.log")"
expect_refused "a negative worker count" worker.replicas=-1
expect_refused "an unknown key" worker.colour=blue
expect_refused "a tag that is not a string" worker.image.tag=2
[[ -z $(helm list -n helm-chart -q) ]] || fail "a refused install left a release: $(helm list -n helm-chart -q)"

# ---- the chart: install, rate, test, upgrade, rollback, uninstall -----------------------------------------------------
helm install dockercoins k8s/helm/dockercoins -n helm-chart --wait --timeout 3m >"$TMP/install.log" 2>&1 \
  || { cat "$TMP/install.log" >&2; fail "helm install"; }
log "helm install dockercoins k8s/helm/dockercoins -n helm-chart: $(grep '^STATUS' "$TMP/install.log")"
wait_mining helm-chart
sleep 5
expect_rate helm-chart "the chart, one worker" 2.0 3.6
k -n helm-chart scale deployment worker --replicas=3 >/dev/null
k -n helm-chart rollout status deployment worker --timeout=120s >/dev/null || fail "three workers"
sleep 5
expect_rate helm-chart "the chart, three workers (the ceiling of one rng)" 5.0 11.0
helm test dockercoins -n helm-chart --logs >"$TMP/test.log" 2>&1 || { cat "$TMP/test.log" >&2; fail "helm test"; }
log "helm test: $(grep -m 1 '^Phase' "$TMP/test.log" | tr -s ' '); $(grep '^mining:' "$TMP/test.log")"

# Every /json request during the upgrade, a fifth of a second apart, through the NodePort.
port=$(nodeport helm-chart)
poll() { local ok=0 bad=0; while [[ ! -f $TMP/stop-polling ]]; do
  if curl -fs -m 2 -o /dev/null "http://$NODE_IP:$port/json"; then ok=$((ok + 1)); else bad=$((bad + 1)); fi; sleep 0.2
done; echo "$ok $bad" >"$TMP/poll.txt"; }
poll &
POLLER=$!
PIDS+=("$POLLER")
helm upgrade dockercoins k8s/helm/dockercoins -n helm-chart --set worker.image.tag=v0.2 --wait --timeout 3m >"$TMP/upgrade.log" 2>&1 \
  || { cat "$TMP/upgrade.log" >&2; fail "helm upgrade"; }
k -n helm-chart rollout status deployment worker --timeout=120s >/dev/null
touch "$TMP/stop-polling"; wait "$POLLER"
read -r ok bad <"$TMP/poll.txt"
log "helm upgrade --set worker.image.tag=v0.2: $((ok + bad)) /json requests during the rollout, $bad failed"
((bad == 0)) || fail "$bad /json requests failed during the rollout"
[[ $(k -n helm-chart get deployment worker -o jsonpath='{.spec.template.spec.containers[0].image} {.status.readyReplicas}') == "dockercoins-java/worker:v0.2 3" ]] \
  || fail "after the upgrade: $(k -n helm-chart get deployment worker -o wide)"
sleep 10
expect_rate helm-chart "three workers v0.2 (a 2 s sleep a loop)" 0.8 1.5

helm rollback dockercoins -n helm-chart --wait --timeout 3m >/dev/null || fail "helm rollback"
[[ $(k -n helm-chart get deployment worker -o jsonpath='{.spec.template.spec.containers[0].image}') == dockercoins-java/worker:v0.1 ]] \
  || fail "helm rollback did not bring v0.1 back"
log "helm rollback: revision $(helm history dockercoins -n helm-chart --max 1 -o json | sed -n 's/.*"revision":\([0-9]*\).*/\1/p'), workers on dockercoins-java/worker:v0.1 again"

# An image that is on no node (and not in the cluster's mirror): the new pod says which, the old workers keep mining.
helm upgrade dockercoins k8s/helm/dockercoins -n helm-chart --set worker.image.tag=v0.9 >/dev/null || fail "helm upgrade v0.9"
why=""
for _ in $(seq 60); do
  why=$(k -n helm-chart get pods -l app=worker -o jsonpath='{range .items[*].status.containerStatuses[*]}{.state.waiting.reason} {.state.waiting.message}{"\n"}{end}' | grep -m 1 -E '^(ErrImagePull|ImagePullBackOff) ' || true)
  [[ -n $why ]] && break
  sleep 1
done
[[ $why == *dockercoins-java/worker:v0.9* && $why != *dockercoins/worker* ]] || fail "no ErrImagePull naming dockercoins-java/worker:v0.9: '$why'"
log "an image on no node: ${why%%:*}: ...${why: -120}"
helm rollback dockercoins -n helm-chart --wait --timeout 3m >/dev/null || fail "helm rollback after v0.9"

helm uninstall dockercoins -n helm-chart --wait --timeout 2m >/dev/null || fail "helm uninstall"
expect_left helm-chart ""
log "helm uninstall: nothing left in namespace helm-chart"

# ---- the chart from the in-cluster registry (OCI), with its images from there, every switch on ---------------------
CURRENT_NS=helm-oci
wait "$PUSHING" || { cat "$TMP/push.log" >&2; fail "pushing our images to the in-cluster registry"; }
helm package k8s/helm/dockercoins -d "$TMP" >/dev/null
chart=$(ls "$TMP"/dockercoins-*.tgz)
version=${chart##*/dockercoins-}; version=${version%.tgz}
helm push "$chart" "oci://$PUSH/charts" --plain-http >"$TMP/push-chart.log" 2>&1 || { cat "$TMP/push-chart.log" >&2; fail "helm push"; }
log "helm push: $(head -n 1 "$TMP/push-chart.log"); the registry holds $(curl -fs "http://$PUSH/v2/_catalog")"
classes=true
[[ $PRIORITIES_EXIST == yes ]] && classes=false # cluster-wide: someone else's stay theirs
helm install dockercoins "oci://$PUSH/charts/dockercoins" --version "$version" --plain-http -n helm-oci --create-namespace \
  --set image.registry="127.0.0.1:$REGISTRY_NODEPORT" --set redis.kind=StatefulSet \
  --set networkPolicies.enabled=true --set podDisruptionBudget.enabled=true --set autoscaling.enabled=true \
  --set priorities.enabled=true --set priorities.createClasses=$classes \
  --wait --timeout 3m >"$TMP/install-oci.log" 2>&1 || { cat "$TMP/install-oci.log" >&2; fail "helm install from oci://$PUSH/charts/dockercoins"; }
[[ $classes == true ]] && CREATED_CLASSES=yes
image=$(k -n helm-oci get deployment worker -o jsonpath='{.spec.template.spec.containers[0].image}')
[[ $image == "127.0.0.1:$REGISTRY_NODEPORT/worker:v0.1" ]] || fail "the worker's image is $image"
wait_mining helm-oci
log "helm install oci://$PUSH/charts/dockercoins --version $version (images 127.0.0.1:$REGISTRY_NODEPORT/..., Redis a StatefulSet, policies, PDB, HPA, priorities): mining; $(k -n helm-oci get networkpolicies,pdb,hpa -o name | wc -l) policies, budgets and autoscalers"
helm test dockercoins -n helm-oci --logs >"$TMP/test-oci.log" 2>&1 || { cat "$TMP/test-oci.log" >&2; fail "helm test (OCI)"; }
log "helm test: $(grep -m 1 '^Phase' "$TMP/test-oci.log" | tr -s ' ')"
# A second copy of the app whose Redis is outside its release, by name (an ExternalName Service): a plain Redis of a
# namespace of its own (the copy above has network policies, and its Redis rightly refuses other namespaces).
# Its own worker must show on its own web UI.
CURRENT_NS=helm-outside
k create namespace helm-redis >/dev/null
k -n helm-redis create deployment redis --image=redis:7 >/dev/null
k -n helm-redis expose deployment redis --port 6379 >/dev/null
helm install outside k8s/helm/dockercoins -n helm-outside --create-namespace --set redis.enabled=false \
  --set redis.external.host=redis.helm-redis.svc.cluster.local --wait --timeout 3m >"$TMP/install-outside.log" 2>&1 \
  || { cat "$TMP/install-outside.log" >&2; fail "helm install with an outside Redis"; }
[[ $(k -n helm-outside get service redis -o jsonpath='{.spec.type} {.spec.externalName}') == "ExternalName redis.helm-redis.svc.cluster.local" ]] \
  || fail "the Service redis is not an ExternalName of the outside Redis"
worker=$(k -n helm-outside get pods -l app=worker -o jsonpath='{.items[0].metadata.name}')
for _ in $(seq 60); do [[ $(json "$(nodeport helm-outside)" 2>/dev/null) == *"\"$worker\""* ]] && break; sleep 2; done
[[ $(json "$(nodeport helm-outside)") == *"\"$worker\""* ]] || fail "its worker $worker never showed on its web UI"
log "helm install with redis.enabled=false, redis.external.host=redis.helm-redis.svc.cluster.local: its worker mines into that Redis, its web UI reads it"
helm uninstall outside -n helm-outside --wait --timeout 2m >/dev/null || fail "helm uninstall (outside Redis)"
expect_left helm-outside ""
k delete namespace helm-outside helm-redis --wait=false >/dev/null

CURRENT_NS=helm-oci
helm uninstall dockercoins -n helm-oci --wait --timeout 2m >/dev/null || fail "helm uninstall (OCI)"
expect_left helm-oci "persistentvolumeclaim/data-redis-0 "
if [[ $classes == true ]] && k get priorityclass dockercoins-services >/dev/null 2>&1; then fail "helm uninstall left the PriorityClasses"; fi
CREATED_CLASSES=no
log "helm uninstall: left only persistentvolumeclaim/data-redis-0 (the wallet, as the chart's NOTES say)"
k delete namespace helm-oci --wait=false >/dev/null

# ---- the helmcoins lab, as typed ----------------------------------------------------------------------------------
CURRENT_NS=helmcoins
k create namespace helmcoins >/dev/null
(
  cd k8s/helm/helmcoins
  export HELM_NAMESPACE=helmcoins # the lab's `kns helmcoins`
  for COMPONENT in hasher redis rng webui worker; do
    helm upgrade $COMPONENT helmcoins --install --values=$COMPONENT.yaml
  done
) >"$TMP/helmcoins.log" 2>&1 || { cat "$TMP/helmcoins.log" >&2; fail "the helmcoins loop"; }
[[ $(helm list -n helmcoins -q | sort | tr '\n' ' ') == "hasher redis rng webui worker " ]] || fail "helmcoins releases: $(helm list -n helmcoins)"
wait_mining helmcoins
sleep 5
expect_rate helmcoins "helmcoins, one worker" 2.0 3.6
k delete namespace helmcoins --wait=false >/dev/null

# ---- Kustomize: every overlay, and the workshop's edit set image, side by side ---------------------------------------
# In a copy of k8s/ and kustomize/, so that the `kustomize edit` commands leave the repository as it is.
mkdir -p "$TMP/repo/kustomcoins"
cp -r k8s kustomize "$TMP/repo/"
(cd "$TMP/repo/kustomize/overlays/registry" && for s in rng hasher worker webui; do
  kustomize edit set image "dockercoins-java/$s=127.0.0.1:$REGISTRY_NODEPORT/$s:v0.1"; done)
(cd "$TMP/repo/kustomcoins" && kustomize create --resources ../k8s && kustomize edit set image dockercoins-java/worker=:v0.2)
declare -A overlay=([kustomize-three-rng]=kustomize/overlays/three-rng [kustomize-hardened]=kustomize/overlays/hardened
  [kustomize-registry]=kustomize/overlays/registry [kustomcoins]=kustomcoins)
for ns in kustomize-three-rng kustomize-hardened kustomize-registry kustomcoins; do
  CURRENT_NS=$ns
  k create namespace "$ns" >/dev/null
  k apply -k "$TMP/repo/${overlay[$ns]}" -n "$ns" >"$TMP/apply-$ns.log" 2>&1 || { cat "$TMP/apply-$ns.log" >&2; fail "kubectl apply -k ${overlay[$ns]}"; }
  [[ $ns == kustomize-hardened ]] && [[ $PRIORITIES_EXIST == no ]] && CREATED_CLASSES=yes
done
for ns in kustomize-three-rng kustomize-hardened kustomize-registry kustomcoins; do
  CURRENT_NS=$ns
  k -n "$ns" wait --for=condition=Available deployment --all --timeout=180s >/dev/null || fail "${overlay[$ns]}: not available"
  wait_mining "$ns"
done
CURRENT_NS=kustomize-three-rng
[[ $(k -n kustomize-three-rng get deployment rng -o jsonpath='{.status.readyReplicas}') == 3 ]] || fail "three-rng: not three rng pods"
CURRENT_NS=kustomize-hardened
[[ $(k -n kustomize-hardened get networkpolicies,pdb,hpa,resourcequota -o name | wc -l) == 13 ]] \
  || fail "hardened: $(k -n kustomize-hardened get networkpolicies,pdb,hpa,resourcequota -o name | tr '\n' ' ')"
[[ $(k -n kustomize-hardened get pods -l app=worker -o jsonpath='{.items[0].spec.priorityClassName}') == dockercoins-workers ]] || fail "hardened: the workers' class"
CURRENT_NS=kustomize-registry
[[ $(k -n kustomize-registry get deployment rng -o jsonpath='{.spec.template.spec.containers[0].image}') == "127.0.0.1:$REGISTRY_NODEPORT/rng:v0.1" ]] || fail "registry: rng's image"
CURRENT_NS=kustomcoins
[[ $(json "$(nodeport kustomcoins)") == *'"versions":{"v0.2"'* ]] || fail "kustomcoins: the workers are not v0.2: $(json "$(nodeport kustomcoins)")"
CURRENT_NS=""
log "kubectl apply -k, each in its namespace, all mining: three-rng (3 rng pods), hardened (10 policies, a PDB, an HPA, a quota; classes), registry (images from 127.0.0.1:$REGISTRY_NODEPORT), kustomcoins (kustomize edit set image dockercoins-java/worker=:v0.2: v0.2 workers)"
declare -A before
for ns in "${!overlay[@]}"; do before[$ns]=$(json "$(nodeport "$ns")") || fail "$ns: /json"; done
sleep 15
for ns in kustomize-three-rng kustomize-hardened kustomize-registry kustomcoins; do
  log "  $ns: $(between "${before[$ns]}" "$(json "$(nodeport "$ns")")") hashes/s over the same 15 s"
done
log "load average $(load); all passed in $((SECONDS - START)) s"
