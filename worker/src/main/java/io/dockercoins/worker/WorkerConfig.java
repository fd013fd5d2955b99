package io.dockercoins.worker;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The worker's knobs; each is also an environment variable (worker.rng-url is WORKER_RNG_URL). */
@ConfigMapping(prefix = "worker")
public interface WorkerConfig {

    /** Base URL of rng; the original worker calls http://rng/32. */
    @WithDefault("http://rng")
    String rngUrl();

    /** Base URL of hasher; the original worker posts to http://hasher/. */
    @WithDefault("http://hasher")
    String hasherUrl();

    /** Pause at the start of every loop, like the original's sleep(0.1). */
    @WithDefault("100ms")
    Duration sleep();

    /** How many random bytes each loop asks rng for. */
    @WithDefault("32")
    int payloadSize();

    /** How often the loops done are added to the counter in Redis (INCRBY hashes). */
    @WithDefault("1s")
    Duration reportInterval();

    /**
     * How long the worker keeps one connection to rng before it opens a new one (its next request to rng says
     * {@code Connection: close}). A new connection is a new choice among the rng instances (DNS round robin
     * under Compose, the Service under Kubernetes), so added rng instances get work within about this long;
     * reusing it in between saves a TCP handshake and a connection set-up on both sides per loop (most of the
     * stack's CPU per hash when the delays are 0, and measurably more of the machine's CPU at ten workers with a
     * new connection every second: bench/results.md). 0: a new connection for every call, as the original's
     * {@code requests.get()}.
     */
    @WithDefault("5s")
    Duration rngReconnect();

    /** Connect timeout of the calls to rng and hasher. */
    @WithDefault("2s")
    Duration connectTimeout();

    /**
     * Read timeout of the calls to rng and hasher. Generous on purpose: rng serves one request at
     * a time, so with 20 workers an answer takes about 2 s, and a worker that gave up would leave
     * its request in rng's line anyway.
     */
    @WithDefault("10s")
    Duration readTimeout();

    /** Longest pause after a failure; pauses start at a tenth of it and double while failures go on. */
    @WithDefault("2s")
    Duration maxBackoff();

    /** On SIGTERM, how long the loop in progress may take to finish before the count is written anyway. */
    @WithDefault("3s")
    Duration shutdownGrace();

    /**
     * The version this worker reports to the web UI (WORKER_VERSION). The image sets it from its build's
     * TAG, so worker:v0.2 reports v0.2 and a rollout shows on the page as one version giving way to another.
     */
    @WithDefault("dev")
    String version();

    /**
     * This worker's name on the web UI (WORKER_ID). Default: the host name (the container id or the pod
     * name), followed by the process id when not in a container (pid 1), so two workers on one machine differ.
     */
    Optional<String> id();

    /** The speed and the rng instances a worker publishes are measured over this much recent time. */
    @WithDefault("5s")
    Duration statsWindow();

    /**
     * How long the published stats live in Redis ({@code EXPIRE worker:<id>}) without a newer report: a worker
     * that dies without a SIGTERM (kill -9, a lost node) leaves the page this long after. A clean stop removes them.
     */
    @WithDefault("10s")
    Duration statsTtl();

    /**
     * How long Redis remembers how much of this worker's run it has counted ({@code counted:<id>}) after its last
     * report: a report Redis applied but whose reply was lost is recognised, and not counted again, if the worker
     * reports again within this time. A clean stop removes the key; this is how long a killed worker's key stays.
     */
    @WithDefault("1h")
    Duration countedTtl();
}
