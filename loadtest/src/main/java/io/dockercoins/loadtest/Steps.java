package io.dockercoins.loadtest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What each step of a run measured, recorded by the virtual users themselves around each request
 * (capacity scenarios) or each loop (app scenario): when the step's first request started and its
 * last one ended, the response times and the errors. The one-screen summary is computed from it;
 * the HTML report is Gatling's own (same requests, same timings to within a millisecond).
 */
public final class Steps {

    /** One step: a number of concurrent users (or an arrival rate) held for a duration. */
    public static final class Step {
        final String label;
        final int load;
        long firstStartNanos = Long.MAX_VALUE;
        long lastEndNanos = Long.MIN_VALUE;
        long[] millis = new long[1024];
        int count;
        int errors;
        int finishedUsers;

        Step(String label, int load) {
            this.label = label;
            this.load = load;
        }

        public synchronized void started(long nanos) {
            firstStartNanos = Math.min(firstStartNanos, nanos);
        }

        public synchronized void ended(long startNanos, long endNanos, boolean failed) {
            lastEndNanos = Math.max(lastEndNanos, endNanos);
            if (count == millis.length) {
                millis = Arrays.copyOf(millis, count * 2);
            }
            millis[count++] = Math.round((endNanos - startNanos) / 1e6);
            if (failed) {
                errors++;
            }
        }

        public synchronized void userFinished() {
            finishedUsers++;
        }

        public synchronized int finishedUsers() {
            return finishedUsers;
        }

        public String label() {
            return label;
        }

        public int load() {
            return load;
        }

        public synchronized int count() {
            return count;
        }

        public synchronized int errors() {
            return errors;
        }

        /** Seconds from the first request's start to the last one's end. */
        public synchronized double seconds() {
            return count == 0 ? 0 : (lastEndNanos - firstStartNanos) / 1e9;
        }

        public synchronized long startNanos() {
            return firstStartNanos;
        }

        public synchronized long endNanos() {
            return lastEndNanos;
        }

        public synchronized double perSecond() {
            double s = seconds();
            return s <= 0 ? 0 : count / s;
        }

        /** The p-th percentile (0-100) of the response times in ms, nearest-rank; -1 without samples. */
        public synchronized long percentile(double p) {
            if (count == 0) {
                return -1;
            }
            long[] sorted = Arrays.copyOf(millis, count);
            Arrays.sort(sorted);
            int rank = (int) Math.ceil(p / 100.0 * count);
            return sorted[Math.max(0, Math.min(count - 1, rank - 1))];
        }
    }

    private static final Map<String, Step> STEPS = new LinkedHashMap<>();

    private Steps() {
    }

    /** Registers (or returns) the step with this label; the order of registration is the order of the summary. */
    public static synchronized Step step(String label, int load) {
        return STEPS.computeIfAbsent(label, l -> new Step(l, load));
    }

    public static synchronized List<Step> all() {
        return new ArrayList<>(STEPS.values());
    }

    /** Forgets the steps of a previous run (the launcher and the tests run simulations in one JVM). */
    public static synchronized void reset() {
        STEPS.clear();
    }
}
