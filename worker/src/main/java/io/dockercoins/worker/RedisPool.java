package io.dockercoins.worker;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;

import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisPoolConfig;

/**
 * The one Jedis pool of the process; connections are made lazily, so start-up never waits for Redis,
 * and checked when borrowed, so a Redis restart costs no failed call on a dead pooled connection.
 */
public class RedisPool {

    @Produces
    @ApplicationScoped
    JedisPool jedisPool(RedisConfig redis) {
        int timeoutMillis = (int) redis.timeout().toMillis();
        JedisPoolConfig pool = new JedisPoolConfig();
        pool.setTestOnBorrow(true);
        return new JedisPool(pool, redis.host(), redis.port(), timeoutMillis, redis.password().orElse(null));
    }

    void close(@Disposes JedisPool pool) {
        pool.close();
    }
}
