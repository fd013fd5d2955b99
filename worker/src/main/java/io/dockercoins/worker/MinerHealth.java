package io.dockercoins.worker;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;

/** Liveness is the loop itself (never another service); readiness is Redis, where the work is counted. */
public class MinerHealth {

    @Liveness
    @ApplicationScoped
    static class LoopRunning implements HealthCheck {
        private final CoinMiner miner;

        LoopRunning(CoinMiner miner) {
            this.miner = miner;
        }

        @Override
        public HealthCheckResponse call() {
            return HealthCheckResponse.named("coin-miner loop").status(miner.isMining()).build();
        }
    }

    @Readiness
    @ApplicationScoped
    static class RedisReachable implements HealthCheck {
        private final JedisPool redis;

        RedisReachable(JedisPool redis) {
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
}
