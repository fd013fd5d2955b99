package io.dockercoins.worker;

import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;

/**
 * The loops this worker has done, added to the {@code hashes} counter in Redis about once a
 * second ({@code INCRBY hashes n}), as the original does. Unlike the original, loops counted
 * while Redis is away are kept and added once it answers again: none is lost.
 */
@ApplicationScoped
public class HashCounter {

    static final String KEY = "hashes";
    private static final Logger LOG = Logger.getLogger(HashCounter.class);

    private final JedisPool redis;
    private final AtomicLong unwritten = new AtomicLong();
    private final Counter loopsDone;
    private final Counter loopsWritten;

    public HashCounter(JedisPool redis, MeterRegistry registry) {
        this.redis = redis;
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
    public synchronized void write() {
        long loops = unwritten.get();
        LOG.infof("%d units of work done, updating hash counter", loops);
        try (Jedis jedis = redis.getResource()) {
            jedis.incrBy(KEY, loops);
        }
        unwritten.addAndGet(-loops);
        loopsWritten.increment(loops);
    }

    public long unwritten() {
        return unwritten.get();
    }
}
