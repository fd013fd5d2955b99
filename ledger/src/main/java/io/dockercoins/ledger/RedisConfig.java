package io.dockercoins.ledger;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * Where Redis is, for worker, webui and report alike: REDIS_HOST, REDIS_PORT, REDIS_PASSWORD, REDIS_TIMEOUT,
 * REDIS_TLS, REDIS_TLS_CA. {@link RedisPool} is the one place that turns these into Jedis connections.
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

    /**
     * Talk TLS to Redis (a managed Redis, or redis-server with --tls-port). The server's certificate must chain to a
     * trusted CA and name {@link #host()}, as a browser checks a web site's.
     */
    @WithDefault("false")
    boolean tls();

    /**
     * The PEM file of the CA (or CAs) that signed Redis' certificate; unset, the JVM's trusted CAs (enough for a
     * cloud provider's Redis). Read at start-up: a file that is missing or holds no certificate stops the service.
     */
    @WithName("tls-ca")
    @WithConverter(TrustedCaConverter.class)
    Optional<TrustedCa> tlsCa();

    /** The CA file, read; {@link RedisTls} builds the TLS socket factory from it. */
    record TrustedCa(Path file, java.security.KeyStore certificates) {
    }
}
