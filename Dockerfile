# DockerCoins for Java: ONE recipe for every Java image, the Maven module chosen by the build argument SERVICE.
# The build context is the repository root (the modules share the root pom):
#   docker build --build-arg SERVICE=rng -t dockercoins-java/rng:v0.1 .          (SERVICE=hasher, worker, webui, report)
#   docker build --build-arg SERVICE=worker --build-arg WORKER_VERSION=v0.2 -t dockercoins-java/worker:v0.2 .
#   docker build --build-arg SERVICE=loadtest --target loadtest -t dockercoins-java/loadtest:v0.1 .
#   docker compose build [rng]      (compose passes SERVICE per service, and TAG as the worker's WORKER_VERSION)
# Needs BuildKit (Compose v2 and Docker 23+ use it by default; with Docker 20.10 / docker-compose 1.29 set
# DOCKER_BUILDKIT=1 COMPOSE_DOCKER_CLI_BUILD=1) for the cache mount that keeps ~/.m2 between builds, and so that
# a build runs only the stages its target needs. How the layers stay cached: docs/images.md.

########## what the build reads: the reactor's poms, and the sources SERVICE needs ##########
FROM maven:3.9-eclipse-temurin-25 AS sources
WORKDIR /src
COPY . .
# This stage re-runs on any change in the context, but what it hands on changes only when its inputs do, and
# BuildKit caches the next stage by the content of what it copies from here.
# 1. The wrapper and every module's pom.xml (Maven reads them all even to build one module): the same for every
#    service, so all the images share that layer, and it changes only when a pom does.
RUN mkdir /poms && cp -r mvnw .mvn /poms/ && find . -name pom.xml -not -path '*/target/*' -exec cp --parents {} /poms/ \;
# 2. The src/ of SERVICE and of every reactor module its pom names (ledger, test-support...), theirs too,
#    transitively: what `-pl SERVICE -am` builds (docker/module-sources.sh). A new module needs no edit here,
#    and a change in one service's sources leaves the other images' Maven step cached.
ARG SERVICE
RUN sh docker/module-sources.sh "$SERVICE" /srcs

########## build: Maven wrapper on JDK 25 (the bytecode is Java 17's, as on every other machine) ##########
FROM maven:3.9-eclipse-temurin-25 AS build
WORKDIR /build
COPY --from=sources /poms/ ./
COPY --from=sources /srcs/ ./
# Downloads (Maven itself, plugins, dependencies) land in the cache mount and are reused by every later build of
# every service: a code change downloads nothing.
# aot-jar: the fast-jar's folders, but every class on the JVM's own class path, where the AOT cache can hold it
# (ignored by modules that are not Quarkus applications).
ARG SERVICE
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -ntp -pl "$SERVICE" -am package -DskipTests -Dquarkus.package.jar.type=aot-jar

########## the load test's base: the whole JRE 25 (Gatling needs more of the JDK than the services), non-root ##########
# Java 25, not 21: its AOT cache and compact object headers make each service ready sooner with less memory
# (measured in bench/results.md, "Idle cost"); Java 21 has neither.
FROM eclipse-temurin:25-jre AS jre
# uid 185 like Quarkus' own images, group 0 for OpenShift, so that Kubernetes' runAsNonRoot can check it.
# The application files stay owned by root: read-only for it.
RUN useradd --uid 185 --gid 0 --home-dir /deployments --no-create-home --shell /usr/sbin/nologin quarkus
WORKDIR /deployments

########## the load test (target loadtest; build it with SERVICE=loadtest): Gatling, a plain jar + lib/ ##########
FROM jre AS loadtest
RUN mkdir /reports && chown 185:0 /reports && chmod 775 /reports
# loadtest.jar (its manifest names the main class and lib/*) and target/lib/ (Gatling and its dependencies)
COPY --from=build /build/loadtest/target/lib/ /deployments/lib/
COPY --from=build /build/loadtest/target/loadtest.jar /deployments/
USER 185
# Inside the compose network and the cluster the services are reached by name, on port 80.
# Gatling's HTML reports go to /reports (a volume in compose, an emptyDir in Kubernetes).
ENV LOADTEST_RNG_URL=http://rng \
    LOADTEST_HASHER_URL=http://hasher \
    LOADTEST_WEBUI_URL=http://webui \
    LOADTEST_RESULTS=/reports
# Writes only to /reports and /tmp (Netty's native library, Java's user preferences), so the root file
# system can be read-only. JAVA_OPTS replaces these defaults, JAVA_OPTS_APPEND adds to them.
ENV JAVA_OPTS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp -Djava.util.prefs.userRoot=/tmp/.java" \
    JAVA_OPTS_APPEND=""
# exec: the JVM is PID 1 and gets SIGTERM. Arguments: <rng|hasher|app> [options], see `--help`.
ENTRYPOINT ["bash", "-c", "exec java $JAVA_OPTS $JAVA_OPTS_APPEND -jar /deployments/loadtest.jar \"$@\"", "--"]
CMD ["--help"]

########## the services' Java: Java 25 cut to the modules they use (jlink), the same layer in every image ##########
# What the services load, run after run (-Xlog:class+load, every endpoint, a Redis outage, SIGTERM): java.base,
# java.logging, java.management, java.naming, jdk.management, jdk.unsupported (Netty), jdk.net (socket options);
# jdk.naming.dns for Netty's DNS fallback. The JDK's default CDS archive is left out (the AOT cache replaces it),
# and so are debug attributes (JDK frames of a stack trace show no line numbers), man pages and headers; the class
# files are stored compressed (the AOT cache holds the classes a service loads, already parsed).
# JAVA_MODULES is a build argument for the images that need more (compose's operator: HTTP client, YAML).
FROM eclipse-temurin:25-jdk AS java-runtime
ARG JAVA_MODULES=java.base,java.logging,java.management,java.naming,jdk.management,jdk.unsupported,jdk.net,jdk.naming.dns
# A JDK packaged by Debian links lib/security/cacerts to ca-certificates-java's store, which its image may not have:
# jlink then stops on the dangling link. An empty store of the JDK's own format stands in for it, and the runtime
# keeps the link as the JDK had it (a JDK with a real cacerts file, like Temurin's images, is copied as it is).
RUN set -eu; cacerts=$JAVA_HOME/lib/security/cacerts; link=""; \
    if [ -L "$cacerts" ] && [ ! -e "$cacerts" ]; then \
      link=$(readlink "$cacerts"); rm "$cacerts"; \
      keytool -genkeypair -alias empty -dname CN=empty -keyalg EC -keystore "$cacerts" -storepass changeit >/dev/null 2>&1; \
      keytool -delete -alias empty -keystore "$cacerts" -storepass changeit; \
    fi; \
    jlink --add-modules "$JAVA_MODULES" --strip-java-debug-attributes --no-man-pages --no-header-files \
      --compress=zip-6 --output /opt/java-runtime; \
    if [ -n "$link" ]; then ln -sf "$link" /opt/java-runtime/lib/security/cacerts; fi

########## the services' base: a slim Debian in one layer, the same in every image ##########
# debian:bookworm-slim without what a container never reads (apt's package lists and caches, documentation but
# the copyright files, man pages, translations), flattened into one layer: files deleted in a layer above would
# still be pulled. dpkg is told to leave those out of any package installed later, as Docker's slim images do.
FROM debian:bookworm-slim AS debian-slim
# The public CAs in one PEM file, where Debian keeps it (REDIS_TLS_CA may name it), from the JDK's image.
COPY --from=java-runtime /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
RUN set -eu; \
    printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-include /usr/share/doc/*/copyright' 'path-exclude /usr/share/man/*' \
      'path-exclude /usr/share/info/*' 'path-exclude /usr/share/locale/*' 'path-exclude /usr/share/lintian/*' \
      >/etc/dpkg/dpkg.cfg.d/slim; \
    find /usr/share/doc -mindepth 1 -not -name copyright -not -type d -delete; \
    find /usr/share/doc -mindepth 1 -type d -empty -delete; \
    rm -rf /var/lib/apt/lists/* /var/cache/apt/* /var/cache/debconf/*-old /var/log/*.log /var/log/apt/* \
      /usr/share/man/* /usr/share/info/* /usr/share/locale/* /usr/share/lintian/*; \
    useradd --uid 185 --gid 0 --home-dir /deployments --no-create-home --shell /usr/sbin/nologin quarkus; \
    mkdir /deployments
# (uid 185 as in the load test's base above; the application files stay owned by root: read-only for it.)

FROM scratch AS service-base
COPY --from=debian-slim / /
COPY --from=java-runtime /opt/java-runtime /opt/java/openjdk
ENV JAVA_HOME=/opt/java/openjdk \
    PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8
# Checks that the port can be bound, then execs the JVM (PID 1): see docker/entrypoint.sh.
COPY docker/entrypoint.sh /usr/local/bin/dockercoins-entrypoint
COPY docker/aot-training.sh /usr/local/bin/aot-training
WORKDIR /deployments

########## a service (the default target): Quarkus' jar split into layers, least to most often changed ##########
FROM service-base
ARG SERVICE
COPY --from=build /build/$SERVICE/target/quarkus-app/lib/ /deployments/lib/
COPY --from=build /build/$SERVICE/target/quarkus-app/*.jar /deployments/
COPY --from=build /build/$SERVICE/target/quarkus-app/app/ /deployments/app/
COPY --from=build /build/$SERVICE/target/quarkus-app/quarkus/ /deployments/quarkus/
# Inside its container every service listens on port 80, like the original (compose publishes webui on 8000,
# rng on 8001, hasher on 8002; the worker's port serves only /q/health and /q/metrics). Non-root may bind it
# where net.ipv4.ip_unprivileged_port_start is 0: Docker sets it in every container, Kubernetes pods need the
# sysctl (our manifests have it) or QUARKUS_HTTP_PORT=8080; the entrypoint says so if neither is done.
# The report is the exception that needs no other recipe: a batch job without an HTTP server, it ignores the
# port, and it exits before the healthcheck's start period ends (compose disables the check for it anyway).
ENV QUARKUS_HTTP_PORT=80
EXPOSE 80
# JVM sized for a small service that does a loop a second (why each flag: docs/images.md): heap = a share of the
# memory limit, serial GC (no GC threads), C1 only and compiling early (a method
# called once a loop would otherwise stay interpreted for minutes), compact object headers, the AOT cache mapped
# where it was made for (its pages then stay shared between containers instead of being copied into each), small
# thread stacks, exit (and be restarted) on OutOfMemoryError, host names looked up again after 5 s (the JVM's
# default is 30: rng instances added with --scale get workers sooner); few malloc arenas. The entrypoint adds the AOT cache.
# JAVA_OPTS replaces these defaults (the AOT cache then goes unused if the flags no longer match it),
# JAVA_OPTS_APPEND adds to them (e.g. -XX:MaxRAMPercentage=60).
ENV JAVA_OPTS="-XX:MaxRAMPercentage=75 -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:CompileThresholdScaling=0.05 -XX:+UseCompactObjectHeaders -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0 -Xss512k -XX:+ExitOnOutOfMemoryError -Djava.util.logging.manager=org.jboss.logmanager.LogManager -Dsun.net.inetaddr.ttl=5" \
    JAVA_OPTS_APPEND="" \
    MALLOC_ARENA_MAX=2
# The AOT cache (JDK 24+): one training run of the service here, with the flags above (docker/aot-training.sh).
RUN aot-training "$SERVICE"
USER 185
# The version a worker reports to the web UI (only the worker reads it): compose passes its TAG
# (`TAG=v0.2 docker compose build worker` makes a worker that reports v0.2); plain `docker build`: dev.
# After the training run, so that a new version reuses its cache.
ARG WORKER_VERSION=dev
ENV WORKER_VERSION=$WORKER_VERSION
# Readiness over plain bash (the image has no curl or wget, and launching a JVM every few seconds
# costs far more): HTTP/1.0 GET /q/health/ready on the local port, healthy only if the status is 200.
# Every 30 s: each check is an exec that costs the machine far more than the service's own work (bench/results.md);
# docker-compose.yml checks the services that others wait for every 10 s.
HEALTHCHECK --interval=30s --timeout=3s --start-period=60s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${QUARKUS_HTTP_PORT:-8080} && printf 'GET /q/health/ready HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && read -r -t 2 _ status _ <&3 && [ \"$status\" = 200 ]"]
# The exit code is the JVM's (the report: 0 printed, 1 Redis unreachable, 2 odd data), or 1 from the port check.
ENTRYPOINT ["dockercoins-entrypoint"]
