package io.dockercoins.k8s;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;

/**
 * The RBAC authorizer's answer for a ServiceAccount of k8s/, simulated from the Roles and RoleBindings of k8s/ (no
 * ClusterRole, no aggregation: the manifests use neither): a request is allowed when one rule of a bound Role
 * matches its verb, API group, resource (with its subresource, "deployments/scale") and, when the rule names any,
 * the object's name. Requests without a name (list, watch of all, create) never match a rule with resourceNames.
 */
final class Rbac {

    record Request(String verb, String resource, String name) {
        @Override
        public String toString() {
            return verb + " " + resource + (name == null ? "" : "/" + name);
        }
    }

    private Rbac() {
    }

    static Request request(String verb, String resource, String name) {
        return new Request(verb, resource, name);
    }

    /** kubectl's type words to the API's resource names: deploy, deployment -> deployments; po -> pods... */
    static String resource(String type) {
        return switch (type) {
            case "deploy", "deployment", "deployments" -> "deployments";
            case "po", "pod", "pods" -> "pods";
            case "secret", "secrets" -> "secrets";
            case "sts", "statefulset", "statefulsets" -> "statefulsets";
            case "svc", "service", "services" -> "services";
            case "job", "jobs" -> "jobs";
            case "cj", "cronjob", "cronjobs" -> "cronjobs";
            case "cm", "configmap", "configmaps" -> "configmaps";
            default -> type.endsWith("s") ? type : type + "s";
        };
    }

    static String group(String resource) {
        String base = resource.contains("/") ? resource.substring(0, resource.indexOf('/')) : resource;
        return switch (base) {
            case "deployments", "statefulsets", "daemonsets", "replicasets" -> "apps";
            case "jobs", "cronjobs" -> "batch";
            case "roles", "rolebindings" -> "rbac.authorization.k8s.io";
            default -> "";
        };
    }

    /** The rules of every Role of k8s/ that a RoleBinding of k8s/ binds to this ServiceAccount (of its namespace). */
    static List<PolicyRule> rulesOf(String serviceAccount) {
        List<PolicyRule> rules = new ArrayList<>();
        for (RoleBinding binding : Manifests.ofType(Manifests.all(), RoleBinding.class)) {
            boolean bound = false;
            for (Subject s : binding.getSubjects()) {
                // no namespace: the binding's own (the authorizer's default), which is where the account is
                bound |= "ServiceAccount".equals(s.getKind()) && serviceAccount.equals(s.getName()) && s.getNamespace() == null;
            }
            if (!bound || !"Role".equals(binding.getRoleRef().getKind())) {
                continue;
            }
            Manifests.ofType(Manifests.all(), Role.class).stream()
                    .filter(r -> r.getMetadata().getName().equals(binding.getRoleRef().getName()))
                    .forEach(r -> rules.addAll(r.getRules()));
        }
        return rules;
    }

    static boolean allows(String serviceAccount, List<Request> requests) {
        List<PolicyRule> rules = rulesOf(serviceAccount);
        return requests.stream().allMatch(r -> allows(rules, r));
    }

    static boolean allows(List<PolicyRule> rules, Request request) {
        return rules.stream().anyMatch(rule -> matches(rule, request));
    }

    static boolean matches(PolicyRule rule, Request r) {
        if (!(rule.getVerbs().contains(r.verb()) || rule.getVerbs().contains("*"))) {
            return false;
        }
        if (!(rule.getApiGroups().contains(group(r.resource())) || rule.getApiGroups().contains("*"))) {
            return false;
        }
        String sub = r.resource().contains("/") ? r.resource().substring(r.resource().indexOf('/')) : null;
        boolean resource = rule.getResources().contains(r.resource())
                || (sub == null && rule.getResources().contains("*"))
                || (sub != null && rule.getResources().contains("*" + sub));
        if (!resource) {
            return false;
        }
        List<String> names = rule.getResourceNames();
        return names == null || names.isEmpty() || (r.name() != null && names.contains(r.name()));
    }
}
