package io.dockercoins.rng;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesRegex;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

@QuarkusTest
class RandomBytesResourceTest {

    private final ExecutorService clients = Executors.newFixedThreadPool(20);

    @AfterEach
    void stopClients() {
        clients.shutdownNow();
    }

    @Test
    void getNReturnsNRandomBytesAsOctetStream() {
        byte[] first = given().get("/32").then().statusCode(200)
                .contentType("application/octet-stream").extract().asByteArray();
        byte[] second = given().get("/32").then().statusCode(200).extract().asByteArray();
        assertEquals(32, first.length);
        assertNotEquals(Arrays.toString(first), Arrays.toString(second), "two draws differ");
    }

    @Test
    void zeroAndTheDocumentedMaximumAreValidSizes() {
        assertEquals(0, given().get("/0").then().statusCode(200).extract().asByteArray().length);
        assertEquals(1048576, given().get("/1048576").then().statusCode(200).extract().asByteArray().length);
    }

    @Test
    void rootSaysWhoIsRunning() {
        given().get("/").then().statusCode(200)
                .contentType(containsString("text/plain"))
                .body(matchesRegex("RNG running on \\S+\n"));
    }

    @Test
    void everyAnswerNamesTheInstanceInAHeaderNotInTheBody() {
        given().get("/8").then().statusCode(200).header("X-Served-By", not(equalTo("")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "abc", "1.5", "1048577", "99999999999", "0x20", "+5", "-0"})
    void aBadSizeGets400WithAOneLineMessage(String size) {
        given().get("/" + size).then().statusCode(400)
                .contentType(containsString("text/plain"))
                .body(matchesRegex("size must [^\n]*\n"));
    }

    @Test
    void aWrongMethodGets405() {
        given().post("/32").then().statusCode(405);
        given().delete("/").then().statusCode(405);
    }

    @Test
    void requestsAreServedOneAtATime() {
        long started = System.nanoTime();
        List<CompletableFuture<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            answers.add(CompletableFuture.supplyAsync(() -> given().get("/32").statusCode(), clients));
        }
        answers.forEach(answer -> assertEquals(200, answer.join()));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        // 10 requests x 100 ms, one after the other; in parallel they would take 0.1 s.
        assertTrue(took.toMillis() >= 900, "10 concurrent GET /32 took " + took.toMillis() + " ms");
    }

    @Test
    void rootWaitsInTheSameLineLikeTheOriginal() {
        for (int i = 0; i < 5; i++) {
            CompletableFuture.runAsync(() -> given().get("/32"), clients);
        }
        sleep(100); // let them queue
        long started = System.nanoTime();
        given().get("/").then().statusCode(200);
        long tookMillis = Duration.ofNanos(System.nanoTime() - started).toMillis();
        assertTrue(tookMillis >= 250, "GET / behind a line of GET /32 took only " + tookMillis + " ms");
    }

    @Test
    void metricsCountBytesServedAndTheLine() {
        given().get("/16").then().statusCode(200);
        RestAssured.get("/q/metrics").then().statusCode(200)
                .body(containsString("rng_bytes_served_bytes_total"))
                .body(containsString("rng_line_wait_seconds_count"))
                .body(containsString("rng_line_waiting"));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
