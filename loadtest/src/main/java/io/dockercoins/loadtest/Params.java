package io.dockercoins.loadtest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The load test's parameters. Each is a system property (-Dusers=1,10,50) or else an environment
 * variable (LOADTEST_USERS=1,10,50), else a default. The launcher (LoadTest) turns its command-line
 * options into these system properties, so every way of running (run.sh, Maven's gatling:test, the
 * container, the Kubernetes Job) takes the same parameters.
 *
 * <pre>
 * property     env var               default                  meaning
 * target       LOADTEST_TARGET       (rng.url or hasher.url)  base URL hit by the rng / hasher scenario
 * rng.url      LOADTEST_RNG_URL      http://localhost:8001    rng's base URL
 * hasher.url   LOADTEST_HASHER_URL   http://localhost:8002    hasher's base URL
 * webui.url    LOADTEST_WEBUI_URL    http://localhost:8000    webui's base URL (the app scenario reads /json)
 * users        LOADTEST_USERS        1,10,50 (app: 1,2,5,10)  concurrent clients (virtual workers for app), one step each
 * rate         LOADTEST_RATE         (none)                   arrival rates in requests/s, one step each (open model; replaces users)
 * duration     LOADTEST_DURATION     30s                      length of each step (30s, 2m, 500ms; a bare number is seconds)
 * bytes        LOADTEST_BYTES        32                       N of GET /N, size of the bodies posted to hasher
 * sleep        LOADTEST_SLEEP        100ms                    app: each virtual worker's pause per loop, like WORKER_SLEEP
 * </pre>
 */
public record Params(String target, String rngUrl, String hasherUrl, String webuiUrl, List<Integer> users,
        List<Integer> rates, Duration duration, int bytes, Duration sleep) {

    public static final String DEFAULT_CAPACITY_USERS = "1,10,50";
    public static final String DEFAULT_APP_USERS = "1,2,5,10";

    /** Reads the parameters; {@code defaultUsers} depends on the scenario. */
    public static Params read(String defaultUsers) {
        String rate = get("rate", "");
        return new Params(
                trimSlash(get("target", "")),
                trimSlash(get("rng.url", "http://localhost:8001")),
                trimSlash(get("hasher.url", "http://localhost:8002")),
                trimSlash(get("webui.url", "http://localhost:8000")),
                rate.isBlank() ? intList("users", get("users", defaultUsers)) : List.of(),
                rate.isBlank() ? List.of() : intList("rate", rate),
                duration("duration", get("duration", "30s")),
                positive("bytes", get("bytes", "32")),
                duration("sleep", get("sleep", "100ms")));
    }

    /** The URL the rng or hasher scenario targets: {@code target} if given, else that service's URL. */
    public String targetOr(String serviceUrl) {
        return target.isBlank() ? serviceUrl : target;
    }

    /** True when the steps are arrival rates (open model) rather than concurrent users (closed model). */
    public boolean openModel() {
        return !rates.isEmpty();
    }

    /** System property, else LOADTEST_ + upper-case name with '.' as '_', else the default. */
    static String get(String property, String defaultValue) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv("LOADTEST_" + property.toUpperCase(Locale.ROOT).replace('.', '_'));
        }
        return value == null || value.isBlank() ? defaultValue : value.trim();
    }

    static List<Integer> intList(String name, String value) {
        List<Integer> list = new ArrayList<>();
        for (String part : value.split("[,\\s]+")) {
            if (!part.isEmpty()) {
                list.add(positive(name, part));
            }
        }
        if (list.isEmpty()) {
            throw new IllegalArgumentException(name + ": expected a number or a list like 1,10,50, got '" + value + "'");
        }
        return List.copyOf(list);
    }

    static int positive(String name, String value) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + ": expected a positive whole number, got '" + value + "'");
    }

    /** 30s, 2m, 1h, 500ms, PT30S, or a bare number of seconds. */
    static Duration duration(String name, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.startsWith("pt")) {
                return Duration.parse(v.toUpperCase(Locale.ROOT));
            }
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            if (v.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
            }
            if (v.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
            }
            if (v.endsWith("h")) {
                return Duration.ofHours(Long.parseLong(v.substring(0, v.length() - 1)));
            }
            return Duration.ofSeconds(Long.parseLong(v));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(name + ": expected a duration like 30s, 2m or 500ms, got '" + value + "'");
        }
    }

    private static String trimSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
