package io.dockercoins.report;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Reads the ledger the workers keep in Redis, the same keys as the web UI: the {@code wallet} hash (one field per
 * coin), the {@code hashes} counter, and the {@code worker:<id>} hashes of the workers mining now. One connection, no
 * pool: the report makes one pass and exits. Counter and wallet come from one pipelined round-trip, so they are read
 * at the same moment (a worker adds to both while we read).
 */
public class WalletAudit {

    static final String WALLET = "wallet";
    static final String HASHES = "hashes";
    /** More live workers than this are not listed (a report is one screen); the counter counts them all anyway. */
    static final int MAX_WORKERS = 500;

    private final HostAndPort address;
    private final JedisClientConfig client;
    private final Clock clock;

    public WalletAudit(RedisConfig redis, Clock clock) {
        int timeoutMillis = (int) redis.timeout().toMillis();
        this.address = new HostAndPort(redis.host(), redis.port());
        this.client = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(timeoutMillis)
                .socketTimeoutMillis(timeoutMillis)
                .password(redis.password().filter(p -> !p.isEmpty()).orElse(null))
                .clientName("dockercoins-report")
                .build();
        this.clock = clock;
    }

    /** Throws a JedisException (Redis unreachable, NOAUTH...) or an {@link UnreadableLedgerException}. */
    public MiningReport audit() {
        try (Jedis jedis = new Jedis(address, client)) {
            Set<String> workerKeys = workerKeys(jedis);
            Pipeline pipeline = jedis.pipelined();
            Response<Long> coins = pipeline.hlen(WALLET);
            Response<String> hashes = pipeline.get(HASHES);
            List<Response<Map<String, String>>> reports = new ArrayList<>();
            for (String key : workerKeys) {
                reports.add(pipeline.hgetAll(key));
            }
            for (Object answer : pipeline.syncAndReturnAll()) {
                if (answer instanceof JedisDataException e) {
                    // WRONGTYPE: a key the workers write, overwritten by hand; LOADING, NOAUTH...: Redis not usable yet
                    throw String.valueOf(e.getMessage()).startsWith("WRONGTYPE") ? new UnreadableLedgerException(e.getMessage()) : e;
                }
            }
            List<LiveWorker> workers = new ArrayList<>();
            int i = 0;
            for (String key : workerKeys) {
                Map<String, String> fields = reports.get(i++).get();
                if (!fields.isEmpty()) { // expired between SCAN and HGETALL
                    workers.add(LiveWorker.fromRedis(key, fields));
                }
            }
            return new MiningReport(coins.get(), count(hashes.get()), List.copyOf(workers), clock.instant(), address.toString());
        }
    }

    public String where() {
        return address.toString();
    }

    private static Set<String> workerKeys(Jedis jedis) {
        Set<String> keys = new LinkedHashSet<>();
        ScanParams match = new ScanParams().match(LiveWorker.KEY_PREFIX + "*").count(1000);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = jedis.scan(cursor, match, "hash");
            keys.addAll(page.getResult());
            cursor = page.getCursor();
        } while (!ScanParams.SCAN_POINTER_START.equals(cursor) && keys.size() < MAX_WORKERS);
        return keys;
    }

    private static long count(String hashes) {
        if (hashes == null) {
            return 0; // no worker has reported yet
        }
        try {
            return Long.parseLong(hashes);
        } catch (NumberFormatException e) {
            throw new UnreadableLedgerException("'" + HASHES + "' is not a whole number: " + hashes);
        }
    }

    /** Redis answered, but not with what the workers write (a key overwritten by hand, say). */
    public static class UnreadableLedgerException extends RuntimeException {
        UnreadableLedgerException(String message) {
            super(message, null, false, false);
        }
    }
}
