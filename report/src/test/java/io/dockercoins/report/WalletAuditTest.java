package io.dockercoins.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.dockercoins.ledger.Ledger;
import io.dockercoins.ledger.LedgerSnapshot;
import io.dockercoins.ledger.RedisConfig;
import io.dockercoins.testing.RedisTestServer;
import redis.clients.jedis.Jedis;

/** The report against a real Redis, with the keys written the way the workers write them. */
class WalletAuditTest {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-27T06:00:00Z"), ZoneOffset.UTC);
    static RedisTestServer server;
    Jedis redis;

    @BeforeAll
    static void startRedis() {
        server = RedisTestServer.startOnFreePort();
    }

    @AfterAll
    static void stopRedis() {
        server.close();
    }

    @BeforeEach
    void emptyLedger() {
        server.start();
        redis = new Jedis("127.0.0.1", server.port());
        redis.flushAll();
    }

    @AfterEach
    void disconnect() {
        redis.close();
    }

    static RedisConfig redisAt(int port, String password) {
        return new RedisConfig() {
            public String host() { return "127.0.0.1"; }
            public int port() { return port; }
            public Optional<String> password() { return Optional.ofNullable(password); }
            public Duration timeout() { return Duration.ofSeconds(1); }
            public boolean tls() { return false; }
            public Optional<TrustedCa> tlsCa() { return Optional.empty(); }
        };
    }

    static final ReportConfig DEFAULTS = new ReportConfig() {
        public double sigmas() { return 3; }
        public int topWorkers() { return 5; }
    };

    record Run(int exitCode, String out, String err) {
    }

    static Run run(RedisConfig redis) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new ReportCommand(redis, DEFAULTS).report(new WalletAudit(redis, CLOCK),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** HSET wallet <hex digest> <the 32 random bytes>, as the worker stores a coin. */
    void mine(int coins) {
        for (int i = 0; i < coins; i++) {
            byte[] bytes = new byte[32];
            bytes[0] = (byte) 0xff; // not UTF-8: the wallet holds raw bytes
            bytes[1] = (byte) i;
            bytes[2] = (byte) (i >> 8);
            redis.hset(Ledger.WALLET.getBytes(StandardCharsets.UTF_8), ("0" + Integer.toHexString(0x1000000 + i)).getBytes(StandardCharsets.UTF_8), bytes);
        }
    }

    @Test
    void readsTheCoinsInTheWalletAndTheHashesCounter() {
        mine(125);
        redis.incrBy("hashes", 1500);
        redis.incrBy("hashes", 500); // every worker adds its loops about once a second

        MiningReport report = new WalletAudit(redisAt(server.port(), null), CLOCK).audit();

        assertEquals(125, report.coins());
        assertEquals(2000, report.hashes());
        assertEquals(62.5, report.coinsPer1000Hashes(), 1e-9);
        assertEquals(MiningReport.Verdict.AS_EXPECTED, report.verdict(3));
        assertEquals(Instant.parse("2026-11-27T06:00:00Z"), report.ledger().readAt());
    }

    @Test
    void printsTheReportAndExitsZero() {
        mine(125);
        redis.incrBy("hashes", 2000);

        Run run = run(redisAt(server.port(), null));

        assertEquals(0, run.exitCode(), run.err());
        assertEquals("", run.err());
        assertTrue(run.out().contains("coins mined            125"), run.out());
        assertTrue(run.out().contains("hashes computed        2,000"), run.out());
        assertTrue(run.out().contains("coins per 1000 hashes  62.5   expected 62.5"), run.out());
        assertTrue(run.out().contains("verdict                OK"), run.out());
    }

    @Test
    void anEmptyRedisIsNothingMinedNotAnError() {
        Run run = run(redisAt(server.port(), null));
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("nothing mined yet"), run.out());
    }

    @Test
    void listsTheWorkersMiningNowByVersionFromTheirWorkerKeys() {
        redis.hset("worker:worker-7d9f-abcde", Map.of("version", "v0.1", "speed", "3.30", "loops", "120", "rng:rng-1", "16"));
        redis.hset("worker:worker-7d9f-fghij", Map.of("version", "v0.1", "speed", "3.20", "loops", "118"));
        redis.hset("worker:worker-canary-klmno", Map.of("version", "v0.2", "speed", "0.45", "loops", "9"));
        redis.set("worker:not-a-hash", "written by hand"); // SCAN ... TYPE hash skips it

        MiningReport report = new WalletAudit(redisAt(server.port(), null), CLOCK).audit();

        assertEquals(3, report.ledger().workers().size());
        Map<String, LedgerSnapshot.VersionSpeed> byVersion = report.ledger().speedByVersion();
        assertEquals(List.of("v0.1", "v0.2"), List.copyOf(byVersion.keySet()));
        assertEquals(2, byVersion.get("v0.1").workers());
        assertEquals(6.5, byVersion.get("v0.1").speed(), 1e-9);
        assertTrue(run(redisAt(server.port(), null)).out().contains("3: v0.1 x2 (6.5 hashes/s), v0.2 x1 (0.5 hashes/s)"));
    }

    @Test
    void sendsThePasswordWhenRedisRequiresOne() {
        redis.configSet("requirepass", "s3cret");
        try {
            Run without = run(redisAt(server.port(), null));
            assertEquals(ReportCommand.CANNOT_READ_REDIS, without.exitCode());
            assertTrue(without.err().contains("NOAUTH"), without.err());

            Run with = run(redisAt(server.port(), "s3cret"));
            assertEquals(0, with.exitCode(), with.err());
        } finally {
            try (Jedis admin = new Jedis("127.0.0.1", server.port())) {
                admin.auth("s3cret");
                admin.configSet("requirepass", "");
            }
        }
    }

    @Test
    void anEmptyPasswordMeansNoPassword() {
        // compose passes REDIS_PASSWORD= (empty) when none is set
        assertEquals(0, run(redisAt(server.port(), "")).exitCode());
    }

    @Test
    void redisUnreachableIsOneClearLineAndExitCodeOneSoTheJobRetries() {
        server.stop();
        long start = System.nanoTime();
        Run run = run(redisAt(server.port(), null));
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertEquals(ReportCommand.CANNOT_READ_REDIS, run.exitCode());
        assertEquals("", run.out());
        assertEquals(1, run.err().lines().count(), "one line, no stack trace: " + run.err());
        assertTrue(run.err().startsWith("report: cannot read Redis at 127.0.0.1:" + server.port() + ": "), run.err());
        assertTrue(run.err().contains("onnection refused"), run.err());
        assertTrue(millis < 3000, "fails fast: " + millis + " ms");
    }

    @Test
    void aCounterThatIsNotANumberIsReportedNotMiscounted() {
        redis.set("hashes", "lots");
        Run run = run(redisAt(server.port(), null));
        assertEquals(ReportCommand.UNREADABLE_LEDGER, run.exitCode());
        assertTrue(run.err().contains("'hashes' is not a whole number"), run.err());
        assertEquals(1, run.err().lines().count());
    }

    @Test
    void aWalletThatIsNotAHashIsReportedNotMiscounted() {
        redis.set("wallet", "not a hash");
        Run run = run(redisAt(server.port(), null));
        assertEquals(ReportCommand.UNREADABLE_LEDGER, run.exitCode());
        assertTrue(run.err().contains("WRONGTYPE"), run.err());
    }
}
