package io.dockercoins.worker;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.dockercoins.ledger.LoopStep;
import io.dockercoins.ledger.WorkerReport;

/**
 * What this worker tells the web UI about itself, besides the {@code hashes} counter: who it is, its
 * version, its recent speed, which rng instances served it and where its loops' time went. {@link HashCounter}
 * publishes it with each counter report as the hash {@code worker:<id>} (the ledger's {@link WorkerReport}), which expires by itself.
 */
@ApplicationScoped
public class WorkerStats {

    /** rng answered without an X-Served-By header (the original Python rng, say). */
    static final String UNKNOWN_RNG = "unknown";

    private final String id;
    private final String version;
    private final long windowNanos;
    private final long startedAt = System.nanoTime();
    /** One entry per loop done in the window: when, which rng instance gave its random bytes, how long each step took. */
    private final Deque<Loop> recent = new ArrayDeque<>();
    /** Each Redis call in the window: when it ended, how long it took. */
    private final Deque<long[]> redisCalls = new ArrayDeque<>();
    private long loops;

    public WorkerStats(WorkerConfig config) {
        this.id = config.id().filter(name -> !name.isBlank()).orElseGet(WorkerStats::defaultId);
        this.version = config.version();
        this.windowNanos = config.statsWindow().toNanos();
    }

    public String id() {
        return id;
    }

    public String version() {
        return version;
    }

    public String key() {
        return WorkerReport.key(id);
    }

    /**
     * A loop is done (its hash is known); {@code rngInstance} is the X-Served-By of rng's answer, or null. The
     * nanoseconds are how long the loop slept, waited for rng, and waited for hasher.
     */
    public synchronized void loopDone(String rngInstance, long sleepNanos, long rngNanos, long hasherNanos) {
        long now = System.nanoTime();
        String instance = rngInstance == null || rngInstance.isBlank() ? UNKNOWN_RNG : rngInstance.trim();
        recent.addLast(new Loop(now, instance, sleepNanos, rngNanos, hasherNanos));
        loops++;
        forgetOld(now);
    }

    /** A call to Redis (a coin stored, a counter report) took this long, whether or not it succeeded. */
    public synchronized void redisCall(long nanos) {
        long now = System.nanoTime();
        redisCalls.addLast(new long[] {now, nanos});
        forgetOld(now);
    }

    /** What {@code worker:<id>} says as of now. */
    public synchronized WorkerReport snapshot() {
        long now = System.nanoTime();
        forgetOld(now);
        // A worker that started less than a window ago is measured over its life, but at least 1 s (no wild first numbers).
        long measured = Math.max(Math.min(windowNanos, now - startedAt), Math.min(windowNanos, 1_000_000_000L));
        double speed = recent.size() / (measured / 1e9);
        Map<String, Long> rng = new TreeMap<>();
        for (Loop loop : recent) {
            rng.merge(loop.rngInstance, 1L, Long::sum);
        }
        return new WorkerReport(id, version, speed, loops, rng, steps());
    }

    /**
     * The mean of each step over the loops of the window; none without a loop. Redis is all the Redis time of the
     * window spread over its loops: the counter report is once a second, not once a loop, and the loop pays for it
     * all the same, so this is simpler and truer than timing a per-loop Redis step that most loops do not have.
     */
    private WorkerReport.LoopSteps steps() {
        if (recent.isEmpty()) {
            return null;
        }
        double n = recent.size() * 1e9;
        long redis = 0;
        for (long[] call : redisCalls) {
            redis += call[1];
        }
        return new WorkerReport.LoopSteps(Map.of(
                LoopStep.SLEEP, recent.stream().mapToLong(Loop::sleepNanos).sum() / n,
                LoopStep.RNG, recent.stream().mapToLong(Loop::rngNanos).sum() / n,
                LoopStep.HASHER, recent.stream().mapToLong(Loop::hasherNanos).sum() / n,
                LoopStep.REDIS, redis / n));
    }

    private void forgetOld(long now) {
        while (!recent.isEmpty() && now - recent.peekFirst().at > windowNanos) {
            recent.removeFirst();
        }
        while (!redisCalls.isEmpty() && now - redisCalls.peekFirst()[0] > windowNanos) {
            redisCalls.removeFirst();
        }
    }

    /** The container's or pod's name; outside a container (pid is not 1) with the pid, so two local workers differ. */
    private static String defaultId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = System.getenv().getOrDefault("HOSTNAME", "worker");
        }
        long pid = ProcessHandle.current().pid();
        return pid == 1 ? host : host + "-" + pid;
    }

    private record Loop(long at, String rngInstance, long sleepNanos, long rngNanos, long hasherNanos) {
    }
}
