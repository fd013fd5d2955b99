package io.dockercoins.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

/** Every manifest is made of real Kubernetes objects, field for field, of kinds a plain cluster knows. */
class StrictParsingTest {

    /** Built-in kinds (no CRD), each with the one apiVersion a current cluster serves for it. */
    static final Map<String, String> BUILT_IN = Map.ofEntries(
            Map.entry("Service", "v1"),
            Map.entry("EndpointSlice", "discovery.k8s.io/v1"),
            Map.entry("ConfigMap", "v1"),
            Map.entry("Secret", "v1"),
            Map.entry("ServiceAccount", "v1"),
            Map.entry("PersistentVolumeClaim", "v1"),
            Map.entry("Pod", "v1"),
            Map.entry("Deployment", "apps/v1"),
            Map.entry("DaemonSet", "apps/v1"),
            Map.entry("StatefulSet", "apps/v1"),
            Map.entry("Job", "batch/v1"),
            Map.entry("CronJob", "batch/v1"),
            Map.entry("PriorityClass", "scheduling.k8s.io/v1"),
            Map.entry("ResourceQuota", "v1"),
            Map.entry("Role", "rbac.authorization.k8s.io/v1"),
            Map.entry("RoleBinding", "rbac.authorization.k8s.io/v1"),
            Map.entry("HorizontalPodAutoscaler", "autoscaling/v2"),
            Map.entry("PodDisruptionBudget", "policy/v1"),
            Map.entry("NetworkPolicy", "networking.k8s.io/v1"),
            Map.entry("Ingress", "networking.k8s.io/v1"));

    @Test
    void kubectlReadsManifestsInEveryExpectedPlace() {
        List<Path> files = Manifests.files();
        for (String expected : List.of("redis.yaml", "rng.yaml", "hasher.yaml", "worker.yaml", "webui.yaml",
                "daemonset-rng", "autoscaling", "network-policies", "pdb", "canary", "blue-green", "stateful-redis",
                "batch-report", "priorities", "access-control")) {
            assertTrue(files.stream().anyMatch(f -> Manifests.K8S.relativize(f).toString().startsWith(expected)),
                    "k8s/" + expected + " has no manifest");
        }
        assertFalse(Manifests.all().isEmpty());
    }

    @Test
    void everyDocumentIsABuiltInKindWithItsCurrentApiVersion() {
        List<String> problems = new ArrayList<>();
        for (Manifests.Doc doc : Manifests.all()) {
            HasMetadata r = doc.resource();
            if (Manifests.isGeneric(r)) {
                problems.add(doc.where() + ": " + r.getApiVersion() + " " + r.getKind()
                        + " is not a built-in kind (a CRD: a plain cluster rejects the whole apply)");
                continue;
            }
            String expected = BUILT_IN.get(r.getKind());
            if (expected == null) {
                problems.add(doc.where() + ": kind " + r.getKind() + " is not one this project expects");
            } else if (!expected.equals(r.getApiVersion())) {
                problems.add(doc.where() + ": apiVersion " + r.getApiVersion() + ", the served one is " + expected);
            }
            nameAndNamespace(doc, problems);
        }
        assertNoProblems(problems);
    }

    /** A DNS-label name, and no namespace: `kubectl apply -n` must work. */
    static void nameAndNamespace(Manifests.Doc doc, List<String> problems) {
        if (doc.name() == null || !doc.name().matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?") || doc.name().length() > 63) {
            problems.add(doc.where() + ": name '" + doc.name() + "' is not a DNS label");
        }
        if (doc.resource().getMetadata().getNamespace() != null) {
            problems.add(doc.where() + ": hard-coded namespace (kubectl apply -n must work)");
        }
    }

    @Test
    void noFieldIsUnknownOrOfTheWrongType() {
        List<String> problems = new ArrayList<>();
        for (Manifests.Doc doc : Manifests.all()) {
            for (String leftover : Manifests.leftovers(doc.resource())) {
                problems.add(doc.where() + ": not a field of the Kubernetes model (unknown or wrong type): " + leftover);
            }
        }
        assertNoProblems(problems);
    }

    /** What the model writes back is what the file says: nothing dropped, nothing coerced ("yes" vs yes, 80 vs "80"). */
    @Test
    void everyDocumentSurvivesARoundTripThroughTheModel() {
        List<String> problems = new ArrayList<>();
        for (Manifests.Doc doc : Manifests.all()) {
            JsonNode back = Manifests.roundTrip(doc.resource());
            diff(doc.raw(), back, "", problems, doc.where());
        }
        assertNoProblems(problems);
    }

    @Test
    void kubectlApplyOfTheTopLevelCreatesEachObjectOnce() {
        Set<String> seen = new HashSet<>();
        for (Manifests.Doc doc : Manifests.topLevel()) {
            assertTrue(seen.add(doc.kind() + "/" + doc.name()), "twice in k8s/: " + doc.where());
        }
        for (String service : List.of("redis", "rng", "hasher", "worker", "webui")) {
            assertTrue(seen.contains("Deployment/" + service), "no Deployment " + service + " in k8s/");
            assertTrue(seen.contains("Service/" + service), "no Service " + service + " in k8s/");
        }
    }

    /**
     * IntOrString fields that the API server validates as "an integer, or a string that is a percentage": a string
     * "1" is rejected (`a valid percent string must be a numeric string followed by an ending '%'`). The Quarkus
     * Kubernetes extension writes rolling-update values as strings, so a plain 0 or 1 there breaks the apply.
     */
    @Test
    void intOrStringValuesAreIntegersOrPercentages() {
        List<String> problems = new ArrayList<>();
        for (Manifests.Doc doc : Manifests.all()) {
            HasMetadata r = doc.resource();
            if (r instanceof Deployment d && d.getSpec().getStrategy() != null && d.getSpec().getStrategy().getRollingUpdate() != null) {
                check(problems, doc, "maxSurge", d.getSpec().getStrategy().getRollingUpdate().getMaxSurge());
                check(problems, doc, "maxUnavailable", d.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable());
            }
            if (r instanceof DaemonSet ds && ds.getSpec().getUpdateStrategy() != null && ds.getSpec().getUpdateStrategy().getRollingUpdate() != null) {
                check(problems, doc, "maxSurge", ds.getSpec().getUpdateStrategy().getRollingUpdate().getMaxSurge());
                check(problems, doc, "maxUnavailable", ds.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable());
            }
            if (r instanceof PodDisruptionBudget pdb) {
                check(problems, doc, "minAvailable", pdb.getSpec().getMinAvailable());
                check(problems, doc, "maxUnavailable", pdb.getSpec().getMaxUnavailable());
            }
        }
        assertNoProblems(problems);
    }

    private static void check(List<String> problems, Manifests.Doc doc, String field, IntOrString value) {
        if (value != null && value.getStrVal() != null && !value.getStrVal().matches("[0-9]+%")) {
            problems.add(doc.where() + ": " + field + " is the string \"" + value.getStrVal()
                    + "\": the API server takes a string only as a percentage");
        }
    }

    /**
     * kubectl reads YAML 1.1: an unquoted yes, no, on, off (any case) is a boolean there, and a label or env value
     * that is a boolean fails the apply. Quote them ("yes").
     */
    @Test
    void noUnquotedYaml11Booleans() throws Exception {
        List<String> problems = new ArrayList<>();
        java.util.regex.Pattern bool = java.util.regex.Pattern.compile("^[^#]*:\\s+(?i:y|n|yes|no|on|off)\\s*(#.*)?$");
        for (Path file : Manifests.files()) {
            List<String> lines = java.nio.file.Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                if (bool.matcher(lines.get(i)).matches()) {
                    problems.add(Manifests.ROOT.relativize(file) + ":" + (i + 1) + ": " + lines.get(i).strip());
                }
            }
        }
        assertNoProblems(problems);
    }

    /** Compares the file's tree with the model's; numbers by value (185 as int or long is the same). */
    static void diff(JsonNode expected, JsonNode actual, String path, List<String> problems, String where) {
        if (expected.isNumber() && actual != null && actual.isNumber()) {
            if (expected.decimalValue().compareTo(actual.decimalValue()) != 0) {
                problems.add(where + ": " + path + " is " + expected + ", the model reads " + actual);
            }
            return;
        }
        if (expected.isObject()) {
            if (actual == null || !actual.isObject()) {
                problems.add(where + ": " + path + " is an object, the model reads " + actual);
                return;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String child = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                JsonNode other = actual.get(e.getKey());
                if (other == null) {
                    if (isEmpty(e.getValue())) {
                        continue; // {} and [] are dropped on the way back, and mean the same as absent
                    }
                    problems.add(where + ": " + child + " is lost by the model (unknown field?)");
                    continue;
                }
                diff(e.getValue(), other, child, problems, where);
            }
            for (Iterator<String> it = actual.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (!expected.has(name) && !isEmpty(actual.get(name))) {
                    problems.add(where + ": " + (path.isEmpty() ? name : path + "." + name) + " appears only in the model: " + actual.get(name));
                }
            }
            return;
        }
        if (expected.isArray()) {
            if (actual == null || !actual.isArray() || actual.size() != expected.size()) {
                problems.add(where + ": " + path + " is " + expected + ", the model reads " + actual);
                return;
            }
            for (int i = 0; i < expected.size(); i++) {
                diff(expected.get(i), actual.get(i), path + "[" + i + "]", problems, where);
            }
            return;
        }
        if (!expected.equals(actual)) {
            problems.add(where + ": " + path + " is " + describe(expected) + ", the model reads " + describe(actual));
        }
    }

    private static boolean isEmpty(JsonNode node) {
        return (node.isObject() || node.isArray()) && node.isEmpty();
    }

    private static String describe(JsonNode node) {
        if (node == null) {
            return "nothing";
        }
        return node.getNodeType().toString().toLowerCase() + " " + node;
    }

    static void assertNoProblems(List<String> problems) {
        if (!problems.isEmpty()) {
            problems.sort(Comparator.naturalOrder());
            fail(problems.size() + " problem(s):\n  " + String.join("\n  ", problems));
        }
        assertEquals(List.of(), problems);
    }
}
