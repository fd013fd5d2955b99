package io.dockercoins.report;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import io.dockercoins.ledger.LedgerSnapshot;
import io.dockercoins.ledger.WorkerReport;

/**
 * What the wallet says about the mining so far. A hash is a coin when its hex digest starts with 0, which happens to
 * one SHA-256 in 16: so coins ~ Binomial(hashes, 1/16), on average 62.5 coins per 1000 hashes, with a standard
 * deviation of sqrt(hashes x 1/16 x 15/16) coins. A wallet far outside that (more than {@code sigmas} deviations) means
 * the ledger is off: coins lost, loops counted twice or never counted.
 */
public record MiningReport(LedgerSnapshot ledger, String redis) {

    static final double COIN_CHANCE = 1.0 / 16;
    /** Below this many expected coins the spread is too wide to call anything. */
    static final double MIN_EXPECTED_COINS = 10;

    public enum Verdict {
        NOTHING_MINED, TOO_FEW_HASHES, AS_EXPECTED, TOO_MANY_COINS, TOO_FEW_COINS
    }

    public long coins() {
        return ledger.coins();
    }

    public long hashes() {
        return ledger.hashes();
    }

    public double coinsPer1000Hashes() {
        return hashes() == 0 ? 0 : coins() * 1000.0 / hashes();
    }

    public double expectedCoins() {
        return hashes() * COIN_CHANCE;
    }

    public double standardDeviation() {
        return Math.sqrt(hashes() * COIN_CHANCE * (1 - COIN_CHANCE));
    }

    /** How many standard deviations the wallet is from the expected count (positive: more coins). */
    public double deviations() {
        double sd = standardDeviation();
        return sd == 0 ? 0 : (coins() - expectedCoins()) / sd;
    }

    public Verdict verdict(double sigmas) {
        if (hashes() == 0 && coins() == 0) {
            return Verdict.NOTHING_MINED;
        }
        if (expectedCoins() < MIN_EXPECTED_COINS) {
            return hashes() == 0 ? Verdict.TOO_MANY_COINS : Verdict.TOO_FEW_HASHES;
        }
        double z = deviations();
        return z > sigmas ? Verdict.TOO_MANY_COINS : z < -sigmas ? Verdict.TOO_FEW_COINS : Verdict.AS_EXPECTED;
    }

    /** One screen, for `kubectl logs job/report`. */
    public String render(double sigmas, int topWorkers) {
        StringBuilder out = new StringBuilder();
        long coins = coins();
        long hashes = hashes();
        List<WorkerReport> workers = ledger.workers();
        out.append("DockerCoins mining report, ").append(ledger.readAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)).append(" (redis ").append(redis).append(")\n");
        out.append(String.format(Locale.ROOT, "  coins mined            %,d   (HLEN wallet)%n", coins));
        out.append(String.format(Locale.ROOT, "  hashes computed        %,d   (GET hashes)%n", hashes));
        double tolerance = hashes == 0 ? 0 : sigmas * standardDeviation() * 1000.0 / hashes;
        out.append(String.format(Locale.ROOT, "  coins per 1000 hashes  %.1f   expected 62.5 (1 in 16), +/- %.1f at %s sigma%n",
                coinsPer1000Hashes(), tolerance, trim(sigmas)));
        out.append("  verdict                ").append(explain(verdict(sigmas))).append('\n');
        Map<String, LedgerSnapshot.VersionSpeed> versions = ledger.speedByVersion();
        if (versions.isEmpty()) {
            out.append("  workers mining now     none\n");
        } else {
            out.append("  workers mining now     ").append(workers.size()).append(": ")
                    .append(versions.entrySet().stream()
                            .map(e -> String.format(Locale.ROOT, "%s x%d (%.1f hashes/s)", e.getKey(), e.getValue().workers(), e.getValue().speed()))
                            .collect(Collectors.joining(", ")))
                    .append('\n');
            workers.stream().sorted(Comparator.comparingDouble(WorkerReport::speed).reversed().thenComparing(WorkerReport::id))
                    .limit(Math.max(0, topWorkers))
                    .forEach(w -> out.append(String.format(Locale.ROOT, "    %-28s %-8s %.2f hashes/s%n", w.id(), w.version(), w.speed())));
        }
        return out.toString();
    }

    private String explain(Verdict verdict) {
        String z = String.format(Locale.ROOT, "%+.1f", deviations());
        return switch (verdict) {
            case NOTHING_MINED -> "nothing mined yet (no worker has reported)";
            case TOO_FEW_HASHES -> String.format(Locale.ROOT, "too few hashes to judge (%.1f coins expected, at least %.0f needed)",
                    expectedCoins(), MIN_EXPECTED_COINS);
            case AS_EXPECTED -> "OK: " + z + " sigma from 1 coin in 16 hashes, as chance gives";
            case TOO_MANY_COINS -> "SUSPICIOUS: " + z + " sigma, more coins than the hashes counted can explain"
                    + " (loops never added to the counter?)";
            case TOO_FEW_COINS -> "SUSPICIOUS: " + z + " sigma, fewer coins than the hashes counted promise"
                    + " (coins lost, or loops counted twice?)";
        };
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
