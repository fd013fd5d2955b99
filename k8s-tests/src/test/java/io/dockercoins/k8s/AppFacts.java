package io.dockercoins.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the project itself says, read from its sources: the services and images of docker-compose.yml, the
 * environment variables each service reads (its @ConfigMapping interfaces, application.properties, the
 * Dockerfile), the port it listens on. The manifests are checked against these, not against copies.
 */
final class AppFacts {

    private static final Pattern COMPOSE_VAR = Pattern.compile("\\$\\{(\\w+)(?::?-([^}]*))?}");
    private static final Pattern CONFIG_MAPPING = Pattern.compile("@ConfigMapping\\(\\s*prefix\\s*=\\s*\"([^\"]+)\"");
    private static final Pattern INTERFACE_METHOD = Pattern.compile("(?m)^\\s*(?:default\\s+)?[\\w.<>, ?\\[\\]]+\\s+(\\w+)\\(\\)\\s*[;{]");
    private static final Pattern GETENV = Pattern.compile("getenv\\(\\s*\"([A-Z][A-Z0-9_]*)\"");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)");
    private static final Pattern DOCKERFILE_ENV = Pattern.compile("(?m)^\\s*ENV\\s+((?:[^\\n]*\\\\\\n)*[^\\n]*)");
    private static final Pattern SHELL_VAR = Pattern.compile("\\$\\{?([A-Z][A-Z0-9_]*)");
    private static final Pattern PROJECT_DEPENDENCY = Pattern.compile(
            "<dependency>(?:\\s|<!--.*?-->)*<groupId>io\\.dockercoins</groupId>\\s*<artifactId>([\\w-]+)</artifactId>(.*?)</dependency>",
            Pattern.DOTALL);

    private static JsonNode compose;

    private AppFacts() {
    }

    static synchronized JsonNode compose() {
        if (compose == null) {
            try {
                compose = Manifests.YAML.readTree(Manifests.ROOT.resolve("docker-compose.yml").toFile());
            } catch (IOException e) {
                throw new UncheckedIOException("docker-compose.yml: " + e.getMessage(), e);
            }
        }
        return compose;
    }

    /**
     * The registry part of the manifests' images: `docker compose build` with REGISTRY=dockercoins-java (its default).
     * Not dockercoins/, whose images on Docker Hub are the original Python/Ruby/Node ones: a node that lacks ours would
     * pull those. No one can publish dockercoins-java/ there (a Docker Hub namespace has no hyphen), so a missing image
     * is an ErrImagePull that names ours.
     */
    static final String REGISTRY = "dockercoins-java";

    /** Compose service name -> image with REGISTRY=dockercoins-java and the other defaults (${TAG:-v0.1}). */
    static Map<String, String> composeImages() {
        Map<String, String> images = new LinkedHashMap<>();
        compose().get("services").fields().forEachRemaining(e -> {
            JsonNode image = e.getValue().get("image");
            if (image != null) {
                images.put(e.getKey(), expandDefaults(image.asText().replaceAll("\\$\\{REGISTRY(:?-[^}]*)?}", REGISTRY)));
            }
        });
        return images;
    }

    static boolean builtFromSource(String composeService) {
        JsonNode service = compose().get("services").get(composeService);
        return service != null && service.has("build");
    }

    static String expandDefaults(String text) {
        Matcher m = COMPOSE_VAR.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(2) == null ? "" : m.group(2)));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The image's repository without registry defaults: "dockercoins-java/rng:v0.1" -> "dockercoins-java/rng". */
    static String repository(String image) {
        String withoutDigest = image.split("@")[0];
        int slash = withoutDigest.lastIndexOf('/');
        int colon = withoutDigest.lastIndexOf(':');
        return colon > slash ? withoutDigest.substring(0, colon) : withoutDigest;
    }

    static Optional<Path> dockerfile(String composeService) {
        JsonNode build = compose().get("services").get(composeService).get("build");
        if (build == null) {
            return Optional.empty();
        }
        String context = build.isTextual() ? build.asText() : build.path("context").asText(".");
        String dockerfile = build.isTextual() ? "Dockerfile" : build.path("dockerfile").asText("Dockerfile");
        return Optional.of(Manifests.ROOT.resolve(context).resolve(dockerfile).normalize());
    }

    /**
     * The Maven module of a service built from source: the build argument SERVICE that chooses it in the root
     * Dockerfile (every Java image has the same recipe), else the folder its Dockerfile is in.
     */
    static Path module(String composeService) {
        JsonNode build = compose().get("services").get(composeService).get("build");
        Path dockerfile = dockerfile(composeService)
                .orElseThrow(() -> new AssertionError(composeService + " is not built from source"));
        String service = build.path("args").path("SERVICE").asText("");
        if (!service.isEmpty()) {
            return Manifests.ROOT.resolve(build.path("context").asText(".")).resolve(service).normalize();
        }
        return dockerfile.getParent();
    }

    /**
     * Environment variables the service's process (or its image's entrypoint) reads: its @ConfigMapping
     * interfaces' properties (its own and those of the project's modules it runs with, such as the ledger's
     * REDIS_*), its application.properties' keys and ${...} placeholders, System.getenv("...") calls, and its
     * Dockerfile's ENV and entrypoint variables.
     */
    static Set<String> envRead(String composeService) {
        Set<String> names = new TreeSet<>();
        Path module = module(composeService);
        for (Path code : withRuntimeModules(module)) {
            names.addAll(envReadInJava(code));
        }
        Path propertiesFile = module.resolve("src/main/resources/application.properties");
        String properties = Files.isRegularFile(propertiesFile) ? readString(propertiesFile) : "";
        for (String line : properties.split("\n")) {
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith("%") || !line.contains("=")) {
                continue;
            }
            String key = line.substring(0, line.indexOf('=')).strip();
            if (!key.startsWith("quarkus.kubernetes.") && !key.startsWith("quarkus.container-image.")) {
                names.add(env(key)); // any runtime property can be set from the environment
            }
            Matcher placeholder = PLACEHOLDER.matcher(line);
            while (placeholder.find()) {
                names.add(placeholder.group(1));
            }
        }
        dockerfile(composeService).ifPresent(dockerfile -> {
            String text = readString(dockerfile);
            Matcher env = DOCKERFILE_ENV.matcher(text);
            while (env.find()) {
                for (String part : env.group(1).replace("\\\n", " ").split("\\s+")) {
                    if (part.matches("[A-Z][A-Z0-9_]*=.*")) {
                        names.add(part.substring(0, part.indexOf('=')));
                    }
                }
            }
            text.lines().filter(l -> l.startsWith("ENTRYPOINT") || l.startsWith("CMD")).forEach(l -> {
                Matcher var = SHELL_VAR.matcher(l);
                while (var.find()) {
                    names.add(var.group(1));
                }
            });
        });
        return names;
    }

    /** The module and the project's modules it depends on outside tests (the ledger, say), whose code runs in it too. */
    static List<Path> withRuntimeModules(Path module) {
        List<Path> modules = new ArrayList<>(List.of(module));
        Matcher dependency = PROJECT_DEPENDENCY.matcher(readString(module.resolve("pom.xml")));
        while (dependency.find()) {
            String rest = dependency.group(2);
            if (!rest.contains("<scope>test</scope>") && !rest.contains("<scope>provided</scope>")) {
                modules.add(Manifests.ROOT.resolve(dependency.group(1)));
            }
        }
        return modules;
    }

    private static Set<String> envReadInJava(Path module) {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> sources = Files.walk(module.resolve("src/main/java"))) {
            sources.filter(p -> p.toString().endsWith(".java")).forEach(p -> {
                String java = readString(p);
                Matcher getenv = GETENV.matcher(java);
                while (getenv.find()) {
                    names.add(getenv.group(1));
                }
                Matcher mapping = CONFIG_MAPPING.matcher(java);
                if (mapping.find()) {
                    String prefix = mapping.group(1);
                    Matcher method = INTERFACE_METHOD.matcher(java.substring(mapping.end()));
                    while (method.find()) {
                        names.add(env(prefix + "." + kebab(method.group(1))));
                    }
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }

    /** Whether {@code name} is among {@code read}; a read name ending in _ is a prefix (getenv("LOADTEST_" + key)). */
    static boolean reads(Set<String> read, String name) {
        return read.contains(name) || read.stream().anyMatch(r -> r.endsWith("_") && name.startsWith(r));
    }

    /** The port the service listens on in its container: QUARKUS_HTTP_PORT of the pod, else of the image. */
    static int listenPort(String composeService, Map<String, String> podEnv) {
        if (podEnv.containsKey("QUARKUS_HTTP_PORT")) {
            return Integer.parseInt(podEnv.get("QUARKUS_HTTP_PORT"));
        }
        String dockerfile = readString(dockerfile(composeService).orElseThrow());
        Matcher m = Pattern.compile("QUARKUS_HTTP_PORT=(\\d+)").matcher(dockerfile);
        if (m.find()) {
            return Integer.parseInt(m.group(1));
        }
        String properties = readString(module(composeService).resolve("src/main/resources/application.properties"));
        Matcher p = Pattern.compile("(?m)^quarkus\\.http\\.port=(\\d+)").matcher(properties);
        return p.find() ? Integer.parseInt(p.group(1)) : 8080;
    }

    /** Whether the service serves SmallRye Health's /q/health/live, /ready and /started. */
    static boolean servesQuarkusHealth(String composeService) {
        return readString(module(composeService).resolve("pom.xml")).contains("<artifactId>quarkus-smallrye-health</artifactId>");
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }

    /** MicroProfile Config's environment name of a property: non-alphanumerics to _, upper case. */
    static String env(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase();
    }

    static String readString(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": " + e.getMessage(), e);
        }
    }
}
