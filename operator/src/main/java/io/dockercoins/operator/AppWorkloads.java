package io.dockercoins.operator;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;

/**
 * The objects a DockerCoins resource stands for, built from the k8s/*.yaml templates. What changes: the namespace,
 * the owner (the DockerCoins resource, so deleting it deletes them), managed-by, the images
 * ({@code <registry>/<service>:<tag>}), the replicas, and for the workers one Deployment per version (worker-v0-2,
 * labelled dockercoins.io/worker-version, its pods told their version in WORKER_VERSION) so that a rollout can move
 * workers from one version to the next one at a time.
 */
public final class AppWorkloads {

    /** The label every DockerCoins pod and workload carries, as `kubectl create deployment` sets it (app=worker). */
    public static final String NAME = "app";
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String OPERATOR = "dockercoins-operator";
    public static final String WORKER_VERSION = "dockercoins.io/worker-version";

    private final AppTemplates templates;

    public AppWorkloads(AppTemplates templates) {
        this.templates = templates;
    }

    public List<Service> services(DockerCoins app) {
        List<Service> services = new ArrayList<>();
        for (String component : AppTemplates.COMPONENTS) {
            services.add(own(templates.service(component), app));
        }
        return services;
    }

    /** redis, hasher or webui: one pod each, as in k8s/. */
    public Deployment single(DockerCoins app, String component) {
        Deployment deployment = own(templates.deployment(component), app);
        if (!component.equals("redis")) {
            image(deployment.getSpec().getTemplate(), app, component, app.getSpec().getVersion());
        }
        deployment.getSpec().setReplicas(1);
        return deployment;
    }

    public Deployment rng(DockerCoins app, int replicas) {
        Deployment deployment = own(templates.deployment("rng"), app);
        image(deployment.getSpec().getTemplate(), app, "rng", app.getSpec().getVersion());
        deployment.getSpec().setReplicas(replicas);
        return deployment;
    }

    /** rng on every node: the rng Deployment's pod spec, as k8s/daemonset-rng/ does it. */
    public DaemonSet rngDaemonSet(DockerCoins app) {
        Deployment deployment = rng(app, 1);
        return new DaemonSetBuilder()
                .withMetadata(deployment.getMetadata())
                .withNewSpec()
                .withSelector(deployment.getSpec().getSelector())
                .withTemplate(deployment.getSpec().getTemplate())
                .withNewUpdateStrategy()
                .withType("RollingUpdate")
                .withNewRollingUpdate().withMaxSurge(new IntOrString(1)).withMaxUnavailable(new IntOrString(0)).endRollingUpdate()
                .endUpdateStrategy()
                .endSpec()
                .build();
    }

    public Deployment worker(DockerCoins app, String version, int replicas) {
        Deployment deployment = own(templates.deployment("worker"), app);
        deployment.getMetadata().setName(workerDeploymentName(version));
        deployment.getMetadata().getLabels().put(WORKER_VERSION, version);
        deployment.getSpec().getSelector().getMatchLabels().put(WORKER_VERSION, version);
        PodTemplateSpec pod = deployment.getSpec().getTemplate();
        pod.getMetadata().getLabels().put(WORKER_VERSION, version);
        image(pod, app, "worker", version);
        Container worker = pod.getSpec().getContainers().get(0);
        worker.getEnv().removeIf(env -> env.getName().equals("WORKER_VERSION"));
        worker.getEnv().add(new EnvVar("WORKER_VERSION", version, null));
        deployment.getSpec().setReplicas(replicas);
        return deployment;
    }

    /** worker-v0-2 for v0.2: a DNS label, as pod host names must be. */
    public static String workerDeploymentName(String version) {
        String name = "worker-" + version.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        return name.length() > 40 ? name.substring(0, 40).replaceAll("-+$", "") : name;
    }

    public static OwnerReference ownerReference(DockerCoins app) {
        return new OwnerReferenceBuilder()
                .withApiVersion(app.getApiVersion())
                .withKind(app.getKind())
                .withName(app.getMetadata().getName())
                .withUid(app.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build();
    }

    private static <T extends HasMetadata> T own(T resource, DockerCoins app) {
        ObjectMeta meta = resource.getMetadata();
        meta.setNamespace(app.getMetadata().getNamespace());
        meta.setOwnerReferences(List.of(ownerReference(app)));
        meta.setLabels(managed(meta.getLabels()));
        PodTemplateSpec pod = resource instanceof Deployment d ? d.getSpec().getTemplate() : null;
        if (pod != null) {
            pod.getMetadata().setLabels(managed(pod.getMetadata().getLabels()));
        }
        return resource;
    }

    private static Map<String, String> managed(Map<String, String> labels) {
        Map<String, String> copy = labels == null ? new HashMap<>() : new HashMap<>(labels);
        copy.put(MANAGED_BY, OPERATOR);
        return copy;
    }

    /** Our images are {@code <registry>/<service>:<tag>}; redis is the official image and stays as it is. */
    private static void image(PodTemplateSpec pod, DockerCoins app, String component, String tag) {
        Container container = pod.getSpec().getContainers().get(0);
        container.setImage(app.getSpec().getRegistry() + "/" + component + ":" + tag);
    }
}
