package io.dockercoins.operator;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToIntFunction;

/**
 * The workshop's rollout, done by the operator: when spec.workerVersion changes, one worker at a time moves to the
 * new version. Each step waits until the new worker is ready, lets it mine for rolloutStepSeconds, then compares
 * its speed per worker with the old version's (the old workers still running beside it, or, at the last step, the
 * speed measured before the rollout). Below rollbackBelowPercent, every worker goes back to the old version and
 * the new one is not tried again until the spec names another version. A new worker not ready within
 * stepReadyTimeout (image not found, crash loop) is a failed version too. Where the rollout stands lives in the
 * status, so the operator can be restarted in the middle of one.
 */
final class RolloutPlanner {

    /** Workers per version, and whether a rollout is running (the operator then looks again sooner). */
    record Plan(Map<String, Integer> workers, boolean rolling) {
    }

    private final OperatorConfig.Tuning tuning;

    RolloutPlanner(OperatorConfig.Tuning tuning) {
        this.tuning = tuning;
    }

    /**
     * @param readyWorkers ready pods of a version's worker Deployment
     * @param speed what webui reports now, if it can be read
     */
    Plan plan(DockerCoins app, DockerCoinsStatus status, ToIntFunction<String> readyWorkers, Optional<MiningSpeed> speed,
            Instant now) {
        DockerCoinsSpec spec = app.getSpec();
        Long generation = app.getMetadata().getGeneration();
        int workers = spec.getWorkers();
        String target = spec.getWorkerVersion();
        if (status.getWorkerVersion() == null) {
            status.setWorkerVersion(target); // a new app starts on the version it asks for
        }
        String stable = status.getWorkerVersion();

        if (target.equals(stable) || target.equals(status.getRejectedVersion())) {
            if (status.getRollout() != null) {
                status.setRollout(null); // the spec went back to the running version: nothing to roll out
            }
            if (target.equals(stable)) {
                status.setRejectedVersion(null); // back on the good version: a fixed image under the rejected tag may be tried
                Conditions.set(status, Conditions.PROGRESSING, false, "Stable", "all workers run " + stable, generation, now);
            }
            return new Plan(Map.of(stable, workers), false);
        }

        WorkerRollout rollout = status.getRollout();
        if (rollout == null || !target.equals(rollout.getToVersion())) {
            Double baseline = speed.flatMap(s -> s.perWorker(stable)).map(MiningSpeed::round).orElse(null);
            rollout = new WorkerRollout(target, 1, now.toString(), baseline);
            status.setRollout(rollout);
            Conditions.set(status, Conditions.PROGRESSING, true, "RollingOut",
                    "worker 1 of " + workers + " to " + target + (baseline == null ? "" : ", " + stable + " mines " + baseline
                            + " hashes/s per worker"), generation, now);
        }
        int updated = Math.min(rollout.getUpdatedWorkers(), workers);
        if (workers == 0) {
            return promote(status, target, workers, generation, now);
        }
        Plan plan = split(stable, target, workers, updated);

        if (readyWorkers.applyAsInt(target) < updated) {
            Duration waited = Duration.between(Instant.parse(rollout.getStepStartedAt()), now);
            if (waited.compareTo(tuning.stepReadyTimeout()) > 0) {
                return rollBack(status, stable, target, workers, "NotReady", target + " worker " + updated + " was not ready after "
                        + tuning.stepReadyTimeout().toSeconds() + "s", generation, now);
            }
            Conditions.set(status, Conditions.PROGRESSING, true, "RollingOut",
                    "waiting for worker " + updated + " of " + workers + " on " + target + " to be ready", generation, now);
            return plan;
        }
        if (rollout.getStepReadyAt() == null) {
            rollout.setStepReadyAt(now.toString());
        }
        Duration mined = Duration.between(Instant.parse(rollout.getStepReadyAt()), now);
        if (mined.toSeconds() < spec.getRolloutStepSeconds()) {
            Conditions.set(status, Conditions.PROGRESSING, true, "RollingOut", "worker " + updated + " of " + workers + " on "
                    + target + " is ready; judging its speed after " + spec.getRolloutStepSeconds() + "s", generation, now);
            return plan;
        }
        if (speed.isEmpty()) {
            Conditions.set(status, Conditions.PROGRESSING, true, "SpeedUnknown",
                    "cannot read the speed from webui: the rollout waits at worker " + updated + " of " + workers, generation, now);
            return plan;
        }
        double fresh = speed.get().perWorker(target).orElse(0.0);
        Optional<Double> reference = updated < workers ? speed.get().perWorker(stable) : Optional.empty();
        Double old = reference.orElse(rollout.getBaselinePerWorker());
        if (old != null && fresh < old * spec.getRollbackBelowPercent() / 100.0) {
            return rollBack(status, stable, target, workers, "SlowerVersion", String.format(Locale.ROOT,
                    "%s mined %.2f hashes/s per worker, below %d%% of %s's %.2f", target, fresh,
                    spec.getRollbackBelowPercent(), stable, old), generation, now);
        }
        if (updated >= workers) {
            return promote(status, target, workers, generation, now);
        }
        rollout.setUpdatedWorkers(updated + 1);
        rollout.setStepStartedAt(now.toString());
        rollout.setStepReadyAt(null);
        Conditions.set(status, Conditions.PROGRESSING, true, "RollingOut", String.format(Locale.ROOT,
                "worker %d of %d to %s (%.2f hashes/s per worker on %s)", updated + 1, workers, target, fresh, target),
                generation, now);
        return split(stable, target, workers, updated + 1);
    }

    private static Plan split(String stable, String target, int workers, int updated) {
        Map<String, Integer> split = new LinkedHashMap<>();
        split.put(stable, workers - updated);
        split.put(target, updated);
        return new Plan(split, true);
    }

    private static Plan promote(DockerCoinsStatus status, String target, int workers, Long generation, Instant now) {
        status.setWorkerVersion(target);
        status.setRollout(null);
        Conditions.set(status, Conditions.PROGRESSING, false, "RolloutComplete", "all workers run " + target, generation, now);
        return new Plan(Map.of(target, workers), false);
    }

    private static Plan rollBack(DockerCoinsStatus status, String stable, String target, int workers, String reason,
            String why, Long generation, Instant now) {
        status.setRejectedVersion(target);
        status.setRollout(null);
        String message = why + "; every worker is back on " + stable + ". Any other workerVersion rolls out at once; to try "
                + target + " again (a fixed image, same tag), set workerVersion to " + stable + " first.";
        Conditions.set(status, Conditions.ROLLED_BACK, true, reason, message, generation, now);
        Conditions.set(status, Conditions.PROGRESSING, false, "RolledBack", message, generation, now);
        return new Plan(Map.of(stable, workers), false);
    }
}
