package io.dockercoins.webui;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;

/**
 * The workshop's story in four minutes, written to Redis as real workers write it, for screenshots of the page with
 * a full history (simulated: the coordinator takes the real-stack ones). Ten v0.1 workers on one rng (the ceiling,
 * about 10 hashes/s), then three rng pods share the load (about 26), then a rolling update to v0.2 replaces one
 * worker every 10 s (the two bands overlap; four minutes in, seven of ten run v0.2). Each worker adds its loops to
 * {@code hashes} about once a second, at its own moment, and refreshes its {@code worker:<id>} hash (speed over 5 s,
 * rng answers per instance, the mean time of each step of its loop), as worker's HashCounter and WorkerStats do.
 */
final class WorkshopScenario implements AutoCloseable {

    static final double MORE_RNG_AT_S = 90;
    static final double ROLLOUT_AT_S = 175;
    static final double ROLLOUT_EVERY_S = 10;
    static final double NEW_WORKER_STARTS_IN_S = 4;

    private static final List<String> ONE_RNG = List.of("rng-5d8f7c9b6-2xk7p");
    private static final List<String> THREE_RNG = List.of("rng-5d8f7c9b6-2xk7p", "rng-5d8f7c9b6-9qm4t", "rng-5d8f7c9b6-tz8wn");

    private final int redisPort;
    private final Random random = new Random(16);
    private final List<SimulatedWorker> workers = new ArrayList<>();
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
    private final long startedAt = System.nanoTime();
    private int replaced;

    WorkshopScenario(int redisPort) {
        this.redisPort = redisPort;
        for (int i = 0; i < 10; i++) {
            workers.add(new SimulatedWorker("worker-7f9c5d4b8-" + podSuffix(), "v0.1", 0));
        }
        clock.scheduleAtFixedRate(this::tick, 0, 100, TimeUnit.MILLISECONDS);
    }

    double elapsed() {
        return (System.nanoTime() - startedAt) / 1e9;
    }

    private void tick() {
        double now = elapsed();
        try (Jedis jedis = new Jedis("127.0.0.1", redisPort)) {
            // The rolling update: a new v0.2 pod; once it mines, one old pod stops (and deletes its key).
            if (now >= ROLLOUT_AT_S + replaced * ROLLOUT_EVERY_S && replaced < 10) {
                workers.stream().filter(w -> w.version.equals("v0.1") && w.stopsAt == Double.MAX_VALUE).findFirst()
                        .orElseThrow().stopsAt = now + NEW_WORKER_STARTS_IN_S;
                workers.add(new SimulatedWorker("worker-6b8d9c7f5-" + podSuffix(), "v0.2", now + NEW_WORKER_STARTS_IN_S));
                replaced++;
            }
            for (SimulatedWorker stopped : workers.stream().filter(w -> now >= w.stopsAt).toList()) {
                workers.remove(stopped);
                jedis.del("worker:" + stopped.id);
            }
            List<String> rng = now < MORE_RNG_AT_S ? ONE_RNG : THREE_RNG;
            // One rng answers one request at a time (0.1 s each): ten workers share 10 loops/s; three rng, up to 30,
            // but a loop also sleeps 0.1 s and waits for hasher, so each worker does at most about 3 loops/s.
            long mining = workers.stream().filter(w -> now >= w.startsAt).count();
            double perWorker = Math.min(2.6, 10.0 * rng.size() / Math.max(1, mining));
            for (SimulatedWorker worker : workers) {
                worker.run(jedis, now, perWorker * (0.85 + 0.3 * random.nextDouble()), rng);
            }
        } catch (RuntimeException e) {
            // Redis restarting: the next tick writes again
        }
    }

    private String podSuffix() {
        String letters = "bcdfghjklmnpqrstvwxz2456789";
        StringBuilder suffix = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            suffix.append(letters.charAt(random.nextInt(letters.length())));
        }
        return suffix.toString();
    }

    @Override
    public void close() throws InterruptedException {
        clock.shutdownNow();
        clock.awaitTermination(5, TimeUnit.SECONDS);
    }

    /** One worker: loops at some speed, reports about once a second (at its own moment), keeps 5 s of loops for its stats. */
    private final class SimulatedWorker {
        final String id;
        final String version;
        final double startsAt;
        double stopsAt = Double.MAX_VALUE;
        double nextReport;
        double pendingLoops;
        long unreported;
        long loopsDone;
        final Deque<double[]> recent = new ArrayDeque<>(); // {when, rng index}

        SimulatedWorker(String id, String version, double startsAt) {
            this.id = id;
            this.version = version;
            this.startsAt = startsAt;
            this.nextReport = startsAt + random.nextDouble();
        }

        void run(Jedis jedis, double now, double loopsPerSecond, List<String> rng) {
            if (now < startsAt) {
                return; // its JVM is starting
            }
            pendingLoops += loopsPerSecond * 0.1;
            while (pendingLoops >= 1) {
                pendingLoops--;
                unreported++;
                loopsDone++;
                recent.addLast(new double[] {now, random.nextInt(rng.size())});
            }
            while (!recent.isEmpty() && now - recent.peekFirst()[0] > 5) {
                recent.removeFirst();
            }
            if (now < nextReport) {
                return;
            }
            long loops = unreported;
            unreported = 0;
            nextReport += 1;
            Map<String, String> stats = new HashMap<>();
            stats.put("version", version);
            stats.put("speed", String.format(java.util.Locale.ROOT, "%.2f", recent.size() / Math.min(5, Math.max(1, now - startsAt))));
            stats.put("loops", String.valueOf(loopsDone));
            // Its loop: sleep 0.1 s, hasher 0.1 s, Redis about a millisecond; the rest of the loop is the wait for rng.
            double loopSeconds = 1 / Math.max(0.1, loopsPerSecond);
            stats.put("step:sleep", String.format(java.util.Locale.ROOT, "%.3f", 0.1));
            stats.put("step:rng", String.format(java.util.Locale.ROOT, "%.3f", Math.max(0.1, loopSeconds - 0.201)));
            stats.put("step:hasher", String.format(java.util.Locale.ROOT, "%.3f", 0.1 + 0.005 * random.nextDouble()));
            stats.put("step:redis", String.format(java.util.Locale.ROOT, "%.3f", 0.001));
            for (double[] loop : recent) {
                stats.merge("rng:" + rng.get(Math.min(rng.size() - 1, (int) loop[1])), "1", (a, b) -> String.valueOf(Long.parseLong(a) + 1));
            }
            Transaction report = jedis.multi();
            report.incrBy("hashes", loops);
            for (int i = 0; i < loops; i++) {
                if (random.nextInt(16) == 0) { // a hex digest that starts with 0: a coin
                    report.hset("wallet", String.format("0%015x", random.nextLong() >>> 4), "random bytes");
                }
            }
            report.del("worker:" + id);
            report.hset("worker:" + id, stats);
            report.expire("worker:" + id, 10);
            report.exec();
        }
    }
}
