package io.dockercoins.ledger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * A worker's loops, added to {@code hashes} exactly once, even when Redis applies a report but its reply is lost
 * (a connection cut at the wrong moment): the worker cannot tell, reports again, and must not count the same loops
 * twice. So each report carries this run's running total of loops, its sequence number, and one script checks and
 * applies it atomically in Redis:
 * <ol>
 * <li>{@code counted:<id>} says how much of this run's total is already in {@code hashes} ({@code "<run> <loops>"});
 *     missing (a Redis that restarted empty, or a new run), the worker's own acknowledged total stands in;
 * <li>{@code INCRBY hashes} by the difference only: {@code hashes} stays the original's plain integer;
 * <li>{@code counted:<id>} set to the new total, expiring after {@code countedTtl} without a report (so the keys of
 *     workers killed without a SIGTERM go away); the worker's stats hash {@code worker:<id>} replaced, expiring
 *     after {@code statsTtl}. A worker that leaves deletes both.
 * </ol>
 * The run is random per process, so a worker restarted under the same id (a container restart) starts a new tally.
 */
public class WorkerTally {

    public static final String KEY_PREFIX = "counted:";

    /** KEYS: hashes, counted:<id>, worker:<id>. ARGV: run, loops acknowledged, loops done, counted TTL ms, stats TTL ms or "leave", stats fields and values. */
    static final String SCRIPT = """
            local counted = tonumber(ARGV[2])
            local mark = redis.call('GET', KEYS[2])
            if mark then
              local run, loops = string.match(mark, '^(%S+) (%d+)$')
              if run == ARGV[1] then counted = tonumber(loops) end
            end
            local new = tonumber(ARGV[3]) - counted
            if new < 0 then new = 0 end
            local hashes = redis.call('INCRBY', KEYS[1], new)
            redis.call('DEL', KEYS[3])
            if ARGV[5] == 'leave' then
              redis.call('DEL', KEYS[2])
            else
              redis.call('SET', KEYS[2], ARGV[1] .. ' ' .. ARGV[3], 'PX', ARGV[4])
              redis.call('HSET', KEYS[3], unpack(ARGV, 6))
              redis.call('PEXPIRE', KEYS[3], ARGV[5])
            end
            return hashes
            """;
    private static final String SCRIPT_SHA = sha1(SCRIPT);

    private final JedisPool redis;
    private final String workerId;
    private final String run;
    private final long statsTtlMillis;
    private final long countedTtlMillis;
    private volatile long counted;

    /**
     * @param statsTtl   how long {@code worker:<id>} lives without a newer report
     * @param countedTtl how long {@code counted:<id>} lives without a newer report: a report whose reply was lost is
     *                   recognised if the worker reports again within this time
     */
    public WorkerTally(JedisPool redis, String workerId, Duration statsTtl, Duration countedTtl) {
        this.redis = redis;
        this.workerId = workerId;
        this.run = HexFormat.of().toHexDigits(new SecureRandom().nextLong());
        this.statsTtlMillis = Math.max(1, statsTtl.toMillis());
        this.countedTtlMillis = Math.max(1, countedTtl.toMillis());
    }

    /**
     * Brings {@code hashes} up to {@code loopsDone} (this run's loops so far) and publishes {@code stats}. Throws a
     * JedisException when Redis fails or the reply is lost, whether or not Redis applied it: call again later, with
     * the loops done by then, and every loop is counted once.
     */
    public synchronized void count(long loopsDone, WorkerReport stats) {
        List<String> args = arguments(loopsDone, Long.toString(statsTtlMillis));
        stats.toRedis().forEach((field, value) -> {
            args.add(field);
            args.add(value);
        });
        run(args, loopsDone);
    }

    /** The worker stops: the last count, and its keys removed at once (the page drops it now, not after the TTL). */
    public synchronized void countAndLeave(long loopsDone) {
        run(arguments(loopsDone, "leave"), loopsDone);
    }

    /** The loops of this run Redis has confirmed counting. */
    public long counted() {
        return counted;
    }

    public String run() {
        return run;
    }

    private List<String> arguments(long loopsDone, String statsTtl) {
        return new ArrayList<>(List.of(run, Long.toString(counted), Long.toString(loopsDone), Long.toString(countedTtlMillis), statsTtl));
    }

    private void run(List<String> args, long loopsDone) {
        List<String> keys = List.of(Ledger.HASHES, KEY_PREFIX + workerId, WorkerReport.key(workerId));
        try (Jedis jedis = redis.getResource()) {
            try {
                jedis.evalsha(SCRIPT_SHA, keys, args);
            } catch (JedisNoScriptException e) {
                jedis.eval(SCRIPT, keys, args); // a restarted Redis has forgotten the script: once per restart
            }
        }
        counted = Math.max(counted, loopsDone);
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
