package io.dockercoins.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The Kustomize base (k8s/Kustomization: the top level as `kubectl apply -f k8s/` reads it) and the overlays of
 * kustomize/ give the manifests' objects and their scenario folders' own, and the workshop's `kustomize edit set
 * image` step changes the worker's tag only. Runs the kustomize that tests/cluster/build.sh builds (kubectl's own
 * version); skipped, saying so, without one.
 */
class KustomizeTest {

    static Map<String, JsonNode> build(String dir) {
        Tools.Run run = Tools.kustomize("build", dir);
        assertEquals(0, run.exit(), "kustomize build " + dir + " failed:\n" + run.err());
        return Rendered.objects(Rendered.documents(run.out()));
    }

    @Test
    void theBaseIsTheTopLevelManifests() {
        Rendered.assertSameObjects("kustomize build k8s", Rendered.manifests(Rendered.topLevel()), build("k8s"));
    }

    @Test
    void threeRngIsTheBaseWithThreeRngPods() {
        Map<String, JsonNode> expected = Rendered.manifests(Rendered.topLevel());
        ((ObjectNode) expected.get("Deployment/rng").path("spec")).put("replicas", 3);
        Rendered.assertSameObjects("kustomize/overlays/three-rng", expected, build("kustomize/overlays/three-rng"));
    }

    /** Network policies, PDB, HPA, priorities: the scenario folders' objects, and the priorities README's patches. */
    @Test
    void hardenedIsTheBaseWithTheHardeningScenarios() {
        Map<String, JsonNode> expected = Rendered.manifests(Rendered.topLevel().or(Rendered.folder("network-policies"))
                .or(Rendered.folder("pdb")).or(Rendered.folder("autoscaling")).or(Rendered.folder("priorities")));
        Rendered.applyReadme(expected, "k8s/priorities/README.md", c -> c.text().contains("priorityClassName"));
        Rendered.assertSameObjects("kustomize/overlays/hardened", expected, build("kustomize/overlays/hardened"));
    }

    /** The registry overlay moves our four images to one registry and tag; Redis stays the official image. */
    @Test
    void registryRenamesOurImagesOnly() {
        Map<String, JsonNode> built = build("kustomize/overlays/registry");
        Map<String, JsonNode> expected = Rendered.manifests(Rendered.topLevel());
        List<String> registries = new ArrayList<>();
        for (String service : List.of("rng", "hasher", "worker", "webui")) {
            String image = HelmChartTest.container(built, service).path("image").asText();
            assertTrue(image.endsWith("/" + service + ":v0.1"), image);
            registries.add(image.substring(0, image.lastIndexOf('/')));
            ((ObjectNode) HelmChartTest.container(expected, service)).put("image", image);
        }
        assertEquals(1, registries.stream().distinct().count(), "one registry for all: " + registries);
        Rendered.assertSameObjects("kustomize/overlays/registry", expected, built);
    }

    /**
     * The workshop's step: a kustomization of one's own over the base (`kustomize create --resources`), then
     * `kustomize edit set image dockercoins-java/worker=:v0.2`: only the worker's tag changes. In a folder under
     * target/, as k8s/README.md's kustomcoins/ at the repository's root.
     */
    @Test
    void kustomizeEditSetImageChangesTheWorkersTagOnly() throws IOException {
        Path lab = Manifests.ROOT.resolve("k8s-tests/target/kustomcoins");
        deleteRecursively(lab);
        Files.createDirectories(lab);
        Path kustomize = Tools.require("kustomize");
        for (List<String> step : List.of(List.of("create", "--resources", "../../../k8s"),
                List.of("edit", "set", "image", "dockercoins-java/worker=:v0.2"))) {
            List<String> command = new ArrayList<>(List.of(kustomize.toString()));
            command.addAll(step);
            Tools.Run run = Tools.run(lab, command);
            assertEquals(0, run.exit(), "kustomize " + String.join(" ", step) + ": " + run.err());
        }
        Tools.Run run = Tools.run(lab, List.of(kustomize.toString(), "build", "."));
        assertEquals(0, run.exit(), run.err());
        Map<String, JsonNode> expected = Rendered.manifests(Rendered.topLevel());
        ((ObjectNode) HelmChartTest.container(expected, "worker")).put("image", "dockercoins-java/worker:v0.2");
        Rendered.assertSameObjects("kustomcoins with worker v0.2", expected, Rendered.objects(Rendered.documents(run.out())));
    }

    /**
     * `kubectl apply -f k8s/` (and -f on a scenario folder) sends every .yaml, .yml and .json file: a kustomization file
     * there must be the extensionless `Kustomization`, which kubectl skips and Kustomize reads.
     */
    @Test
    void noKustomizationFileIsSentByKubectlApplyF() throws IOException {
        try (Stream<Path> walk = Files.walk(Manifests.K8S)) {
            List<Path> wrong = walk.filter(p -> p.getFileName().toString().matches("(?i)kustomization\\.(ya?ml|json)")).toList();
            assertEquals(List.of(), wrong, "kubectl apply -f would send these to the API server: name them Kustomization");
        }
        for (String folder : List.of("", "network-policies", "pdb", "autoscaling", "priorities")) {
            assertTrue(Files.isRegularFile(Manifests.K8S.resolve(folder).resolve("Kustomization")), "k8s/" + folder + "/Kustomization");
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
