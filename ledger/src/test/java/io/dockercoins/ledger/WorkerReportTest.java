package io.dockercoins.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.dockercoins.ledger.WorkerReport.LoopSteps;
import io.dockercoins.testing.RedisTestServer;
import redis.clients.jedis.Jedis;

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

    @Test
    void stepTimesAreNewFieldsBesideTheOldOnesInSecondsWithMilliseconds() {
        WorkerReport written = new WorkerReport("w", "v0.1", 0.5, 10, Map.of("rng-a", 2L), steps(0.1, 2.0041, 0.1, 0.0005));
        Map<String, String> fields = written.toRedis();
        assertEquals(List.of("version", "speed", "loops", "rng:rng-a", "step:sleep", "step:rng", "step:hasher", "step:redis"),
                List.copyOf(fields.keySet()), "the old fields unchanged, the step times added after them");
        assertEquals("2.004", fields.get("step:rng"));
        assertEquals("0.001", fields.get("step:redis"));
        assertEquals(steps(0.1, 2.004, 0.1, 0.001), WorkerReport.fromRedis("worker:w", fields).steps());
    }

    @Test
    void theStepsAreLoopStepsAloneInTheLoopsOrder() {
        assertEquals(List.of("sleep", "rng", "hasher", "redis"), List.copyOf(steps(0.1, 0.2, 0.3, 0.4).byName().keySet()),
                "the names and order of /json's steps and of step:<name>");
        assertEquals(steps(0.1, 0, 0, 0), new LoopSteps(Map.of(LoopStep.SLEEP, 0.1)), "a step not given is 0");
    }

    @Test
    void aWorkerWithoutStepTimesHasNoneAndGarbledStepTimesAreZero() {
        assertEquals(null, WorkerReport.fromRedis("worker:old", Map.of("version", "v0.1", "speed", "3.30")).steps(),
                "an older worker publishes no step:* field");
        assertEquals(null, new WorkerReport("w", "v0.1", 3.3, 0, Map.of()).toRedis().get("step:rng"));
        assertEquals(steps(0.1, 0, 0, 0), WorkerReport.fromRedis("worker:odd",
                Map.of("step:sleep", "0.1", "step:rng", "slow", "step:hasher", "-1")).steps());
    }

    @Test
    void stepTimesAreAveragedByVersionInOnePlaceAgainstARealRedis() {
        try (RedisTestServer server = RedisTestServer.startOnFreePort(); Jedis redis = new Jedis("127.0.0.1", server.port())) {
            for (WorkerReport worker : List.of(
                    new WorkerReport("a", "v0.1", 0.5, 5, Map.of(), steps(0.1, 1.9, 0.1, 0.002)),
                    new WorkerReport("b", "v0.1", 0.5, 5, Map.of(), steps(0.1, 2.1, 0.1, 0.004)),
                    new WorkerReport("c", "v0.2", 3.3, 5, Map.of(), steps(0.1, 0.1, 0.1, 0.001)),
                    new WorkerReport("old", "v0.2", 3.3, 5, Map.of()))) { // older worker: no step times, not in the mean
                redis.hset(worker.key(), worker.toRedis());
            }
            LedgerSnapshot ledger = Ledger.read(redis, java.time.Clock.systemUTC());
            Map<String, LoopSteps> byVersion = ledger.stepsByVersion();
            assertEquals(List.of("v0.1", "v0.2"), List.copyOf(byVersion.keySet()));
            assertEquals(0.1, byVersion.get("v0.1").of(LoopStep.SLEEP), 1e-9);
            assertEquals(2.0, byVersion.get("v0.1").of(LoopStep.RNG), 1e-9);
            assertEquals(0.003, byVersion.get("v0.1").of(LoopStep.REDIS), 1e-9);
            assertEquals(steps(0.1, 0.1, 0.1, 0.001), byVersion.get("v0.2"), "the worker without step times is left out");
            assertEquals(new LedgerSnapshot.VersionSpeed(2, 6.6), ledger.speedByVersion().get("v0.2"), "but it still counts for the speed");
        }
    }

    /** Step times in the loop's order (sleep, rng, hasher, redis: {@link LoopStep}'s). */
    private static LoopSteps steps(double... seconds) {
        Map<LoopStep, Double> steps = new LinkedHashMap<>();
        for (LoopStep step : LoopStep.values()) {
            steps.put(step, seconds[step.ordinal()]);
        }
        return new LoopSteps(steps);
    }
}
