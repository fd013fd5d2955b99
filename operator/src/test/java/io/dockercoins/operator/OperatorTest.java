package io.dockercoins.operator;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * The whole operator (Quarkus, the Operator SDK, its informer) against the fabric8 mock API server in CRUD mode:
 * it starts, says it is ready, and turns a DockerCoins resource into workloads and a status, then follows a change.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class OperatorTest {

    @Inject
    KubernetesClient client;

    @Test
    void healthEndpointsAreUpOnceTheInformersRun() {
        given().when().get("/q/health/ready").then().statusCode(200).body("status", is("UP"));
        given().when().get("/q/health/live").then().statusCode(200);
        given().when().get("/q/health/started").then().statusCode(200);
    }

    @Test
    void aDockerCoinsResourceBecomesTheAppAndItsStatus() {
        DockerCoins app = new DockerCoins();
        app.setMetadata(new ObjectMetaBuilder().withName("coins").withNamespace(client.getNamespace()).build());
        app.getSpec().setWorkers(3);
        app.getSpec().setAutoscaleRng(true);
        client.resource(app).create();

        await(() -> client.apps().deployments().withName("worker-v0-1").get() != null, "the worker Deployment");
        await(() -> status() != null && status().getPods().containsKey("worker"), "a status");
        assertEquals(1, client.apps().deployments().withName("rng").get().getSpec().getReplicas());
        assertNotNull(client.services().withName("webui").get());

        DockerCoins current = client.resources(DockerCoins.class).withName("coins").get();
        current.getSpec().setWorkers(10);
        client.resource(current).update();
        await(() -> client.apps().deployments().withName("rng").get().getSpec().getReplicas() == 4, "4 rng for 10 workers");
    }

    private DockerCoinsStatus status() {
        DockerCoins app = client.resources(DockerCoins.class).withName("coins").get();
        return app == null ? null : app.getStatus();
    }

    private static void await(BooleanSupplier condition, String what) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not seen within 30 s: " + what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
