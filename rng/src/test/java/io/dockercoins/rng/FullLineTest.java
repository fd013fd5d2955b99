package io.dockercoins.rng;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import io.restassured.response.Response;

/** The line is bounded: once it is full, newcomers are told to come back later instead of piling up. */
@QuarkusTest
@TestProfile(FullLineTest.ShortLine.class)
class FullLineTest {

    public static class ShortLine implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("rng.max-waiting", "3");
        }
    }

    @Test
    void aFullLineAnswers503WithRetryAfterAndServesTheOthers() {
        ExecutorService clients = Executors.newFixedThreadPool(10);
        try {
            List<CompletableFuture<Response>> answers = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                answers.add(CompletableFuture.supplyAsync(() -> given().get("/32"), clients));
            }
            long served = 0;
            for (CompletableFuture<Response> answer : answers) {
                Response response = answer.join();
                if (response.statusCode() == 200) {
                    served++;
                } else {
                    assertEquals(503, response.statusCode());
                    assertEquals("1", response.header("Retry-After"));
                    assertTrue(response.asString().startsWith("rng is busy"));
                }
            }
            assertTrue(served >= 4 && served < 10, served + " of 10 served with 1 at the counter and 3 waiting");
        } finally {
            clients.shutdownNow();
        }
    }
}
