#!/usr/bin/env bash
# Loads images from this machine's Docker into every running node of the cluster, as `kind load docker-image` does:
# pods that name them (with imagePullPolicy IfNotPresent) then start without asking any registry. Each image is
# labelled in the node with its Docker image ID, so one a node already holds is not loaded into it again.
#
#   tests/cluster/load.sh IMAGE...        e.g. tests/cluster/load.sh dockercoins-java/worker:v0.2
set -euo pipefail
source "$(dirname "$0")/lib.sh"
(($#)) || cl_die "usage: tests/cluster/load.sh IMAGE... (images of this machine's Docker)"
nodes=$(docker ps --filter "label=$LABEL" --filter label=io.dockercoins.cluster.role --format '{{.Names}}' | sort)
[[ -n $nodes ]] || cl_die "no node of cluster $CLUSTER_NAME is running: tests/cluster/up.sh first"

# containerd's name of a Docker image: redis:7 is docker.io/library/redis:7, a/b is docker.io/a/b:latest.
full_name() {
  local name=$1 first=${1%%/*}
  [[ ${name##*/} == *:* ]] || name+=:latest
  if [[ $name != */* ]]; then name=docker.io/library/$name
  elif [[ $first != *.* && $first != *:* && $first != localhost ]]; then name=docker.io/$name; fi
  echo "$name"
}
declare -A id
for image in "$@"; do
  id[$image]=$(docker image inspect -f '{{.Id}}' "$image" 2>/dev/null) || cl_die "no image $image in this machine's Docker"
done
todo_nodes=() todo_images=()
for node in $nodes; do
  held=$(docker exec "$node" ctr -n k8s.io images ls 2>/dev/null | awk '{print $1, $NF}')
  missing=0
  for image in "$@"; do
    grep -qF "$(full_name "$image") " <<<"$held" && grep -F "$(full_name "$image") " <<<"$held" | grep -q "io.dockercoins.id=${id[$image]}" && continue
    missing=1
    [[ " ${todo_images[*]} " == *" $image "* ]] || todo_images+=("$image")
  done
  ((missing)) && todo_nodes+=("$node")
done
((${#todo_nodes[@]})) || exit 0

archive=$(mktemp --suffix=.tar)
trap 'rm -f "$archive" "$archive".*' EXIT
docker save -o "$archive" "${todo_images[@]}" || cl_die "docker save ${todo_images[*]} failed"
cl_log "loading ${todo_images[*]} into ${todo_nodes[*]}"
load_into() { # node
  docker exec -i "$1" ctr -n k8s.io images import - <"$archive" >/dev/null || return 1
  for image in "${todo_images[@]}"; do
    docker exec "$1" ctr -n k8s.io images label "$(full_name "$image")" "io.dockercoins.id=${id[$image]}" >/dev/null || return 1
  done
}
pids=()
for node in "${todo_nodes[@]}"; do load_into "$node" 2>"$archive.$node" & pids+=($!); done
failed=""
for i in "${!todo_nodes[@]}"; do
  wait "${pids[$i]}" || failed+="${todo_nodes[$i]} ($(tail -n 2 "$archive.${todo_nodes[$i]}" | tr '\n' ' ')) "
done
[[ -z $failed ]] || cl_die "loading images failed on $failed"
