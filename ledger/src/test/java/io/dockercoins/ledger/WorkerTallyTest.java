package io.dockercoins.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.dockercoins.testing.RedisTestServer;
import io.dockercoins.testing.ReplyCuttingProxy;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/** A worker's count reaches hashes once, against a real Redis, including when Redis applies it but the reply is lost. */
class WorkerTallyTest {

    static final RedisTestServer server = RedisTestServer.startOnFreePort();
    ReplyCuttingProxy proxy;
    JedisPool pool;
    Jedis redis;

    @AfterAll
    static void stopRedis() {
        server.close();
    }

    @BeforeEach
    void connect() {
        redis = new Jedis("127.0.0.1", server.port());
        redis.flushAll();
        proxy = new ReplyCuttingProxy(server.port());
        pool = new RedisPool().jedisPool(redisAt(proxy.port()));
    }

    @AfterEach
    void disconnect() {
        pool.close();
        proxy.close();
        redis.close();
    }

    static RedisConfig redisAt(int port) {
        return new RedisConfig() {
            public String host() { return "127.0.0.1"; }
            public int port() { return port; }
            public Optional<String> password() { return Optional.empty(); }
            public Duration timeout() { return Duration.ofSeconds(1); }
            public boolean tls() { return false; }
            public Optional<TrustedCa> tlsCa() { return Optional.empty(); }
        };
    }

    static WorkerReport stats(long loops) {
        return new WorkerReport("w1", "v0.1", 3.3, loops, Map.of("rng-1", 5L));
    }

    WorkerTally tally(String id) {
        return new WorkerTally(pool, id, Duration.ofSeconds(10), Duration.ofHours(1));
    }

    @Test
    void eachReportAddsTheLoopsDoneSinceTheLastOneToThePlainHashesCounter() {
        WorkerTally tally = tally("w1");
        tally.count(10, stats(10));
        tally.count(25, stats(25));
        assertEquals("25", redis.get("hashes"), "GET hashes: a plain integer, as the original webui reads it");
        assertEquals(25, tally.counted());

        redis.incrBy("hashes", 100); // another worker, or the original Python worker
        tally.count(26, stats(26));
        assertEquals("126", redis.get("hashes"));
    }

    @Test
    void theStatsHashIsReplacedAndExpiresAndTheSequenceKeyExpiresToo() {
        WorkerTally tally = tally("w1");
        redis.hset("worker:w1", "rng:gone", "9");
        tally.count(3, stats(3));
        assertEquals(stats(3).toRedis(), redis.hgetAll("worker:w1"), "rng instances no longer seen are dropped");
        long statsTtl = redis.pttl("worker:w1");
        assertTrue(statsTtl > 0 && statsTtl <= 10_000, "pttl " + statsTtl);
        assertEquals(tally.run() + " 3", redis.get("counted:w1"));
        long countedTtl = redis.pttl("counted:w1");
        assertTrue(countedTtl > 10_000 && countedTtl <= 3_600_000, "pttl " + countedTtl);
    }

    @Test
    void aReportAppliedByRedisWhoseReplyIsLostIsNotCountedTwice() {
        WorkerTally tally = tally("w1");
        tally.count(10, stats(10));

        proxy.loseReplyTo("EVALSHA", "EVAL");
        assertThrows(JedisConnectionException.class, () -> tally.count(25, stats(25)));
        assertEquals(1, proxy.repliesLost());
        assertEquals("25", redis.get("hashes"), "Redis did apply the report whose reply was lost");
        assertEquals(10, tally.counted(), "the worker could not know");

        tally.count(31, stats(31)); // the next report, with the 15 unconfirmed loops and 6 new ones
        assertEquals("31", redis.get("hashes"), "each loop counted once (a plain retry of INCRBY would give 46)");
        assertEquals(31, tally.counted());
    }

    @Test
    void manyLostRepliesStillCountEveryLoopExactlyOnce() {
        WorkerTally tally = tally("w1");
        Random random = new Random(14);
        long loops = 0;
        int failed = 0;
        for (int report = 0; report < 200; report++) {
            loops += random.nextInt(20);
            if (random.nextInt(4) == 0) {
                proxy.loseReplyTo("EVALSHA", "EVAL");
            }
            try {
                tally.count(loops, stats(loops));
            } catch (JedisConnectionException e) {
                failed++;
            }
        }
        tally.count(loops, stats(loops));
        assertTrue(failed > 20 && proxy.repliesLost() == failed, failed + " replies lost, " + proxy.repliesLost() + " cut");
        assertEquals(loops, Long.parseLong(redis.get("hashes")));
    }

    @Test
    void aRedisThatRestartedEmptyGetsTheLoopsItHasNotConfirmedNotTheWholeRun() {
        WorkerTally tally = tally("w1");
        tally.count(40, stats(40));
        redis.flushAll(); // as a Redis without persistence comes back
        tally.count(47, stats(47));
        assertEquals("7", redis.get("hashes"), "as before: loops counted while Redis was away, and only those");
    }

    @Test
    void aWorkerRestartedUnderTheSameIdStartsANewTally() {
        tally("w1").count(40, stats(40));
        WorkerTally restarted = tally("w1"); // a container restart: same host name, new process
        restarted.count(5, stats(5));
        assertEquals("45", redis.get("hashes"));
    }

    @Test
    void aWorkerThatLeavesWritesItsLastCountAndRemovesItsKeys() {
        WorkerTally tally = tally("w1");
        tally.count(10, stats(10));
        tally.countAndLeave(12);
        assertEquals("12", redis.get("hashes"));
        assertFalse(redis.exists("worker:w1"));
        assertFalse(redis.exists("counted:w1"));
    }

    @Test
    void aCounterThatIsNotANumberFailsTheReportAndChangesNothing() {
        WorkerTally tally = tally("w1");
        redis.set("hashes", "lots");
        assertThrows(JedisDataException.class, () -> tally.count(10, stats(10)));
        assertEquals(0, tally.counted());
        assertFalse(redis.exists("worker:w1") || redis.exists("counted:w1"));
        redis.del("hashes");
        tally.count(10, stats(10));
        assertEquals("10", redis.get("hashes"));
    }

    @Test
    void aRedisThatForgotTheScriptIsSentItAgain() {
        WorkerTally tally = tally("w1");
        tally.count(1, stats(1));
        redis.scriptFlush();
        tally.count(2, stats(2));
        assertEquals("2", redis.get("hashes"));
    }
}
