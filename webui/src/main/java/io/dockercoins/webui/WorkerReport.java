package io.dockercoins.webui;

import java.util.Map;

/**
 * One live worker, as it describes itself in Redis ({@code worker:<id>}, a hash that expires unless the worker
 * keeps reporting): its version, its recent speed (loops per second) and how many of its recent rng answers
 * each rng instance gave (the {@code rng:<host>} fields, from rng's X-Served-By header).
 */
public record WorkerReport(String id, String version, double speed, Map<String, Long> rngAnswers) {

    static final String KEY_PREFIX = "worker:";
    static final String UNKNOWN_VERSION = "unknown";

    /** Lenient: a field missing or garbled (a key written by hand) counts as unknown or zero, never as an error. */
    static WorkerReport fromRedis(String key, Map<String, String> fields) {
        String version = fields.getOrDefault("version", "");
        double speed = number(fields.get("speed"));
        Map<String, Long> rng = new java.util.TreeMap<>();
        fields.forEach((field, value) -> {
            if (field.startsWith("rng:") && field.length() > 4) {
                long answers = (long) number(value);
                if (answers > 0) {
                    rng.put(field.substring(4), answers);
                }
            }
        });
        return new WorkerReport(key.substring(KEY_PREFIX.length()), version.isBlank() ? UNKNOWN_VERSION : version,
                speed, rng);
    }

    private static double number(String text) {
        if (text == null) {
            return 0;
        }
        try {
            double value = Double.parseDouble(text.trim());
            return Double.isFinite(value) && value > 0 ? value : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
