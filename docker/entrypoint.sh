#!/usr/bin/env bash
# Entrypoint of the DockerCoins Java images (see ../Dockerfile): one check, then `exec java`, so that the JVM
# replaces this shell, is PID 1 and gets SIGTERM (docker stop, Ctrl-C, Kubernetes).
#
# The check. A process may bind a port below net.ipv4.ip_unprivileged_port_start only with CAP_NET_BIND_SERVICE
# in its effective set, which a non-root user does not have (the kernel clears it at exec). Docker sets that
# sysctl to 0 in every container, so our port 80 just works there; containerd 1.x (default config) and CRI-O
# leave the kernel's 1024, and a pod with no securityContext (`kubectl create deployment`) cannot change it.
# Quarkus would then say "Port 80 seems to be in use by another process", which sends people the wrong way:
# name the cause and the two fixes instead, in one line, and exit 1 before starting the JVM.
# Apps without an HTTP server (the report, a batch job) bind no port: no check for them.

port=${QUARKUS_HTTP_PORT:-8080}
if compgen -G '/deployments/lib/main/io.quarkus.quarkus-vertx-http-*.jar' >/dev/null && [[ $port =~ ^[0-9]+$ ]] && ((port > 0)); then
  unprivileged_start=1024 # kernels before 4.11 have no such sysctl: ports below 1024 need the capability
  if [[ -r /proc/sys/net/ipv4/ip_unprivileged_port_start ]]; then
    read -r unprivileged_start </proc/sys/net/ipv4/ip_unprivileged_port_start
  fi
  cap_eff=0
  while read -r key value; do
    if [[ $key == CapEff: ]]; then cap_eff=$value; fi
  done </proc/self/status
  # CAP_NET_BIND_SERVICE is capability 10
  if ((port < unprivileged_start)) && ! (((16#$cap_eff >> 10) & 1)); then
    echo "FATAL: cannot listen on port $port: user $(id -u) may not bind ports below $unprivileged_start here" \
      "(net.ipv4.ip_unprivileged_port_start is $unprivileged_start and there is no CAP_NET_BIND_SERVICE; Docker sets 0," \
      "containerd 1.x and CRI-O do not). Fix one of two ways: add the sysctl net.ipv4.ip_unprivileged_port_start=0" \
      "to the pod's securityContext.sysctls, or listen on 8080: set QUARKUS_HTTP_PORT=8080" \
      "(kubectl set env deployment/<name> QUARKUS_HTTP_PORT=8080) and expose it with" \
      "kubectl expose deployment <name> --port 80 --target-port 8080" >&2
    exit 1
  fi
fi
# The AOT cache the image's training run wrote (docker/aot-training.sh), when there is one.
aot_cache=()
if [[ -r /deployments/app.aot ]]; then aot_cache=(-XX:AOTCache=/deployments/app.aot); fi
# JAVA_OPTS and JAVA_OPTS_APPEND unquoted on purpose: each holds several options.
# shellcheck disable=SC2086
exec java "${aot_cache[@]}" $JAVA_OPTS $JAVA_OPTS_APPEND -jar /deployments/quarkus-run.jar "$@"
