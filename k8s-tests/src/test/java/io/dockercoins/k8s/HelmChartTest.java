package io.dockercoins.k8s;

import static io.dockercoins.k8s.StrictParsingTest.assertNoProblems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;

/**
 * The chart k8s/helm/dockercoins/ is the manifests of k8s/, so that the two cannot drift apart: at its default values
 * `helm template` gives the objects of k8s/*.yaml, and each switch adds the objects of its scenario folder (or does
 * what that folder's README does with kubectl). Its schema refuses bad values in one line; `helm lint --strict` is
 * clean; the helmcoins lab's values files make the Services the app calls. Runs the helm that tests/cluster/build.sh
 * builds (skipped, saying so, without one).
 */
class HelmChartTest {

    static final String CHART = "k8s/helm/dockercoins";
    static final Path HELMCOINS = Manifests.K8S.resolve("helm/helmcoins");

    /** `helm template dockercoins k8s/helm/dockercoins --set ...`: the rendered objects by kind/name, hooks left out. */
    static Map<String, JsonNode> template(String... sets) {
        return Rendered.objects(Rendered.documents(render(sets)));
    }

    static String render(String... sets) {
        List<String> args = new ArrayList<>(List.of("template", "dockercoins", CHART));
        for (String set : sets) {
            args.add("--set");
            args.add(set);
        }
        Tools.Run run = Tools.helm(args.toArray(String[]::new));
        assertEquals(0, run.exit(), "helm " + String.join(" ", args) + " failed:\n" + run.err());
        return run.out();
    }

    @Test
    void atItsDefaultValuesTheChartIsTheTopLevelManifests() {
        Rendered.assertSameObjects("helm template (default values)", Rendered.manifests(Rendered.topLevel()), template());
    }

    static Stream<Arguments> switches() {
        Predicate<Manifests.Doc> top = Rendered.topLevel();
        Predicate<Manifests.Doc> inRedisYaml = Rendered.file("redis.yaml");
        Predicate<Manifests.Doc> redisDeployment = inRedisYaml.and(d -> d.kind().equals("Deployment"));
        return Stream.of(
                Arguments.of("networkPolicies.enabled=true", top.or(Rendered.folder("network-policies"))),
                Arguments.of("podDisruptionBudget.enabled=true", top.or(Rendered.folder("pdb"))),
                Arguments.of("autoscaling.enabled=true", top.or(Rendered.folder("autoscaling"))),
                Arguments.of("redis.kind=StatefulSet", top.and(redisDeployment.negate()).or(Rendered.folder("stateful-redis"))),
                Arguments.of("redis.enabled=false,redis.external.host=redis.example.net",
                        top.and(inRedisYaml.negate()).or(Rendered.file("external-redis/redis-externalname.yaml"))),
                Arguments.of("redis.enabled=false,redis.external.host=192.0.2.10",
                        top.and(inRedisYaml.negate()).or(Rendered.file("external-redis/redis-endpointslice.yaml"))));
    }

    /** Each switch on gives the objects of its scenario folder, as `kubectl apply -f k8s/<folder>/` would add them. */
    @ParameterizedTest
    @MethodSource("switches")
    void eachSwitchAddsTheObjectsOfItsScenarioFolder(String set, Predicate<Manifests.Doc> manifests) {
        Rendered.assertSameObjects("--set " + set, Rendered.manifests(manifests), template(set));
    }

    /** Priorities on: the two classes and the quota of k8s/priorities/, and each Deployment in the class its README's patch gives it. */
    @Test
    void prioritiesAreTheClassesTheQuotaAndTheReadmesPatches() {
        Map<String, JsonNode> expected = Rendered.manifests(Rendered.topLevel().or(Rendered.folder("priorities")));
        Rendered.applyReadme(expected, "k8s/priorities/README.md", c -> c.text().contains("priorityClassName"));
        Rendered.assertSameObjects("--set priorities.enabled=true,priorities.workerQuota.enabled=true", expected,
                template("priorities.enabled=true,priorities.workerQuota.enabled=true"));
        Map<String, JsonNode> shared = template("priorities.enabled=true,priorities.createClasses=false");
        assertFalse(shared.keySet().stream().anyMatch(k -> k.startsWith("PriorityClass/")), "createClasses=false makes no class");
        assertEquals("dockercoins-workers", shared.get("Deployment/worker").path("spec").path("template").path("spec").path("priorityClassName").asText());
    }

    /** An outside Redis with TLS: what k8s/external-redis/README.md does by hand (CA mounted, REDIS_TLS*, the host itself). */
    @Test
    void anOutsideRedisWithTlsIsWhatItsReadmeDoesByHand() {
        Map<String, JsonNode> expected = Rendered.manifests(Rendered.topLevel().and(Rendered.file("redis.yaml").negate())
                .or(Rendered.file("external-redis/redis-externalname.yaml")));
        // Section 4's REDIS_HOST=redis is the EndpointSlice variant, not this host's: the chart renders sections 1-3.
        Rendered.applyReadme(expected, "k8s/external-redis/README.md", c -> !c.text().strip().endsWith("REDIS_HOST=redis"));
        String set = "redis.enabled=false,redis.external.host=redis.example.net,redis.external.tls.enabled=true,"
                + "redis.external.tls.caSecret=redis-tls";
        Rendered.assertSameObjects("--set " + set, expected, template(set));
    }

    @Test
    void valuesReachTheObjects() {
        Map<String, JsonNode> o = template("image.registry=127.0.0.1:5000", "worker.image.tag=v0.2", "worker.replicas=0",
                "rng.resources.limits.cpu=2", "webui.service.type=ClusterIP", "hasher.probes.enabled=false",
                "redis.image.tag=7.2", "worker.extraEnv[0].name=WORKER_SLEEP", "worker.extraEnv[0].value=2s");
        JsonNode worker = container(o, "worker");
        assertEquals("127.0.0.1:5000/worker:v0.2", worker.path("image").asText());
        assertEquals("127.0.0.1:5000/rng:v0.1", container(o, "rng").path("image").asText());
        assertEquals(0, o.get("Deployment/worker").path("spec").path("replicas").asInt(-1), "replicas 0 is a value, not unset");
        assertFalse(o.get("Deployment/rng").path("spec").has("replicas"), "rng.replicas null: no field");
        assertEquals("2", container(o, "rng").path("resources").path("limits").path("cpu").asText());
        assertEquals("ClusterIP", o.get("Service/webui").path("spec").path("type").asText());
        JsonNode hasher = container(o, "hasher");
        assertFalse(hasher.has("livenessProbe") || hasher.has("readinessProbe") || hasher.has("startupProbe"), "probes off");
        assertEquals("redis:7.2", container(o, "redis").path("image").asText(), "Redis' image is not from image.registry");
        JsonNode last = worker.path("env").get(worker.path("env").size() - 1);
        assertEquals("WORKER_SLEEP", last.path("name").asText());
        assertEquals(30801, template("webui.service.nodePort=30801").get("Service/webui").path("spec").path("ports").get(0).path("nodePort").asInt());
    }

    static JsonNode container(Map<String, JsonNode> objects, String deployment) {
        return objects.get("Deployment/" + deployment).path("spec").path("template").path("spec").path("containers").get(0);
    }

    /** Everything the chart can render, every switch on, is made of real Kubernetes objects and passes the restricted standard. */
    @Test
    void everythingItRendersIsStrictAndRestricted() {
        String all = render("networkPolicies.enabled=true", "podDisruptionBudget.enabled=true", "autoscaling.enabled=true",
                "autoscaling.metric=cpu", "priorities.enabled=true", "priorities.workerQuota.enabled=true",
                "redis.kind=StatefulSet");
        List<String> problems = new ArrayList<>();
        for (JsonNode doc : Rendered.documents(all)) {
            String where = CHART + " " + Rendered.key(doc);
            HasMetadata resource = (HasMetadata) Manifests.SERIALIZATION.convertValue(doc, KubernetesResource.class);
            for (String leftover : Manifests.leftovers(resource)) {
                problems.add(where + ": not a field of the Kubernetes model: " + leftover);
            }
            StrictParsingTest.diff(doc, Manifests.roundTrip(resource), "", problems, where);
            String served = StrictParsingTest.BUILT_IN.get(resource.getKind());
            if (!resource.getApiVersion().equals(served)) {
                problems.add(where + ": apiVersion " + resource.getApiVersion() + ", the served one is " + served);
            }
            PodTemplateSpec template = Manifests.template(resource);
            if (template != null) {
                PodSecurityTest.restricted(where, template.getSpec(), Manifests.claimTemplates(resource), problems);
                if (template.getMetadata().getLabels().containsKey("app.kubernetes.io/instance")) {
                    problems.add(where + ": pods labelled app.kubernetes.io/instance escape rng's PodDisruptionBudget");
                }
            }
            if (resource instanceof Pod pod) {
                PodSecurityTest.restricted(where, pod.getSpec(), java.util.Set.of(), problems);
            }
        }
        assertNoProblems(problems);
    }

    /** helm test's pod: the app's own image, allowed through the network policies as a load tester. */
    @Test
    void theTestPodNeedsNoOtherImageAndPassesThePolicies() {
        JsonNode pod = Rendered.documents(render()).stream()
                .filter(d -> d.path("metadata").path("annotations").path("helm.sh/hook").asText().equals("test"))
                .findFirst().orElseThrow(() -> new AssertionError("no helm test pod"));
        assertEquals("dockercoins-java/webui:v0.1", pod.path("spec").path("containers").get(0).path("image").asText());
        assertEquals("loadtester", pod.path("metadata").path("labels").path("app").asText());
        assertTrue(pod.path("metadata").path("annotations").path("helm.sh/hook-delete-policy").asText().contains("hook-succeeded"),
                "a passed test pod is deleted, so that helm uninstall leaves nothing");
    }

    /** A wrong type or an unknown key: helm refuses it before anything reaches the cluster, in one line naming the key. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "worker.replicas=-1       | /worker/replicas",
            "worker.colour=blue       | colour",
            "worker.image.tag=2       | /worker/image/tag",
            "webui.service.type=Ingress | /webui/service/type",
            "redis.kind=ReplicaSet    | /redis/kind",
            "autoscaling.metric=memory | /autoscaling/metric"})
    void theSchemaRefusesBadValuesInOneLine(String set, String named) {
        Tools.Run run = Tools.helm("template", "dockercoins", CHART, "--set", set);
        assertNotEquals(0, run.exit(), "--set " + set + " was accepted");
        List<String> lines = run.err().lines().filter(l -> l.startsWith("- ")).toList();
        assertEquals(1, lines.size(), "one line for --set " + set + ":\n" + run.err());
        assertTrue(lines.get(0).contains(named), lines.get(0) + " does not name " + named);
    }

    /** Values that the schema cannot judge alone are refused by the templates, with what to do. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "redis.enabled=false                                  | set redis.external.host",
            "redis.external.host=redis.example.net                | set redis.enabled=false",
            "autoscaling.enabled=true,rng.replicas=2              | leave rng.replicas null",
            "autoscaling.enabled=true,autoscaling.minReplicas=6   | above autoscaling.maxReplicas"})
    void contradictoryValuesAreRefusedWithWhatToDo(String set, String says) {
        Tools.Run run = Tools.helm("template", "dockercoins", CHART, "--set", set);
        assertNotEquals(0, run.exit(), "--set " + set + " was accepted");
        assertTrue(run.err().contains(says), run.err());
    }

    @Test
    void lintStrictIsClean() {
        Tools.Run run = Tools.helm("lint", "--strict", CHART);
        assertEquals(0, run.exit(), run.out() + run.err());
        for (String component : List.of("hasher", "redis", "rng", "webui", "worker")) {
            run = Tools.helm("lint", "--strict", "k8s/helm/helmcoins/helmcoins", "--values", "k8s/helm/helmcoins/" + component + ".yaml");
            assertEquals(0, run.exit(), component + ": " + run.out() + run.err());
        }
    }

    /** Every value of values.yaml is in k8s/README.md's table ("With Helm"), the four Quarkus services as <service>. */
    @Test
    void everyValueIsInTheReadmesTable() throws Exception {
        JsonNode values = Manifests.YAML.readTree(Manifests.read(CHART + "/values.yaml"));
        List<String> leaves = new ArrayList<>();
        leaves(values, "", leaves);
        String readme = Manifests.read("k8s/README.md");
        List<String> missing = new ArrayList<>();
        for (String leaf : leaves) {
            String row = leaf.replaceFirst("^(rng|hasher|worker|webui)\\.(?!service\\.)", "<service>.");
            if (!readme.contains("`" + row + "`")) {
                missing.add(row);
            }
        }
        assertEquals(List.of(), missing.stream().distinct().toList(), "values missing from k8s/README.md's table");
    }

    /** Objects with children are walked; their leaves (scalars, lists, empty maps) are the values a user sets. */
    private static void leaves(JsonNode node, String path, List<String> out) {
        if (node.isObject() && !node.isEmpty() && !path.endsWith("resources")) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                leaves(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey(), out);
            }
        } else {
            out.add(path);
        }
    }

    /** The helmcoins lab: each release's Service has the name the others call, on the port its container listens on. */
    @ParameterizedTest
    @ValueSource(strings = {"hasher", "redis", "rng", "webui", "worker"})
    void eachHelmcoinsReleaseIsTheComponentTheOthersCall(String component) {
        Tools.Run run = Tools.run(HELMCOINS, List.of(Tools.require("helm").toString(), "template", component, "helmcoins",
                "--values=" + component + ".yaml"));
        assertEquals(0, run.exit(), run.err());
        Map<String, JsonNode> o = Rendered.objects(Rendered.documents(run.out()));
        JsonNode container = o.get("Deployment/" + component + "-helmcoins").path("spec").path("template").path("spec").path("containers").get(0);
        String image = component.equals("redis") ? "redis:latest" : AppFacts.REGISTRY + "/" + component + ":v0.1";
        assertEquals(image, container.path("image").asText());
        int port = component.equals("redis") ? 6379 : 80;
        assertEquals(port, container.path("ports").get(0).path("containerPort").asInt());
        for (String probe : List.of("livenessProbe", "readinessProbe")) {
            JsonNode p = container.path(probe);
            assertEquals(1, p.size() - (p.has("initialDelaySeconds") ? 1 : 0), component + " " + probe + " has one handler: " + p);
            if (!component.equals("redis")) {
                assertTrue(p.path("httpGet").path("path").asText().startsWith("/q/health/"), component + " " + probe + ": " + p);
            }
        }
        if (component.equals("worker")) {
            assertFalse(o.keySet().stream().anyMatch(k -> k.startsWith("Service/")), "no one calls the worker");
        } else {
            JsonNode service = o.get("Service/" + component);
            assertTrue(service != null, "the Service is named after the release: " + o.keySet());
            assertEquals(port, service.path("spec").path("ports").get(0).path("port").asInt());
            assertEquals(component.equals("webui") ? "NodePort" : "ClusterIP", service.path("spec").path("type").asText());
        }
    }
}
