package io.dockercoins.operator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The Deployments and Services of k8s/*.yaml, copied byte for byte into templates/ (a test fails when they differ),
 * so the operator runs exactly the pods `kubectl apply -f k8s/` runs. Each call returns a fresh object to change.
 */
public final class AppTemplates {

    public static final List<String> COMPONENTS = List.of("redis", "rng", "hasher", "worker", "webui");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private final List<JsonNode> documents = new ArrayList<>();

    public AppTemplates() {
        for (String component : COMPONENTS) {
            String resource = "templates/" + component + ".yaml";
            try (InputStream in = AppTemplates.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException(resource + " is missing from the operator's classpath");
                }
                try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(in)) {
                    while (docs.hasNext()) {
                        JsonNode doc = docs.next();
                        if (doc != null && doc.isObject() && !doc.isEmpty()) {
                            documents.add(doc);
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + resource, e);
            }
        }
    }

    public Deployment deployment(String component) {
        return find(Deployment.class, component);
    }

    public Service service(String component) {
        return find(Service.class, component);
    }

    private <T extends HasMetadata> T find(Class<T> type, String name) {
        for (JsonNode doc : documents) {
            if (type.getSimpleName().equals(doc.path("kind").asText()) && name.equals(doc.path("metadata").path("name").asText())) {
                KubernetesResource resource = SERIALIZATION.convertValue(doc, KubernetesResource.class);
                return type.cast(resource);
            }
        }
        throw new IllegalStateException("no " + type.getSimpleName() + " " + name + " in the templates");
    }
}
