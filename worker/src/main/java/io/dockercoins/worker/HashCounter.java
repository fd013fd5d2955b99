package io.dockercoins.worker;

import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.dockercoins.ledger.WorkerTally;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import redis.clients.jedis.JedisPool;

/**
 * The loops this worker has done, added to the {@code hashes} counter in Redis about once a
 * second, as the original does ({@code INCRBY hashes n}). Unlike the original, loops counted
 * while Redis is away are kept and added once it answers again: none is lost. And none is counted
 * twice: the ledger's {@link WorkerTally} makes a report that Redis applied but whose reply was lost
 * count once, however often it is sent again.
 * <p>
 * With the same round-trip it replaces this worker's {@link WorkerStats} hash, {@code worker:<id>},
 * and sets it to expire ({@code worker.stats-ttl}), so a worker that dies disappears from the web UI
 * by itself; a clean stop deletes it at once ({@link #writeLast()}).
 */
@ApplicationScoped
public class HashCounter {

    private static final Logger LOG = Logger.getLogger(HashCounter.class);

    private final WorkerTally tally;
    private final WorkerStats stats;
    /** Loops done since this worker started; how many of them Redis has confirmed counting is the tally's. */
    private final AtomicLong done = new AtomicLong();
    private final Counter loopsDone;
    private final Counter loopsWritten;

    public HashCounter(JedisPool redis, WorkerStats stats, WorkerConfig config, MeterRegistry registry) {
        this.tally = new WorkerTally(redis, stats.id(), config.statsTtl(), config.countedTtl());
        this.stats = stats;
        this.loopsDone = Counter.builder("worker.loops").description("Loops done (hashes computed)").register(registry);
        this.loopsWritten = Counter.builder("worker.loops.written")
                .description("Loops added to the hashes counter in Redis").register(registry);
        registry.gauge("worker.loops.unwritten", this, HashCounter::unwritten);
    }

    public void loopDone() {
        done.incrementAndGet();
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
        long loopsDone = done.get();
        long before = tally.counted();
        LOG.infof("%d units of work done, updating hash counter", loopsDone - before);
        if (last) {
            tally.countAndLeave(loopsDone);
        } else {
            tally.count(loopsDone, stats.snapshot());
        }
        // not reached if Redis failed (or 'hashes' is not a number): the loops stay unwritten
        loopsWritten.increment(loopsDone - before);
    }

    public long unwritten() {
        return done.get() - tally.counted();
    }
}
