package io.dockercoins.k8s;

import static io.dockercoins.k8s.StrictParsingTest.assertNoProblems;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.zjsonpatch.JsonPatch;

/**
 * Objects that helm or kustomize print, compared with the manifests of k8s/ as YAML trees, object by object (kind and
 * name), after the README's own commands where a scenario is a patch rather than a file.
 */
final class Rendered {

    /**
     * The labels that only say which Helm release made an object. The chart puts them on each object's own metadata,
     * and says Helm rather than quarkus as the manager of pod templates; everything else is the manifests'.
     */
    static final Set<String> RELEASE_LABELS = Set.of("helm.sh/chart", "app.kubernetes.io/instance", "app.kubernetes.io/managed-by");

    private Rendered() {
    }

    static List<JsonNode> documents(String yaml) {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = Manifests.YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isNull() && !doc.isMissingNode() && !(doc.isObject() && doc.isEmpty())) {
                    docs.add(doc);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("not YAML: " + e.getMessage() + "\n" + yaml, e);
        }
        return docs;
    }

    static String key(JsonNode doc) {
        return doc.path("kind").asText() + "/" + doc.path("metadata").path("name").asText();
    }

    /** The documents by kind/name; the test hooks of a chart (helm test's pods) left out. */
    static Map<String, JsonNode> objects(Collection<JsonNode> docs) {
        Map<String, JsonNode> byKey = new TreeMap<>();
        for (JsonNode doc : docs) {
            if (doc.path("metadata").path("annotations").has("helm.sh/hook")) {
                continue;
            }
            JsonNode before = byKey.put(key(doc), doc.deepCopy());
            if (before != null) {
                throw new AssertionError("twice: " + key(doc));
            }
        }
        return byKey;
    }

    /** The manifests of these files of k8s/ (relative to the repository), as raw trees. */
    static Map<String, JsonNode> manifests(Predicate<Manifests.Doc> which) {
        List<JsonNode> docs = new ArrayList<>();
        for (Manifests.Doc doc : Manifests.all()) {
            if (which.test(doc)) {
                docs.add(doc.raw());
            }
        }
        return objects(docs);
    }

    static Predicate<Manifests.Doc> topLevel() {
        return d -> d.folder().isEmpty();
    }

    static Predicate<Manifests.Doc> folder(String folder) {
        return d -> d.folder().equals(folder);
    }

    static Predicate<Manifests.Doc> file(String relative) {
        Path path = Manifests.K8S.resolve(relative);
        return d -> d.file().equals(path);
    }

    static JsonNode withoutReleaseLabels(JsonNode doc) {
        JsonNode copy = doc.deepCopy();
        for (JsonNode metadata : List.of(copy.path("metadata"), copy.path("spec").path("template").path("metadata"))) {
            if (metadata.path("labels") instanceof ObjectNode labels) {
                labels.remove(RELEASE_LABELS);
            }
        }
        return copy;
    }

    /** The same objects, field for field, but for the release labels; each difference named. */
    static void assertSameObjects(String what, Map<String, JsonNode> expected, Map<String, JsonNode> actual) {
        List<String> problems = new ArrayList<>();
        Set<String> keys = new TreeSet<>(expected.keySet());
        keys.addAll(actual.keySet());
        for (String key : keys) {
            if (!actual.containsKey(key)) {
                problems.add(what + ": no " + key + " (the manifests have it)");
            } else if (!expected.containsKey(key)) {
                problems.add(what + ": " + key + " is not in the manifests");
            } else {
                JsonNode want = withoutReleaseLabels(expected.get(key));
                JsonNode got = withoutReleaseLabels(actual.get(key));
                if (!want.equals(got)) {
                    int before = problems.size();
                    List<String> found = new ArrayList<>();
                    StrictParsingTest.diff(want, got, "", found, what + " " + key);
                    // diff speaks of the model's read-back; here the other side is what helm or kustomize printed
                    found.forEach(p -> problems.add(p.replace(", the model reads ", ", rendered: ")
                            .replace(" is lost by the model (unknown field?)", " is in the manifests, not in what was rendered")
                            .replace(" appears only in the model: ", " is rendered, not in the manifests: ")));
                    if (problems.size() == before) {
                        problems.add(what + " " + key + ": differs (list order?)\n  manifests: " + want + "\n  rendered:  " + got);
                    }
                }
            }
        }
        assertNoProblems(problems);
        assertEquals(expected.keySet(), actual.keySet());
    }

    /**
     * What a README's commands do to the manifests: its `kubectl patch deployment NAME --type=json -p '...'` (those
     * the filter keeps) and `kubectl set env deployment/A deployment/B NAME=VALUE...`, applied in order.
     */
    static void applyReadme(Map<String, JsonNode> objects, String readme, Predicate<ReadmeCommandsTest.Command> keep) {
        String text = Manifests.read(readme);
        for (ReadmeCommandsTest.Command c : ReadmeCommandsTest.commands(readme, text)) {
            List<String> a = c.args();
            if (!keep.test(c) || a.size() < 3) {
                continue;
            }
            if (a.get(1).equals("patch") && a.get(2).equals("deployment")) {
                String key = "Deployment/" + a.get(3);
                String patch = ReadmeCommandsTest.option(new ArrayList<>(a), "-p", "--patch");
                try {
                    objects.put(key, JsonPatch.apply(Manifests.YAML.readTree(patch), objects.get(key)));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            } else if (a.get(1).equals("set") && a.get(2).equals("env")) {
                List<String> rest = a.subList(3, a.size());
                for (String target : rest.stream().filter(x -> !x.contains("=")).toList()) {
                    JsonNode deployment = objects.get("Deployment/" + target.substring(target.indexOf('/') + 1));
                    ArrayNode env = (ArrayNode) deployment.path("spec").path("template").path("spec").path("containers").get(0).path("env");
                    for (String assignment : rest.stream().filter(x -> x.contains("=")).toList()) {
                        setEnv(env, assignment.substring(0, assignment.indexOf('=')), assignment.substring(assignment.indexOf('=') + 1));
                    }
                }
            }
        }
    }

    /** As `kubectl set env` does: a variable that exists gets the new value in its place; a new one goes last. */
    private static void setEnv(ArrayNode env, String name, String value) {
        for (JsonNode var : env) {
            if (var.path("name").asText().equals(name)) {
                ((ObjectNode) var).remove("valueFrom");
                ((ObjectNode) var).put("value", value);
                return;
            }
        }
        env.addObject().put("name", name).put("value", value);
    }
}
