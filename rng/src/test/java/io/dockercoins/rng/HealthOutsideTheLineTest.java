package io.dockercoins.rng;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Health and metrics never wait in rng's line, so a long line cannot fail a liveness probe.
 * Told by order, not by a stopwatch: with a 5 s line, health answers while the line is still there.
 */
@QuarkusTest
@TestProfile(HealthOutsideTheLineTest.SlowCounter.class)
class HealthOutsideTheLineTest {

    public static class SlowCounter implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("rng.delay", "500ms");
        }
    }

    @Test
    void healthAndMetricsAnswerWhileTheLineIsLong() throws InterruptedException {
        ExecutorService clients = Executors.newFixedThreadPool(10);
        try {
            List<CompletableFuture<Integer>> line = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                line.add(CompletableFuture.supplyAsync(() -> given().get("/32").statusCode(), clients));
            }
            Thread.sleep(200); // let them queue
            given().get("/q/health/live").then().statusCode(200);
            given().get("/q/health/ready").then().statusCode(200);
            given().get("/q/metrics").then().statusCode(200);
            long served = line.stream().filter(CompletableFuture::isDone).count();
            assertTrue(served < 10, "health and metrics answered only after the whole line (" + served + " of 10 served)");
            line.forEach(CompletableFuture::join);
        } finally {
            clients.shutdownNow();
        }
    }
}
