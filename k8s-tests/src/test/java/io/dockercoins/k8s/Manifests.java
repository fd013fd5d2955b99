package io.dockercoins.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * Every manifest under k8s/, read the way kubectl reads a folder (*.yaml, *.yml, *.json; one or more documents
 * each) and turned into fabric8 Kubernetes model objects. Reading fails on YAML errors and duplicate keys; what
 * the model cannot place (unknown fields, wrong types) is reported by {@link #leftovers}.
 */
final class Manifests {

    /** One document of one file. */
    record Doc(Path file, int index, JsonNode raw, HasMetadata resource) {
        String where() {
            return Manifests.ROOT.relativize(file) + " #" + (index + 1) + " " + resource.getKind() + "/" + name();
        }

        String name() {
            return resource.getMetadata() == null ? null : resource.getMetadata().getName();
        }

        String kind() {
            return resource.getKind();
        }

        /** The folder under k8s/ ("" for the top level, which `kubectl apply -f k8s/` reads). */
        String folder() {
            Path relative = Manifests.K8S.relativize(file.getParent());
            return relative.toString();
        }
    }

    /** A workload's pod template, with where it comes from. */
    record Workload(Doc doc, PodTemplateSpec template) {
        Map<String, String> podLabels() {
            return template.getMetadata() == null || template.getMetadata().getLabels() == null
                    ? Map.of() : template.getMetadata().getLabels();
        }

        List<Container> containers() {
            return template.getSpec().getContainers();
        }
    }

    static final Path ROOT = root();
    static final Path K8S = ROOT.resolve("k8s");
    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION));

    private static List<Doc> all;

    private Manifests() {
    }

    private static Path root() {
        String configured = System.getProperty("dockercoins.root");
        Path root = configured != null ? Paths.get(configured) : Paths.get("..");
        return root.toAbsolutePath().normalize();
    }

    /** The operator's folder: a CRD, a custom resource and the operator itself, checked by OperatorManifestsTest. */
    static final Path OPERATOR = K8S.resolve("operator");

    /** The Helm charts: templates, not manifests; HelmChartTest renders them and compares the result with these. */
    static final Path HELM = K8S.resolve("helm");

    /**
     * The files kubectl would read in k8s/ and its subfolders (not README.md, not generate.sh), but for k8s/operator/
     * (OperatorManifestsTest holds its CRD, its custom resource and its API-calling pod to the same checks) and the
     * charts of k8s/helm/.
     */
    static List<Path> files() {
        return yamlFiles(K8S).stream().filter(p -> !p.startsWith(OPERATOR) && !p.startsWith(HELM)).collect(Collectors.toList());
    }

    static List<Path> yamlFiles(Path folder) {
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> p.toString().matches(".*\\.(ya?ml|json)$"))
                    .sorted()
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static synchronized List<Doc> all() {
        if (all == null) {
            List<Doc> docs = new ArrayList<>();
            for (Path file : files()) {
                docs.addAll(read(file));
            }
            all = List.copyOf(docs);
        }
        return all;
    }

    static List<Doc> read(Path file) {
        List<Doc> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            int index = 0;
            while (it.hasNext()) {
                JsonNode raw = it.next();
                if (raw == null || raw.isNull() || raw.isMissingNode() || (raw.isObject() && raw.isEmpty())) {
                    continue; // an empty document (a leading ---)
                }
                KubernetesResource resource = SERIALIZATION.convertValue(raw, KubernetesResource.class);
                if (!(resource instanceof HasMetadata)) {
                    throw new AssertionError(file + " document " + (index + 1) + " is not a Kubernetes object: " + resource);
                }
                docs.add(new Doc(file, index++, raw, (HasMetadata) resource));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return docs;
    }

    /** The top level: what `kubectl apply -f k8s/` creates. */
    static List<Doc> topLevel() {
        return all().stream().filter(d -> d.folder().isEmpty()).collect(Collectors.toList());
    }

    static List<Doc> folder(String folder) {
        return all().stream().filter(d -> d.folder().equals(folder)).collect(Collectors.toList());
    }

    static <T extends HasMetadata> List<T> ofType(Collection<Doc> docs, Class<T> type) {
        return docs.stream().map(Doc::resource).filter(type::isInstance).map(type::cast).collect(Collectors.toList());
    }

    static Optional<Doc> find(Collection<Doc> docs, String kind, String name) {
        return docs.stream().filter(d -> d.kind().equals(kind) && name.equals(d.name())).findFirst();
    }

    static List<Workload> workloads(Collection<Doc> docs) {
        List<Workload> workloads = new ArrayList<>();
        for (Doc doc : docs) {
            PodTemplateSpec template = template(doc.resource());
            if (template != null) {
                workloads.add(new Workload(doc, template));
            }
        }
        return workloads;
    }

    static PodTemplateSpec template(HasMetadata resource) {
        if (resource instanceof Deployment d) {
            return d.getSpec().getTemplate();
        }
        if (resource instanceof DaemonSet d) {
            return d.getSpec().getTemplate();
        }
        if (resource instanceof StatefulSet s) {
            return s.getSpec().getTemplate();
        }
        if (resource instanceof Job j) {
            return j.getSpec().getTemplate();
        }
        if (resource instanceof CronJob c) {
            return c.getSpec().getJobTemplate().getSpec().getTemplate();
        }
        return null;
    }

    /** Whether the workload runs to completion (a Job, or a CronJob's Jobs): no probes, no Service. */
    static boolean isBatch(HasMetadata resource) {
        return resource instanceof Job || resource instanceof CronJob;
    }

    /** The names of a StatefulSet's volumeClaimTemplates: volumes its pods mount without declaring them. */
    static java.util.Set<String> claimTemplates(HasMetadata resource) {
        if (resource instanceof StatefulSet s && s.getSpec().getVolumeClaimTemplates() != null) {
            return s.getSpec().getVolumeClaimTemplates().stream().map(c -> c.getMetadata().getName()).collect(Collectors.toSet());
        }
        return java.util.Set.of();
    }

    static List<Service> services(Collection<Doc> docs) {
        return ofType(docs, Service.class);
    }

    static boolean isGeneric(HasMetadata resource) {
        return resource instanceof GenericKubernetesResource;
    }

    /**
     * Fields the model could not place: fabric8 keeps unknown fields, and values of the wrong type, in each
     * object's additionalProperties instead of failing. Returns their paths, e.g. "spec.template.spec.foo".
     */
    static List<String> leftovers(Object model) {
        List<String> found = new ArrayList<>();
        walk(model, "", found, 0);
        return found;
    }

    private static void walk(Object value, String path, List<String> found, int depth) {
        if (value == null || depth > 64) {
            return;
        }
        if (value instanceof Collection<?> list) {
            int i = 0;
            for (Object item : list) {
                walk(item, path + "[" + i++ + "]", found, depth + 1);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                walk(e.getValue(), path + "[" + e.getKey() + "]", found, depth + 1);
            }
            return;
        }
        Class<?> type = value.getClass();
        if (!type.getName().startsWith("io.fabric8.")) {
            return; // String, Integer, Boolean...
        }
        for (Method getter : getters(type)) {
            Object child;
            try {
                child = getter.invoke(value);
            } catch (IllegalAccessException | InvocationTargetException e) {
                continue; // a derived property (HasMetadata.getPlural() of a generic resource...), not a field
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    for (Map.Entry<?, ?> e : extra.entrySet()) {
                        found.add((path.isEmpty() ? "" : path + ".") + e.getKey() + " = " + e.getValue());
                    }
                }
                continue;
            }
            String property = Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
            walk(child, path.isEmpty() ? property : path + "." + property, found, depth + 1);
        }
    }

    private static List<Method> getters(Class<?> type) {
        List<Method> getters = new ArrayList<>();
        for (Method m : type.getMethods()) {
            if (m.getParameterCount() == 0 && m.getName().startsWith("get") && m.getName().length() > 3
                    && !Modifier.isStatic(m.getModifiers()) && m.getDeclaringClass() != Object.class
                    && !m.getName().equals("getClass")) {
                getters.add(m);
            }
        }
        getters.sort(Comparator.comparing(Method::getName));
        return getters;
    }

    /** The model written back as JSON: what kubectl would send. */
    static JsonNode roundTrip(HasMetadata resource) {
        try {
            return YAML.readTree(SERIALIZATION.asJson(resource));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(String relative) {
        try {
            return Files.readString(ROOT.resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
