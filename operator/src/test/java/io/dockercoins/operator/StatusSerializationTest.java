package io.dockercoins.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.zjsonpatch.JsonDiff;

/**
 * The status goes to the API server as a JSON Patch, the difference between the resource as read and as the operator
 * leaves it. The real API server refuses a null for a typed field (422 Invalid, "hashesPerSecond in body must be of
 * type number") and an operation under a path it does not have (422 Invalid, nothing more said); the mock server
 * accepts both, so they are checked here.
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

    @Test
    void aResourceWithoutStatusGetsItsFirstStatusAsOneAddOfTheWholeStatus() {
        DockerCoins read = Serialization.unmarshal("""
                {"apiVersion": "dockercoins.io/v1alpha1", "kind": "DockerCoins",
                 "metadata": {"name": "dockercoins", "namespace": "coins"}, "spec": {"workers": 3}}""", DockerCoins.class);
        assertNull(read.getStatus(), "no status on the server reads as none");

        DockerCoins written = Serialization.clone(read);
        DockerCoinsStatus status = new DockerCoinsStatus();
        status.setObservedGeneration(1L);
        status.getPods().put("rng", "1/1");
        written.setStatus(status);
        JsonNode patch = JsonDiff.asJson(Serialization.jsonMapper().valueToTree(read),
                Serialization.jsonMapper().valueToTree(written));

        assertEquals(1, patch.size(), patch.toString());
        assertEquals("add", patch.get(0).get("op").asText());
        assertEquals("/status", patch.get(0).get("path").asText());
    }
}
