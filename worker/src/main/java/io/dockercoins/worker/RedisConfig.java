package io.dockercoins.worker;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;

/** Where Redis is: REDIS_HOST, REDIS_PORT, REDIS_PASSWORD, REDIS_TIMEOUT. */
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

    /** Connect and read timeout of each Redis call, so an outage is noticed quickly. */
    @WithDefault("2s")
    Duration timeout();
}
