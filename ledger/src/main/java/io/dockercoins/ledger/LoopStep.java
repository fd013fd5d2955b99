package io.dockercoins.ledger;

import java.util.Locale;

/**
 * The steps of a worker's loop, in their order: the one list of them. The worker times each, {@code worker:<id>} holds
 * them as {@code step:<name>}, /json gives them by name in this order, and the web UI draws them in the order /json
 * gives.
 */
public enum LoopStep {
    SLEEP, RNG, HASHER, REDIS;

    /** Its name in Redis ({@code step:<name>}) and in /json: sleep, rng, hasher, redis. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
