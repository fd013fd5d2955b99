package io.dockercoins.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.dockercoins.testing.RedisTestServer;
import io.dockercoins.testing.ReplyCuttingProxy;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import redis.clients.jedis.Jedis;

/**
 * The fault no drill can provoke: Redis applies the worker's report, and the reply is lost with its connection. The
 * worker cannot tell, keeps the loops and reports them again; the counter must still hold each loop once. The worker
 * reaches a real Redis through a proxy that cuts the connection after the report reached Redis, before the reply.
 */
@QuarkusTest
@QuarkusTestResource(value = LostReplyTest.RedisBehindAProxy.class, restrictToAnnotatedClass = true)
class LostReplyTest {

    private static final Duration PATIENCE = Duration.ofSeconds(15);

    @Inject
    HashCounter hashCounter;

    @Inject
    MeterRegistry metrics;

    @Test
    void aReportAppliedByRedisWhoseReplyIsLostIsCountedOnce() {
        FakeRngAndHasher.reset();
        await().atMost(PATIENCE).until(() -> hashesInRedis() > 0); // the worker reports through the proxy
        for (int cut = 1; cut <= 3; cut++) {
            RedisBehindAProxy.proxy.loseReplyTo("EVALSHA", "EVAL");
            int lost = cut;
            await().atMost(PATIENCE).until(() -> RedisBehindAProxy.proxy.repliesLost() == lost);
        }
        // stop the loops (rng fails), then wait until the worker has written every loop it did
        FakeRngAndHasher.rngFailing = true;
        try {
            await().atMost(PATIENCE).until(() -> {
                long loops = loopsDone();
                Thread.sleep(300);
                return loops == loopsDone() && hashCounter.unwritten() == 0;
            });
            assertEquals(loopsDone(), hashesInRedis(), "every loop in the counter once, after 3 lost replies");
            assertEquals(3, metrics.get("worker.failures").tag("cause", "redis").counter().count(), "each cut seen as a Redis failure");
        } finally {
            FakeRngAndHasher.reset();
        }
    }

    private long loopsDone() {
        return (long) metrics.get("worker.loops").counter().count();
    }

    private static long hashesInRedis() {
        try (Jedis redis = new Jedis("127.0.0.1", RedisBehindAProxy.server.port())) {
            String hashes = redis.get("hashes");
            return hashes == null ? 0 : Long.parseLong(hashes);
        }
    }

    /** A real Redis, and the worker's redis.port pointing at a proxy in front of it. */
    public static class RedisBehindAProxy implements QuarkusTestResourceLifecycleManager {
        static volatile RedisTestServer server;
        static volatile ReplyCuttingProxy proxy;

        @Override
        public Map<String, String> start() {
            server = RedisTestServer.startOnFreePort();
            proxy = new ReplyCuttingProxy(server.port());
            return Map.of("redis.host", "127.0.0.1", "redis.port", String.valueOf(proxy.port()));
        }

        @Override
        public void stop() {
            proxy.close();
            server.close();
        }
    }
}
