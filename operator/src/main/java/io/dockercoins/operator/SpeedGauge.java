package io.dockercoins.operator;

import java.util.Optional;

/** Reads how fast a DockerCoins app mines. An interface so that tests can set the speed a version reaches. */
public interface SpeedGauge {

    /** The speed of the app in this namespace; empty when it cannot be read (webui not up yet, unreachable). */
    Optional<MiningSpeed> read(String namespace);
}
