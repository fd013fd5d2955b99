package io.dockercoins.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The worker:<id> hash: written by the worker, read by webui and the report, through this one record. */
class WorkerReportTest {

    @Test
    void whatTheWorkerWritesIsWhatTheReadersRead() {
        WorkerReport written = new WorkerReport("worker-1", "v0.2", 3.3, 1234, Map.of("rng-b", 4L, "rng-a", 12L));
        Map<String, String> fields = written.toRedis();

        assertEquals("worker:worker-1", written.key());
        assertEquals(List.of("version", "speed", "loops", "rng:rng-a", "rng:rng-b"), List.copyOf(fields.keySet()));
        assertEquals("3.30", fields.get("speed"));
        assertEquals("1234", fields.get("loops"));
        assertEquals(written, WorkerReport.fromRedis("worker:worker-1", fields));
    }

    @Test
    void garbledOrMissingFieldsAreUnknownOrZeroNeverAnError() {
        Map<String, String> byHand = new LinkedHashMap<>();
        byHand.put("speed", "fast");
        byHand.put("loops", "-5");
        byHand.put("rng:", "3");
        byHand.put("rng:x", "-3");
        byHand.put("rng:ok", " 2 ");
        WorkerReport read = WorkerReport.fromRedis("worker:odd", byHand);
        assertEquals(new WorkerReport("odd", "unknown", 0, 0, Map.of("ok", 2L)), read);
        assertEquals(0, WorkerReport.fromRedis("worker:nan", Map.of("speed", "NaN")).speed());
    }

    @Test
    void theVersionIsTrimmedSoAHandWrittenOneGroupsWithTheRest() {
        assertEquals("v0.1", WorkerReport.fromRedis("worker:a", Map.of("version", " v0.1 ")).version());
        assertEquals("unknown", WorkerReport.fromRedis("worker:a", Map.of("version", "  ")).version());
    }

    @Test
    void speedsAreSummedByVersionInOnePlace() {
        LedgerSnapshot ledger = new LedgerSnapshot(0, 0, java.time.Instant.EPOCH, List.of(
                new WorkerReport("c", "v0.2", 1.5, 0, Map.of()),
                new WorkerReport("b", "v0.1", 3.2, 0, Map.of()),
                new WorkerReport("a", "v0.1", 3.3, 0, Map.of())));
        assertEquals(List.of("a", "b", "c"), ledger.workers().stream().map(WorkerReport::id).toList(), "by version, then id");
        assertEquals(Map.of("v0.1", new LedgerSnapshot.VersionSpeed(2, 6.5), "v0.2", new LedgerSnapshot.VersionSpeed(1, 1.5)),
                ledger.speedByVersion());
    }
}
