package io.dockercoins.operator;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The values a DockerCoins spec may hold. A spec that breaks a rule is refused as a whole: the app keeps running as
 * it was, and the status says which field is wrong and what it may be (never an exception, so never a retry loop).
 */
public final class SpecCheck {

    public static final String DEPLOYMENT = "Deployment";
    public static final String DAEMON_SET = "DaemonSet";
    static final int MAX_WORKERS = 100;
    static final int MAX_RNG_REPLICAS = 50;
    /** An image tag that is also a label value (the workers' pods are labelled with their version). */
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?");
    private static final Pattern REGISTRY = Pattern.compile("[a-z0-9]([a-z0-9._:/-]{0,200}[a-z0-9])?");

    private SpecCheck() {
    }

    public static List<String> problems(DockerCoinsSpec spec) {
        List<String> problems = new ArrayList<>();
        if (spec == null) {
            problems.add("spec is missing");
            return problems;
        }
        range(problems, "workers", spec.getWorkers(), 0, MAX_WORKERS);
        tag(problems, "workerVersion", spec.getWorkerVersion());
        tag(problems, "version", spec.getVersion());
        if (spec.getRegistry() == null || !REGISTRY.matcher(spec.getRegistry()).matches()) {
            problems.add("spec.registry is " + quoted(spec.getRegistry())
                    + ": it must be an image prefix in lower case, e.g. dockercoins-java or registry.example:5000/dockercoins");
        }
        if (!DEPLOYMENT.equals(spec.getRngPlacement()) && !DAEMON_SET.equals(spec.getRngPlacement())) {
            problems.add("spec.rngPlacement is " + quoted(spec.getRngPlacement()) + ": it must be Deployment or DaemonSet");
        }
        range(problems, "rngReplicas", spec.getRngReplicas(), 1, MAX_RNG_REPLICAS);
        range(problems, "rollbackBelowPercent", spec.getRollbackBelowPercent(), 1, 100);
        range(problems, "rolloutStepSeconds", spec.getRolloutStepSeconds(), 5, 3600);
        return problems;
    }

    private static void range(List<String> problems, String field, Integer value, int min, int max) {
        if (value == null || value < min || value > max) {
            problems.add("spec." + field + " is " + value + ": it must be between " + min + " and " + max);
        }
    }

    private static void tag(List<String> problems, String field, String value) {
        if (value == null || !TAG.matcher(value).matches()) {
            problems.add("spec." + field + " is " + quoted(value)
                    + ": it must be an image tag of letters, digits, '.', '_' or '-', at most 63 characters, e.g. v0.2");
        }
    }

    private static String quoted(String value) {
        return value == null ? "missing" : "\"" + value + "\"";
    }
}
