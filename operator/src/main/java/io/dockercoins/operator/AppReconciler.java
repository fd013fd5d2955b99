package io.dockercoins.operator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/**
 * One pass over one DockerCoins resource: check the spec, make the workloads and Services what it asks for (rng
 * sized for the workers when autoscaleRng is on, the workers split between versions during a rollout), then
 * write what it sees in a new status. Plain Java over a KubernetesClient, so that tests drive it against the
 * fabric8 mock server with a fake speed and a fake clock.
 */
public class AppReconciler {

    private static final Logger LOG = Logger.getLogger(AppReconciler.class);
    static final String FIELD_MANAGER = AppWorkloads.OPERATOR;

    /** What to write back and when to look again. */
    public record Result(DockerCoinsStatus status, Duration next) {
    }

    private final KubernetesClient client;
    private final AppWorkloads workloads;
    private final SpeedGauge gauge;
    private final Clock clock;
    private final OperatorConfig.Tuning tuning;
    private final MiningModel model;
    private final RolloutPlanner planner;

    public AppReconciler(KubernetesClient client, AppTemplates templates, SpeedGauge gauge, Clock clock,
            OperatorConfig.Tuning tuning) {
        this.client = client;
        this.workloads = new AppWorkloads(templates);
        this.gauge = gauge;
        this.clock = clock;
        this.tuning = tuning;
        this.model = new MiningModel(tuning);
        this.planner = new RolloutPlanner(tuning);
    }

    public Result reconcile(DockerCoins app) {
        Instant now = clock.instant();
        String namespace = app.getMetadata().getNamespace();
        Long generation = app.getMetadata().getGeneration();
        DockerCoinsStatus status = copy(app.getStatus());
        status.setObservedGeneration(generation);

        List<String> problems = SpecCheck.problems(app.getSpec());
        if (!problems.isEmpty()) {
            String message = String.join("; ", problems) + ". Nothing was changed: the app runs as before.";
            Conditions.set(status, Conditions.SPEC_VALID, false, "InvalidSpec", message, generation, now);
            Conditions.set(status, Conditions.READY, false, "InvalidSpec", message, generation, now);
            LOG.infof("DockerCoins %s/%s refused: %s", namespace, app.getMetadata().getName(), message);
            return new Result(status, tuning.statusInterval());
        }
        Conditions.set(status, Conditions.SPEC_VALID, true, "Valid", "the spec is valid", generation, now);
        DockerCoinsSpec spec = app.getSpec();

        Optional<MiningSpeed> speed = gauge.read(namespace);
        List<Deployment> workerDeployments = owned(app, client.apps().deployments().inNamespace(namespace)
                .withLabel(AppWorkloads.NAME, "worker").list().getItems());
        RolloutPlanner.Plan plan = planner.plan(app, status, version -> readyWorkers(workerDeployments, version), speed, now);

        for (HasMetadata service : workloads.services(app)) {
            apply(service);
        }
        for (String component : List.of("redis", "hasher", "webui")) {
            apply(workloads.single(app, component));
        }
        int rngPods = placeRng(app);
        for (Map.Entry<String, Integer> version : plan.workers().entrySet()) {
            apply(workloads.worker(app, version.getKey(), version.getValue()));
        }
        for (Deployment old : workerDeployments) {
            String version = old.getMetadata().getLabels().get(AppWorkloads.WORKER_VERSION);
            if (!plan.workers().containsKey(version)) {
                client.resource(old).delete();
            }
        }

        observe(app, status, plan, rngPods, speed, now);
        return new Result(status, plan.rolling() ? tuning.rolloutInterval() : tuning.statusInterval());
    }

    /** rng as a Deployment (sized by hand or for the workers) or a DaemonSet; the other one goes. Returns the pods wanted. */
    private int placeRng(DockerCoins app) {
        DockerCoinsSpec spec = app.getSpec();
        String namespace = app.getMetadata().getNamespace();
        if (SpecCheck.DAEMON_SET.equals(spec.getRngPlacement())) {
            apply(workloads.rngDaemonSet(app));
            deleteOwned(app, client.apps().deployments().inNamespace(namespace).withName("rng").get());
            DaemonSet daemonSet = client.apps().daemonSets().inNamespace(namespace).withName("rng").get();
            return daemonSet == null || daemonSet.getStatus() == null || daemonSet.getStatus().getDesiredNumberScheduled() == null
                    ? 1 : daemonSet.getStatus().getDesiredNumberScheduled();
        }
        int replicas = Boolean.TRUE.equals(spec.getAutoscaleRng()) ? model.rngFor(spec.getWorkers()) : spec.getRngReplicas();
        apply(workloads.rng(app, replicas));
        deleteOwned(app, client.apps().daemonSets().inNamespace(namespace).withName("rng").get());
        return replicas;
    }

    private void observe(DockerCoins app, DockerCoinsStatus status, RolloutPlanner.Plan plan, int rngPods,
            Optional<MiningSpeed> speed, Instant now) {
        String namespace = app.getMetadata().getNamespace();
        Long generation = app.getMetadata().getGeneration();
        Map<String, String> pods = new TreeMap<>();
        for (String component : List.of("redis", "hasher", "webui")) {
            pods.put(component, ready(client.apps().deployments().inNamespace(namespace).withName(component).get()) + "/1");
        }
        if (SpecCheck.DAEMON_SET.equals(app.getSpec().getRngPlacement())) {
            DaemonSet daemonSet = client.apps().daemonSets().inNamespace(namespace).withName("rng").get();
            int ready = daemonSet == null || daemonSet.getStatus() == null || daemonSet.getStatus().getNumberReady() == null
                    ? 0 : daemonSet.getStatus().getNumberReady();
            pods.put("rng", ready + "/" + rngPods);
        } else {
            pods.put("rng", ready(client.apps().deployments().inNamespace(namespace).withName("rng").get()) + "/" + rngPods);
        }
        List<Deployment> workers = owned(app, client.apps().deployments().inNamespace(namespace)
                .withLabel(AppWorkloads.NAME, "worker").list().getItems());
        int readyWorkers = workers.stream().mapToInt(AppReconciler::ready).sum();
        pods.put("worker", readyWorkers + "/" + app.getSpec().getWorkers());
        status.setPods(pods);

        status.setHashesPerSecond(speed.map(s -> MiningSpeed.round(s.total())).orElse(null));
        status.setSpeedPerWorker(speed.map(MiningSpeed::perWorkerByVersion).orElse(new TreeMap<>()));
        int workerCount = app.getSpec().getWorkers();
        status.setBottleneck(model.bottleneck(workerCount, rngPods));

        List<String> waiting = pods.entrySet().stream().filter(e -> !isFull(e.getValue()))
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.toList());
        String mining = String.format(Locale.ROOT, "%d workers, %d rng: %s; the model expects %.1f hashes/s, limited by %s",
                workerCount, rngPods, speed.map(s -> String.format(Locale.ROOT, "mining %.1f hashes/s", s.total()))
                        .orElse("speed not readable from webui yet"),
                model.expected(workerCount, rngPods), status.getBottleneck());
        if (waiting.isEmpty()) {
            Conditions.set(status, Conditions.READY, true, "Running", mining, generation, now);
        } else {
            Conditions.set(status, Conditions.READY, false, "PodsNotReady", "waiting for " + String.join(", ", waiting)
                    + " ready pods", generation, now);
        }
    }

    private static boolean isFull(String readyOfWanted) {
        String[] parts = readyOfWanted.split("/");
        return Integer.parseInt(parts[0]) >= Integer.parseInt(parts[1]);
    }

    private static int readyWorkers(List<Deployment> workers, String version) {
        return workers.stream().filter(d -> version.equals(d.getMetadata().getLabels().get(AppWorkloads.WORKER_VERSION)))
                .mapToInt(AppReconciler::ready).sum();
    }

    private static int ready(Deployment deployment) {
        return deployment == null || deployment.getStatus() == null || deployment.getStatus().getReadyReplicas() == null
                ? 0 : deployment.getStatus().getReadyReplicas();
    }

    private static <T extends HasMetadata> List<T> owned(DockerCoins app, List<T> resources) {
        List<T> owned = new ArrayList<>();
        for (T resource : resources) {
            if (isOwned(app, resource)) {
                owned.add(resource);
            }
        }
        return owned;
    }

    private static boolean isOwned(DockerCoins app, HasMetadata resource) {
        return resource != null && resource.getMetadata().getOwnerReferences() != null && resource.getMetadata()
                .getOwnerReferences().stream().anyMatch(o -> app.getMetadata().getUid().equals(o.getUid()));
    }

    private void deleteOwned(DockerCoins app, HasMetadata resource) {
        if (isOwned(app, resource)) {
            client.resource(resource).delete();
        }
    }

    /**
     * Created when missing, else a JSON merge patch of the whole spec: the fields the operator writes follow the
     * DockerCoins spec, the status (and the defaults the API server fills in) stay. Not server-side apply: the
     * fabric8 mock API server that the tests run against does not take it.
     */
    private void apply(HasMetadata resource) {
        var existing = client.resource(resource);
        if (existing.get() == null) {
            existing.create();
        } else {
            existing.patch(PatchContext.of(PatchType.JSON_MERGE), resource);
        }
    }

    private static DockerCoinsStatus copy(DockerCoinsStatus status) {
        DockerCoinsStatus copy = new DockerCoinsStatus();
        if (status != null) {
            copy.setWorkerVersion(status.getWorkerVersion());
            copy.setRollout(status.getRollout());
            copy.setRejectedVersion(status.getRejectedVersion());
            copy.setConditions(new ArrayList<>(status.getConditions() == null ? List.of() : status.getConditions()));
        }
        return copy;
    }
}
