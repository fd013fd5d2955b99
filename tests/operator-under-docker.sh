#!/usr/bin/env bash
# The operator's Deployment (k8s/operator/operator.yaml) run under Docker the way a kubelet would run it, since no
# Kubernetes cluster runs here: the same image, user 185, read-only root filesystem with /tmp a 16 MiB tmpfs, no
# capabilities, no-new-privileges, its memory and CPU limits, its env. In place of the API server: the fabric8 mock
# server in CRUD mode (operator/src/test/java/.../MockApiServer.java, the one the operator's tests use), in a
# container on the same network. Then, like a kubelet, it runs the startup probe until it passes, then readiness
# and liveness (/q/health/started, /ready, /live on 8080), and checks that the operator does its job: the example
# DockerCoins (k8s/operator/dockercoins.yaml) sent to the stand-in API server becomes the five Deployments, the five
# Services, and a status. What it cannot show: anything a real API server, scheduler or kubelet adds (RBAC, pods
# running, garbage collection); see k8s/operator/README.md.
#
#   tests/operator-under-docker.sh        # needs the operator's image and `./mvnw -B -ntp -pl operator -am verify` first
#
# Environment: OPERATOR_IMAGE (default ${REGISTRY:-dockercoins-java}/operator:${TAG:-v0.1}, what
# `docker compose --profile operator build operator` makes), OPERATOR_DOCKER_PROJECT (default dockercoins-operator:
# names of its containers and network), OPERATOR_DOCKER_JRE (default eclipse-temurin:25-jre, runs the mock server).
# Everything it starts is removed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/usr/bin:$PATH
P=${OPERATOR_DOCKER_PROJECT:-dockercoins-operator}
IMAGE=${OPERATOR_IMAGE:-${REGISTRY:-dockercoins-java}/operator:${TAG:-v0.1}}
JRE=${OPERATOR_DOCKER_JRE:-eclipse-temurin:25-jre}
NS=coins

log() { printf '[operator-under-docker] %s\n' "$*" >&2; }
fail() { log "FAIL: $*"; docker logs --tail 40 "$P-operator" >&2 2>/dev/null || true; exit 1; }

docker info >/dev/null 2>&1 || { log "Docker is not running"; exit 1; }
docker image inspect "$IMAGE" >/dev/null 2>&1 || { log "no image $IMAGE: docker compose --profile operator build operator"; exit 1; }
# The test classes and their classpath (test-classpath.txt) are what the operator's build leaves in target/.
[[ -d operator/target/test-classes && -s operator/target/test-classpath.txt ]] \
  || { log "operator/target/test-classes or test-classpath.txt missing: ./mvnw -B -ntp -pl operator -am verify"; exit 1; }

cleanup() {
  docker rm -f "$P-operator" "$P-apiserver" >/dev/null 2>&1 || true
  docker network rm "$P-net" >/dev/null 2>&1 || true
}
trap cleanup EXIT
cleanup
docker network create "$P-net" >/dev/null

log "stand-in API server: the fabric8 mock server (CRUD) as kubernetes:6443"
docker run -d --name "$P-apiserver" --network "$P-net" --network-alias kubernetes -p 127.0.0.1::6443 \
  -v "$HOME/.m2:$HOME/.m2:ro" -v "$PWD/operator/target:/operator-target:ro" "$JRE" \
  java -cp "/operator-target/test-classes:$(cat operator/target/test-classpath.txt)" io.dockercoins.operator.MockApiServer 6443 >/dev/null
API="http://$(docker port "$P-apiserver" 6443/tcp | head -1)"
for _ in $(seq 60); do curl -fs "$API/version" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fs "$API/version" >/dev/null || fail "the stand-in API server did not start"

# operator.yaml's container, as a kubelet runs it (values read from the manifest)
read -r USER_ID MEMORY CPU TMP_SIZE ENV_ARGS < <(python3 - <<'PY'
import yaml
docs = [d for d in yaml.safe_load_all(open("k8s/operator/operator.yaml")) if d and d["kind"] == "Deployment"]
pod = docs[0]["spec"]["template"]["spec"]
c = pod["containers"][0]
mem = c["resources"]["limits"]["memory"].replace("Mi", "m")
cpu = str(c["resources"]["limits"]["cpu"])
tmp = [v for v in pod["volumes"] if v["name"] == "tmp"][0]["emptyDir"]["sizeLimit"].replace("Mi", "m")
env = ",".join(e["name"] + "=" + e["value"] for e in c.get("env", []))
print(pod["securityContext"]["runAsUser"], mem, cpu, tmp, env)
PY
)
ENV_FLAGS=()
IFS=, read -ra PAIRS <<< "$ENV_ARGS"
for pair in "${PAIRS[@]}"; do ENV_FLAGS+=(-e "$pair"); done
log "operator: $IMAGE as uid $USER_ID, read-only, cap-drop ALL, memory $MEMORY, cpus $CPU, /tmp tmpfs $TMP_SIZE"
# In a cluster the client finds the API server and its namespace in the pod (service-account mount); here fabric8's
# own variables point it at the stand-in.
docker run -d --name "$P-operator" --network "$P-net" --user "$USER_ID" --read-only --tmpfs "/tmp:size=$TMP_SIZE" \
  --cap-drop ALL --security-opt no-new-privileges --memory "$MEMORY" --cpus "$CPU" "${ENV_FLAGS[@]}" \
  -e KUBERNETES_MASTER=http://kubernetes:6443 \
  -e KUBERNETES_NAMESPACE=$NS \
  "$IMAGE" >/dev/null

probe() { # path -> 0 when the operator answers 200, as an httpGet probe (the image has bash, no curl)
  docker exec "$P-operator" bash -c "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET $1 HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3 && read -r -t 2 _ status _ <&3 && [ \"\$status\" = 200 ]" 2>/dev/null
}
start=$(date +%s)
until probe /q/health/started; do
  (( $(date +%s) - start < 90 )) || fail "startup probe not passed in 90 s (operator.yaml: 45 x 2 s)"
  docker inspect -f '{{.State.Running}}' "$P-operator" | grep -q true || fail "the operator exited"
  sleep 2
done
log "startup probe passed after $(( $(date +%s) - start )) s"
for _ in $(seq 10); do probe /q/health/ready && break; sleep 1; done
probe /q/health/ready || fail "readiness probe /q/health/ready"
probe /q/health/live || fail "liveness probe /q/health/live"
log "readiness and liveness probes pass"

log "sending k8s/operator/dockercoins.yaml to the stand-in API server (namespace $NS)"
python3 -c 'import json,sys,yaml; print(json.dumps(yaml.safe_load(open("k8s/operator/dockercoins.yaml"))))' \
  | curl -fs -X POST -H 'Content-Type: application/json' --data-binary @- \
      "$API/apis/dockercoins.io/v1alpha1/namespaces/$NS/dockercoins" >/dev/null || fail "cannot create the DockerCoins"
deployments=""
for _ in $(seq 30); do
  deployments=$(curl -fs "$API/apis/apps/v1/namespaces/$NS/deployments" | python3 -c 'import json,sys; print(" ".join(sorted(i["metadata"]["name"]+"="+str(i["spec"].get("replicas")) for i in json.load(sys.stdin)["items"])))')
  [[ $deployments == *worker-v0-1* ]] && break
  sleep 1
done
[[ $deployments == "hasher=1 redis=1 rng=1 webui=1 worker-v0-1=3" ]] || fail "Deployments: '$deployments'"
services=$(curl -fs "$API/api/v1/namespaces/$NS/services" | python3 -c 'import json,sys; print(" ".join(sorted(i["metadata"]["name"] for i in json.load(sys.stdin)["items"])))')
[[ $services == "hasher redis rng webui worker" ]] || fail "Services: '$services'"
status=""
for _ in $(seq 20); do
  status=$(curl -fs "$API/apis/dockercoins.io/v1alpha1/namespaces/$NS/dockercoins/dockercoins" | python3 -c 'import json,sys; s=json.load(sys.stdin).get("status") or {}; print(" ".join(c["type"]+"="+c["status"]+"/"+c["reason"] for c in s.get("conditions",[])))')
  [[ $status == *SpecValid=True* ]] && break
  sleep 1
done
[[ $status == *SpecValid=True* ]] || fail "status: '$status'"
log "Deployments: $deployments"
log "Services: $services"
log "status conditions: $status"
probe /q/health/ready || fail "not ready any more after reconciling"
log "memory in use: $(docker stats --no-stream --format '{{.MemUsage}}' "$P-operator")"
log "OK: the operator's pod reached readiness under Docker and reconciled the example"
