package io.dockercoins.operator;

/**
 * The workshop's arithmetic: rng answers one request at a time (rngLoopsPerSecond per pod), a worker makes at most
 * workerLoopsPerSecond when rng keeps up. It sizes rng for the workers and names what limits the speed.
 */
public final class MiningModel {

    private final OperatorConfig.Tuning tuning;

    public MiningModel(OperatorConfig.Tuning tuning) {
        this.tuning = tuning;
    }

    /** rng pods that keep {@code workers} workers busy: one per workersPerRng workers, at least one. */
    public int rngFor(int workers) {
        return Math.max(1, (workers + tuning.workersPerRng() - 1) / tuning.workersPerRng());
    }

    /** What limits the speed: "rng" when the rng pods serve fewer loops than the workers could make, else "workers". */
    public String bottleneck(int workers, int rngPods) {
        if (workers == 0) {
            return "none";
        }
        return rngPods * tuning.rngLoopsPerSecond() < workers * tuning.workerLoopsPerSecond() ? "rng" : "workers";
    }

    /** The speed the model expects, in hashes per second. */
    public double expected(int workers, int rngPods) {
        return Math.min(rngPods * tuning.rngLoopsPerSecond(), workers * tuning.workerLoopsPerSecond());
    }
}
