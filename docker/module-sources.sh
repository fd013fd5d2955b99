#!/bin/sh
# Used by ../Dockerfile's `sources` stage, in the build context's copy:
#   sh docker/module-sources.sh <module> <dest>
# Copies the src/ of <module> and of every reactor module its pom.xml names (any scope), theirs too,
# transitively, into <dest>: what `./mvnw -pl <module> -am` builds (a module's folder is its artifactId).
# Names that are no folder of the reactor (Quarkus, Jedis, plugins) are skipped.
set -eu
service=${1:?give the module: --build-arg SERVICE=rng (or hasher, worker, webui, report, loadtest)}
dest=${2:?give the destination folder}
[ -f "$service/pom.xml" ] || { echo "SERVICE=$service: no module $service/ in the build context" >&2; exit 1; }
mkdir -p "$dest"
todo=$service
seen=' '
while [ -n "$todo" ]; do
  set -- $todo
  module=$1
  shift
  todo="$*"
  case "$seen" in *" $module "*) continue ;; esac
  seen="$seen$module "
  if [ -d "$module/src" ]; then cp -r --parents "$module/src" "$dest/"; fi
  for name in $(sed -n 's:.*<artifactId>\([^<]*\)</artifactId>.*:\1:p' "$module/pom.xml"); do
    if [ -f "$name/pom.xml" ]; then todo="$todo $name"; fi
  done
done
echo "sources of:$seen"
