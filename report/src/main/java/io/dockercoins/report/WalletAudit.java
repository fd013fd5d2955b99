package io.dockercoins.report;

import java.time.Clock;

import io.dockercoins.ledger.Ledger;
import io.dockercoins.ledger.RedisConfig;
import io.dockercoins.ledger.RedisPool;
import redis.clients.jedis.Jedis;

/**
 * Reads the ledger the workers keep in Redis, with the same code as the web UI (the ledger module's {@link Ledger}).
 * One connection, no pool: the report makes one pass and exits.
 */
public class WalletAudit {

    private final RedisConfig redis;
    private final Clock clock;

    public WalletAudit(RedisConfig redis, Clock clock) {
        this.redis = redis;
        this.clock = clock;
    }

    /** Throws a JedisException (Redis unreachable, NOAUTH...) or an UnreadableLedgerException. */
    public MiningReport audit() {
        try (Jedis jedis = RedisPool.connect(redis, "dockercoins-report")) {
            return new MiningReport(Ledger.read(jedis, clock), where());
        }
    }

    public String where() {
        return RedisPool.address(redis).toString();
    }
}
