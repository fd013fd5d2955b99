package io.dockercoins.worker;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.dockercoins.ledger.Ledger;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;

/**
 * The {@code wallet} hash in Redis: digest to random bytes ({@code HSET wallet <digest> <bytes>}).
 * Coins found while Redis is away wait here, a bounded number of them, and are stored when it is back.
 */
@ApplicationScoped
public class Wallet {

    static final byte[] KEY = Ledger.WALLET.getBytes(StandardCharsets.UTF_8);
    /** At one coin in 16 loops, this is hours of mining at the rng ceiling: plenty for any outage. */
    static final int MAX_UNSTORED = 10_000;
    private static final Logger LOG = Logger.getLogger(Wallet.class);

    private final JedisPool redis;
    private final Map<String, byte[]> unstored = new LinkedHashMap<>();
    private final Counter coinsStored;

    public Wallet(JedisPool redis, MeterRegistry registry) {
        this.redis = redis;
        this.coinsStored = Counter.builder("worker.coins.stored").description("Coins stored in the wallet in Redis").register(registry);
        registry.gauge("worker.coins.unstored", this, Wallet::unstoredCount);
    }

    public synchronized void store(Coin coin) {
        if (unstored.size() >= MAX_UNSTORED) {
            Iterator<String> oldest = unstored.keySet().iterator();
            LOG.warnf("Wallet backlog full, dropping coin %s", oldest.next());
            oldest.remove();
        }
        unstored.put(coin.digest(), coin.randomBytes());
        storeUnstored();
    }

    /** Stores every coin that waits; throws (keeping the rest) if Redis fails. */
    public synchronized void storeUnstored() {
        if (unstored.isEmpty()) {
            return;
        }
        try (Jedis jedis = redis.getResource()) {
            for (Iterator<Map.Entry<String, byte[]>> it = unstored.entrySet().iterator(); it.hasNext();) {
                Map.Entry<String, byte[]> coin = it.next();
                long created = jedis.hset(KEY, coin.getKey().getBytes(StandardCharsets.UTF_8), coin.getValue());
                if (created == 0) {
                    LOG.info("We already had that coin");
                }
                it.remove();
                coinsStored.increment();
            }
        }
    }

    public synchronized int unstoredCount() {
        return unstored.size();
    }
}
