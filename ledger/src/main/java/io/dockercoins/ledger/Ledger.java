package io.dockercoins.ledger;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The ledger the workers keep in Redis, key by key, and the one code that reads it (webui's /json, the report).
 * The first two keys are the original DockerCoins', unchanged:
 * <pre>
 * hashes          string  loops done by all workers, ever (INCRBY; GET hashes is the original's counter)
 * wallet          hash    coin: hex digest -> the 32 random bytes it came from (HSET, HLEN)
 * worker:&lt;id&gt;     hash    a live worker's stats ({@link WorkerReport}), expiring unless it keeps reporting
 * counted:&lt;id&gt;    string  "&lt;run&gt; &lt;loops&gt;": how much of this worker's run is in hashes ({@link WorkerTally})
 * </pre>
 * Workers write through {@link WorkerTally} (hashes, worker:, counted:) and store coins with {@code HSET wallet}.
 */
@ApplicationScoped
public class Ledger {

    public static final String HASHES = "hashes";
    public static final String WALLET = "wallet";
    /** More live workers than this are not listed (a page or a screen could not show them); hashes still counts them all. */
    static final int MAX_WORKERS = 500;

    private final JedisPool redis;
    private final Clock clock;

    public Ledger(JedisPool redis) {
        this.redis = redis;
        this.clock = Clock.systemUTC();
    }

    /** Throws a JedisException when Redis cannot be reached or used (the next call simply tries again), or an {@link UnreadableLedgerException}. */
    public LedgerSnapshot read() {
        try (Jedis jedis = redis.getResource()) {
            return read(jedis, clock);
        }
    }

    /**
     * One SCAN for the worker keys, then one pipelined round-trip for everything else, so the counter and the
     * wallet are read at the same moment (workers add to both while we read).
     */
    public static LedgerSnapshot read(Jedis jedis, Clock clock) {
        try {
            Set<String> workerKeys = workerKeys(jedis);
            Pipeline pipeline = jedis.pipelined();
            Response<Long> coins = pipeline.hlen(WALLET);
            Response<String> hashes = pipeline.get(HASHES);
            List<Response<Map<String, String>>> reports = new ArrayList<>(workerKeys.size());
            for (String key : workerKeys) {
                reports.add(pipeline.hgetAll(key));
            }
            pipeline.sync();
            List<WorkerReport> workers = new ArrayList<>(workerKeys.size());
            int i = 0;
            for (String key : workerKeys) {
                Map<String, String> fields = reports.get(i++).get();
                if (!fields.isEmpty()) { // expired between SCAN and HGETALL
                    workers.add(WorkerReport.fromRedis(key, fields));
                }
            }
            return new LedgerSnapshot(coins.get(), count(hashes.get()), clock.instant(), workers);
        } catch (JedisDataException e) {
            // WRONGTYPE: a key the workers write, overwritten by hand; other errors (LOADING, NOAUTH...) mean Redis is not usable yet.
            if (String.valueOf(e.getMessage()).startsWith("WRONGTYPE")) {
                throw new UnreadableLedgerException(e.getMessage());
            }
            throw e;
        }
    }

    /** The keys worker:* that are hashes (SCAN may return a key twice; a set keeps one). */
    private static Set<String> workerKeys(Jedis jedis) {
        Set<String> keys = new LinkedHashSet<>();
        ScanParams match = new ScanParams().match(WorkerReport.KEY_PREFIX + "*").count(1000);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = jedis.scan(cursor, match, "hash");
            keys.addAll(page.getResult());
            cursor = page.getCursor();
        } while (!ScanParams.SCAN_POINTER_START.equals(cursor) && keys.size() < MAX_WORKERS);
        return keys;
    }

    /** No worker has reported yet: nothing mined. */
    private static long count(String hashes) {
        if (hashes == null) {
            return 0;
        }
        try {
            return Long.parseLong(hashes);
        } catch (NumberFormatException e) {
            String shown = hashes.length() > 40 ? hashes.substring(0, 40) + "..." : hashes;
            throw new UnreadableLedgerException("'" + HASHES + "' is not a whole number: " + shown);
        }
    }
}
