package io.dockercoins.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;

/**
 * k8s/<service>.yaml is the Quarkus Kubernetes extension's output for that service (from its
 * application.properties and src/main/kubernetes/kubernetes.yml), plus a comment header: nothing edited by hand.
 * The reactor builds the services before this module, so target/kubernetes/kubernetes.yml is this build's.
 * Compared as YAML trees, document by document: the extension does not write map keys (labels) in a stable order.
 */
class GeneratedDriftTest {

    static final String REGENERATE = "k8s/generate.sh   (or, after a build: k8s/generate.sh --no-build)";

    @ParameterizedTest
    @ValueSource(strings = {"rng", "hasher", "worker", "webui"})
    void committedManifestIsWhatTheBuildGenerates(String service) throws Exception {
        Path generated = Manifests.ROOT.resolve(service + "/target/kubernetes/kubernetes.yml");
        assertTrue(Files.isRegularFile(generated), generated + " is missing: build " + service
                + " first (./mvnw -B verify builds everything in order), then run " + REGENERATE);
        Path committed = Manifests.K8S.resolve(service + ".yaml");
        assertTrue(Files.isRegularFile(committed), committed + " is missing; run " + REGENERATE);
        assertTrue(Files.readString(committed).startsWith("# GENERATED"), committed + " has lost its header; run " + REGENERATE);
        List<JsonNode> expected = documents(generated);
        List<JsonNode> actual = documents(committed);
        assertEquals(expected, actual, "k8s/" + service + ".yaml differs from what the build generates ("
                + Manifests.ROOT.relativize(generated) + "). Change " + service
                + "/src/main/resources/application.properties or " + service
                + "/src/main/kubernetes/kubernetes.yml, never k8s/" + service + ".yaml, then run: " + REGENERATE);
    }

    static List<JsonNode> documents(Path file) throws Exception {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = Manifests.YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isNull() && !doc.isMissingNode() && !(doc.isObject() && doc.isEmpty())) {
                    docs.add(doc);
                }
            }
        }
        return docs;
    }
}
