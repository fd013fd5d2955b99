package io.dockercoins.ledger;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;

/**
 * A worker counts its work in Redis and webui shows what is there: without Redis neither is ready. There is
 * deliberately no Liveness check on Redis: restarting them would not bring Redis back. (The report serves no health
 * endpoints; without quarkus-smallrye-health this bean is simply unused.)
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
