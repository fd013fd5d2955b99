package io.dockercoins.hasher;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** hasher serves requests side by side: with a 1 s delay, ten at once take far less than ten seconds. */
@QuarkusTest
@TestProfile(ParallelHashingTest.SlowHash.class)
class ParallelHashingTest {

    public static class SlowHash implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("hasher.delay", "1s");
        }
    }

    @Test
    void requestsAreServedInParallel() {
        ExecutorService clients = Executors.newFixedThreadPool(10);
        try {
            // The client's own first use (REST Assured's set-up, in each of the ten threads) is not hasher's time: on a
            // loaded 2-core machine it took 6-27 s while hasher's access log showed the ten answered side by side in
            // 1.0-2.2 s each. One GET / in each thread (the latch holds each thread until all ten have one) before the
            // stopwatch starts.
            CountDownLatch warm = new CountDownLatch(10);
            List<CompletableFuture<Integer>> warmUp = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                warmUp.add(CompletableFuture.supplyAsync(() -> {
                    int status = given().get("/").statusCode();
                    warm.countDown();
                    try {
                        warm.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return status;
                }, clients));
            }
            warmUp.forEach(answer -> assertEquals(200, answer.join()));
            long started = System.nanoTime();
            List<CompletableFuture<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                answers.add(CompletableFuture.supplyAsync(
                        () -> given().contentType("application/octet-stream").body(new byte[32]).post("/").statusCode(), clients));
            }
            answers.forEach(answer -> assertEquals(200, answer.join()));
            long tookMillis = Duration.ofNanos(System.nanoTime() - started).toMillis();
            // one at a time would be 10 x 1 s
            assertTrue(tookMillis < 6000, "10 concurrent POST / took " + tookMillis + " ms");
        } finally {
            clients.shutdownNow();
        }
    }
}
