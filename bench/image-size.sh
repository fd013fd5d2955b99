#!/usr/bin/env bash
# What a learner pulls: the size of each service's image, unpacked (what `docker image inspect` says) and as a
# registry sends it (gzip-compressed layers), and for the four together, counting each shared layer once.
#
#   bench/image-size.sh                              # the images docker-compose.yml names (REGISTRY, TAG)
#   bench/image-size.sh --against dockercoins-java:755ac85      # ... and a second set the same way, and the ratio
#
# Per image: `docker image inspect -f '{{.Size}}'`; `docker save IMAGE | gzip | wc -c` (the whole image as one
# compressed stream); its layers each gzip-compressed, as a registry stores them; the part of those that is the
# image's own (in no other of the four). Then the four together: every distinct layer once, unpacked and
# compressed: what a learner's `docker compose pull` downloads (redis:7 aside). Needs the images built.
set -euo pipefail
# shellcheck source=tests/lib.sh
source "$(dirname "$0")/../tests/lib.sh"
cd "$(dirname "$0")/.."
export PATH=/usr/bin:$PATH
SERVICES=(rng hasher worker webui)

against=""
while (($#)); do
  case $1 in
    --against) against=${2:-}; [[ $against == */*:* || $against == *:* ]] || { echo "--against needs IMAGE_PREFIX:TAG, e.g. --against dockercoins-java:755ac85" >&2; exit 2; }; shift 2 ;;
    *) echo "unknown argument $1 (bench/image-size.sh [--against IMAGE_PREFIX:TAG])" >&2; exit 2 ;;
  esac
done
ours=()
for s in "${SERVICES[@]}"; do ours+=("$(image_of "$s")"); done
theirs=()
if [[ -n $against ]]; then
  for s in "${SERVICES[@]}"; do theirs+=("${against%:*}/$s:${against##*:}"); done
fi
bench_image_sets "$against" 0   # exits naming any missing image

# One table for a set of four images: per image, then the set.
measure_set() {
  local work
  work=$(mktemp -d)
  docker save "$@" | tar -x -C "$work"
  for image in "$@"; do
    printf '%s %s %s\n' "$image" "$(docker image inspect -f '{{.Size}}' "$image")" "$(docker save "$image" | gzip | wc -c)"
  done >"$work/whole"
  python3 - "$work" <<'PY'
import gzip, json, os, sys, zlib
work = sys.argv[1]
whole = {line.split()[0]: (int(line.split()[1]), int(line.split()[2])) for line in open(os.path.join(work, "whole"))}
manifest = json.load(open(os.path.join(work, "manifest.json")))
layers = {}   # diff id -> (unpacked bytes, gzip bytes)
def gz_size(path):
    c, n = zlib.compressobj(6, zlib.DEFLATED, 31), 0
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            n += len(c.compress(chunk))
    return n + len(c.flush())
images = []
for entry in manifest:
    config = json.load(open(os.path.join(work, entry["Config"])))
    ids = config["rootfs"]["diff_ids"]
    for diff_id, tar in zip(ids, entry["Layers"]):
        if diff_id not in layers:
            path = os.path.join(work, tar)
            layers[diff_id] = (os.path.getsize(path), gz_size(path))
    images.append((entry["RepoTags"][0], ids))
mb = lambda b: "%.0f" % (b / 1e6)
print("| image | `docker image inspect` size, MB | `docker save \\| gzip`, MB | its layers compressed, MB | of which its own (in no other of the four), MB |")
print("|---|---:|---:|---:|---:|")
for tag, ids in images:
    others = {d for t, i in images if t != tag for d in i}
    own = [d for d in ids if d not in others]
    print("| %s | %s | %s | %s | %s |" % (tag, mb(whole[tag][0]), mb(whole[tag][1]),
          mb(sum(layers[d][1] for d in set(ids))), mb(sum(layers[d][1] for d in set(own)))))
shared = set.intersection(*[set(i) for _, i in images])
print("| **the four together** (each layer once) | **%s** | | **%s** | shared by all four: %s MB unpacked, %s MB compressed |" % (
    mb(sum(u for u, _ in layers.values())), mb(sum(g for _, g in layers.values())),
    mb(sum(layers[d][0] for d in shared)), mb(sum(layers[d][1] for d in shared))))
print("TOTALS %d %d" % (sum(u for u, _ in layers.values()), sum(g for _, g in layers.values())))
PY
  rm -rf "$work"
}

echo "Command: \`bench/image-size.sh $*\` — $(bench_machine)."
echo
ours_out=$(measure_set "${ours[@]}")
grep -v '^TOTALS' <<<"$ours_out"
if [[ -n $against ]]; then
  echo
  theirs_out=$(measure_set "${theirs[@]}")
  grep -v '^TOTALS' <<<"$theirs_out"
  read -r _ ou oc < <(grep '^TOTALS' <<<"$ours_out")
  read -r _ tu tc < <(grep '^TOTALS' <<<"$theirs_out")
  echo
  python3 -c "print('The four of %s against those of %s: %.2f unpacked, %.2f compressed.' % ('$(image_of rng | sed 's|/rng:|:|')', '$against', $ou / $tu, $oc / $tc))"
fi
