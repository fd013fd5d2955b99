package io.dockercoins.operator;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The speed the workers report (webui's GET /json lists each live worker with its version and recent speed):
 * per worker version, how many workers report and their summed speed, in hashes (loops) per second.
 */
public record MiningSpeed(Map<String, VersionSpeed> versions) {

    public record VersionSpeed(int workers, double hashesPerSecond) {
        public double perWorker() {
            return workers == 0 ? 0 : hashesPerSecond / workers;
        }
    }

    public MiningSpeed {
        versions = Map.copyOf(versions);
    }

    public double total() {
        return versions.values().stream().mapToDouble(VersionSpeed::hashesPerSecond).sum();
    }

    /** Speed per worker of one version; empty when none of its workers reports. */
    public Optional<Double> perWorker(String version) {
        VersionSpeed speed = versions.get(version);
        return speed == null || speed.workers() == 0 ? Optional.empty() : Optional.of(speed.perWorker());
    }

    public Map<String, Double> perWorkerByVersion() {
        Map<String, Double> map = new TreeMap<>();
        versions.forEach((version, speed) -> map.put(version, round(speed.perWorker())));
        return map;
    }

    static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
