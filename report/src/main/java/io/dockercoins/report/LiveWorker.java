package io.dockercoins.report;

import java.util.Map;

/**
 * A worker that is mining now, as it describes itself in its {@code worker:<id>} hash (which expires a few seconds
 * after it stops reporting): its version and its speed in loops (hashes) per second over the last few seconds.
 */
public record LiveWorker(String id, String version, double speed) {

    static final String KEY_PREFIX = "worker:";

    /** Lenient like the web UI: a field missing or garbled (a key written by hand) is unknown or zero, never an error. */
    static LiveWorker fromRedis(String key, Map<String, String> fields) {
        String version = fields.getOrDefault("version", "").trim();
        double speed;
        try {
            speed = Double.parseDouble(fields.getOrDefault("speed", "0").trim());
        } catch (NumberFormatException e) {
            speed = 0;
        }
        if (!Double.isFinite(speed) || speed < 0) {
            speed = 0;
        }
        return new LiveWorker(key.substring(KEY_PREFIX.length()), version.isEmpty() ? "unknown" : version, speed);
    }
}
