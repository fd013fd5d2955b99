package io.dockercoins.worker;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;

/**
 * The loops this worker has done, added to the {@code hashes} counter in Redis about once a
 * second ({@code INCRBY hashes n}), as the original does. Unlike the original, loops counted
 * while Redis is away are kept and added once it answers again: none is lost.
 * <p>
 * With the same round-trip (one MULTI/EXEC) it replaces this worker's {@link WorkerStats} hash,
 * {@code worker:<id>}, and sets it to expire ({@code worker.stats-ttl}), so a worker that dies
 * disappears from the web UI by itself; a clean stop deletes it at once ({@link #writeLast()}).
 */
@ApplicationScoped
public class HashCounter {

    static final String KEY = "hashes";
    private static final Logger LOG = Logger.getLogger(HashCounter.class);

    private final JedisPool redis;
    private final WorkerStats stats;
    private final long statsTtlMillis;
    private final AtomicLong unwritten = new AtomicLong();
    private final Counter loopsDone;
    private final Counter loopsWritten;

    public HashCounter(JedisPool redis, WorkerStats stats, WorkerConfig config, MeterRegistry registry) {
        this.redis = redis;
        this.stats = stats;
        this.statsTtlMillis = Math.max(1, config.statsTtl().toMillis());
        this.loopsDone = Counter.builder("worker.loops").description("Loops done (hashes computed)").register(registry);
        this.loopsWritten = Counter.builder("worker.loops.written")
                .description("Loops added to the hashes counter in Redis").register(registry);
        registry.gauge("worker.loops.unwritten", unwritten);
    }

    public void loopDone() {
        unwritten.incrementAndGet();
        loopsDone.increment();
    }

    /** Adds the loops not written yet to Redis; if Redis fails they stay here for the next call. */
    public void write() {
        write(false);
    }

    /** On shutdown: adds the loops not written yet and removes this worker's stats from Redis. */
    public void writeLast() {
        write(true);
    }

    private synchronized void write(boolean last) {
        long loops = unwritten.get();
        LOG.infof("%d units of work done, updating hash counter", loops);
        Map<String, String> fields = last ? null : stats.snapshot();
        try (Jedis jedis = redis.getResource()) {
            Transaction transaction = jedis.multi();
            Response<Long> counted = transaction.incrBy(KEY, loops);
            transaction.del(stats.key());
            if (!last) {
                transaction.hset(stats.key(), fields);
                transaction.pexpire(stats.key(), statsTtlMillis);
            }
            transaction.exec();
            counted.get(); // throws if INCRBY failed (e.g. 'hashes' is not a number): the loops stay unwritten
        }
        unwritten.addAndGet(-loops);
        loopsWritten.increment(loops);
    }

    public long unwritten() {
        return unwritten.get();
    }
}
