package io.dockercoins.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.dockercoins.ledger.LedgerSnapshot;
import io.dockercoins.ledger.WorkerReport;
import io.dockercoins.report.MiningReport.Verdict;

/** The arithmetic of the report: 1 coin in 16 hashes, judged with the binomial spread. */
class MiningReportTest {

    static MiningReport report(long coins, long hashes, WorkerReport... workers) {
        return new MiningReport(new LedgerSnapshot(coins, hashes, Instant.parse("2026-11-27T06:00:00Z"), List.of(workers)), "redis:6379");
    }

    static WorkerReport worker(String id, String version, double speed) {
        return new WorkerReport(id, version, speed, 0, Map.of());
    }

    @Test
    void oneCoinInSixteenHashesIsSixtyTwoAndAHalfPerThousand() {
        MiningReport report = report(625, 10_000);
        assertEquals(62.5, report.coinsPer1000Hashes(), 1e-9);
        assertEquals(625, report.expectedCoins(), 1e-9);
        assertEquals(0, report.deviations(), 1e-9);
        assertEquals(Verdict.AS_EXPECTED, report.verdict(3));
    }

    @Test
    void theSpreadIsTheBinomialOne() {
        // sqrt(10000 x 1/16 x 15/16) = 24.2 coins
        MiningReport report = report(625, 10_000);
        assertEquals(24.206, report.standardDeviation(), 0.001);
        assertEquals(Verdict.AS_EXPECTED, report(625 + 72, 10_000).verdict(3), "2.97 sigma is chance");
        assertEquals(Verdict.TOO_MANY_COINS, report(625 + 74, 10_000).verdict(3), "3.06 sigma is not");
        assertEquals(Verdict.TOO_FEW_COINS, report(625 - 74, 10_000).verdict(3));
        assertEquals(Verdict.AS_EXPECTED, report(625 - 74, 10_000).verdict(4), "the tolerance is REPORT_SIGMAS");
    }

    @Test
    void aFewHashesAreNotEnoughToJudge() {
        assertEquals(Verdict.NOTHING_MINED, report(0, 0).verdict(3));
        assertEquals(Verdict.TOO_FEW_HASHES, report(3, 100).verdict(3), "6.25 coins expected: too few to judge");
        assertEquals(Verdict.AS_EXPECTED, report(10, 160).verdict(3), "10 coins expected: enough");
        assertEquals(Verdict.TOO_MANY_COINS, report(2, 0).verdict(3), "coins without a single hash counted");
    }

    @Test
    void theScreenShowsCoinsHashesTheRatioTheVerdictAndTheWorkersByVersion() {
        String screen = report(1234, 19_876,
                worker("worker-a", "v0.1", 3.3), worker("worker-b", "v0.1", 3.2),
                worker("worker-c", "v0.2", 0.45)).render(3, 2);
        assertTrue(screen.startsWith("DockerCoins mining report, 2026-11-27T06:00:00Z (redis redis:6379)\n"), screen);
        assertTrue(screen.contains("coins mined            1,234"), screen);
        assertTrue(screen.contains("hashes computed        19,876"), screen);
        assertTrue(screen.contains("coins per 1000 hashes  62.1   expected 62.5 (1 in 16), +/- 5.2 at 3 sigma"), screen);
        assertTrue(screen.contains("verdict                OK: -0.2 sigma"), screen);
        assertTrue(screen.contains("workers mining now     3: v0.1 x2 (6.5 hashes/s), v0.2 x1 (0.5 hashes/s)"), screen);
        assertTrue(screen.contains("worker-a") && screen.contains("worker-b") && !screen.contains("worker-c"),
                "the 2 fastest workers are listed: " + screen);
        assertTrue(screen.lines().count() <= 24, "one screen: " + screen);
    }

    @Test
    void aSuspiciousLedgerSaysWhatMayBeWrong() {
        assertTrue(report(700, 1000).render(3, 5).contains("SUSPICIOUS: +83.3 sigma, more coins than the hashes counted can explain"));
        assertTrue(report(0, 10_000).render(3, 5).contains("SUSPICIOUS: -25.8 sigma, fewer coins than the hashes counted promise"));
        assertTrue(report(0, 0).render(3, 5).contains("nothing mined yet"));
        assertTrue(report(0, 0).render(3, 5).contains("workers mining now     none"));
    }
}
