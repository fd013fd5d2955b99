package io.dockercoins.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/**
 * k8s/operator/dockercoins-crd.yaml is the CRD the Quarkus Operator SDK generates from the Java types at build time
 * (package phase, hence an IT: it runs after the build). After changing DockerCoinsSpec or DockerCoinsStatus:
 *   ./mvnw -pl operator package -DskipTests, then copy target/kubernetes/dockercoins.dockercoins.io-v1.yml below
 *   the header comment of k8s/operator/dockercoins-crd.yaml.
 */
class CrdDriftIT {

    static final Path ROOT = Path.of(System.getProperty("dockercoins.root", "..")).toAbsolutePath().normalize();

    @Test
    void committedCrdIsWhatTheBuildGenerates() throws IOException {
        Path generated = ROOT.resolve("operator/target/kubernetes/dockercoins.dockercoins.io-v1.yml");
        assertTrue(Files.exists(generated), generated + " is missing: the build generates it (./mvnw -pl operator package)");
        assertEquals(withoutComments(generated), withoutComments(ROOT.resolve("k8s/operator/dockercoins-crd.yaml")),
                "k8s/operator/dockercoins-crd.yaml differs from what the Java types generate: copy " + generated
                        + " under the file's header comment");
    }

    private static String withoutComments(Path file) throws IOException {
        return Files.readAllLines(file).stream().filter(line -> !line.startsWith("#")).collect(Collectors.joining("\n"));
    }
}
