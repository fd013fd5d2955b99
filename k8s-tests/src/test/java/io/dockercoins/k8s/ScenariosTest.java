package io.dockercoins.k8s;

import static io.dockercoins.k8s.StrictParsingTest.assertNoProblems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

/** The optional scenarios of k8s/'s subfolders do what k8s/README.md says they do. */
class ScenariosTest {

    static Deployment deployment(String name) {
        return (Deployment) Manifests.find(Manifests.topLevel(), "Deployment", name).orElseThrow().resource();
    }

    // ---- rng as a DaemonSet, and the active=yes label trick ----

    @Test
    void theRngDaemonSetRunsTheDeploymentsPodSpec() {
        DaemonSet ds = Manifests.ofType(Manifests.folder("daemonset-rng"), DaemonSet.class).get(0);
        JsonNode dsPod = Manifests.roundTrip(ds).path("spec").path("template").path("spec");
        JsonNode deploymentPod = Manifests.roundTrip(deployment("rng")).path("spec").path("template").path("spec");
        assertEquals(deploymentPod, dsPod, "k8s/daemonset-rng/rng-daemonset.yaml's pod spec must stay k8s/rng.yaml's");
    }

    @Test
    void theDaemonSetsPodsServeTheRngServiceAndTheLabelTrickWorks() {
        DaemonSet ds = Manifests.ofType(Manifests.folder("daemonset-rng"), DaemonSet.class).get(0);
        Deployment rng = deployment("rng");
        Service plain = (Service) Manifests.find(Manifests.topLevel(), "Service", "rng").orElseThrow().resource();
        Service active = (Service) Manifests.find(Manifests.folder("daemonset-rng"), "Service", "rng").orElseThrow().resource();
        Map<String, String> dsPods = ds.getSpec().getTemplate().getMetadata().getLabels();
        Map<String, String> deploymentPods = rng.getSpec().getTemplate().getMetadata().getLabels();

        assertTrue(WiringTest.selects(plain.getSpec().getSelector(), dsPods), "the plain rng Service must reach the DaemonSet's pods too");
        assertTrue(WiringTest.selects(plain.getSpec().getSelector(), deploymentPods));
        assertEquals("yes", active.getSpec().getSelector().get("active"));
        assertTrue(WiringTest.selects(active.getSpec().getSelector(), dsPods), "DaemonSet pods start in the rotation");
        assertFalse(WiringTest.selects(active.getSpec().getSelector(), deploymentPods), "the Deployment's pod leaves it");
        Map<String, String> labelled = new HashMap<>(deploymentPods);
        labelled.put("active", "yes"); // kubectl label pod <rng pod> active=yes
        assertTrue(WiringTest.selects(active.getSpec().getSelector(), labelled));

        Map<String, String> dsSelector = ds.getSpec().getSelector().getMatchLabels();
        assertFalse(dsSelector.containsKey("active"), "`kubectl label pod ... active-` must not orphan a DaemonSet pod");
        assertNotEquals(rng.getSpec().getSelector().getMatchLabels(), dsSelector, "the DaemonSet needs a selector of its own");
        assertEquals(plain.getSpec().getPorts().get(0).getPort(), active.getSpec().getPorts().get(0).getPort());
    }

    // ---- autoscaling ----

    @Test
    void theHpaScalesRngOnAMetricRngExports() {
        List<HorizontalPodAutoscaler> hpas = Manifests.ofType(Manifests.folder("autoscaling"), HorizontalPodAutoscaler.class);
        assertEquals(1, hpas.size());
        HorizontalPodAutoscaler hpa = hpas.get(0);
        assertEquals("autoscaling/v2", hpa.getApiVersion());
        assertEquals("Deployment", hpa.getSpec().getScaleTargetRef().getKind());
        assertEquals("apps/v1", hpa.getSpec().getScaleTargetRef().getApiVersion());
        Deployment target = deployment(hpa.getSpec().getScaleTargetRef().getName());
        assertNull(target.getSpec().getReplicas(), "a replicas field would fight the HPA on every apply");
        assertTrue(hpa.getSpec().getMinReplicas() >= 1 && hpa.getSpec().getMinReplicas() <= hpa.getSpec().getMaxReplicas());
        for (MetricSpec metric : hpa.getSpec().getMetrics()) {
            assertNotEquals("Resource", metric.getType(), "CPU or memory: the wrong signal for rng (it sleeps)");
        }
        MetricSpec pods = hpa.getSpec().getMetrics().get(0);
        assertEquals("Pods", pods.getType());
        String name = pods.getPods().getMetric().getName();
        // the README's prometheus-adapter rule turns rng's own histogram into this per-pod rate
        String readme = Manifests.read("k8s/autoscaling/README.md");
        assertTrue(readme.contains("as: \"" + name + "\""), "k8s/autoscaling/README.md must show the adapter rule that serves " + name);
        assertTrue(readme.contains("rng_line_wait_seconds_count"), "the adapter rule reads rng_line_wait_seconds_count");
        String rngSource = AppFacts.readString(Manifests.ROOT.resolve("rng/src/main/java/io/dockercoins/rng/ServingLine.java"));
        assertTrue(rngSource.contains("\"rng.line.wait\""), "rng must export the rng.line.wait timer (rng_line_wait_seconds)");
    }

    // ---- PodDisruptionBudget ----

    @Test
    void thePdbProtectsRngCapacityWithoutBlockingDrains() {
        PodDisruptionBudget pdb = Manifests.ofType(Manifests.folder("pdb"), PodDisruptionBudget.class).get(0);
        assertNull(pdb.getSpec().getMinAvailable(), "minAvailable 1 on a single pod blocks every drain");
        assertEquals(1, pdb.getSpec().getMaxUnavailable().getIntVal());
        DaemonSet ds = Manifests.ofType(Manifests.folder("daemonset-rng"), DaemonSet.class).get(0);
        assertTrue(matches(pdb.getSpec().getSelector(), deployment("rng").getSpec().getTemplate().getMetadata().getLabels()));
        assertFalse(matches(pdb.getSpec().getSelector(), ds.getSpec().getTemplate().getMetadata().getLabels()),
                "maxUnavailable over DaemonSet pods (no scale subresource) would block evictions");
    }

    // ---- network policies: who may talk to whom ----

    record Pod(String namespace, Map<String, String> labels, Map<String, Integer> namedPorts) {
        static Pod of(String name) {
            return new Pod("dockercoins", Map.of(WiringTest.NAME, name), Map.of("http", 80, "redis", 6379));
        }
    }

    static final List<NetworkPolicy> POLICIES = Manifests.ofType(Manifests.folder("network-policies"), NetworkPolicy.class);
    static final Map<String, String> NS_LABELS = Map.of("dockercoins", "dockercoins", "other", "other", "kube-system", "kube-system");

    static boolean allowed(Pod from, Pod to, int port, String protocol) {
        return direction(from, to, port, protocol, "Egress") && direction(to, from, port, protocol, "Ingress");
    }

    /** Whether the policies selecting {@code subject} let it talk to {@code peer} in that direction. */
    static boolean direction(Pod subject, Pod peer, int port, String protocol, String type) {
        boolean isolated = false;
        for (NetworkPolicy np : POLICIES) {
            if (!subject.namespace().equals("dockercoins") || !matches(np.getSpec().getPodSelector(), subject.labels())
                    || !np.getSpec().getPolicyTypes().contains(type)) {
                continue;
            }
            isolated = true;
            if (type.equals("Ingress")) {
                for (var rule : np.getSpec().getIngress()) {
                    if (peers(rule.getFrom(), peer) && ports(rule.getPorts(), subject, port, protocol)) {
                        return true;
                    }
                }
            } else {
                for (var rule : np.getSpec().getEgress()) {
                    if (peers(rule.getTo(), peer) && ports(rule.getPorts(), peer, port, protocol)) {
                        return true;
                    }
                }
            }
        }
        return !isolated;
    }

    static boolean peers(List<NetworkPolicyPeer> peers, Pod pod) {
        if (peers == null || peers.isEmpty()) {
            return true;
        }
        for (NetworkPolicyPeer p : peers) {
            boolean ns = p.getNamespaceSelector() == null ? pod.namespace().equals("dockercoins")
                    : matches(p.getNamespaceSelector(), Map.of("kubernetes.io/metadata.name", NS_LABELS.get(pod.namespace())));
            boolean labels = p.getPodSelector() == null || matches(p.getPodSelector(), pod.labels());
            if (p.getIpBlock() == null && ns && labels) {
                return true;
            }
        }
        return false;
    }

    static boolean ports(List<NetworkPolicyPort> ports, Pod destination, int port, String protocol) {
        if (ports == null || ports.isEmpty()) {
            return true;
        }
        for (NetworkPolicyPort p : ports) {
            String proto = p.getProtocol() == null ? "TCP" : p.getProtocol();
            IntOrString value = p.getPort();
            Integer number = value == null ? null : value.getIntVal() != null ? value.getIntVal() : destination.namedPorts().get(value.getStrVal());
            if (proto.equals(protocol) && (value == null || (number != null && number == port))) {
                return true;
            }
        }
        return false;
    }

    static boolean matches(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return false;
        }
        if (selector.getMatchLabels() != null && !labels.entrySet().containsAll(selector.getMatchLabels().entrySet())) {
            return false;
        }
        for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
            String value = labels.get(r.getKey());
            boolean ok = switch (r.getOperator()) {
                case "In" -> value != null && r.getValues().contains(value);
                case "NotIn" -> value == null || !r.getValues().contains(value);
                case "Exists" -> value != null;
                case "DoesNotExist" -> value == null;
                default -> throw new AssertionError("operator " + r.getOperator());
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    @Test
    void networkPoliciesAllowExactlyTheAppsCalls() {
        Pod worker = Pod.of("worker"), webui = Pod.of("webui"), rng = Pod.of("rng"), hasher = Pod.of("hasher"), redis = Pod.of("redis");
        Pod loadtester = Pod.of("loadtester"), gatling = Pod.of("loadtest"), report = Pod.of("report");
        Pod stranger = new Pod("dockercoins", Map.of("run", "curl"), Map.of());
        Pod otherNamespace = new Pod("other", Map.of(WiringTest.NAME, "worker"), Map.of());
        Pod dns = new Pod("kube-system", Map.of("k8s-app", "kube-dns"), Map.of());
        // section 9's Prometheus (prometheus-community chart), in the same namespace: it scrapes the app's four services
        Pod prometheus = new Pod("dockercoins", Map.of("app.kubernetes.io/name", "prometheus"), Map.of());
        Map<String, Pod> pods = Map.of("worker", worker, "webui", webui, "rng", rng, "hasher", hasher, "redis", redis,
                "loadtester", loadtester, "loadtest", gatling, "report", report, "stranger", stranger, "otherNamespace", otherNamespace);

        List<String> problems = new ArrayList<>();
        Map<String, Boolean> expected = new java.util.LinkedHashMap<>();
        for (String from : pods.keySet()) {
            expected.put(from + " -> rng:80", from.equals("worker") || from.startsWith("loadtest"));
            expected.put(from + " -> hasher:80", from.equals("worker") || from.startsWith("loadtest"));
            expected.put(from + " -> redis:6379", from.equals("worker") || from.equals("webui") || from.equals("report"));
            // webui's ingress is open to anyone; the callers' egress is what limits: of the app's pods
            // only the load testers may call out to it (default-deny egress of the app's pods); other pods are not isolated
            expected.put(from + " -> webui:80", from.startsWith("loadtest") || from.equals("otherNamespace") || from.equals("stranger"));
        }
        expected.forEach((call, allow) -> {
            String from = call.substring(0, call.indexOf(' '));
            String to = call.substring(call.indexOf("> ") + 2, call.indexOf(':'));
            int port = Integer.parseInt(call.substring(call.indexOf(':') + 1));
            boolean actual = allowed(pods.get(from), pods.get(to), port, "TCP");
            if (actual != allow) {
                problems.add(call + (allow ? " must be allowed" : " must be denied"));
            }
        });
        for (Pod p : List.of(worker, webui, rng, hasher, redis, loadtester, report)) {
            if (!allowed(p, dns, 53, "UDP")) {
                problems.add(p.labels().get(WiringTest.NAME) + " cannot resolve names (DNS, UDP 53)");
            }
        }
        for (Pod p : List.of(worker, webui, rng, hasher)) {
            if (!allowed(prometheus, p, 80, "TCP")) {
                problems.add("Prometheus cannot scrape " + p.labels().get(WiringTest.NAME) + " (section 9's HPA would have no metric)");
            }
        }
        if (allowed(prometheus, redis, 6379, "TCP")) {
            problems.add("Prometheus reaches Redis");
        }
        if (allowed(worker, redis, 80, "TCP") || allowed(worker, rng, 6379, "TCP")) {
            problems.add("ports are not restricted");
        }
        assertNoProblems(problems);
    }
}
