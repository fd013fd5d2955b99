package io.dockercoins.ledger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ledger at one moment: coins in the wallet ({@code HLEN wallet}), hashes counted ({@code GET hashes}), when it
 * was read, and the workers mining now (their {@code worker:<id>} hashes), by version then id.
 */
public record LedgerSnapshot(long coins, long hashes, Instant readAt, List<WorkerReport> workers) {

    public LedgerSnapshot {
        workers = workers.stream()
                .sorted(Comparator.comparing(WorkerReport::version).thenComparing(WorkerReport::id))
                .toList();
    }

    /** The live workers of one version: how many, and the sum of their speeds (loops, that is hashes, per second). */
    public record VersionSpeed(int workers, double speed) {
    }

    /** By version name: what the web UI's /json gives as {@code versions} and the report prints per version. */
    public Map<String, VersionSpeed> speedByVersion() {
        Map<String, VersionSpeed> versions = new TreeMap<>();
        for (WorkerReport worker : workers) {
            versions.merge(worker.version(), new VersionSpeed(1, worker.speed()),
                    (a, b) -> new VersionSpeed(a.workers() + b.workers(), a.speed() + b.speed()));
        }
        return versions;
    }

    /**
     * By version name: where a loop's time goes, each step's mean over that version's live workers that publish step
     * times (older workers do not; a version with none of them is left out). What /json gives as {@code steps}.
     */
    public Map<String, WorkerReport.LoopSteps> stepsByVersion() {
        Map<String, List<WorkerReport.LoopSteps>> reported = new TreeMap<>();
        for (WorkerReport worker : workers) {
            if (worker.steps() != null) {
                reported.computeIfAbsent(worker.version(), v -> new ArrayList<>()).add(worker.steps());
            }
        }
        Map<String, WorkerReport.LoopSteps> means = new TreeMap<>();
        reported.forEach((version, steps) -> means.put(version, WorkerReport.LoopSteps.mean(steps)));
        return means;
    }
}
