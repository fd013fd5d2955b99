package io.dockercoins.ledger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;

import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisPoolConfig;

/**
 * How a service connects to Redis: the one place that turns {@link RedisConfig} into Jedis connections, so every
 * setting (TLS included) is applied once. Services that keep running share one pool; the report, which reads once and exits,
 * opens one connection ({@link #connect}).
 */
public class RedisPool {

    /**
     * The one Jedis pool of the process; connections are made lazily, so start-up never waits for Redis,
     * and checked when borrowed, so a Redis restart costs no failed call on a dead pooled connection.
     */
    @Produces
    @ApplicationScoped
    JedisPool jedisPool(RedisConfig redis) {
        JedisPoolConfig pool = new JedisPoolConfig();
        pool.setTestOnBorrow(true);
        return new JedisPool(pool, address(redis), clientConfig(redis, null));
    }

    void close(@Disposes JedisPool pool) {
        pool.close();
    }

    /** One connection, no pool, no check on borrowing: the first command's error is the one the caller sees. */
    public static Jedis connect(RedisConfig redis, String clientName) {
        return new Jedis(address(redis), clientConfig(redis, clientName));
    }

    public static HostAndPort address(RedisConfig redis) {
        return new HostAndPort(redis.host(), redis.port());
    }

    static JedisClientConfig clientConfig(RedisConfig redis, String clientName) {
        int timeoutMillis = (int) redis.timeout().toMillis();
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(timeoutMillis)
                .socketTimeoutMillis(timeoutMillis)
                .password(redis.password().filter(password -> !password.isEmpty()).orElse(null))
                .clientName(clientName);
        if (redis.tls()) {
            config.ssl(true).sslSocketFactory(RedisTls.socketFactory(redis.tlsCa())); // its sockets verify the host name
        }
        return config.build();
    }

    /**
     * Why a Redis call failed, in one line: Jedis says "Failed to connect to host:port." or "Failed to create
     * socket."; the reason (refused, unknown host, timed out, a TLS problem and its fix) is underneath.
     */
    public static String why(Throwable e) {
        Throwable reason = e;
        while (true) {
            if (reason.getCause() != null && reason.getCause() != reason) {
                reason = reason.getCause();
            } else if (reason.getSuppressed().length > 0) {
                reason = reason.getSuppressed()[0];
            } else {
                break;
            }
        }
        String message = reason.getMessage() == null ? reason.getClass().getSimpleName() : reason.getMessage();
        return (reason == e ? message : e.getMessage() + " (" + message + ")").replaceAll("\\s+", " ");
    }
}
