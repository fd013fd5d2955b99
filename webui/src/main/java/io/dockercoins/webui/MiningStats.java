package io.dockercoins.webui;

import java.math.BigDecimal;
import java.time.Instant;

/** What {@code GET /json} reports: coins in the wallet, hashes counted so far, and when that was read. */
public record MiningStats(long coins, long hashes, Instant now) {

    /**
     * The original's JSON, field for field, but with {@code hashes} as a number. {@code now} is epoch
     * seconds with milliseconds (1764210000.123, never 1.764E9): the page divides hash deltas by it.
     */
    public String toJson() {
        String seconds = BigDecimal.valueOf(now.toEpochMilli(), 3).toPlainString();
        return "{\"coins\":" + coins + ",\"hashes\":" + hashes + ",\"now\":" + seconds + "}";
    }
}
