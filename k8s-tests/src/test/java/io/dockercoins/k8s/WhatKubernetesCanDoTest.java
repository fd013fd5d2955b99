package io.dockercoins.k8s;

import static io.dockercoins.k8s.StrictParsingTest.assertNoProblems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ScopedResourceSelectorRequirement;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import io.fabric8.zjsonpatch.JsonPatch;

/**
 * The scenarios of k8s/README.md for the rest of the workshop's list "What can Kubernetes do?" (canary, blue/green,
 * stateful data, batch jobs, overcommit and eviction, access control) do what the README says they do.
 */
class WhatKubernetesCanDoTest {

    static final String NAME = WiringTest.NAME;

    static Deployment top(String name) {
        return (Deployment) Manifests.find(Manifests.topLevel(), "Deployment", name).orElseThrow().resource();
    }

    static <T> T in(String folder, String kind, String name, Class<T> type) {
        return type.cast(Manifests.find(Manifests.folder(folder), kind, name)
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in k8s/" + folder)).resource());
    }

    static Map<String, String> podLabels(Deployment d) {
        return d.getSpec().getTemplate().getMetadata().getLabels();
    }

    static Service topService(String name) {
        return (Service) Manifests.find(Manifests.topLevel(), "Service", name).orElseThrow().resource();
    }

    /** The pod spec as JSON with each container's image and the named env variables taken out. */
    static JsonNode podSpecWithout(PodSpec spec, Set<String> env) {
        ObjectNode pod = (ObjectNode) Manifests.YAML.valueToTree(Manifests.YAML.convertValue(
                Manifests.roundTrip(new io.fabric8.kubernetes.api.model.PodBuilder().withSpec(spec).build()).path("spec"), Map.class));
        for (JsonNode c : pod.withArray("containers")) {
            ((ObjectNode) c).remove("image");
            ArrayNode vars = (ArrayNode) c.path("env");
            for (int i = vars.size() - 1; i >= 0; i--) {
                if (env.contains(vars.get(i).path("name").asText())) {
                    vars.remove(i);
                }
            }
        }
        return pod;
    }

    // ---- canary ----

    /** Same pod spec but for the image and {@code env}; the same Service; a selector of its own. */
    static void assertCanary(String folder, String canaryName, String mainName, Set<String> env) {
        Deployment canary = in(folder, "Deployment", canaryName, Deployment.class);
        Deployment main = top(mainName);
        assertEquals(podSpecWithout(main.getSpec().getTemplate().getSpec(), env),
                podSpecWithout(canary.getSpec().getTemplate().getSpec(), env),
                canaryName + "'s pod spec must stay " + mainName + "'s, but for the image and " + env);
        Container c = canary.getSpec().getTemplate().getSpec().getContainers().get(0);
        Container m = main.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals(AppFacts.repository(m.getImage()), AppFacts.repository(c.getImage()), "a version of the same image");
        for (String name : env) {
            assertTrue(WiringTest.env(c).containsKey(name), canaryName + " sets " + name);
            assertFalse(java.util.Objects.equals(WiringTest.env(c).get(name), WiringTest.env(m).get(name)), name + " differs");
        }

        Map<String, String> canaryPods = podLabels(canary);
        Map<String, String> mainPods = podLabels(main);
        Service service = topService(mainName);
        assertTrue(WiringTest.selects(service.getSpec().getSelector(), canaryPods), "the " + mainName + " Service must reach the canary");
        assertTrue(WiringTest.selects(service.getSpec().getSelector(), mainPods));
        Map<String, String> base = new HashMap<>(mainPods);
        base.remove("app.kubernetes.io/managed-by");
        assertTrue(canaryPods.entrySet().containsAll(base.entrySet()), "canary pods carry v0.1's labels " + base + ": " + canaryPods);
        Set<String> extra = canaryPods.keySet().stream().filter(k -> !base.containsKey(k)).collect(Collectors.toSet());
        assertTrue(Set.of("app.kubernetes.io/instance", WiringTest.VERSION).containsAll(extra), "only instance and version are added: " + extra);
        assertFalse(WiringTest.selects(canary.getSpec().getSelector().getMatchLabels(), mainPods),
                "the canary's selector must not count v0.1's pods");
        assertNotNull(canary.getSpec().getReplicas(), "the canary starts with a set number of pods (the first step)");
    }

    @Test
    void theWorkerCanaryIsV02BesideV01BehindTheSameLabels() {
        assertCanary("canary", "worker-canary", "worker", Set.of("WORKER_VERSION"));
        Deployment canary = in("canary", "Deployment", "worker-canary", Deployment.class);
        Container c = canary.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals("dockercoins-java/worker:v0.2", c.getImage(), "the v0.2 of k8s/README.md section 7");
        assertEquals("v0.2", WiringTest.env(c).get("WORKER_VERSION"), "what the web UI shows as the version");
        assertEquals("v0.2", podLabels(canary).get(WiringTest.VERSION));
        assertEquals(1, canary.getSpec().getReplicas(), "1 canary beside 9 of v0.1");
        assertTrue(AppFacts.envRead("worker").contains("WORKER_VERSION"));
    }

    @Test
    void theRngCanaryDiffersOnlyInSpeedAndTheServiceSpreadsOverBoth() {
        assertCanary("canary", "rng-canary", "rng", Set.of("RNG_DELAY"));
        Deployment canary = in("canary", "Deployment", "rng-canary", Deployment.class);
        Container c = canary.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals("dockercoins-java/rng:v0.1", c.getImage());
        assertEquals("50ms", WiringTest.env(c).get("RNG_DELAY"), "twice as fast as the default 100ms");
        assertTrue(AppFacts.envRead("rng").contains("RNG_DELAY"));
        // the README's slower variant edits exactly that value
        assertTrue(Manifests.read("k8s/canary/README.md").contains("sed 's/value: 50ms/value: 200ms/' k8s/canary/rng-canary.yaml | kubectl apply -f -"));
        assertTrue(Manifests.read("k8s/canary/rng-canary.yaml").contains("            value: 50ms\n"));
        PodDisruptionBudget pdb = Manifests.ofType(Manifests.folder("pdb"), PodDisruptionBudget.class).get(0);
        assertFalse(ScenariosTest.matches(pdb.getSpec().getSelector(), podLabels(canary)), "the rng budget counts the Deployment's pods only");
    }

    // ---- blue/green ----

    static List<ReadmeCommandsTest.Command> readme(String prefix) throws Exception {
        return ReadmeCommandsTest.commands().stream().filter(c -> c.text().startsWith(prefix)).collect(Collectors.toList());
    }

    static Service patched(Service service, ReadmeCommandsTest.Command command) throws Exception {
        String patch = ReadmeCommandsTest.option(new ArrayList<>(command.args()), "-p", "--patch");
        JsonNode result = JsonPatch.apply(Manifests.YAML.readTree(patch), Manifests.roundTrip(service));
        return Manifests.SERIALIZATION.convertValue(result, Service.class);
    }

    @Test
    void blueAndGreenAreBothWebuiAndOneCommandSwitchesTheServiceFromOneToTheOtherAndBack() throws Exception {
        Deployment blue = in("blue-green", "Deployment", "webui-blue", Deployment.class);
        Deployment green = in("blue-green", "Deployment", "webui-green", Deployment.class);
        Service service = in("blue-green", "Service", "webui", Service.class);
        Deployment webui = top("webui");
        for (Deployment colour : List.of(blue, green)) {
            assertEquals(podSpecWithout(webui.getSpec().getTemplate().getSpec(), Set.of()),
                    podSpecWithout(colour.getSpec().getTemplate().getSpec(), Set.of()), colour.getMetadata().getName() + " runs webui's pod spec");
            Map<String, String> base = new HashMap<>(service.getSpec().getSelector());
            base.remove("color");
            assertTrue(WiringTest.selects(base, podLabels(colour)), "both colours match the Service's base selector " + base);
            assertTrue(WiringTest.selects(colour.getSpec().getSelector().getMatchLabels(), podLabels(colour)));
        }
        assertFalse(WiringTest.selects(blue.getSpec().getSelector().getMatchLabels(), podLabels(green)), "the colours never share pods");
        assertFalse(WiringTest.selects(green.getSpec().getSelector().getMatchLabels(), podLabels(blue)));

        assertTrue(WiringTest.selects(service.getSpec().getSelector(), podLabels(blue)), "blue serves first");
        assertFalse(WiringTest.selects(service.getSpec().getSelector(), podLabels(green)));
        assertFalse(WiringTest.selects(service.getSpec().getSelector(), podLabels(webui)), "the plain webui pod leaves the Service");
        Service plain = topService("webui");
        assertEquals(plain.getSpec().getPorts(), service.getSpec().getPorts(), "the same port as k8s/webui.yaml, a NodePort of no fixed number");
        assertEquals(plain.getSpec().getType(), service.getSpec().getType());

        List<ReadmeCommandsTest.Command> switches = readme("kubectl patch service webui");
        assertEquals(2, switches.size(), "k8s/README.md switches to green, then back to blue: " + switches);
        Service toGreen = patched(service, switches.get(0));
        assertTrue(WiringTest.selects(toGreen.getSpec().getSelector(), podLabels(green)), "the first switch selects green");
        assertFalse(WiringTest.selects(toGreen.getSpec().getSelector(), podLabels(blue)), "...and only green");
        Service back = patched(toGreen, switches.get(1));
        assertEquals(service.getSpec().getSelector(), back.getSpec().getSelector(), "the second switch goes back to blue");
    }

    // ---- stateful data ----

    @Test
    void redisAsAStatefulSetKeepsItsDataOnAClaimWithAppendOnlyOn() {
        StatefulSet redis = in("stateful-redis", "StatefulSet", "redis", StatefulSet.class);
        PodSpec pod = redis.getSpec().getTemplate().getSpec();
        Container c = pod.getContainers().get(0);

        assertEquals(1, redis.getSpec().getVolumeClaimTemplates().size());
        var claim = redis.getSpec().getVolumeClaimTemplates().get(0);
        assertEquals(List.of("ReadWriteOnce"), claim.getSpec().getAccessModes());
        assertTrue(claim.getSpec().getStorageClassName() == null, "the cluster's default StorageClass (kind, minikube: standard)");
        assertTrue(c.getVolumeMounts().stream().anyMatch(m -> m.getName().equals(claim.getMetadata().getName()) && m.getMountPath().equals("/data")),
                "the claim is Redis' /data");
        assertTrue(pod.getVolumes() == null || pod.getVolumes().stream().noneMatch(v -> v.getName().equals(claim.getMetadata().getName())),
                "no emptyDir hides the claim");
        String command = String.join(" ", c.getCommand());
        assertTrue(command.contains("--dir /data") && command.contains("--appendonly yes"), "persistence on, in /data: " + command);
        assertTrue(command.contains("${REDIS_PASSWORD:+--requirepass \"$REDIS_PASSWORD\"}"), "the optional password as k8s/redis.yaml: " + command);

        assertEquals(pod.getSecurityContext().getRunAsUser(), pod.getSecurityContext().getFsGroup(), "fsGroup 999: Redis' uid may write the volume");
        assertEquals(999L, pod.getSecurityContext().getRunAsUser());

        Service headless = in("stateful-redis", "Service", redis.getSpec().getServiceName(), Service.class);
        assertEquals("None", headless.getSpec().getClusterIP(), "serviceName must be a headless Service");
        assertTrue(WiringTest.selects(headless.getSpec().getSelector(), redis.getSpec().getTemplate().getMetadata().getLabels()));
        assertTrue(WiringTest.selects(topService("redis").getSpec().getSelector(), redis.getSpec().getTemplate().getMetadata().getLabels()),
                "redis:6379, what the worker and webui call, reaches the StatefulSet's pod");

        // the rest is k8s/redis.yaml's pod: probes, sizes, security, the Secret
        Deployment deployment = top("redis");
        ObjectNode expected = (ObjectNode) podSpecWithout(deployment.getSpec().getTemplate().getSpec(), Set.of());
        ObjectNode actual = (ObjectNode) podSpecWithout(pod, Set.of());
        for (ObjectNode p : List.of(expected, actual)) {
            p.remove("volumes");
            ((ObjectNode) p.path("securityContext")).remove(List.of("fsGroup", "fsGroupChangePolicy"));
            ((ObjectNode) p.path("containers").get(0)).remove("command");
        }
        assertEquals(expected, actual, "the StatefulSet's pod must stay k8s/redis.yaml's but for the command, the volume and fsGroup");
        assertTrue(deployment.getSpec().getTemplate().getSpec().getVolumes().stream().anyMatch(v -> v.getEmptyDir() != null),
                "the default Redis keeps /data in an emptyDir: it loses the data with its pod (the contrast)");
    }

    // ---- batch jobs ----

    @Test
    void theReportRunsAsAJobAndACronJobThatRetryAndCleanUp() {
        Job job = in("batch-report", "Job", "report", Job.class);
        CronJob cron = in("batch-report", "CronJob", "report", CronJob.class);
        String image = AppFacts.composeImages().get("report");
        assertEquals("dockercoins-java/report:v0.1", image, "docker-compose.yml builds the report image");
        for (var spec : List.of(job.getSpec(), cron.getSpec().getJobTemplate().getSpec())) {
            Container c = spec.getTemplate().getSpec().getContainers().get(0);
            assertEquals(image, c.getImage());
            assertTrue(spec.getBackoffLimit() >= 1, "Redis unreachable: exit 1, and the Job tries again");
            assertNotNull(spec.getTtlSecondsAfterFinished(), "finished runs are cleaned up");
            assertNotNull(spec.getActiveDeadlineSeconds(), "a stuck run is stopped");
            assertTrue(spec.getActiveDeadlineSeconds() >= 10 + 20 + 40 + 80, "the deadline leaves room for the retries' back-off");
            assertEquals("redis", WiringTest.env(c).get("REDIS_HOST"));
            assertTrue(c.getCommand().isEmpty() && c.getArgs().isEmpty(), "the image's entrypoint runs the report");
        }
        assertEquals("Never", job.getSpec().getTemplate().getSpec().getRestartPolicy(), "each failed attempt keeps its pod and log");
        assertEquals("OnFailure", cron.getSpec().getJobTemplate().getSpec().getTemplate().getSpec().getRestartPolicy());
        assertEquals("Forbid", cron.getSpec().getConcurrencyPolicy(), "never two reports at once");
        assertTrue(cron.getSpec().getSchedule().matches("\\S+ \\S+ \\S+ \\S+ \\S+"), "a five-field cron schedule");

        ObjectNode once = (ObjectNode) podSpecWithout(job.getSpec().getTemplate().getSpec(), Set.of());
        ObjectNode scheduled = (ObjectNode) podSpecWithout(cron.getSpec().getJobTemplate().getSpec().getTemplate().getSpec(), Set.of());
        once.remove("restartPolicy");
        scheduled.remove("restartPolicy");
        assertEquals(once, scheduled, "the CronJob's pod is the Job's but for restartPolicy");
        // what the report reads, from its sources
        assertTrue(AppFacts.envRead("report").containsAll(List.of("REDIS_HOST", "REDIS_PORT", "REDIS_PASSWORD", "REDIS_TIMEOUT")));
    }

    // ---- overcommit and eviction ----

    /** The README's `kubectl patch deployment X` commands that set a priorityClassName, applied to the top level. */
    static Map<String, String> priorityClassesAfterTheReadme() throws Exception {
        Map<String, String> classes = new LinkedHashMap<>();
        for (ReadmeCommandsTest.Command c : readme("kubectl patch deployment")) {
            String patch = ReadmeCommandsTest.option(new ArrayList<>(c.args()), "-p", "--patch");
            if (!patch.contains("priorityClassName")) {
                continue;
            }
            String name = c.args().get(3);
            JsonNode result = JsonPatch.apply(Manifests.YAML.readTree(patch), Manifests.roundTrip(top(name)));
            classes.put(name, result.path("spec").path("template").path("spec").path("priorityClassName").asText(null));
        }
        return classes;
    }

    @Test
    void everyServiceTheWorkersDependOnOutranksTheWorkers() throws Exception {
        Map<String, Integer> values = Manifests.ofType(Manifests.folder("priorities"), PriorityClass.class).stream()
                .collect(Collectors.toMap(p -> p.getMetadata().getName(), PriorityClass::getValue));
        Map<String, String> classes = priorityClassesAfterTheReadme();
        List<String> problems = new ArrayList<>();
        for (Deployment d : Manifests.ofType(Manifests.topLevel(), Deployment.class)) {
            String name = d.getMetadata().getName();
            if (!classes.containsKey(name)) {
                problems.add("k8s/README.md gives Deployment " + name + " no PriorityClass");
            } else if (!values.containsKey(classes.get(name))) {
                problems.add(name + ": PriorityClass " + classes.get(name) + " is not in k8s/priorities/ (the pods would be refused)");
            }
        }
        assertNoProblems(problems);
        int worker = values.get(classes.get("worker"));
        for (String service : List.of("rng", "hasher", "redis", "webui")) {
            assertTrue(values.get(classes.get(service)) > worker, service + " must outrank the workers");
        }
        for (PriorityClass p : Manifests.ofType(Manifests.folder("priorities"), PriorityClass.class)) {
            assertFalse(Boolean.TRUE.equals(p.getGlobalDefault()), p.getMetadata().getName() + ": a global default would reach every pod of the cluster");
            assertTrue(p.getValue() < 1_000_000_000, "values from 1e9 up are the system's");
        }
        PriorityClass workers = in("priorities", "PriorityClass", classes.get("worker"), PriorityClass.class);
        assertEquals("Never", workers.getPreemptionPolicy(), "a pending worker waits for room, it evicts nothing");
    }

    @Test
    void theQuotaLimitsOnlyTheWorkersPriorityClass() throws Exception {
        ResourceQuota quota = Manifests.ofType(Manifests.folder("priorities"), ResourceQuota.class).get(0);
        List<ScopedResourceSelectorRequirement> scopes = quota.getSpec().getScopeSelector().getMatchExpressions();
        assertEquals(1, scopes.size());
        assertEquals("PriorityClass", scopes.get(0).getScopeName());
        assertEquals("In", scopes.get(0).getOperator());
        assertEquals(List.of(priorityClassesAfterTheReadme().get("worker")), scopes.get(0).getValues(),
                "the quota counts the workers' pods, never the services'");
        Set<String> services = priorityClassesAfterTheReadme().entrySet().stream().filter(e -> !e.getKey().equals("worker"))
                .map(Map.Entry::getValue).collect(Collectors.toSet());
        assertFalse(scopes.get(0).getValues().stream().anyMatch(services::contains));

        // the pod count is the limit that binds (10 workers), not CPU or memory before it
        int pods = Integer.parseInt(quota.getSpec().getHard().get("pods").getAmount());
        Container worker = top("worker").getSpec().getTemplate().getSpec().getContainers().get(0);
        for (String resource : List.of("cpu", "memory")) {
            Quantity hard = quota.getSpec().getHard().get("requests." + resource);
            if (hard != null) {
                BigDecimal need = Quantity.getAmountInBytes(worker.getResources().getRequests().get(resource)).multiply(BigDecimal.valueOf(pods));
                assertTrue(Quantity.getAmountInBytes(hard).compareTo(need) >= 0, "requests." + resource + " must fit " + pods + " workers");
            }
        }
        assertEquals(10, pods, "k8s/README.md says 10");
    }

    // ---- access control ----

    static final String LEARNER = "learner";

    @Test
    void theLearnerMayScaleAndSetImagesOnTheWorkerButNotTouchRedisOrSecrets() {
        List<String> problems = new ArrayList<>();
        Map<Rbac.Request, Boolean> expected = new LinkedHashMap<>();
        // kubectl scale deployment worker: GET the Deployment, PATCH its scale subresource
        expected.put(Rbac.request("get", "deployments", "worker"), true);
        expected.put(Rbac.request("patch", "deployments/scale", "worker"), true);
        expected.put(Rbac.request("update", "deployments/scale", "worker"), true);
        // kubectl set image deployment/worker: GET and PATCH the Deployment
        expected.put(Rbac.request("patch", "deployments", "worker"), true);
        // watching the result
        expected.put(Rbac.request("list", "pods", null), true);
        expected.put(Rbac.request("get", "pods/log", "worker-5d8f7c-abcde"), true);
        // everything else
        for (String other : List.of("redis", "rng", "hasher", "webui", "worker-canary")) {
            expected.put(Rbac.request("patch", "deployments", other), false);
            expected.put(Rbac.request("patch", "deployments/scale", other), false);
            expected.put(Rbac.request("get", "deployments", other), false);
        }
        expected.put(Rbac.request("patch", "statefulsets", "redis"), false);
        expected.put(Rbac.request("patch", "statefulsets/scale", "redis"), false);
        expected.put(Rbac.request("delete", "deployments", "worker"), false);
        expected.put(Rbac.request("create", "deployments", null), false);
        expected.put(Rbac.request("list", "deployments", null), false);
        expected.put(Rbac.request("get", "secrets", "redis"), false);
        expected.put(Rbac.request("list", "secrets", null), false);
        expected.put(Rbac.request("delete", "pods", "redis-0"), false);
        expected.put(Rbac.request("create", "pods/exec", "redis-0"), false);
        expected.put(Rbac.request("create", "pods", null), false);
        List<io.fabric8.kubernetes.api.model.rbac.PolicyRule> rules = Rbac.rulesOf(LEARNER);
        assertFalse(rules.isEmpty(), "the learner is bound to a Role");
        expected.forEach((request, allow) -> {
            if (Rbac.allows(rules, request) != allow) {
                problems.add(request + (allow ? " must be allowed" : " must be denied"));
            }
        });
        assertNoProblems(problems);
    }

    @Test
    void theLearnersRightsStayInTheNamespace() {
        List<Role> roles = Manifests.ofType(Manifests.folder("access-control"), Role.class);
        List<RoleBinding> bindings = Manifests.ofType(Manifests.folder("access-control"), RoleBinding.class);
        assertEquals(1, roles.size());
        assertEquals(1, bindings.size());
        assertTrue(Manifests.folder("access-control").stream().noneMatch(d -> d.kind().startsWith("Cluster")), "no ClusterRole or ClusterRoleBinding");
        RoleBinding binding = bindings.get(0);
        assertEquals("Role", binding.getRoleRef().getKind());
        assertEquals(roles.get(0).getMetadata().getName(), binding.getRoleRef().getName());
        var subject = binding.getSubjects().get(0);
        assertEquals("ServiceAccount", subject.getKind());
        assertEquals(LEARNER, subject.getName());
        assertTrue(subject.getNamespace() == null, "no namespace: the binding's own, so `kubectl apply -n` works");
        var account = in("access-control", "ServiceAccount", LEARNER, io.fabric8.kubernetes.api.model.ServiceAccount.class);
        assertEquals(Boolean.FALSE, account.getAutomountServiceAccountToken(), "nothing runs as the learner");
        for (var rule : roles.get(0).getRules()) {
            assertFalse(rule.getVerbs().contains("*") || rule.getResources().contains("*") || rule.getApiGroups().contains("*"),
                    "no wildcard: " + rule);
        }
    }
}
