package io.dockercoins.hasher;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** hasher's knobs; each is also an environment variable (hasher.delay is HASHER_DELAY). */
@ConfigMapping(prefix = "hasher")
public interface HasherConfig {

    /** How long each hash takes, like the original's sleep 0.1; requests wait concurrently, not in line. */
    @WithDefault("100ms")
    Duration delay();
}
