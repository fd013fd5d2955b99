package io.dockercoins.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;

/**
 * The reconcile logic against the fabric8 mock API server in CRUD mode (it stores what it is sent; it runs no
 * controllers, so the tests play the Deployment controller: they mark pods ready). The speed is a fake gauge and
 * the time a fake clock, so a rollout's steps are driven, not waited for.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class AppReconcilerTest {

    /** One mock server for the class (static), one namespace per test. */
    static KubernetesMockServer server;
    static KubernetesClient client;
    static int tests;

    String NS;

    FakeSpeedGauge speed;
    MutableClock clock;
    AppReconciler reconciler;
    DockerCoins app;

    @BeforeEach
    void setUp() {
        NS = "coins-" + ++tests;
        speed = new FakeSpeedGauge();
        clock = new MutableClock();
        reconciler = new AppReconciler(client, new AppTemplates(), speed, clock, OperatorConfig.Tuning.defaults());
        app = new DockerCoins();
        app.setMetadata(new ObjectMetaBuilder().withName("dockercoins").withNamespace(NS).build());
        app = client.resource(app).create();
        if (app.getMetadata().getUid() == null) {
            app.getMetadata().setUid("uid-of-dockercoins");
        }
        app.getMetadata().setGeneration(1L);
    }

    @Test
    void aNewResourceGetsTheFiveWorkloadsAndServicesOfK8sWithItsImagesAndOwner() {
        app.getSpec().setWorkers(3);
        app.getSpec().setRegistry("registry.example:5000/coins");
        reconcile();

        AppTemplates templates = new AppTemplates();
        for (String component : List.of("redis", "rng", "hasher", "webui")) {
            Deployment deployment = deployment(component);
            assertNotNull(deployment, component);
            samePodAsK8s(templates.deployment(component), deployment);
        }
        Deployment worker = deployment("worker-v0-1");
        samePodAsK8s(templates.deployment("worker"), worker);
        assertEquals(3, worker.getSpec().getReplicas());
        assertEquals("v0.1", worker.getSpec().getTemplate().getMetadata().getLabels().get(AppWorkloads.WORKER_VERSION));
        assertEquals("registry.example:5000/coins/worker:v0.1", image(worker));
        assertEquals("registry.example:5000/coins/rng:v0.1", image(deployment("rng")));
        assertEquals("redis:7", image(deployment("redis")), "redis is the official image, whatever the registry");

        for (String component : AppTemplates.COMPONENTS) {
            Service service = client.services().inNamespace(NS).withName(component).get();
            assertNotNull(service, component);
            assertEquals(templates.service(component).getSpec().getPorts(), service.getSpec().getPorts(), component);
            assertEquals(templates.service(component).getSpec().getSelector(), service.getSpec().getSelector(), component);
        }
        assertEquals("webui", app.getStatus().getPods().keySet().stream().filter("webui"::equals).findFirst().orElseThrow());
        assertEquals("0/3", app.getStatus().getPods().get("worker"));
        assertCondition("SpecValid", "True", "Valid");
        assertCondition("Ready", "False", "PodsNotReady");
    }

    /** Deleting the resource deletes the app: Kubernetes' garbage collector follows these references (the mock has none). */
    @Test
    void everyObjectIsOwnedByTheResourceSoDeletingItDeletesTheApp() {
        app.getSpec().setWorkers(2);
        reconcile();
        List<HasMetadata> created = new java.util.ArrayList<>();
        created.addAll(client.apps().deployments().inNamespace(NS).list().getItems());
        created.addAll(client.services().inNamespace(NS).list().getItems());
        assertEquals(10, created.size(), names(created));
        for (HasMetadata object : created) {
            List<OwnerReference> owners = object.getMetadata().getOwnerReferences();
            assertEquals(1, owners.size(), object.getMetadata().getName());
            OwnerReference owner = owners.get(0);
            assertEquals("dockercoins.io/v1alpha1", owner.getApiVersion());
            assertEquals("DockerCoins", owner.getKind());
            assertEquals(app.getMetadata().getUid(), owner.getUid());
            assertEquals(Boolean.TRUE, owner.getController());
            assertEquals(Boolean.TRUE, owner.getBlockOwnerDeletion());
        }
    }

    @Test
    void allReadyGivesReadyWithTheSpeedAndTheBottleneck() {
        miningOnV01(3);
        assertCondition("Ready", "True", "Running");
        assertEquals(9.9, app.getStatus().getHashesPerSecond());
        assertEquals(Map.of("v0.1", 3.3), app.getStatus().getSpeedPerWorker());
        assertEquals("1/1", app.getStatus().getPods().get("rng"));
        assertEquals("workers", app.getStatus().getBottleneck());
    }

    @Test
    void withoutAutoscaleTenWorkersOnOneRngAreLimitedByRng() {
        app.getSpec().setWorkers(10);
        reconcile();
        assertEquals(1, deployment("rng").getSpec().getReplicas());
        assertEquals("rng", app.getStatus().getBottleneck());
        assertTrue(condition("Ready").getMessage() == null || !condition("Ready").getMessage().isEmpty());
    }

    /** The workshop's lesson: 3 workers need 1 rng; 10 workers need 4 (one rng serves 10 loops/s, a worker makes 3.3). */
    @Test
    void withAutoscaleRngFollowsTheWorkers() {
        app.getSpec().setAutoscaleRng(true);
        app.getSpec().setWorkers(3);
        reconcile();
        assertEquals(1, deployment("rng").getSpec().getReplicas());

        app.getSpec().setWorkers(10);
        app.getMetadata().setGeneration(2L);
        reconcile();
        assertEquals(4, deployment("rng").getSpec().getReplicas());
        assertEquals(10, deployment("worker-v0-1").getSpec().getReplicas());
        assertEquals("workers", app.getStatus().getBottleneck(), "4 rng serve 40 loops/s, 10 workers make 33");

        app.getSpec().setWorkers(4);
        reconcile();
        assertEquals(2, deployment("rng").getSpec().getReplicas());
    }

    @Test
    void daemonSetPlacementRunsRngOnEveryNodeInsteadOfTheDeployment() {
        reconcile();
        assertNotNull(deployment("rng"));
        app.getSpec().setRngPlacement("DaemonSet");
        reconcile();
        DaemonSet daemonSet = client.apps().daemonSets().inNamespace(NS).withName("rng").get();
        assertNotNull(daemonSet);
        samePodAsK8s(new AppTemplates().deployment("rng"), daemonSet.getSpec().getTemplate().getSpec().getContainers().get(0));
        assertNull(deployment("rng"), "the rng Deployment goes when rng runs as a DaemonSet");
    }

    @Test
    void aGoodVersionRollsOutOneWorkerAtATime() {
        miningOnV01(3);

        app.getSpec().setWorkerVersion("v0.2");
        reconcile();
        assertWorkers(Map.of("v0.1", 2, "v0.2", 1));
        assertCondition("Progressing", "True", "RollingOut");
        assertEquals(3.3, app.getStatus().getRollout().getBaselinePerWorker());
        assertEquals("v0.1", app.getStatus().getWorkerVersion());

        for (int step = 1; step <= 3; step++) {
            markAllReady();
            reconcile(); // the new worker is seen ready: its speed is judged one step later
            assertWorkers(step == 1 ? Map.of("v0.1", 2, "v0.2", 1) : step == 2 ? Map.of("v0.1", 1, "v0.2", 2) : Map.of("v0.1", 0, "v0.2", 3));
            clock.advance(Duration.ofSeconds(31));
            speed.clear().set("v0.1", 3 - step, 3.3).set("v0.2", step, 3.2);
            reconcile();
        }
        assertWorkers(Map.of("v0.2", 3));
        assertNull(deployment("worker-v0-1"), "the old version's Deployment is gone");
        assertEquals("v0.2", app.getStatus().getWorkerVersion());
        assertNull(app.getStatus().getRollout());
        assertCondition("Progressing", "False", "RolloutComplete");
    }

    @Test
    void aSlowVersionIsRolledBackByItself() {
        miningOnV01(3);

        app.getSpec().setWorkerVersion("v0.3-slow");
        reconcile();
        assertWorkers(Map.of("v0.1", 2, "v0.3-slow", 1));
        markAllReady();
        reconcile();
        clock.advance(Duration.ofSeconds(31));
        speed.clear().set("v0.1", 2, 3.3).set("v0.3-slow", 1, 1.1);
        reconcile();

        assertWorkers(Map.of("v0.1", 3));
        assertNull(deployment("worker-v0-3-slow"));
        assertEquals("v0.1", app.getStatus().getWorkerVersion());
        assertEquals("v0.3-slow", app.getStatus().getRejectedVersion());
        Condition rolledBack = assertCondition("RolledBack", "True", "SlowerVersion");
        assertTrue(rolledBack.getMessage().contains("v0.3-slow mined 1.10 hashes/s per worker, below 50% of v0.1's 3.30"),
                rolledBack.getMessage());

        markAllReady();
        clock.advance(Duration.ofMinutes(5));
        reconcile();
        assertWorkers(Map.of("v0.1", 3)); // not tried again while the spec still names it
        assertNull(app.getStatus().getRollout());
    }

    @Test
    void aVersionThatNeverGetsReadyIsRolledBack() {
        app.getSpec().setWorkers(2);
        reconcile();
        markAllReady();
        app.getSpec().setWorkerVersion("v9.9-missing");
        reconcile();
        clock.advance(Duration.ofMinutes(2));
        reconcile();
        assertWorkers(Map.of("v0.1", 1, "v9.9-missing", 1));
        clock.advance(Duration.ofMinutes(2));
        reconcile();
        assertWorkers(Map.of("v0.1", 2));
        assertCondition("RolledBack", "True", "NotReady");
    }

    @Test
    void theRolloutWaitsWhileTheSpeedCannotBeRead() {
        miningOnV01(2);
        app.getSpec().setWorkerVersion("v0.2");
        reconcile();
        markAllReady();
        reconcile();
        speed.unreadable();
        clock.advance(Duration.ofSeconds(31));
        reconcile();
        assertWorkers(Map.of("v0.1", 1, "v0.2", 1));
        assertCondition("Progressing", "True", "SpeedUnknown");
    }

    @Test
    void nonsenseIsRefusedWithAConditionAndChangesNothing() {
        app.getSpec().setWorkers(2);
        reconcile();
        Deployment before = deployment("worker-v0-1");

        app.getSpec().setWorkers(-3);
        app.getSpec().setRngPlacement("Everywhere");
        app.getMetadata().setGeneration(2L);
        AppReconciler.Result result = reconcile();

        Condition valid = assertCondition("SpecValid", "False", "InvalidSpec");
        assertTrue(valid.getMessage().contains("spec.workers is -3: it must be between 0 and 100"), valid.getMessage());
        assertTrue(valid.getMessage().contains("spec.rngPlacement is \"Everywhere\": it must be Deployment or DaemonSet"), valid.getMessage());
        assertCondition("Ready", "False", "InvalidSpec");
        assertEquals(2L, app.getStatus().getObservedGeneration());
        assertEquals(before.getSpec().getReplicas(), deployment("worker-v0-1").getSpec().getReplicas());
        assertEquals(Duration.ofSeconds(10), result.next(), "looked at again calmly, not in a retry loop");

        app.getSpec().setWorkers(2);
        app.getSpec().setRngPlacement("Deployment");
        reconcile();
        assertCondition("SpecValid", "True", "Valid");
    }

    @Test
    void aFreshResourceWithNoSpecValuesUsesTheDefaults() {
        DockerCoinsSpec spec = new DockerCoinsSpec();
        assertEquals(List.of(), SpecCheck.problems(spec));
        spec.setWorkerVersion("not a tag!");
        spec.setRegistry("Upper/Case");
        spec.setRngReplicas(0);
        assertEquals(3, SpecCheck.problems(spec).size(), SpecCheck.problems(spec).toString());
    }

    // ---- helpers

    /** The app up and mining on v0.1: its pods ready, each worker at 3.3 hashes/s. */
    private void miningOnV01(int workers) {
        app.getSpec().setWorkers(workers);
        reconcile();
        markAllReady();
        speed.set("v0.1", workers, 3.3);
        reconcile();
    }

    private AppReconciler.Result reconcile() {
        AppReconciler.Result result = reconciler.reconcile(app);
        app.setStatus(result.status());
        return result;
    }

    private Deployment deployment(String name) {
        return client.apps().deployments().inNamespace(NS).withName(name).get();
    }

    /** Plays the Deployment controller: every Deployment's pods are ready. */
    private void markAllReady() {
        for (Deployment d : client.apps().deployments().inNamespace(NS).list().getItems()) {
            int replicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
            d.setStatus(new DeploymentStatusBuilder().withReplicas(replicas).withReadyReplicas(replicas).build());
            client.resource(d).updateStatus();
        }
    }

    private void assertWorkers(Map<String, Integer> expected) {
        Map<String, Integer> actual = new TreeMap<>();
        for (Deployment d : client.apps().deployments().inNamespace(NS).withLabel(AppWorkloads.NAME, "worker").list().getItems()) {
            actual.put(d.getMetadata().getLabels().get(AppWorkloads.WORKER_VERSION), d.getSpec().getReplicas());
        }
        assertEquals(new TreeMap<>(expected), actual);
    }

    private Condition condition(String type) {
        return app.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    }

    private Condition assertCondition(String type, String status, String reason) {
        Condition condition = condition(type);
        assertNotNull(condition, "no condition " + type + " in " + app.getStatus().getConditions());
        assertEquals(status + " " + reason, condition.getStatus() + " " + condition.getReason(), condition.getMessage());
        return condition;
    }

    private static String image(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    }

    /** The pod the operator runs is k8s/'s: the same pod-level settings and the same container but for its image and version. */
    private static void samePodAsK8s(Deployment template, Deployment actual) {
        var expectedPod = template.getSpec().getTemplate().getSpec();
        var actualPod = actual.getSpec().getTemplate().getSpec();
        assertEquals(expectedPod.getSecurityContext(), actualPod.getSecurityContext());
        assertEquals(expectedPod.getVolumes(), actualPod.getVolumes());
        assertEquals(expectedPod.getAutomountServiceAccountToken(), actualPod.getAutomountServiceAccountToken());
        assertEquals(template.getSpec().getStrategy(), actual.getSpec().getStrategy());
        samePodAsK8s(template, actualPod.getContainers().get(0));
    }

    private static void samePodAsK8s(Deployment template, Container actual) {
        Container expected = template.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals(expected.getLivenessProbe(), actual.getLivenessProbe());
        assertEquals(expected.getReadinessProbe(), actual.getReadinessProbe());
        assertEquals(expected.getStartupProbe(), actual.getStartupProbe());
        assertEquals(expected.getResources(), actual.getResources());
        assertEquals(expected.getSecurityContext(), actual.getSecurityContext());
        assertEquals(expected.getPorts(), actual.getPorts());
        assertEquals(expected.getVolumeMounts(), actual.getVolumeMounts());
        assertEquals(expected.getCommand(), actual.getCommand());
        List<String> expectedEnv = expected.getEnv().stream().map(Object::toString).collect(Collectors.toList());
        List<String> actualEnv = actual.getEnv().stream().filter(e -> !e.getName().equals("WORKER_VERSION"))
                .map(Object::toString).collect(Collectors.toList());
        assertEquals(expectedEnv, actualEnv);
        assertFalse(actual.getImage().startsWith("dockercoins/"), actual.getImage());
    }

    private static String names(List<HasMetadata> objects) {
        return objects.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).collect(Collectors.joining(", "));
    }
}
