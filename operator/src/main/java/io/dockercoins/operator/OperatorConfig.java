package io.dockercoins.operator;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The operator's knobs (environment: DOCKERCOINS_OPERATOR_*). The defaults are the workshop's numbers. */
@ConfigMapping(prefix = "dockercoins.operator")
public interface OperatorConfig {

    /** Workers one rng pod keeps busy (rng serves 10 loops/s, a worker makes at most 3.3): DOCKERCOINS_OPERATOR_WORKERS_PER_RNG. */
    @WithDefault("3")
    int workersPerRng();

    /** Loops per second one rng pod serves (it answers one request at a time): for the bottleneck in the status. */
    @WithDefault("10")
    double rngLoopsPerSecond();

    /** Loops per second one worker makes at most when rng is not the limit: for the bottleneck in the status. */
    @WithDefault("3.3")
    double workerLoopsPerSecond();

    /** How often the status (ready pods, speed) is refreshed without any change to the resource. */
    @WithDefault("10s")
    Duration statusInterval();

    /** How soon the operator looks again while a rollout runs. */
    @WithDefault("5s")
    Duration rolloutInterval();

    /** A new worker that is not ready by then is a failed version: rolled back. */
    @WithDefault("3m")
    Duration stepReadyTimeout();

    /** webui's address; {namespace} is the DockerCoins resource's namespace. */
    @WithDefault("http://webui.{namespace}.svc")
    String webuiUrl();

    /** Connect and read timeout of GET /json. */
    @WithDefault("2s")
    Duration speedTimeout();

    /** The numbers the reconcile logic uses, as a plain record (tests build one without a Quarkus config). */
    default Tuning tuning() {
        return new Tuning(workersPerRng(), rngLoopsPerSecond(), workerLoopsPerSecond(), statusInterval(), rolloutInterval(),
                stepReadyTimeout());
    }

    record Tuning(int workersPerRng, double rngLoopsPerSecond, double workerLoopsPerSecond, Duration statusInterval,
            Duration rolloutInterval, Duration stepReadyTimeout) {

        public static Tuning defaults() {
            return new Tuning(3, 10, 3.3, Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofMinutes(3));
        }
    }
}
