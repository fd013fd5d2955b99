package io.dockercoins.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The operator runs the pods of k8s/*.yaml: its templates are copies of those files, byte for byte (copies, not a
 * link, because the image build sees only the module's own sources). After changing k8s/ (or k8s/generate.sh):
 *   cp k8s/{redis,rng,hasher,worker,webui}.yaml operator/src/main/resources/templates/
 */
class TemplatesMatchK8sTest {

    static final Path ROOT = Path.of(System.getProperty("dockercoins.root", "..")).toAbsolutePath().normalize();

    @ParameterizedTest
    @ValueSource(strings = {"redis", "rng", "hasher", "worker", "webui"})
    void templateIsTheManifestOfK8s(String component) throws IOException {
        String manifest = Files.readString(ROOT.resolve("k8s/" + component + ".yaml"));
        String template = Files.readString(ROOT.resolve("operator/src/main/resources/templates/" + component + ".yaml"));
        assertEquals(manifest, template, "operator/src/main/resources/templates/" + component + ".yaml differs from k8s/"
                + component + ".yaml: cp k8s/{redis,rng,hasher,worker,webui}.yaml operator/src/main/resources/templates/");
    }
}
