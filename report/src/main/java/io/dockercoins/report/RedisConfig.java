package io.dockercoins.report;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;

/**
 * Where Redis is: REDIS_HOST, REDIS_PORT, REDIS_PASSWORD, REDIS_TIMEOUT, the same variables and defaults as the
 * worker's and webui's (so the Job's pod reads the same optional Secret). A copy of theirs rather than a shared
 * module: each service's image builds from its own module's sources, and the manifest tests read each module's
 * sources to know which variables it takes.
 */
@ConfigMapping(prefix = "redis")
public interface RedisConfig {

    @WithDefault("redis")
    String host();

    /** A number, or tcp://HOST:PORT: Kubernetes sets REDIS_PORT so in every pod of a namespace with a Service redis. */
    @WithDefault("6379")
    @WithConverter(RedisPortConverter.class)
    int port();

    /** Sent with AUTH when set (requirepass on the server). */
    Optional<String> password();

    /** Connect and read timeout: a Job that cannot reach Redis fails fast and is retried, instead of hanging. */
    @WithDefault("2s")
    Duration timeout();
}
