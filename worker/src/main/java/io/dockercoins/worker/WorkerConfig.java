package io.dockercoins.worker;

import java.time.Duration;

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
}
