package io.dockercoins.webui;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.exceptions.JedisDataException;

/** Reads what the workers wrote to Redis: the {@code wallet} hash (one field per coin) and the {@code hashes} counter. */
@ApplicationScoped
public class Ledger {

    static final String WALLET = "wallet";
    static final String HASHES = "hashes";

    private final JedisPool redis;

    public Ledger(JedisPool redis) {
        this.redis = redis;
    }

    /** Throws a JedisException when Redis cannot be reached or used; the next call simply tries again. */
    public MiningStats read() {
        try (Jedis jedis = redis.getResource()) {
            long coins = jedis.hlen(WALLET);
            String hashes = jedis.get(HASHES);
            return new MiningStats(coins, count(hashes), Instant.now());
        } catch (JedisDataException e) {
            // A key overwritten by hand with another type; other errors (LOADING, NOAUTH...) mean Redis is not usable yet.
            if (String.valueOf(e.getMessage()).startsWith("WRONGTYPE")) {
                throw new UnreadableLedgerException(e.getMessage());
            }
            throw e;
        }
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
