package io.dockercoins.k8s;

import static io.dockercoins.k8s.StrictParsingTest.assertNoProblems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;

/**
 * k8s/operator/: the DockerCoins CRD, the operator (ServiceAccount, Role, RoleBinding, Deployment) and an example
 * resource. The same strict parsing and restricted Pod Security Standard as the rest of k8s/, plus what an
 * operator adds: a CRD apart from the top level, least-privilege RBAC, and an example the CRD's schema accepts.
 * (That the CRD is what the Java types generate is checked in the operator module, CrdDriftIT.)
 */
class OperatorManifestsTest {

    static final List<Manifests.Doc> DOCS = Manifests.yamlFiles(Manifests.OPERATOR).stream()
            .flatMap(file -> Manifests.read(file).stream()).collect(Collectors.toList());

    @Test
    void theFolderHoldsTheCrdTheOperatorAndAnExample() {
        Set<String> kinds = DOCS.stream().map(d -> d.kind() + "/" + d.name()).collect(Collectors.toSet());
        for (String expected : List.of("CustomResourceDefinition/dockercoins.dockercoins.io", "ServiceAccount/dockercoins-operator",
                "Role/dockercoins-operator", "RoleBinding/dockercoins-operator", "Deployment/dockercoins-operator",
                "DockerCoins/dockercoins")) {
            assertTrue(kinds.contains(expected), "k8s/operator/ has no " + expected + ": " + kinds);
        }
        assertTrue(Manifests.topLevel().stream().noneMatch(d -> d.kind().equals("CustomResourceDefinition")),
                "kubectl apply -f k8s/ must need no CRD");
    }

    @Test
    void everyDocumentIsABuiltInKindTheCrdOrItsResource() {
        List<String> problems = new ArrayList<>();
        for (Manifests.Doc doc : DOCS) {
            HasMetadata r = doc.resource();
            if (r instanceof CustomResourceDefinition crd) {
                String expectedName = crd.getSpec().getNames().getPlural() + "." + crd.getSpec().getGroup();
                if (!"apiextensions.k8s.io/v1".equals(r.getApiVersion()) || !expectedName.equals(doc.name())) {
                    problems.add(doc.where() + ": a CRD is apiextensions.k8s.io/v1 named <plural>.<group> (" + expectedName + ")");
                }
                continue;
            }
            if (r instanceof GenericKubernetesResource) {
                if (!"dockercoins.io/v1alpha1".equals(r.getApiVersion()) || !"DockerCoins".equals(r.getKind())) {
                    problems.add(doc.where() + ": " + r.getApiVersion() + " " + r.getKind() + " is neither built in nor our CRD's");
                }
            } else if (!r.getApiVersion().equals(StrictParsingTest.BUILT_IN.get(r.getKind()))) {
                problems.add(doc.where() + ": apiVersion " + r.getApiVersion() + " for " + r.getKind());
            }
            StrictParsingTest.nameAndNamespace(doc, problems);
        }
        assertNoProblems(problems);
    }

    @Test
    void noFieldIsUnknownAndEveryDocumentSurvivesARoundTrip() {
        List<String> problems = new ArrayList<>();
        for (Manifests.Doc doc : DOCS) {
            if (doc.resource() instanceof GenericKubernetesResource) {
                continue; // its spec is checked against the CRD's schema below
            }
            for (String leftover : Manifests.leftovers(doc.resource())) {
                problems.add(doc.where() + ": not a field of the Kubernetes model: " + leftover);
            }
            StrictParsingTest.diff(doc.raw(), Manifests.roundTrip(doc.resource()), "", problems, doc.where());
        }
        assertNoProblems(problems);
    }

    /** Restricted, like every pod of k8s/; the only difference allowed: the operator mounts its token (it calls the API). */
    @Test
    void theOperatorPodPassesTheRestrictedPodSecurityStandard() {
        List<String> problems = new ArrayList<>();
        for (Manifests.Workload w : Manifests.workloads(DOCS)) {
            PodSecurityTest.restricted(w.doc().where(), w.template().getSpec(), problems);
        }
        List<String> allowed = problems.stream().filter(p -> p.contains("automountServiceAccountToken")).collect(Collectors.toList());
        problems.removeAll(allowed);
        assertNoProblems(problems);
        assertEquals(1, allowed.size(), "only the operator's pod mounts a token: " + allowed);
    }

    @Test
    void theOperatorHasProbesOnItsHealthEndpointsAndTheImageComposeBuilds() {
        Deployment operator = operator();
        Container c = operator.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals("/q/health/started", c.getStartupProbe().getHttpGet().getPath());
        assertEquals("/q/health/ready", c.getReadinessProbe().getHttpGet().getPath());
        assertEquals("/q/health/live", c.getLivenessProbe().getHttpGet().getPath());
        assertEquals(8080, c.getPorts().get(0).getContainerPort());
        assertEquals(AppFacts.composeImages().get("operator"), c.getImage(), "the image docker-compose.yml builds (profile operator)");
        assertEquals("IfNotPresent", c.getImagePullPolicy());
        assertEquals(1, operator.getSpec().getReplicas(), "two operators would both reconcile every resource");
    }

    /** Like every pod of k8s/ (WiringTest): the workshop finds pods by app=NAME (kubectl get pods -l app, stern -l app). */
    @Test
    void theOperatorPodCarriesTheAppLabel() {
        assertEquals("dockercoins-operator", operator().getSpec().getTemplate().getMetadata().getLabels().get(WiringTest.NAME));
    }

    /** Least privilege: a Role (no ClusterRole) bound to the operator's ServiceAccount, no wildcard, no Secret. */
    @Test
    void theOperatorMayDoWhatItsCodeDoesAndNothingMore() {
        Deployment operator = operator();
        String account = operator.getSpec().getTemplate().getSpec().getServiceAccountName();
        assertNotNull(account);
        assertTrue(DOCS.stream().noneMatch(d -> d.kind().startsWith("Cluster") && !d.kind().equals("CustomResourceDefinition")),
                "no cluster-wide rights");
        RoleBinding binding = Manifests.ofType(DOCS, RoleBinding.class).get(0);
        assertEquals("Role", binding.getRoleRef().getKind());
        assertEquals(account, binding.getSubjects().get(0).getName());
        Role role = Manifests.ofType(DOCS, Role.class).stream()
                .filter(r -> r.getMetadata().getName().equals(binding.getRoleRef().getName())).findFirst().orElseThrow();

        Map<String, Set<String>> granted = new java.util.TreeMap<>();
        for (PolicyRule rule : role.getRules()) {
            for (String group : rule.getApiGroups()) {
                for (String resource : rule.getResources()) {
                    granted.computeIfAbsent((group.isEmpty() ? "core" : group) + " " + resource, k -> new java.util.TreeSet<>())
                            .addAll(rule.getVerbs());
                }
            }
        }
        assertEquals(Map.of(
                "dockercoins.io dockercoins", Set.of("get", "list", "watch"),
                "dockercoins.io dockercoins/status", Set.of("get", "patch", "update"),
                "dockercoins.io dockercoins/finalizers", Set.of("update"),
                "apps deployments", Set.of("get", "list", "create", "patch", "delete"),
                "apps daemonsets", Set.of("get", "list", "create", "patch", "delete"),
                "core services", Set.of("get", "create", "patch")), granted);
    }

    /** The example is one the CRD accepts: every field it sets is in the schema, with the schema's type. */
    @Test
    void theExampleResourceFitsTheCrdSchema() {
        CustomResourceDefinition crd = Manifests.ofType(DOCS, CustomResourceDefinition.class).get(0);
        Manifests.Doc example = DOCS.stream().filter(d -> d.kind().equals("DockerCoins")).findFirst().orElseThrow();
        CustomResourceDefinitionVersion version = crd.getSpec().getVersions().get(0);
        assertEquals(crd.getSpec().getGroup() + "/" + version.getName(), example.resource().getApiVersion());
        assertEquals(crd.getSpec().getNames().getKind(), example.kind());
        JSONSchemaProps spec = version.getSchema().getOpenAPIV3Schema().getProperties().get("spec");
        List<String> problems = new ArrayList<>();
        JsonNode values = example.raw().get("spec");
        assertFalse(values == null || values.isEmpty(), "the example sets its spec");
        for (Iterator<Map.Entry<String, JsonNode>> it = values.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JSONSchemaProps schema = spec.getProperties().get(field.getKey());
            if (schema == null) {
                problems.add("spec." + field.getKey() + " is not in the CRD");
                continue;
            }
            String type = field.getValue().isInt() ? "integer" : field.getValue().isBoolean() ? "boolean" : field.getValue().isTextual() ? "string" : "?";
            if (!type.equals(schema.getType())) {
                problems.add("spec." + field.getKey() + " is a " + type + ", the CRD says " + schema.getType());
            }
        }
        assertNoProblems(problems);
        assertTrue(version.getSubresources() != null && version.getSubresources().getStatus() != null,
                "status is a subresource: the operator patches it, users cannot");
    }

    private static Deployment operator() {
        return Manifests.ofType(DOCS, Deployment.class).get(0);
    }

    static List<Path> files() {
        return Manifests.yamlFiles(Manifests.OPERATOR);
    }
}
