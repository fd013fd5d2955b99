package io.dockercoins.webui;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where Redis is: REDIS_HOST, REDIS_PORT, REDIS_PASSWORD, REDIS_TIMEOUT. */
@ConfigMapping(prefix = "redis")
public interface RedisConfig {

    @WithDefault("redis")
    String host();

    @WithDefault("6379")
    int port();

    /** Sent with AUTH when set (requirepass on the server). */
    Optional<String> password();

    /** Connect and read timeout of each Redis call, so an outage is noticed quickly. */
    @WithDefault("2s")
    Duration timeout();
}
