package io.dockercoins.loadtest;

import java.util.ArrayList;
import java.util.List;

/** The samples of webui's hashes counter read during the app scenario, and the speed they give over a window. */
final class WebuiSpeed {

    private record Sample(long nanos, double hashes) {
    }

    private static final List<Sample> SAMPLES = new ArrayList<>();

    private WebuiSpeed() {
    }

    static synchronized void sample(long nanos, double hashes) {
        SAMPLES.add(new Sample(nanos, hashes));
    }

    static synchronized void reset() {
        SAMPLES.clear();
    }

    static synchronized int count() {
        return SAMPLES.size();
    }

    /**
     * Hashes per second between the first and the last sample taken within [from, to], or NaN when
     * the window holds less than 3 s of samples (webui's counter moves once a second per worker).
     */
    static synchronized double speed(long fromNanos, long toNanos) {
        Sample first = null;
        Sample last = null;
        for (Sample s : SAMPLES) {
            if (s.nanos >= fromNanos && s.nanos <= toNanos) {
                if (first == null) {
                    first = s;
                }
                last = s;
            }
        }
        if (first == null || last.nanos - first.nanos < 3_000_000_000L) {
            return Double.NaN;
        }
        return (last.hashes - first.hashes) / ((last.nanos - first.nanos) / 1e9);
    }
}
