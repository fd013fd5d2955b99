package io.dockercoins.webui;

import java.time.Instant;
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
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Reads what the workers wrote to Redis: the {@code wallet} hash (one field per coin), the {@code hashes} counter,
 * and the {@code worker:<id>} hashes each live worker keeps refreshing (they expire when it stops reporting).
 * One SCAN for the worker keys, then one pipelined round-trip for everything else.
 */
@ApplicationScoped
public class Ledger {

    static final String WALLET = "wallet";
    static final String HASHES = "hashes";
    /** More live workers than this are not listed (the page could not show them anyway); the counter still counts them all. */
    static final int MAX_WORKERS = 500;

    private final JedisPool redis;

    public Ledger(JedisPool redis) {
        this.redis = redis;
    }

    /** Throws a JedisException when Redis cannot be reached or used; the next call simply tries again. */
    public MiningStats read() {
        try (Jedis jedis = redis.getResource()) {
            Set<String> workerKeys = workerKeys(jedis);
            Pipeline pipeline = jedis.pipelined();
            Response<Long> coins = pipeline.hlen(WALLET);
            Response<String> hashes = pipeline.get(HASHES);
            List<Response<Map<String, String>>> reports = new ArrayList<>(workerKeys.size());
            for (String key : workerKeys) {
                reports.add(pipeline.hgetAll(key));
            }
            pipeline.sync();
            Instant now = Instant.now();
            List<WorkerReport> workers = new ArrayList<>(workerKeys.size());
            int i = 0;
            for (String key : workerKeys) {
                Map<String, String> fields = reports.get(i++).get();
                if (!fields.isEmpty()) { // expired between SCAN and HGETALL
                    workers.add(WorkerReport.fromRedis(key, fields));
                }
            }
            return new MiningStats(coins.get(), count(hashes.get()), now, workers);
        } catch (JedisDataException e) {
            // A key overwritten by hand with another type; other errors (LOADING, NOAUTH...) mean Redis is not usable yet.
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
            throw new UnreadableLedgerException("'" + HASHES + "' is not a whole number");
        }
    }

    /** Redis answered, but not with what the workers write. */
    public static class UnreadableLedgerException extends RuntimeException {
        UnreadableLedgerException(String message) {
            super(message, null, false, false);
        }
    }
}
