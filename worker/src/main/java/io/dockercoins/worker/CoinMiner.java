package io.dockercoins.worker;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.dockercoins.ledger.RedisPool;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * The worker's loop, as in the original: sleep, 32 random bytes from rng, their hash from hasher,
 * a coin when the hex digest starts with 0, and the loops done added to Redis about once a second.
 * Better than the original: every call has a timeout; a failure costs one log line and a short
 * pause, never the loops already counted; SIGTERM ends the loop and writes the count before exit.
 */
@ApplicationScoped
public class CoinMiner {

    private static final Logger LOG = Logger.getLogger(CoinMiner.class);
    private static final Pattern HEX_DIGEST = Pattern.compile("[0-9a-f]{64}");

    private final WorkerConfig config;
    private final HttpConnection rng;
    private final HttpConnection hasher;
    private final Wallet wallet;
    private final HashCounter hashCounter;
    private final WorkerStats stats;
    private final Counter coinsFound;
    private final Map<String, Counter> failures;
    private final Object pause = new Object();
    private long rngReconnectAt = System.nanoTime();
    private volatile boolean mining = true;
    private Thread thread;

    public CoinMiner(WorkerConfig config, Wallet wallet, HashCounter hashCounter, WorkerStats stats, MeterRegistry registry) {
        this.config = config;
        this.wallet = wallet;
        this.hashCounter = hashCounter;
        this.stats = stats;
        // Kept alive, but renewed every WORKER_RNG_RECONNECT (see workOnce): with one connection for ever a worker
        // would stick to one rng instance, and added rng instances (compose --scale, pods) would get no work.
        this.rng = new HttpConnection(config.rngUrl(), config.connectTimeout(), config.readTimeout());
        this.hasher = new HttpConnection(config.hasherUrl(), config.connectTimeout(), config.readTimeout());
        this.coinsFound = Counter.builder("worker.coins").description("Coins found").register(registry);
        this.failures = Map.of(
                "rng", failureCounter(registry, "rng"),
                "hasher", failureCounter(registry, "hasher"),
                "redis", failureCounter(registry, "redis"));
    }

    void start(@Observes StartupEvent event) {
        LOG.infof("Worker %s, version %s, publishing its stats as %s", stats.id(), stats.version(), stats.key());
        thread = new Thread(this::mine, "coin-miner");
        thread.start();
    }

    /** SIGTERM: no new loop starts, the one in progress may finish, then the count is written. */
    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        mining = false;
        synchronized (pause) {
            pause.notifyAll();
        }
        thread.join(config.shutdownGrace().toMillis());
        if (thread.isAlive()) {
            LOG.warn("The loop in progress did not finish in time; writing the count without it");
            thread.interrupt();
        }
        try {
            wallet.storeUnstored();
            hashCounter.writeLast();
        } catch (RuntimeException e) {
            LOG.errorf("Could not write to Redis on shutdown (%s): %d loops and %d coins are lost",
                    RedisPool.why(e), hashCounter.unwritten(), wallet.unstoredCount());
        }
    }

    public boolean isMining() {
        return thread != null && thread.isAlive();
    }

    private void mine() {
        long nextReport = System.nanoTime();
        int failuresInARow = 0;
        boolean mined = false;
        while (mining) {
            if (System.nanoTime() - nextReport >= 0) {
                report();
                nextReport = System.nanoTime() + config.reportInterval().toNanos();
            }
            try {
                long sleepStarted = System.nanoTime();
                pause(config.sleep());
                if (!mining) {
                    break;
                }
                workOnce(System.nanoTime() - sleepStarted);
                failuresInARow = 0;
                if (!mined) {
                    mined = true;
                    nextReport = System.nanoTime(); // the first hash reaches the counter at once
                }
            } catch (MiningFailure failure) {
                failures.get(failure.cause).increment();
                failuresInARow++;
                if (!mined) {
                    // `docker compose up` starts rng, hasher and the workers together: until the first hash, the
                    // services called may still be starting. One line, then a try every first-backoff step.
                    if (failuresInARow == 1) {
                        LOG.infof("waiting for %s to answer (%s), trying again every %d ms", failure.cause,
                                failure.getMessage(), backoff(1).toMillis());
                    }
                    pause(backoff(1));
                    continue;
                }
                Duration backoff = backoff(failuresInARow);
                LOG.warnf("%s unavailable (%s), retrying in %d ms", failure.cause, failure.getMessage(), backoff.toMillis());
                pause(backoff);
            }
        }
        rng.close();
        hasher.close();
    }

    /** One unit of work; the loop counts once the hash is known, whatever happens to the coin. Each step is timed. */
    private void workOnce(long sleepNanos) {
        long rngStarted = System.nanoTime();
        // GET http://rng/32, as the original: random bytes, and X-Served-By names the rng instance that answered
        HttpConnection.Answer fromRng = call("rng", () -> rng.get(Integer.toString(config.payloadSize()), lastOnRngConnection()));
        long hasherStarted = System.nanoTime();
        if (fromRng.status() != 200) {
            throw new MiningFailure("rng", "HTTP " + fromRng.status());
        }
        byte[] randomBytes = fromRng.body();
        String rngInstance = fromRng.servedBy();
        // POST http://hasher/ with the bytes: their SHA-256 as hex
        HttpConnection.Answer fromHasher = call("hasher", () -> hasher.post("", randomBytes));
        long hasherEnded = System.nanoTime();
        if (fromHasher.status() != 200) {
            throw new MiningFailure("hasher", "HTTP " + fromHasher.status());
        }
        String digest = fromHasher.text().trim();
        if (!HEX_DIGEST.matcher(digest).matches()) {
            throw new MiningFailure("hasher", "not a SHA-256 hex digest: '" + abbreviate(digest) + "'");
        }
        hashCounter.loopDone();
        stats.loopDone(rngInstance, sleepNanos, hasherStarted - rngStarted, hasherEnded - hasherStarted);
        if (!Coin.isCoin(digest)) {
            return;
        }
        Coin coin = new Coin(digest, randomBytes);
        LOG.infof("Coin found: %s...", coin.shortDigest());
        coinsFound.increment();
        long redisStarted = System.nanoTime();
        try {
            wallet.store(coin);
        } catch (RuntimeException e) {
            throw new MiningFailure("redis", describe(e));
        } finally {
            stats.redisCall(System.nanoTime() - redisStarted);
        }
    }

    /** Whether the next rng call is the last on its connection (Connection: close): once per WORKER_RNG_RECONNECT. */
    private boolean lastOnRngConnection() {
        long now = System.nanoTime();
        if (now - rngReconnectAt < 0) {
            return false;
        }
        rngReconnectAt = now + config.rngReconnect().toNanos();
        return true;
    }

    private void report() {
        long started = System.nanoTime();
        try {
            wallet.storeUnstored();
            hashCounter.write();
        } catch (RuntimeException e) {
            failures.get("redis").increment();
            LOG.warnf("redis unavailable (%s), keeping %d loops and %d coins for later",
                    RedisPool.why(e), hashCounter.unwritten(), wallet.unstoredCount());
        } finally {
            stats.redisCall(System.nanoTime() - started);
        }
    }

    private Duration backoff(int failuresInARow) {
        Duration max = config.maxBackoff();
        Duration first = max.dividedBy(10);
        Duration backoff = first.multipliedBy(1L << Math.min(failuresInARow - 1, 10));
        return backoff.compareTo(max) > 0 ? max : backoff;
    }

    /** Waits, unless the worker is told to stop. */
    private void pause(Duration duration) {
        if (duration.isZero()) {
            return;
        }
        synchronized (pause) {
            if (!mining) {
                return;
            }
            try {
                pause.wait(duration.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                mining = false;
            }
        }
    }

    private interface HttpCall {
        HttpConnection.Answer answer() throws IOException;
    }

    private static HttpConnection.Answer call(String cause, HttpCall call) {
        try {
            return call.answer();
        } catch (IOException | RuntimeException e) {
            throw new MiningFailure(cause, describe(e));
        }
    }

    /** One short line: the innermost cause is what a learner wants to read ("ConnectException: Connection refused"). */
    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String type = root.getClass().getSimpleName();
        return abbreviate(root.getMessage() == null ? type : type + ": " + root.getMessage());
    }

    private static String abbreviate(String text) {
        String oneLine = text.replaceAll("\\s+", " ");
        return oneLine.length() > 120 ? oneLine.substring(0, 120) + "..." : oneLine;
    }

    private static Counter failureCounter(MeterRegistry registry, String cause) {
        return Counter.builder("worker.failures").description("Loops that failed, by the service that failed them")
                .tag("cause", cause).register(registry);
    }

    /** A step of the loop failed because of {@code cause} (rng, hasher or redis). */
    static class MiningFailure extends RuntimeException {
        final String cause;

        MiningFailure(String cause, String message) {
            super(message, null, false, false);
            this.cause = cause;
        }
    }
}
