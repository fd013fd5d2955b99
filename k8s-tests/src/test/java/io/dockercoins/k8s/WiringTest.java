package io.dockercoins.k8s;

import static io.dockercoins.k8s.StrictParsingTest.assertNoProblems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

/** The pieces fit: Services find pods and ports, probes and env are what the apps serve and read, images are compose's. */
class WiringTest {

    static final String NAME = "app";
    static final String VERSION = "app.kubernetes.io/version";

    /** What a folder adds to: a scenario is applied on top of the top level. */
    static List<Manifests.Doc> universe(String folder) {
        List<Manifests.Doc> docs = new ArrayList<>(Manifests.folder(folder));
        if (!folder.isEmpty()) {
            // the scenario's objects replace the top level's of the same kind and name
            Set<String> replaced = docs.stream().map(d -> d.kind() + "/" + d.name()).collect(Collectors.toSet());
            Manifests.topLevel().stream().filter(d -> !replaced.contains(d.kind() + "/" + d.name())).forEach(docs::add);
        }
        return docs;
    }

    static List<String> folders() {
        return Manifests.all().stream().map(Manifests.Doc::folder).distinct().sorted().collect(Collectors.toList());
    }

    static boolean selects(Map<String, String> selector, Map<String, String> labels) {
        return selector != null && !selector.isEmpty() && labels.entrySet().containsAll(selector.entrySet());
    }

    static Map<String, String> env(Container c) {
        Map<String, String> env = new LinkedHashMap<>();
        if (c.getEnv() != null) {
            for (EnvVar e : c.getEnv()) {
                env.put(e.getName(), e.getValue());
            }
        }
        return env;
    }

    static String service(Manifests.Workload w) {
        return w.podLabels().get(NAME);
    }

    /**
     * A Service for something outside the cluster (k8s/external-redis): an ExternalName, or no selector and an
     * EndpointSlice of its own that gives the addresses (kubernetes.io/service-name).
     */
    static boolean pointsOutside(Service svc, List<Manifests.Doc> docs) {
        if ("ExternalName".equals(svc.getSpec().getType())) {
            return svc.getSpec().getExternalName() != null && !svc.getSpec().getExternalName().isBlank();
        }
        boolean noSelector = svc.getSpec().getSelector() == null || svc.getSpec().getSelector().isEmpty();
        return noSelector && docs.stream().anyMatch(d -> d.resource() instanceof io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice slice
                && svc.getMetadata().getName().equals(slice.getMetadata().getLabels().get("kubernetes.io/service-name")));
    }

    @Test
    void everyServiceSelectsPodsAndReachesAContainerPort() {
        // (a Service for a Redis outside the cluster selects no pod on purpose: see pointsOutside)
        List<String> problems = new ArrayList<>();
        for (String folder : folders()) {
            List<Manifests.Doc> docs = universe(folder);
            List<Manifests.Workload> workloads = Manifests.workloads(docs);
            for (Manifests.Doc doc : Manifests.folder(folder)) {
                if (!(doc.resource() instanceof Service svc)) {
                    continue;
                }
                Map<String, String> selector = svc.getSpec().getSelector();
                if (pointsOutside(svc, docs)) {
                    continue;
                }
                List<Manifests.Workload> selected = workloads.stream().filter(w -> selects(selector, w.podLabels())).collect(Collectors.toList());
                if (selected.isEmpty()) {
                    problems.add(doc.where() + ": selector " + selector + " matches no pod template");
                }
                for (ServicePort port : svc.getSpec().getPorts()) {
                    IntOrString target = port.getTargetPort() != null ? port.getTargetPort() : new IntOrString(port.getPort());
                    for (Manifests.Workload w : selected) {
                        if (w.containers().stream().noneMatch(c -> hasPort(c, target))) {
                            problems.add(doc.where() + ": targetPort " + target.getValue() + " is no container port of " + w.doc().where());
                        }
                    }
                }
            }
        }
        assertNoProblems(problems);
    }

    static boolean hasPort(Container c, IntOrString port) {
        if (c.getPorts() == null) {
            return false;
        }
        for (ContainerPort p : c.getPorts()) {
            if (port.getIntVal() != null && Objects.equals(p.getContainerPort(), port.getIntVal())) {
                return true;
            }
            if (port.getStrVal() != null && port.getStrVal().equals(p.getName())) {
                return true;
            }
        }
        return false;
    }

    static Integer resolvePort(Container c, IntOrString port) {
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        return c.getPorts() == null ? null : c.getPorts().stream().filter(p -> port.getStrVal().equals(p.getName()))
                .map(ContainerPort::getContainerPort).findFirst().orElse(null);
    }

    @Test
    void theAppsListenOnTheirContainerPortsAndProbesHitWhatTheyServe() {
        List<String> problems = new ArrayList<>();
        for (Manifests.Workload w : Manifests.workloads(Manifests.all())) {
            String service = service(w);
            if (service == null || !AppFacts.composeImages().containsKey(service)) {
                problems.add(w.doc().where() + ": pods labelled " + NAME + "=" + service + ", no such compose service");
                continue;
            }
            if (Manifests.isBatch(w.doc().resource())) {
                continue; // run to completion (the load test, the report): no probes
            }
            for (Container c : w.containers()) {
                String where = w.doc().where() + " container " + c.getName();
                if (c.getStartupProbe() == null || c.getReadinessProbe() == null || c.getLivenessProbe() == null) {
                    problems.add(where + ": needs startup, readiness and liveness probes");
                    continue;
                }
                if (!AppFacts.builtFromSource(service)) {
                    for (Probe probe : List.of(c.getStartupProbe(), c.getReadinessProbe(), c.getLivenessProbe())) {
                        if (probe.getTcpSocket() != null && resolvePort(c, probe.getTcpSocket().getPort()) == null) {
                            problems.add(where + ": tcpSocket probe on " + probe.getTcpSocket().getPort().getValue() + ", not a container port");
                        }
                    }
                    continue;
                }
                int listen = AppFacts.listenPort(service, env(c));
                if (c.getPorts() == null || c.getPorts().stream().noneMatch(p -> p.getContainerPort() == listen)) {
                    problems.add(where + ": the app listens on " + listen + ", no container port says so");
                }
                if (!AppFacts.servesQuarkusHealth(service)) {
                    problems.add(where + ": " + service + " has no quarkus-smallrye-health, the probes' paths do not exist");
                }
                checkProbe(problems, where + " startupProbe", c, c.getStartupProbe(), "/q/health/started", listen);
                checkProbe(problems, where + " readinessProbe", c, c.getReadinessProbe(), "/q/health/ready", listen);
                checkProbe(problems, where + " livenessProbe", c, c.getLivenessProbe(), "/q/health/live", listen);
            }
        }
        assertNoProblems(problems);
    }

    private static void checkProbe(List<String> problems, String where, Container c, Probe probe, String path, int listen) {
        if (probe.getHttpGet() == null) {
            problems.add(where + ": not an HTTP probe on " + path);
            return;
        }
        if (!path.equals(probe.getHttpGet().getPath())) {
            problems.add(where + ": path " + probe.getHttpGet().getPath() + ", expected " + path
                    + (path.equals("/q/health/live") && "/".equals(probe.getHttpGet().getPath()) ? " (/ waits in rng's line)" : ""));
        }
        Integer port = resolvePort(c, probe.getHttpGet().getPort());
        if (port == null || port != listen) {
            problems.add(where + ": port " + probe.getHttpGet().getPort().getValue() + ", the app listens on " + listen);
        }
        if (probe.getTimeoutSeconds() == null || probe.getTimeoutSeconds() < 1) {
            problems.add(where + ": needs a timeout");
        }
    }

    @Test
    void envVariablesAreOnesTheAppsReadAndPointAtServicesThatExist() {
        List<String> problems = new ArrayList<>();
        for (String folder : folders()) {
            List<Manifests.Doc> docs = universe(folder);
            Map<String, Service> services = Manifests.services(docs).stream()
                    .collect(Collectors.toMap(s -> s.getMetadata().getName(), s -> s, (a, b) -> a));
            for (Manifests.Workload w : Manifests.workloads(Manifests.folder(folder))) {
                String service = service(w);
                if (service == null || !AppFacts.builtFromSource(service)) {
                    continue;
                }
                Set<String> read = AppFacts.envRead(service);
                for (Container c : w.containers()) {
                    Map<String, String> env = env(c);
                    for (String name : env.keySet()) {
                        if (!AppFacts.reads(read, name)) {
                            problems.add(w.doc().where() + ": env " + name + " is not read by " + service + " (it reads " + read + ")");
                        }
                    }
                    env.forEach((name, value) -> {
                        if (name.endsWith("_URL") && value != null) {
                            URI uri = URI.create(value);
                            int port = uri.getPort() == -1 ? 80 : uri.getPort();
                            checkServicePort(problems, w.doc().where() + " env " + name, services, uri.getHost(), port);
                        }
                    });
                    if (env.containsKey("REDIS_HOST")) {
                        int port = Integer.parseInt(env.getOrDefault("REDIS_PORT", "6379"));
                        checkServicePort(problems, w.doc().where() + " env REDIS_HOST", services, env.get("REDIS_HOST"), port);
                    }
                }
            }
        }
        assertNoProblems(problems);
    }

    /** Every secretKeyRef of k8s/ (secret/key names; where it is read). */
    static Map<String, List<String>> secretKeyRefs() {
        Map<String, List<String>> refs = new LinkedHashMap<>();
        for (Manifests.Workload w : Manifests.workloads(Manifests.all())) {
            for (Container c : w.containers()) {
                for (EnvVar e : c.getEnv() == null ? List.<EnvVar>of() : c.getEnv()) {
                    if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
                        var ref = e.getValueFrom().getSecretKeyRef();
                        refs.computeIfAbsent(ref.getName() + "/" + ref.getKey(), k -> new ArrayList<>())
                                .add(w.doc().where() + " " + c.getName() + " " + e.getName() + (Boolean.TRUE.equals(ref.getOptional()) ? "" : " (required)"));
                    }
                }
            }
        }
        return refs;
    }

    /**
     * The Redis password: one optional Secret key that Redis (requirepass, and redis-cli in its probe) and its two
     * clients all read, so `kubectl apply -f k8s/` works without it and one `kubectl create secret` turns it on.
     */
    @Test
    void theRedisPasswordIsOneOptionalSecretKeySharedByRedisAndItsClients() {
        Map<String, List<String>> refs = secretKeyRefs();
        assertEquals(Set.of("redis/password"), refs.keySet(), "the manifests read one secret key: " + refs);
        List<String> readers = refs.get("redis/password");
        assertTrue(readers.stream().noneMatch(r -> r.endsWith("(required)")), "a required Secret would stop the default deploy: " + readers);
        for (String reader : List.of("Deployment/redis redis REDIS_PASSWORD", "Deployment/redis redis REDISCLI_AUTH",
                "Deployment/worker worker REDIS_PASSWORD", "Deployment/webui webui REDIS_PASSWORD")) {
            assertTrue(readers.stream().anyMatch(r -> r.contains(reader)), reader + " must come from redis/password: " + readers);
        }
        List<Manifests.Workload> redises = Manifests.workloads(Manifests.all()).stream().filter(w -> "redis".equals(service(w))).toList();
        assertTrue(redises.size() >= 2, "k8s/redis.yaml and k8s/stateful-redis: " + redises);
        for (Manifests.Workload w : redises) {
            Container redis = w.containers().get(0);
            String command = String.join(" ", Objects.requireNonNullElse(redis.getCommand(), List.of())) + " "
                    + String.join(" ", Objects.requireNonNullElse(redis.getArgs(), List.of()));
            assertTrue(command.contains("--requirepass \"$REDIS_PASSWORD\""), w.doc().where() + ": redis must require the Secret's password: " + command);
            assertTrue(command.contains("${REDIS_PASSWORD:+"), w.doc().where() + ": without the Secret, redis must start with no password: " + command);
            if (redis.getCommand() != null) {
                // a command skips the image's entrypoint, which is what turns protected mode off: without it and without
                // a password, Redis answers other pods only "DENIED ... protected mode"
                assertTrue(command.contains("--protected-mode no"), w.doc().where() + ": redis would refuse the other pods: " + command);
            }
        }
    }

    /**
     * Kubernetes sets Docker-link-style variables for every Service of the namespace in every pod unless
     * enableServiceLinks is false: for the Service redis, REDIS_PORT=tcp://10.96.0.12:6379, which is also the
     * name of the worker's and webui's Redis port setting. No app may read a name that Kubernetes could set.
     */
    @Test
    void serviceLinkVariablesCannotReachTheApps() {
        List<String> problems = new ArrayList<>();
        for (String folder : folders()) {
            List<Service> services = Manifests.services(universe(folder));
            for (Manifests.Workload w : Manifests.workloads(Manifests.folder(folder))) {
                String service = service(w);
                if (service == null || !AppFacts.builtFromSource(service)
                        || Boolean.FALSE.equals(w.template().getSpec().getEnableServiceLinks())) {
                    continue;
                }
                Set<String> read = AppFacts.envRead(service);
                for (Container c : w.containers()) {
                    for (String link : serviceLinks(services)) {
                        if (AppFacts.reads(read, link) && !env(c).containsKey(link)) {
                            problems.add(w.doc().where() + ": Kubernetes sets " + link + " (a Service link), which "
                                    + service + " reads; set enableServiceLinks: false");
                        }
                    }
                }
            }
        }
        assertNoProblems(problems);
    }

    static Set<String> serviceLinks(List<Service> services) {
        Set<String> names = new java.util.TreeSet<>();
        for (Service s : services) {
            String prefix = s.getMetadata().getName().toUpperCase().replace('-', '_');
            names.add(prefix + "_SERVICE_HOST");
            names.add(prefix + "_SERVICE_PORT");
            names.add(prefix + "_PORT");
            for (ServicePort p : s.getSpec().getPorts()) {
                String proto = p.getProtocol() == null ? "TCP" : p.getProtocol();
                String base = prefix + "_PORT_" + p.getPort() + "_" + proto;
                names.addAll(List.of(base, base + "_PROTO", base + "_PORT", base + "_ADDR"));
                if (p.getName() != null) {
                    names.add(prefix + "_SERVICE_PORT_" + p.getName().toUpperCase().replace('-', '_'));
                }
            }
        }
        return names;
    }

    private static void checkServicePort(List<String> problems, String where, Map<String, Service> services, String host, int port) {
        Service svc = services.get(host);
        if (svc == null) {
            problems.add(where + ": no Service named " + host);
        } else if (svc.getSpec().getPorts().stream().noneMatch(p -> p.getPort() == port)) {
            problems.add(where + ": Service " + host + " has no port " + port);
        }
    }

    /** The defaults of WORKER_RNG_URL etc. are the Service names: no env is needed, and none says otherwise. */
    @Test
    void theServicesHaveTheOriginalsNamesAndPorts() {
        List<Manifests.Doc> top = Manifests.topLevel();
        Map<String, Integer> expected = Map.of("rng", 80, "hasher", 80, "webui", 80, "redis", 6379, "worker", 80);
        expected.forEach((name, port) -> {
            Service svc = (Service) Manifests.find(top, "Service", name).orElseThrow().resource();
            assertTrue(svc.getSpec().getPorts().stream().anyMatch(p -> p.getPort().equals(port)), name + " Service has no port " + port);
        });
        Service webui = (Service) Manifests.find(top, "Service", "webui").orElseThrow().resource();
        assertEquals("NodePort", webui.getSpec().getType(), "webui must be reachable without a cloud load balancer");
        assertNull(webui.getSpec().getPorts().get(0).getNodePort(),
                "a fixed nodePort is refused in a second namespace (\"provided port is already allocated\"); kind's recipe patches one in");
        for (String name : List.of("rng", "hasher", "redis", "worker")) {
            Service svc = (Service) Manifests.find(top, "Service", name).orElseThrow().resource();
            assertEquals("ClusterIP", svc.getSpec().getType(), name + " stays inside the cluster");
        }
    }

    /**
     * `kubectl apply -n yellow -f k8s/` beside `kubectl apply -f k8s/` (the health-check lab, customscaling, Helm releases,
     * one namespace per learner): the second copy must not ask for anything the first holds. Namespaced objects are
     * apart by namespace; what is cluster-wide is the names of cluster-scoped objects and the node ports.
     */
    @Test
    void theTopLevelAppliesTwiceInTwoNamespacesWithoutAClash() {
        Set<String> clusterScoped = Set.of("Namespace", "PriorityClass", "ClusterRole", "ClusterRoleBinding", "PersistentVolume",
                "StorageClass", "CustomResourceDefinition", "IngressClass", "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration");
        List<String> problems = new ArrayList<>();
        Map<String, String> taken = new LinkedHashMap<>();
        for (String namespace : List.of("default", "yellow")) {
            for (Manifests.Doc doc : Manifests.topLevel()) {
                if (doc.resource().getMetadata().getNamespace() != null) {
                    problems.add(doc.where() + ": names namespace " + doc.resource().getMetadata().getNamespace() + ", so -n cannot move it");
                }
                List<String> claims = new ArrayList<>();
                if (clusterScoped.contains(doc.kind())) {
                    claims.add(doc.kind() + "/" + doc.name());
                }
                if (doc.resource() instanceof Service svc) {
                    svc.getSpec().getPorts().stream().filter(p -> p.getNodePort() != null).forEach(p -> claims.add("nodePort " + p.getNodePort()));
                }
                for (String claim : claims) {
                    String first = taken.putIfAbsent(claim, namespace + " " + doc.where());
                    if (first != null) {
                        problems.add(namespace + " " + doc.where() + ": " + claim + " is already " + first + "'s");
                    }
                }
            }
        }
        assertNoProblems(problems);
    }

    /** The workshop selects on app=NAME (kubectl get pods -l app=rng, stern -l app, its network policies). */
    @Test
    void everyPodTemplateCarriesTheAppLabelAndTopLevelServicesSelectOnlyIt() {
        List<String> problems = new ArrayList<>();
        for (Manifests.Workload w : Manifests.workloads(Manifests.all())) {
            if (w.podLabels().get(NAME) == null) {
                problems.add(w.doc().where() + ": pods without the label app");
            }
        }
        for (Service svc : Manifests.services(Manifests.topLevel())) {
            String name = svc.getMetadata().getName();
            if (!Map.of(NAME, name).equals(svc.getSpec().getSelector())) {
                problems.add("Service " + name + " selects " + svc.getSpec().getSelector() + ", not only app=" + name);
            }
            // what `kubectl create deployment rng --dry-run=client -o yaml`, edited into a DaemonSet, labels its pods
            if (!selects(svc.getSpec().getSelector(), Map.of("app", name))) {
                problems.add("Service " + name + ": a workshop-made DaemonSet (labels app=" + name + ") would not join it");
            }
        }
        assertNoProblems(problems);
    }

    /** active: yes unquoted is a boolean in YAML: the API server refuses a label value that is not a string. */
    @Test
    void yesIsQuotedWhereALabelSaysIt() {
        List<String> problems = new ArrayList<>();
        for (java.nio.file.Path file : Manifests.files()) {
            String text = AppFacts.readString(file);
            if (java.util.regex.Pattern.compile("(?m)^\\s*active:\\s*(yes|no|on|off|true|false)\\s*$").matcher(text).find()) {
                problems.add(Manifests.ROOT.relativize(file) + ": active: yes must be quoted (\"yes\")");
            }
        }
        assertNoProblems(problems);
    }

    @Test
    void noImageIsAnOriginalOnDockerHub() {
        List<String> problems = new ArrayList<>();
        for (Manifests.Workload w : Manifests.workloads(Manifests.all())) {
            for (Container c : w.containers()) {
                if (c.getImage().startsWith("dockercoins/")) {
                    problems.add(w.doc().where() + ": " + c.getImage() + " is the original's image on Docker Hub; ours are " + AppFacts.REGISTRY + "/...");
                }
            }
        }
        assertNoProblems(problems);
    }

    @Test
    void imagesAreTheOnesComposeBuildsOrPulls() {
        List<String> problems = new ArrayList<>();
        Map<String, String> compose = AppFacts.composeImages();
        Set<String> repositories = compose.values().stream().map(AppFacts::repository).collect(Collectors.toSet());
        for (Manifests.Workload w : Manifests.workloads(Manifests.all())) {
            String service = service(w);
            for (Container c : w.containers()) {
                String where = w.doc().where() + " container " + c.getName();
                if (!repositories.contains(AppFacts.repository(c.getImage()))) {
                    problems.add(where + ": image " + c.getImage() + " is none of docker-compose.yml's " + compose.values());
                }
                // a canary or a colour may run another version of the same image, if its pods say which (version label)
                String tag = c.getImage().substring(AppFacts.repository(c.getImage()).length()).replaceFirst("^:", "");
                boolean deliberateVersion = tag.equals(w.podLabels().get(VERSION))
                        && AppFacts.repository(c.getImage()).equals(AppFacts.repository(compose.getOrDefault(service, "")));
                if (service != null && compose.containsKey(service) && !compose.get(service).equals(c.getImage()) && !deliberateVersion) {
                    problems.add(where + ": image " + c.getImage() + ", docker-compose.yml makes " + compose.get(service));
                }
                if (!"IfNotPresent".equals(c.getImagePullPolicy())) {
                    problems.add(where + ": imagePullPolicy " + c.getImagePullPolicy()
                            + ", IfNotPresent uses images loaded into kind or minikube");
                }
            }
        }
        assertNoProblems(problems);
    }

    /** Selectors are immutable (Deployments, DaemonSets) or must keep matching after `kubectl set image`. */
    @Test
    void noSelectorContainsAVersionAndWorkloadsSelectTheirOwnPods() {
        List<String> problems = new ArrayList<>();
        for (Manifests.Doc doc : Manifests.all()) {
            List<Map<String, String>> selectors = new ArrayList<>();
            if (doc.resource() instanceof Service s) {
                selectors.add(s.getSpec().getSelector());
            }
            LabelSelector workloadSelector = null;
            if (doc.resource() instanceof Deployment d) {
                workloadSelector = d.getSpec().getSelector();
            }
            if (doc.resource() instanceof DaemonSet d) {
                workloadSelector = d.getSpec().getSelector();
            }
            if (doc.resource() instanceof io.fabric8.kubernetes.api.model.apps.StatefulSet s) {
                workloadSelector = s.getSpec().getSelector();
            }
            if (workloadSelector != null) {
                selectors.add(workloadSelector.getMatchLabels());
                Map<String, String> labels = Manifests.template(doc.resource()).getMetadata().getLabels();
                if (!selects(workloadSelector.getMatchLabels(), labels)) {
                    problems.add(doc.where() + ": selector " + workloadSelector.getMatchLabels() + " does not match its template's labels " + labels);
                }
            }
            if (doc.resource() instanceof PodDisruptionBudget p) {
                selectors.add(p.getSpec().getSelector().getMatchLabels());
            }
            if (doc.resource() instanceof NetworkPolicy np) {
                selectors.add(np.getSpec().getPodSelector().getMatchLabels());
            }
            for (Map<String, String> selector : selectors) {
                if (selector != null && (selector.containsKey(VERSION)
                        || selector.values().stream().anyMatch(v -> v.matches("v?\\d+\\.\\d+.*")))) {
                    problems.add(doc.where() + ": selector " + selector + " holds a version");
                }
            }
        }
        assertNoProblems(problems);
    }

    /** `kubectl scale deployment worker --replicas=10` must survive the next `kubectl apply -f k8s/`. */
    @Test
    void theScaledDeploymentsLeaveTheirReplicasAlone() {
        for (String name : List.of("rng", "hasher", "worker", "webui")) {
            Deployment d = (Deployment) Manifests.find(Manifests.topLevel(), "Deployment", name).orElseThrow().resource();
            assertNull(d.getSpec().getReplicas(), name + ": a replicas field would undo `kubectl scale` on every apply");
        }
    }

    /** The worker's rolling update keeps the mining speed up; old pods write their count before they go. */
    @Test
    void theWorkersRollingUpdateNeverDropsBelowItsSize() {
        Deployment worker = (Deployment) Manifests.find(Manifests.topLevel(), "Deployment", "worker").orElseThrow().resource();
        assertEquals("RollingUpdate", worker.getSpec().getStrategy().getType());
        IntOrString maxUnavailable = worker.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable();
        assertTrue(Objects.equals(maxUnavailable.getIntVal(), 0) || "0%".equals(maxUnavailable.getStrVal()),
                "maxUnavailable must be 0: new pods ready before old ones go");
        long grace = worker.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
        // WORKER_SHUTDOWN_GRACE (3 s) for the loop, then REDIS_TIMEOUT (2 s) to write the count
        assertTrue(grace >= 6, "terminationGracePeriodSeconds " + grace + " leaves no time to write the count");
        assertTrue(AppFacts.envRead("worker").containsAll(List.of("WORKER_SHUTDOWN_GRACE", "REDIS_TIMEOUT")));
    }

    @Test
    void networkPolicyPeersUseLabelsThatPodsHave() {
        List<String> problems = new ArrayList<>();
        Set<String> names = Manifests.workloads(Manifests.all()).stream().map(WiringTest::service).collect(Collectors.toSet());
        names.add("loadtester"); // the README's tool pod (kubectl run ... --labels=app=loadtester)
        names.add("loadtest");
        for (NetworkPolicy np : Manifests.ofType(Manifests.all(), NetworkPolicy.class)) {
            List<LabelSelector> selectors = new ArrayList<>();
            selectors.add(np.getSpec().getPodSelector());
            np.getSpec().getIngress().forEach(r -> r.getFrom().stream().map(NetworkPolicyPeer::getPodSelector).filter(Objects::nonNull).forEach(selectors::add));
            np.getSpec().getEgress().forEach(r -> r.getTo().stream().filter(p -> p.getNamespaceSelector() == null)
                    .map(NetworkPolicyPeer::getPodSelector).filter(Objects::nonNull).forEach(selectors::add));
            for (LabelSelector s : selectors) {
                if (s.getMatchLabels() != null && s.getMatchLabels().containsKey(NAME) && !names.contains(s.getMatchLabels().get(NAME))) {
                    problems.add("NetworkPolicy " + np.getMetadata().getName() + ": no pod is named " + s.getMatchLabels().get(NAME));
                }
                s.getMatchExpressions().stream().filter(e -> e.getKey().equals(NAME)).flatMap(e -> e.getValues().stream())
                        .filter(v -> !names.contains(v))
                        .forEach(v -> problems.add("NetworkPolicy " + np.getMetadata().getName() + ": no pod is named " + v));
            }
        }
        assertNoProblems(problems);
    }
}
