# shellcheck shell=bash
# The common opening of the scripts that run the app with Docker Compose (tests/compose-smoke.sh, hardening.sh,
# fuzz.sh, drill.sh, bench/benchmark.sh). Source it, then call dc_init:
#
#   source "$(dirname "$0")/lib.sh"      # (bench/: "$(dirname "$0")/../tests/lib.sh")
#   dc_init smoke "${SMOKE_PROJECT:-dockercoins-smoke}"
#
# dc_init <log name> <compose project> [first host port, default 8000]
#   - works from the repository root, with BuildKit on (the Dockerfile's cache mount needs it on Docker 20.10 and
#     docker-compose 1.29) and /usr/bin first on PATH;
#   - COMPOSE: docker-compose (v1.29) if there is one, else `docker compose` (v2), with -p <project>; compose()
#     runs it;
#   - the host ports DOCKERCOINS_WEBUI_PORT / _RNG_PORT / _HASHER_PORT, exported with their defaults (8000, 8001,
#     8002, or from the given first port), and WEBUI=http://localhost:<webui port>;
#   - log (to stderr, with the seconds since the start), fail (log, compose ps and the last logs, exit 1);
#   - on exit, the project is removed with its volumes (`down -v --remove-orphans`; DC_DOWN_ARGS adds compose
#     options such as -f files, dc_before_cleanup runs first if the script defines it); Ctrl-C exits 130.
# Helpers: quiet, ports_free, image_of, json_hashes, wait_mining, health_states, wait_healthy; for the benchmarks,
# container_cpu_ns, machine_ticks, ready_after_start, bench_machine and write_between_markers.

dc_init() {
  DC_NAME=$1
  DC_PROJECT=$2
  local first_port=${3:-8000}
  cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
  export PATH=/usr/bin:$PATH DOCKER_BUILDKIT=1 COMPOSE_DOCKER_CLI_BUILD=1
  export DOCKERCOINS_WEBUI_PORT=${DOCKERCOINS_WEBUI_PORT:-$first_port}
  export DOCKERCOINS_RNG_PORT=${DOCKERCOINS_RNG_PORT:-$((first_port + 1))}
  export DOCKERCOINS_HASHER_PORT=${DOCKERCOINS_HASHER_PORT:-$((first_port + 2))}
  WEBUI=http://localhost:$DOCKERCOINS_WEBUI_PORT
  if command -v docker-compose >/dev/null 2>&1; then COMPOSE=(docker-compose -p "$DC_PROJECT"); else COMPOSE=(docker compose -p "$DC_PROJECT"); fi
  [[ -v DC_DOWN_ARGS ]] || DC_DOWN_ARGS=()
  DC_START=$SECONDS
  trap dc_cleanup EXIT
  trap 'exit 130' INT TERM
}

compose() { "${COMPOSE[@]}" "$@"; }

log() { printf '[%s %4ds] %s\n' "$DC_NAME" $((SECONDS - DC_START)) "$*" >&2; }

fail() {
  log "FAIL: $*"
  compose ps >&2 || true
  compose logs --tail=30 >&2 || true
  exit 1
}

dc_cleanup() {
  local rc=$?
  if declare -F dc_before_cleanup >/dev/null; then dc_before_cleanup "$rc" || true; fi
  log "cleaning up (down -v)"
  timeout 120 "${COMPOSE[@]}" "${DC_DOWN_ARGS[@]}" down -v --remove-orphans >/dev/null 2>&1 || true
  exit "$rc"
}

# Runs a command with its output set aside, and prints the last 40 lines of it only if it fails, so that a quiet
# step never fails without saying why; returns the command's status. E.g. quiet compose build || fail "build".
quiet() {
  local out rc=0
  out=$(mktemp)
  "$@" >"$out" 2>&1 || rc=$?
  if ((rc != 0)); then
    printf '%s\n' "---- '$*' exited $rc; its last lines:" >&2
    tail -n 40 "$out" >&2
  fi
  rm -f "$out"
  return "$rc"
}

# Fails if one of the host ports the app publishes is taken (another copy of the app, another developer's).
ports_free() {
  local port
  for port in "$DOCKERCOINS_WEBUI_PORT" "$DOCKERCOINS_RNG_PORT" "$DOCKERCOINS_HASHER_PORT"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      fail "port $port is already taken on this host (set DOCKERCOINS_WEBUI_PORT, _RNG_PORT, _HASHER_PORT)"
    fi
  done
}

# The image docker-compose.yml gives a service, with the same defaults.
image_of() { printf '%s/%s:%s\n' "${REGISTRY:-dockercoins-java}" "$1" "${TAG:-v0.1}"; }

# The image sets a benchmark compares, as IMAGE_PREFIX:TAG, into SETS: ours as docker-compose.yml names them, then
# AGAINST's (if any). Images of the sets from index FROM on that do not exist: one line naming them, exit 1, before
# anything starts. foreign SET: a set whose rng has no healthcheck of its own is not ours (bench/foreign-images.yml).
bench_image_sets() { # AGAINST FROM
  local set s missing=()
  SETS=("${REGISTRY:-dockercoins-java}:${TAG:-v0.1}")
  [[ -z $1 ]] || SETS+=("$1")
  for set in "${SETS[@]:$2}"; do
    for s in rng hasher worker webui; do
      docker image inspect "${set%:*}/$s:${set##*:}" >/dev/null 2>&1 || missing+=("${set%:*}/$s:${set##*:}")
    done
  done
  ((${#missing[@]} == 0)) || { echo "no such image: ${missing[*]} (nothing started; ours build with docker compose build)" >&2; exit 1; }
}
foreign() { [[ $1 != "${SETS[0]}" && -z $(docker image inspect -f '{{if .Config.Healthcheck}}ours{{end}}' "${1%:*}/rng:${1##*:}") ]]; }

# The hash counter from webui's /json (a JSON string like the original's, or a number); empty if no answer.
json_hashes() {
  { curl -fsS --max-time 5 "$WEBUI/json" 2>/dev/null || true; } | sed -n 's/.*"hashes": *"\{0,1\}\([0-9][0-9]*\).*/\1/p'
}

# Waits until /json shows a hash counter above 0; $1 = timeout in seconds, $2 = what to say if it does not.
wait_mining() {
  local deadline=$((SECONDS + $1))
  until [[ $(json_hashes) =~ ^[1-9] ]]; do
    ((SECONDS < deadline)) || fail "$2"
    sleep 2
  done
}

# "name status" of every container of the project: its health; "healthy" for a running container without a
# healthcheck (the workers: compose checks none of them); else its state.
health_states() {
  local ids
  ids=$(compose ps -q)
  [[ -n $ids ]] || return 0
  # shellcheck disable=SC2086
  docker inspect -f '{{.Name}} {{if .State.Health}}{{.State.Health.Status}}{{else if eq .State.Status "exited"}}exited({{.State.ExitCode}}){{else if eq .State.Status "running"}}healthy{{else}}{{.State.Status}}{{end}}' $ids
}

# Waits until every container of the project (redis included) is healthy (or running, without a healthcheck); fails
# as soon as one is unhealthy, exited with an error or dead (a one-shot service that exited 0 has done its job);
# $1 = timeout in seconds.
wait_healthy() {
  local timeout=$1 deadline=$((SECONDS + $1)) states=""
  while :; do
    states=$(health_states | grep -v ' exited(0)$' || true)
    if [[ -n $states ]]; then
      if ! grep -qv ' healthy$' <<<"$states"; then return 0; fi
      if grep -q ' unhealthy$\| exited(.*)$\| dead$' <<<"$states"; then fail "a container is not healthy: $(tr '\n' ' ' <<<"$states")"; fi
    fi
    ((SECONDS < deadline)) || fail "not all healthy within ${timeout}s: $(tr '\n' ' ' <<<"${states:-no containers}")"
    sleep 2
  done
}

# CPU nanoseconds one container has used so far, from its cgroup (v1 with the cgroupfs or systemd driver, or v2;
# else from inside it); $1: its full id or its name.
container_cpu_ns() {
  local id=$1 f
  [[ ${#id} == 64 ]] || id=$(docker inspect -f '{{.Id}}' "$1")
  for f in /sys/fs/cgroup/cpuacct/docker/$id/cpuacct.usage /sys/fs/cgroup/cpuacct/system.slice/docker-$id.scope/cpuacct.usage \
           /sys/fs/cgroup/cpu,cpuacct/docker/$id/cpuacct.usage; do
    [[ -r $f ]] && { cat "$f"; return; }
  done
  for f in /sys/fs/cgroup/system.slice/docker-$id.scope/cpu.stat /sys/fs/cgroup/docker/$id/cpu.stat; do
    [[ -r $f ]] && { awk '/^usage_usec/ {print $2 * 1000}' "$f"; return; }
  done
  docker exec "$1" sh -c 'cat /sys/fs/cgroup/cpuacct/cpuacct.usage 2>/dev/null || awk "/^usage_usec/{print \$2*1000}" /sys/fs/cgroup/cpu.stat'
}

# Busy clock ticks of the whole machine so far (/proc/stat: user nice system irq softirq steal, not idle or
# iowait); `getconf CLK_TCK` of them make a CPU-second.
machine_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }

# Seconds from `docker start` of a stopped container ($1) to the first 200 of /q/health/ready on its address,
# polled every 50 ms for at most about 2 minutes.
ready_after_start() {
  local t0 ip
  t0=$(date +%s.%N)
  docker start "$1" >/dev/null
  ip=$(docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$1")
  for _ in $(seq 1 2400); do
    curl -sf --max-time 1 -o /dev/null "http://$ip:80/q/health/ready" && break
    sleep 0.05
  done
  python3 -c "print('%.1f' % ($(date +%s.%N) - $t0))"
}

# The machine and the moment of a measurement, for the header of every figure a benchmark writes: absolute figures
# move from one machine to the next (ratios are what we promise), and a busy machine shows in its load average.
# E.g. "2026-12-07 14:30 UTC, Intel(R) Xeon(R) Processor, 2 cores, 24 GiB, Docker 20.10.24+dfsg1, load average 0.52 0.61 0.70"
bench_machine() {
  local cpu
  cpu=$(sed -n 's/^model name[[:space:]]*: *//p' /proc/cpuinfo | head -1)
  printf '%s, %s, %s cores, %s GiB, %s, load average %s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')" "${cpu:-unknown CPU}" "$(nproc)" \
    "$(awk '/^MemTotal/ {printf "%.0f", $2 / 1048576}' /proc/meminfo)" "$(docker version -f 'Docker {{.Server.Version}}' 2>/dev/null || echo 'no Docker')" \
    "$(cut -d' ' -f1-3 /proc/loadavg)"
}

# Puts the text of file $3 into the Markdown file $1 between the lines <!-- BEGIN $2 --> and <!-- END $2 -->,
# replacing what a previous run put there and nothing else (the hand-kept text around stays); without those
# markers, the marked section is added at the end of the file.
write_between_markers() {
  python3 - "$1" "$2" "$3" <<'PY'
import os, sys
path, name, text_file = sys.argv[1:4]
begin, end = "<!-- BEGIN %s: generated, replaced by its next run -->" % name, "<!-- END %s -->" % name
text = open(text_file).read().rstrip("\n")
old = open(path).read() if os.path.exists(path) else ""
section = "%s\n%s\n%s" % (begin, text, end)
if begin in old and end in old.split(begin, 1)[1]:
    before, rest = old.split(begin, 1)
    new = before + section + rest.split(end, 1)[1]
else:
    new = (old.rstrip("\n") + "\n\n" if old.strip() else "") + section + "\n"
open(path, "w").write(new)
PY
}
