package io.dockercoins.operator;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** A speed the test sets: per version, the workers reporting and their speed per worker. */
class FakeSpeedGauge implements SpeedGauge {

    private final Map<String, MiningSpeed.VersionSpeed> versions = new HashMap<>();
    private boolean readable = true;

    FakeSpeedGauge set(String version, int workers, double perWorker) {
        versions.put(version, new MiningSpeed.VersionSpeed(workers, workers * perWorker));
        return this;
    }

    FakeSpeedGauge clear() {
        versions.clear();
        return this;
    }

    FakeSpeedGauge unreadable() {
        readable = false;
        return this;
    }

    @Override
    public Optional<MiningSpeed> read(String namespace) {
        return readable ? Optional.of(new MiningSpeed(versions)) : Optional.empty();
    }
}
