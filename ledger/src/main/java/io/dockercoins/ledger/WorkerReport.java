package io.dockercoins.ledger;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
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
 *               step:sleep 0.100    mean seconds per loop of each step, over the same seconds ({@link LoopSteps});
 *               step:rng   2.004    absent when the worker did no loop then, or is older than these fields
 *               step:hasher 0.101
 *               step:redis 0.001
 * </pre>
 */
public record WorkerReport(String id, String version, double speed, long loops, Map<String, Long> rngAnswers, LoopSteps steps) {

    public static final String KEY_PREFIX = "worker:";
    static final String UNKNOWN_VERSION = "unknown";
    private static final String RNG_PREFIX = "rng:";
    private static final String STEP_PREFIX = "step:";

    public WorkerReport {
        rngAnswers = Map.copyOf(rngAnswers);
    }

    /** A report without step times (a worker older than them, or one that did no loop in its window). */
    public WorkerReport(String id, String version, double speed, long loops, Map<String, Long> rngAnswers) {
        this(id, version, speed, loops, rngAnswers, null);
    }

    /**
     * Where a loop's time goes: the mean seconds per loop of each of its {@link LoopStep}s (a step not given is 0).
     * {@code redis} is all the time the worker spent in Redis calls (coins stored, counter reports) divided by its
     * loops: the report is once a second, not once a loop, so spread over the loops it is what each loop really pays
     * for Redis.
     */
    public record LoopSteps(Map<LoopStep, Double> seconds) {

        public LoopSteps {
            Map<LoopStep, Double> every = new EnumMap<>(LoopStep.class);
            for (LoopStep step : LoopStep.values()) {
                every.put(step, seconds.getOrDefault(step, 0.0));
            }
            seconds = Collections.unmodifiableMap(every);
        }

        public double of(LoopStep step) {
            return seconds.get(step);
        }

        /** By name ({@link LoopStep#key()}), in the loop's order: {@code step:<name>} in Redis, /json's steps. */
        public Map<String, Double> byName() {
            Map<String, Double> steps = new LinkedHashMap<>();
            seconds.forEach((step, value) -> steps.put(step.key(), value));
            return steps;
        }

        /** Each step's mean over several reports (one version's workers). */
        public static LoopSteps mean(List<LoopSteps> reports) {
            Map<LoopStep, Double> means = new EnumMap<>(LoopStep.class);
            for (LoopStep step : LoopStep.values()) {
                means.put(step, reports.stream().mapToDouble(report -> report.of(step)).average().orElse(0));
            }
            return new LoopSteps(means);
        }
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
        if (steps != null) {
            steps.byName().forEach((step, seconds) -> fields.put(STEP_PREFIX + step, String.format(Locale.ROOT, "%.3f", seconds)));
        }
        return fields;
    }

    /**
     * Lenient: a field missing or garbled (a key written by hand) counts as unknown or zero, never as an error. Step
     * times: none when no {@code step:} field is there (an older worker), a garbled or missing one is 0.
     */
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
                number(fields.get("speed")), (long) number(fields.get("loops")), rng, steps(fields));
    }

    private static LoopSteps steps(Map<String, String> fields) {
        Map<LoopStep, Double> seconds = new EnumMap<>(LoopStep.class);
        for (LoopStep step : LoopStep.values()) {
            if (fields.containsKey(STEP_PREFIX + step.key())) {
                seconds.put(step, number(fields.get(STEP_PREFIX + step.key())));
            }
        }
        return seconds.isEmpty() ? null : new LoopSteps(seconds);
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
