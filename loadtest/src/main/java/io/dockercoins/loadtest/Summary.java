package io.dockercoins.loadtest;

import java.util.Locale;

/**
 * The one-screen text summary of a run (requests/s, p50/p95/p99 latency, errors per step). Printed by
 * the simulation's after() hook when Gatling is run directly (Maven's gatling:test), or kept for the
 * launcher to print last, after Gatling's own report output.
 */
public final class Summary {

    /** Set by the launcher: the simulation keeps the summary for it instead of printing it. */
    static final String LAUNCHER_PROPERTY = "loadtest.launcher";

    private static String title = "";
    private static Params params;
    private static volatile String text = "";

    private Summary() {
    }

    static synchronized void begin(String runTitle, Params runParams) {
        Steps.reset();
        WebuiSpeed.reset();
        title = runTitle;
        params = runParams;
        text = "";
    }

    static void end() {
        text = render();
        if (!Boolean.getBoolean(LAUNCHER_PROPERTY)) {
            System.out.println(text);
        }
    }

    /** The last run's summary (empty before a run ends). */
    public static String text() {
        return text;
    }

    static synchronized String render() {
        StringBuilder out = new StringBuilder();
        String rule = "=".repeat(100);
        out.append(rule).append('\n');
        out.append("DockerCoins load test - ").append(title).append('\n');
        out.append(String.format(Locale.ROOT, "%s per step; times are milliseconds, from the request sent to the answer read%n",
                human(params.duration())));
        out.append(rule).append('\n');
        boolean app = title.startsWith("whole app");
        if (app) {
            out.append(String.format(Locale.ROOT, "%-20s %7s %6s %8s %7s %7s %7s %7s  %12s %10s%n",
                    "step", "loops", "errors", "loops/s", "p50", "p95", "p99", "max", "webui hash/s", "total/s"));
        } else {
            out.append(String.format(Locale.ROOT, "%-24s %8s %6s %8s %7s %7s %7s %7s%n",
                    "step", "requests", "errors", "req/s", "p50", "p95", "p99", "max"));
        }
        for (Steps.Step s : Steps.all()) {
            if (app) {
                double webui = WebuiSpeed.speed(s.startNanos(), s.endNanos());
                out.append(String.format(Locale.ROOT, "%-20s %7d %6d %8.1f %7d %7d %7d %7d  %12s %10s%n",
                        s.label(), s.count(), s.errors(), s.perSecond(), s.percentile(50), s.percentile(95),
                        s.percentile(99), s.percentile(100),
                        Double.isNaN(webui) ? "n/a" : String.format(Locale.ROOT, "%.1f", webui),
                        Double.isNaN(webui) ? "n/a" : String.format(Locale.ROOT, "%.1f", webui + s.perSecond())));
            } else {
                out.append(String.format(Locale.ROOT, "%-24s %8d %6d %8.1f %7d %7d %7d %7d%n",
                        s.label(), s.count(), s.errors(), s.perSecond(), s.percentile(50), s.percentile(95),
                        s.percentile(99), s.percentile(100)));
            }
        }
        out.append(rule).append('\n');
        if (app) {
            out.append("loops/s: what the virtual workers did (one loop = sleep + rng + hasher; p50.. exclude the sleep).\n");
            out.append("webui hash/s: the real workers' speed meanwhile; total/s: both, what the pipeline delivered.\n");
            out.append("With one rng the total stays near 10/s: every loop needs one of rng's ~10 answers per second.\n");
        } else if (title.startsWith("rng")) {
            out.append("One rng answers one request at a time, 0.1 s each: ~10 req/s whatever the concurrency,\n");
            out.append("and each client waits for the line: latency ~ concurrency x 0.1 s.\n");
        } else {
            out.append("hasher answers in parallel: req/s ~ concurrency x 10, latency stays ~0.1 s.\n");
        }
        return out.toString();
    }

    static String human(java.time.Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? (ms / 1000) + " s" : ms + " ms";
    }
}
