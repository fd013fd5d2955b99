package io.dockercoins.ledger;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;

/**
 * Where Redis is, for worker, webui and report alike: REDIS_HOST, REDIS_PORT, REDIS_PASSWORD, REDIS_TIMEOUT.
 * {@link RedisPool} is the one place that turns these into Jedis connections (TLS settings will join them there).
 */
@ConfigMapping(prefix = "redis")
public interface RedisConfig {

    @WithDefault("redis")
    String host();

    /**
     * A port number, or what Kubernetes injects as REDIS_PORT into every pod of a namespace that has a Service
     * named redis ({@code tcp://10.96.0.5:6379}): its port is used, so such a pod works without enableServiceLinks: false.
     */
    @WithDefault("6379")
    @WithConverter(RedisPortConverter.class)
    int port();

    /** Sent with AUTH when set and not empty (requirepass on the server; compose passes an empty one when none is set). */
    Optional<String> password();

    /** Connect and read timeout of each Redis call, so an outage is noticed quickly (and a report fails fast). */
    @WithDefault("2s")
    Duration timeout();
}
