package io.dockercoins.webui;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.dockercoins.ledger.LedgerSnapshot;
import io.dockercoins.ledger.WorkerReport;

/**
 * What {@code GET /json} reports, from one reading of the ledger: coins in the wallet, hashes counted so far, and
 * when that was read (the original's three fields), then the live workers, the speed of each worker version (the
 * ledger's {@link LedgerSnapshot#speedByVersion()}), each rng instance's share of the recent rng answers, and where each
 * version's loops spend their time (the ledger's {@link LedgerSnapshot#stepsByVersion()}).
 */
public record MiningStats(LedgerSnapshot ledger) {

    /** rng instance to its share (0 to 1) of all the rng answers the workers report for the last few seconds. */
    public Map<String, Double> rngShares() {
        Map<String, Long> answers = new TreeMap<>();
        for (WorkerReport worker : ledger.workers()) {
            worker.rngAnswers().forEach((instance, count) -> answers.merge(instance, count, Long::sum));
        }
        long total = answers.values().stream().mapToLong(Long::longValue).sum();
        Map<String, Double> shares = new TreeMap<>();
        answers.forEach((instance, count) -> shares.put(instance, (double) count / total));
        return shares;
    }

    /**
     * The original's JSON, field for field (but with {@code hashes} as a number), then the new fields:
     * <pre>
     * {"coins":12,"hashes":345,"now":1764210000.123,
     *  "workers":[{"id":"3f2a9c0d1e2b","version":"v0.1","speed":3.3}, ...],
     *  "versions":{"v0.1":6.6,"v0.2":3.2},
     *  "rng":{"5c1d2e3f4a5b":0.5,"9e8d7c6b5a4f":0.5},
     *  "steps":{"v0.1":{"sleep":0.1,"rng":2.004,"hasher":0.101,"redis":0.001}}}
     * </pre>
     * {@code now} is epoch seconds with milliseconds (1764210000.123, never 1.764E9): the page divides hash deltas by it.
     */
    public String toJson() {
        List<WorkerReport> workers = ledger.workers();
        String seconds = BigDecimal.valueOf(ledger.readAt().toEpochMilli(), 3).toPlainString();
        StringBuilder json = new StringBuilder(128 + 80 * workers.size());
        json.append("{\"coins\":").append(ledger.coins()).append(",\"hashes\":").append(ledger.hashes()).append(",\"now\":").append(seconds);
        json.append(",\"workers\":[");
        for (int i = 0; i < workers.size(); i++) {
            WorkerReport worker = workers.get(i);
            json.append(i == 0 ? "" : ",").append("{\"id\":");
            string(json, worker.id()).append(",\"version\":");
            string(json, worker.version()).append(",\"speed\":").append(decimal(worker.speed(), 2)).append('}');
        }
        json.append("],\"versions\":");
        Map<String, Double> versions = new TreeMap<>();
        ledger.speedByVersion().forEach((version, speed) -> versions.put(version, speed.speed()));
        object(json, versions, 2);
        json.append(",\"rng\":");
        object(json, rngShares(), 3);
        json.append(",\"steps\":{");
        boolean first = true;
        for (Map.Entry<String, WorkerReport.LoopSteps> version : ledger.stepsByVersion().entrySet()) {
            string(json.append(first ? "" : ","), version.getKey()).append(':');
            object(json, version.getValue().byName(), 3); // seconds, to the millisecond
            first = false;
        }
        return json.append("}}").toString();
    }

    private static void object(StringBuilder json, Map<String, Double> values, int decimals) {
        json.append('{');
        boolean first = true;
        for (Map.Entry<String, Double> entry : values.entrySet()) {
            json.append(first ? "" : ",");
            string(json, entry.getKey()).append(':').append(decimal(entry.getValue(), decimals));
            first = false;
        }
        json.append('}');
    }

    private static String decimal(double value, int decimals) {
        return BigDecimal.valueOf(value).setScale(decimals, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }

    /** A JSON string: names come from Redis, where anything may have been written. */
    private static StringBuilder string(StringBuilder json, String text) {
        json.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"');
    }
}
