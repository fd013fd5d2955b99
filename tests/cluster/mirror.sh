#!/usr/bin/env bash
# The cluster's image mirror: a registry (the registry:2 image) on the nodes' network, which every node's containerd
# asks for every image of docker.io, and nothing else. A pull that a kubelet must make (`kubectl create deployment
# redis --image=redis` names the tag latest, so it always pulls) is answered here, and a tag that is not here fails
# as it would on Docker Hub. Its storage is a volume kept across down.sh, so a second cluster pushes little.
#
#   tests/cluster/mirror.sh IMAGE...     pushes the images from this machine's Docker (up.sh runs it)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

if [[ $(docker inspect -f '{{.State.Running}}' "$MIRROR" 2>/dev/null) != true ]]; then
  docker rm -f "$MIRROR" >/dev/null 2>&1 || true
  docker volume create --label "$LABEL" "$CLUSTER_NAME-mirror-storage" >/dev/null
  quiet docker run -d --name "$MIRROR" --label "$LABEL" --network "$NETWORK" --ip "$MIRROR_IP" \
    -p "127.0.0.1:$CLUSTER_MIRROR_PORT:5000" -v "$CLUSTER_NAME-mirror-storage:/var/lib/registry" \
    registry:2 || cl_die "the image mirror did not start (port $CLUSTER_MIRROR_PORT taken? set CLUSTER_MIRROR_PORT)"
fi
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$CLUSTER_MIRROR_PORT/v2/" >/dev/null && break; sleep 0.2; done
curl -fs "http://127.0.0.1:$CLUSTER_MIRROR_PORT/v2/" >/dev/null || cl_die "the image mirror does not answer: $(docker logs --tail 5 "$MIRROR" 2>&1)"

for image in "$@"; do
  # docker.io's names: redis:7 is library/redis:7 there
  path=$image; [[ ${image%%:*} == */* ]] || path=library/$image
  target=127.0.0.1:$CLUSTER_MIRROR_PORT/$path
  docker tag "$image" "$target"
  quiet docker push "$target" || cl_die "could not push $image to the image mirror"
  docker rmi "$target" >/dev/null
done
