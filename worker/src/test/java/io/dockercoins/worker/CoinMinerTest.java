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

    @Inject
    WorkerStats stats;

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
        await().atMost(PATIENCE).until(() -> loopsDone() >= loops + 3);
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

    @Test
    void theWorkerPublishesItsVersionSpeedAndRngInstancesInAKeyThatExpires() {
        String key = stats.key();
        assertTrue(key.startsWith("worker:") && key.length() > "worker:".length(), key);
        await().atMost(PATIENCE).until(() -> Double.parseDouble(redis.hget(key, "speed") == null ? "0" : redis.hget(key, "speed")) > 1);

        Map<String, String> published = redis.hgetAll(key);
        assertEquals("v-test", published.get("version"), "worker.version (WORKER_VERSION) is published");
        double speed = Double.parseDouble(published.get("speed"));
        assertTrue(speed > 1 && speed < 50, "loops per second over the last few seconds: " + speed);
        assertTrue(Long.parseLong(published.get("loops")) > 0, published.toString());
        assertTrue(Integer.parseInt(published.get("rng:fake-rng-1")) > 0, "rng answers counted by X-Served-By: " + published);
        long ttl = redis.pttl(key);
        assertTrue(ttl > 0 && ttl <= 3000, "the key expires by itself (worker.stats-ttl=3s in tests), pttl " + ttl);
    }

    @Test
    void theWorkerPublishesWhereItsLoopsTimeGoesAndASlowRngShowsInTheRngStep() {
        String key = stats.key();
        await().atMost(PATIENCE).until(() -> redis.hget(key, "step:sleep") != null);
        Map<String, String> published = redis.hgetAll(key);
        double sleep = Double.parseDouble(published.get("step:sleep"));
        assertTrue(sleep >= 0.09 && sleep < 0.3, "the loop sleeps 0.1 s (worker.sleep): " + published);
        for (String step : new String[] {"step:rng", "step:hasher", "step:redis"}) {
            double seconds = Double.parseDouble(published.get(step));
            assertTrue(seconds >= 0 && seconds < 0.2, "a fast fake rng and hasher, a local Redis: " + published);
        }

        FakeRngAndHasher.rngDelayMillis = 400; // under the 1 s read timeout of the tests: slow, not failing
        await().atMost(PATIENCE).until(() -> step(key, "rng") > 0.35);
        assertTrue(step(key, "sleep") < 0.3 && step(key, "hasher") < 0.2, "only the rng step grew: " + redis.hgetAll(key));
    }

    private double step(String key, String step) {
        String seconds = redis.hget(key, "step:" + step);
        return seconds == null ? 0 : Double.parseDouble(seconds);
    }

    @Test
    void theWorkerReusesItsRngConnectionAndRenewsItEveryReconnectInterval() {
        // rng-reconnect is 500ms in the test profile; loops take about 0.1 s (the sleep), so about 5 per connection
        FakeRngAndHasher.rngConnections.clear();
        await().atMost(PATIENCE).until(() -> new java.util.HashSet<>(FakeRngAndHasher.rngConnections).size() >= 3);
        java.util.List<Integer> ports = java.util.List.copyOf(FakeRngAndHasher.rngConnections);
        long connections = ports.stream().distinct().count();
        assertTrue(ports.size() >= 2 * connections, "connections are reused: " + ports);
        for (int i = 1; i < ports.size(); i++) {
            // a connection, once left, is never used again: each renewal is a new choice of rng instance
            Integer port = ports.get(i);
            assertTrue(port.equals(ports.get(i - 1)) || !ports.subList(0, i).contains(port), "port " + port + " came back: " + ports);
        }
    }

    @Test
    void eachRngInstanceIsCountedAndInstancesGoneForAWhileDropOut() {
        FakeRngAndHasher.rngInstances = new String[] {"rng-a", "rng-b"};
        String key = stats.key();
        await().atMost(PATIENCE).until(() -> {
            Map<String, String> published = redis.hgetAll(key);
            return published.containsKey("rng:rng-a") && published.containsKey("rng:rng-b") && !published.containsKey("rng:fake-rng-1");
        });
        Map<String, String> published = redis.hgetAll(key);
        int a = Integer.parseInt(published.get("rng:rng-a"));
        int b = Integer.parseInt(published.get("rng:rng-b"));
        assertTrue(Math.abs(a - b) <= 1, "alternating instances get equal counts: " + published);

        FakeRngAndHasher.rngInstances = new String[0]; // an rng without the header, like the original
        await().atMost(PATIENCE).until(() -> redis.hgetAll(key).containsKey("rng:unknown"));
    }

    @Test
    void aDeletedStatsKeyComesBackWithTheNextReportAndTheCounterIsUntouched() {
        String key = stats.key();
        await().atMost(PATIENCE).until(() -> redis.exists(key));
        redis.del(key);
        long before = hashesInRedis();
        await().atMost(PATIENCE).until(() -> redis.exists(key) && hashesInRedis() > before);
        assertTrue(redis.pttl(key) > 0);
    }

    @Test
    void aStoppedWorkerLeavesNoStatsBehindAndADeadOneIsForgottenAfterTheTtl() {
        String key = stats.key();
        await().atMost(PATIENCE).until(() -> redis.exists(key));
        // A clean stop writes the last count and deletes the key (CoinMiner.stop calls writeLast).
        pauseMining();
        hashCounter.writeLast();
        assertFalse(redis.exists(key), "writeLast removes the worker's stats");
        // A dead worker (no more reports) is forgotten by Redis itself: here the key is written once more by hand, as a worker would.
        redis.hset("worker:dead-one", Map.of("version", "v0.1", "speed", "3.30"));
        redis.pexpire("worker:dead-one", 300);
        await().atMost(PATIENCE).until(() -> !redis.exists("worker:dead-one"));
        resumeMining();
        await().atMost(PATIENCE).until(() -> redis.exists(key));
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
