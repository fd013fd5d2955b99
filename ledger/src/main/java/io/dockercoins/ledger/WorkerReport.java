package io.dockercoins.ledger;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One live worker as it describes itself in Redis: the hash {@code worker:<id>}, which the worker replaces with
 * every count it reports and which expires unless it keeps reporting.
 *
 * <pre>
 * worker:&lt;id&gt;   version    v0.1
 *               speed      3.30     loops per second over the worker's last few seconds
 *               loops      1234     loops done since this worker started
 *               rng:&lt;host&gt; 16       rng answers from that instance (its X-Served-By header) in those seconds
 * </pre>
 */
public record WorkerReport(String id, String version, double speed, long loops, Map<String, Long> rngAnswers) {

    public static final String KEY_PREFIX = "worker:";
    static final String UNKNOWN_VERSION = "unknown";
    private static final String RNG_PREFIX = "rng:";

    public WorkerReport {
        rngAnswers = Map.copyOf(rngAnswers);
    }

    public static String key(String workerId) {
        return KEY_PREFIX + workerId;
    }

    public String key() {
        return key(id);
    }

    /** The fields of {@code worker:<id>}, as the worker writes them. */
    public Map<String, String> toRedis() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("version", version);
        fields.put("speed", String.format(Locale.ROOT, "%.2f", speed));
        fields.put("loops", Long.toString(loops));
        new TreeMap<>(rngAnswers).forEach((instance, answers) -> fields.put(RNG_PREFIX + instance, answers.toString()));
        return fields;
    }

    /** Lenient: a field missing or garbled (a key written by hand) counts as unknown or zero, never as an error. */
    public static WorkerReport fromRedis(String key, Map<String, String> fields) {
        String version = fields.getOrDefault("version", "").strip();
        Map<String, Long> rng = new TreeMap<>();
        fields.forEach((field, value) -> {
            long answers = (long) number(value);
            if (field.startsWith(RNG_PREFIX) && field.length() > RNG_PREFIX.length() && answers > 0) {
                rng.put(field.substring(RNG_PREFIX.length()), answers);
            }
        });
        return new WorkerReport(key.substring(KEY_PREFIX.length()), version.isEmpty() ? UNKNOWN_VERSION : version,
                number(fields.get("speed")), (long) number(fields.get("loops")), rng);
    }

    /** A count or a speed: anything that is not a finite positive number is 0. */
    private static double number(String text) {
        if (text == null) {
            return 0;
        }
        try {
            double value = Double.parseDouble(text.strip());
            return Double.isFinite(value) && value > 0 ? value : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
