package io.dockercoins.webui;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;

/**
 * Without Redis webui has nothing to show, so it is not ready. There is deliberately no Liveness
 * check on Redis: restarting webui would not bring Redis back.
 */
@Readiness
@ApplicationScoped
public class RedisReadiness implements HealthCheck {

    private final JedisPool redis;

    public RedisReadiness(JedisPool redis) {
        this.redis = redis;
    }

    @Override
    public HealthCheckResponse call() {
        try (Jedis jedis = redis.getResource()) {
            jedis.ping();
            return HealthCheckResponse.up("redis");
        } catch (RuntimeException e) {
            return HealthCheckResponse.named("redis").down().withData("error", String.valueOf(e.getMessage())).build();
        }
    }
}
