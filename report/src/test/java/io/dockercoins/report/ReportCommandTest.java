package io.dockercoins.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.dockercoins.testing.RedisTestServer;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import redis.clients.jedis.Jedis;

/**
 * The command as Quarkus runs it: redis.* (REDIS_* in a pod) reach it through its @ConfigMapping, it prints the
 * report and exits 0, or exits 1 when Redis is down. Each launch reads the configuration afresh, so system properties
 * set here point it at a real Redis.
 */
@QuarkusMainTest
class ReportCommandTest {

    static RedisTestServer server;

    @BeforeAll
    static void startRedis() {
        server = RedisTestServer.startOnFreePort();
        System.setProperty("redis.host", "127.0.0.1");
        System.setProperty("redis.port", String.valueOf(server.port()));
        System.setProperty("redis.timeout", "1s");
    }

    @AfterAll
    static void stopRedis() {
        server.close();
        System.clearProperty("redis.host");
        System.clearProperty("redis.port");
        System.clearProperty("redis.timeout");
    }

    @Test
    void theCommandReadsTheRedisItIsConfiguredWithAndExitsZero(QuarkusMainLauncher launcher) {
        server.start();
        try (Jedis redis = new Jedis("127.0.0.1", server.port())) {
            redis.flushAll();
            redis.hset("wallet", "0abc", "bytes");
            redis.incrBy("hashes", 16);
        }
        LaunchResult result = launcher.launch();
        assertEquals(0, result.exitCode(), result.getErrorOutput());
        assertTrue(result.getOutput().contains("coins mined            1"), result.getOutput());
        assertTrue(result.getOutput().contains("hashes computed        16"), result.getOutput());
        assertTrue(result.getOutput().contains("too few hashes to judge"), result.getOutput());
        assertTrue(result.getOutput().contains("(redis 127.0.0.1:" + server.port() + ")"), result.getOutput());
    }

    @Test
    void theCommandExitsNonZeroWhenRedisIsDown(QuarkusMainLauncher launcher) {
        server.stop();
        try {
            LaunchResult result = launcher.launch();
            assertEquals(ReportCommand.CANNOT_READ_REDIS, result.exitCode());
            assertTrue(result.getErrorOutput().contains("report: cannot read Redis at 127.0.0.1:" + server.port()), result.getErrorOutput());
        } finally {
            server.start();
        }
    }
}
