package io.dockercoins.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.hamcrest.Matchers.containsString;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.dockercoins.testing.RealRedis;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import redis.clients.jedis.Jedis;

@QuarkusTest
@QuarkusTestResource(value = RealRedis.class, restrictToAnnotatedClass = true)
class CoinMinerTest {

    private static final Duration PATIENCE = Duration.ofSeconds(15);

    @Inject
    HashCounter hashCounter;

    @Inject
    MeterRegistry metrics;

    Jedis redis;

    @BeforeEach
    void connect() {
        FakeRngAndHasher.reset();
        redis = new Jedis("127.0.0.1", RealRedis.server().port());
    }

    @AfterEach
    void disconnect() {
        FakeRngAndHasher.reset();
        RealRedis.server().start();
        redis.close();
    }

    @Test
    void loopsDoneAreAddedToTheHashesCounterInRedis() {
        long before = hashesInRedis();
        await().atMost(PATIENCE).until(() -> hashesInRedis() >= before + 5);
    }

    @Test
    void aHashStartingWithZeroIsACoinStoredInTheWalletWithItsRandomBytes() throws Exception {
        FakeRngAndHasher.coins = FakeRngAndHasher.Coins.ALL;
        await().atMost(PATIENCE).until(() -> redis.hlen("wallet") >= 3);

        Map<byte[], byte[]> wallet = redis.hgetAll("wallet".getBytes(StandardCharsets.UTF_8));
        for (Map.Entry<byte[], byte[]> coin : wallet.entrySet()) {
            String digest = new String(coin.getKey(), StandardCharsets.UTF_8);
            byte[] randomBytes = coin.getValue();
            assertTrue(digest.startsWith("0"), digest);
            assertEquals(32, randomBytes.length);
            String realDigest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(randomBytes));
            assertEquals(realDigest.substring(1), digest.substring(1), "the wallet maps each digest to the bytes it came from");
        }
    }

    @Test
    void aHashNotStartingWithZeroIsNoCoin() {
        FakeRngAndHasher.coins = FakeRngAndHasher.Coins.NONE;
        pauseMining(); // let loops already under way land first
        redis.del("wallet");
        resumeMining();
        long before = hashesInRedis();
        await().atMost(PATIENCE).until(() -> hashesInRedis() >= before + 10);
        assertFalse(redis.exists("wallet"));
    }

    @Test
    void aFailingRngIsCountedRetriedAndMiningResumesWhenItIsBack() {
        double failuresBefore = failures("rng");
        FakeRngAndHasher.rngFailing = true;
        await().atMost(PATIENCE).until(() -> failures("rng") >= failuresBefore + 2);

        FakeRngAndHasher.rngFailing = false;
        long loops = loopsDone();
        await().atMost(Duration.ofSeconds(3)).until(() -> loopsDone() >= loops + 3);
    }

    @Test
    void aSlowRngTimesOutInsteadOfHangingTheWorker() {
        double failuresBefore = failures("rng");
        FakeRngAndHasher.rngDelayMillis = 1500; // read timeout is 1 s in tests
        await().atMost(PATIENCE).until(() -> failures("rng") >= failuresBefore + 2);
    }

    @Test
    void loopsCountedWhileRedisIsDownAreWrittenWhenItComesBack() {
        pauseMining();
        long loopsBeforeOutage = loopsDone();

        RealRedis.server().stop(); // the new server starts empty, so the counter starts again from 0
        resumeMining();
        await().atMost(PATIENCE).until(() -> failures("redis") > 0 && hashCounter.unwritten() >= 5);
        RealRedis.server().start();
        await().atMost(PATIENCE).until(() -> hashCounter.unwritten() == 0);

        pauseMining();
        assertEquals(loopsDone() - loopsBeforeOutage, hashesInRedis(),
                "every loop done since the outage began is in the counter, once");
    }

    @Test
    void livenessIgnoresRedisWhileReadinessFollowsIt() {
        RealRedis.server().stop();
        RestAssured.get("/q/health/live").then().statusCode(200);
        RestAssured.get("/q/health/ready").then().statusCode(503).body(containsString("redis"));
        RealRedis.server().start();
        await().atMost(PATIENCE).untilAsserted(() -> RestAssured.get("/q/health/ready").then().statusCode(200));
    }

    @Test
    void metricsTellTheMiningStory() {
        await().atMost(PATIENCE).until(() -> loopsDone() > 0);
        RestAssured.get("/q/metrics").then().statusCode(200)
                .body(containsString("worker_loops_total"))
                .body(containsString("worker_loops_written_total"))
                .body(containsString("worker_coins_total"))
                .body(containsString("worker_failures_total{cause=\"rng\""))
                .body(containsString("worker_failures_total{cause=\"redis\""));
    }

    /** Makes rng fail, then waits until every loop done so far is in Redis. */
    private void pauseMining() {
        FakeRngAndHasher.rngFailing = true;
        await().atMost(PATIENCE).until(() -> {
            long loops = loopsDone();
            Thread.sleep(300); // a loop already past rng finishes within this
            return loops == loopsDone() && hashCounter.unwritten() == 0;
        });
    }

    private void resumeMining() {
        FakeRngAndHasher.rngFailing = false;
    }

    private long hashesInRedis() {
        String hashes = redis.get("hashes");
        return hashes == null ? 0 : Long.parseLong(hashes);
    }

    private long loopsDone() {
        return (long) metrics.get("worker.loops").counter().count();
    }

    private double failures(String cause) {
        return metrics.get("worker.failures").tag("cause", cause).counter().count();
    }
}
