package io.dockercoins.rng;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** rng's knobs; each is also an environment variable (rng.delay is RNG_DELAY). */
@ConfigMapping(prefix = "rng")
public interface RngConfig {

    /** How long each request holds its place at the counter, like the original's sleep(0.1). */
    @WithDefault("100ms")
    Duration delay();

    /** How many requests are served at once; 1 is the original's single-threaded server, 0 means unlimited. */
    @WithDefault("1")
    int concurrency();

    /** How many requests may wait in line; one more gets 503 with Retry-After, so memory stays bounded. */
    @WithDefault("100")
    int maxWaiting();

    /** The largest N accepted by GET /N. */
    @WithDefault("1048576")
    int maxBytes();
}
