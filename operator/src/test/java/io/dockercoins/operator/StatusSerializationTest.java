package io.dockercoins.operator;

import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * The status goes to the API server by server-side apply, which refuses a null for a typed field (422 Invalid,
 * "hashesPerSecond in body must be of type number"); the mock server accepts anything, so this is checked here.
 */
class StatusSerializationTest {

    @Test
    void aFreshStatusHasNoNulls() {
        DockerCoins app = new DockerCoins();
        app.setMetadata(new ObjectMetaBuilder().withName("dockercoins").withNamespace("coins").build());
        app.setSpec(new DockerCoinsSpec());
        DockerCoinsStatus status = new DockerCoinsStatus();
        status.setRollout(new WorkerRollout());
        app.setStatus(status);

        String json = Serialization.asJson(app);

        assertFalse(json.contains("null"), json);
    }
}
