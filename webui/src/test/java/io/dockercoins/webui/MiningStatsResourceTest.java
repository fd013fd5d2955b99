package io.dockercoins.webui;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesRegex;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.oneOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.dockercoins.testing.RealRedis;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import redis.clients.jedis.Jedis;

@QuarkusTest
@QuarkusTestResource(value = RealRedis.class, restrictToAnnotatedClass = true)
class MiningStatsResourceTest {

    Jedis redis;

    @BeforeEach
    void emptyLedger() {
        redis = new Jedis("127.0.0.1", RealRedis.server().port());
        redis.del("wallet", "hashes");
        redis.keys("worker:*").forEach(redis::del);
    }

    @AfterEach
    void disconnect() {
        redis.close();
    }

    @Test
    void jsonReportsTheCoinsInTheWalletAndTheHashesCounted() {
        redis.hset("wallet", "0a1b", "bytes of coin 1");
        redis.hset("wallet", "0c2d", "bytes of coin 2");
        redis.hset("wallet", "0e3f", "bytes of coin 3");
        redis.incrBy("hashes", 1234);

        given().get("/json").then().statusCode(200)
                .contentType(containsString("application/json"))
                .body("coins", equalTo(3))
                .body("hashes", equalTo(1234))
                .body(containsString("\"hashes\":1234")); // a number, not the original's string
    }

    @Test
    void hashesIsZeroBeforeAnyWorkerHasReported() {
        given().get("/json").then().statusCode(200)
                .body("coins", equalTo(0))
                .body("hashes", equalTo(0));
    }

    @Test
    void hashesBeyondIntegerRangeAreReportedExactly() {
        redis.set("hashes", "9007199254740991");
        given().get("/json").then().statusCode(200).body(containsString("\"hashes\":9007199254740991"));
    }

    @Test
    void nowIsTheCurrentTimeInFractionalEpochSeconds() {
        String body = given().get("/json").then().statusCode(200).extract().asString();
        Matcher now = Pattern.compile("\"now\":(\\d+\\.\\d+)[,}]").matcher(body);
        assertTrue(now.find(), "now as plain decimal seconds with a fraction: " + body);
        double seconds = new BigDecimal(now.group(1)).doubleValue();
        double expected = System.currentTimeMillis() / 1000.0;
        assertEquals(expected, seconds, 5.0, body);
    }

    @Test
    void jsonIsNeverCached() {
        given().get("/json").then().statusCode(200).header("Cache-Control", containsString("no-cache"));
    }

    @Test
    void rootRedirectsToThePage() {
        given().redirects().follow(false).get("/").then()
                .statusCode(oneOf(302, 303))
                .header("Location", endsWith("/index.html"));
    }

    @Test
    void thePageIsServedAndNeedsNothingFromTheInternet() {
        String page = given().get("/index.html").then().statusCode(200)
                .contentType(containsString("text/html"))
                .extract().asString();
        assertTrue(page.contains("hashes/second"));
        assertTrue(!Pattern.compile("<style|style=\"|<script>|<script [^>]*>[^<]", Pattern.CASE_INSENSITIVE).matcher(page).find(),
                "no inline script or style: the page is html, webui.js and webui.css");
        assertNoExternalResource("index.html", page);
        Matcher resources = Pattern.compile("(?:src|href)=\"([^\"]+)\"").matcher(page);
        int count = 0;
        while (resources.find()) {
            String path = resources.group(1);
            assertTrue(!path.startsWith("/"), "relative, so it works behind a path prefix: " + path);
            String body = given().get("/" + path).then().statusCode(200).extract().asString(); // e.g. the chart library from its WebJar
            if (!path.startsWith("webjars/") && (path.endsWith(".js") || path.endsWith(".css"))) {
                assertNoExternalResource(path, body);
            }
            count++;
        }
        assertTrue(count >= 4, "the chart library's script and style, and the page's own, are referenced");
        String script = given().get("/webui.js").then().statusCode(200).extract().asString();
        assertTrue(script.contains("fetch(\"json\""), "polls json by a relative URL, so it works behind a path prefix");
    }

    private static void assertNoExternalResource(String file, String text) {
        assertTrue(!Pattern.compile("https?:|//[a-z]|@import|url\\(", Pattern.CASE_INSENSITIVE).matcher(text).find(),
                file + " loads nothing from elsewhere: the workshop Wi-Fi may be offline");
    }

    @Test
    void jsonListsTheLiveWorkersTheSpeedOfEachVersionAndTheShareOfEachRngInstance() {
        redis.incrBy("hashes", 100);
        worker("aaa111", Map.of("version", "v0.1", "speed", "3.30", "loops", "50", "rng:rng-1", "12", "rng:rng-2", "4"));
        worker("bbb222", Map.of("version", "v0.1", "speed", "3.20", "loops", "40", "rng:rng-1", "4"));
        worker("ccc333", Map.of("version", "v0.2", "speed", "1.5", "loops", "7", "rng:rng-2", "12"));

        Response json = given().get("/json");
        json.then().statusCode(200)
                .body("coins", equalTo(0))
                .body("hashes", equalTo(100))
                .body("workers.size()", equalTo(3))
                .body("workers[0].id", equalTo("aaa111"))
                .body("workers[0].version", equalTo("v0.1"))
                .body("workers[0].speed", equalTo(3.3f))
                .body("workers[2].id", equalTo("ccc333"))
                .body("workers[2].version", equalTo("v0.2"))
                .body("versions.'v0.1'", equalTo(6.5f))
                .body("versions.'v0.2'", equalTo(1.5f))
                .body("rng.'rng-1'", equalTo(0.5f))
                .body("rng.'rng-2'", equalTo(0.5f));
        assertTrue(json.asString().startsWith("{\"coins\":0,\"hashes\":100,\"now\":"),
                "the original's three fields come first, unchanged: " + json.asString());
    }

    @Test
    void jsonGivesWhereTheLoopsTimeGoesAsEachVersionsMeanStepTimes() {
        worker("aaa111", Map.of("version", "v0.1", "speed", "0.45", "step:sleep", "0.100", "step:rng", "1.900",
                "step:hasher", "0.102", "step:redis", "0.002"));
        worker("bbb222", Map.of("version", "v0.1", "speed", "0.45", "step:sleep", "0.100", "step:rng", "2.100",
                "step:hasher", "0.098", "step:redis", "0.004"));
        worker("ccc333", Map.of("version", "v0.2", "speed", "3.30", "step:sleep", "0.101", "step:rng", "0.100",
                "step:hasher", "0.100", "step:redis", "0.001"));
        worker("old444", Map.of("version", "v0.3", "speed", "3.30")); // a worker older than step times

        String body = given().get("/json").then().statusCode(200)
                .body("steps.'v0.1'.sleep", equalTo(0.1f))
                .body("steps.'v0.1'.rng", equalTo(2)) // 2.000 is written 2
                .body("steps.'v0.1'.hasher", equalTo(0.1f))
                .body("steps.'v0.1'.redis", equalTo(0.003f))
                .body("steps.'v0.2'.rng", equalTo(0.1f))
                .body("steps.'v0.3'", is((Object) null))
                .body("versions.'v0.3'", equalTo(3.3f))
                .extract().asString();
        assertTrue(body.contains("\"steps\":{\"v0.1\":{\"sleep\":0.1,\"rng\":2,\"hasher\":0.1,\"redis\":0.003}"),
                "the steps in the loop's order, in seconds: " + body);
        assertTrue(body.matches("\\{\"coins\":0,\"hashes\":0,\"now\":[0-9.]+,\"workers\":\\[.*\\],\"versions\":\\{.*\\},\"rng\":\\{.*\\},\"steps\":.*"),
                "every older field is still there, in its place: " + body);
    }

    @Test
    void aWorkerThatStopsReportingDisappearsWhenItsKeyExpires() {
        worker("alive", Map.of("version", "v0.1", "speed", "3.3"));
        worker("dying", Map.of("version", "v0.2", "speed", "3.3"));
        redis.pexpire("worker:dying", 500);
        given().get("/json").then().statusCode(200).body("workers.size()", equalTo(2));
        sleep(800);
        given().get("/json").then().statusCode(200)
                .body("workers.size()", equalTo(1))
                .body("workers[0].id", equalTo("alive"))
                .body("versions.'v0.2'", is((Object) null));
    }

    @Test
    void noWorkerMeansEmptyListsNotMissingFields() {
        given().get("/json").then().statusCode(200)
                .body(containsString("\"workers\":[]"))
                .body(containsString("\"versions\":{}"))
                .body(containsString("\"rng\":{}"))
                .body(containsString("\"steps\":{}"));
    }

    @Test
    void oddWorkerKeysAreToleratedAndNamesAreEscaped() {
        redis.set("worker:not-a-hash", "whatever"); // another type under the prefix: skipped
        worker("odd\"<name>", Map.of("speed", "fast", "rng:x\\y", "-3", "rng:ok", "2"));
        String body = given().get("/json").then().statusCode(200)
                .body("workers.size()", equalTo(1))
                .body("workers[0].id", equalTo("odd\"<name>"))
                .body("workers[0].version", equalTo("unknown"))
                .body("workers[0].speed", equalTo(0))
                .body("rng.ok", equalTo(1))
                .extract().asString();
        assertTrue(!body.contains("<"), "no raw < in the JSON: " + body);
    }

    private void worker(String id, Map<String, String> fields) {
        redis.hset("worker:" + id, fields);
        redis.expire("worker:" + id, 30);
    }

    @Test
    void wrongMethodOnJsonIs405() {
        given().post("/json").then().statusCode(405);
        given().delete("/json").then().statusCode(405);
    }

    @Test
    void unknownPathsAre404() {
        given().get("/no-such-page").then().statusCode(404);
        given().get("/json/extra").then().statusCode(404);
    }

    @Test
    void healthIsUpWithRedis() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void metricsArePublished() {
        given().get("/q/metrics").then().statusCode(200).body(containsString("http_server_requests"));
    }

    @Test
    void whileRedisIsDownJsonAnswers503AndWebuiIsNotReadyButAlive() {
        double failuresBefore = redisFailures();
        RealRedis.server().stop();
        try {
            given().get("/json").then().statusCode(503)
                    .contentType(containsString("application/json"))
                    .header("Retry-After", not(emptyOrNullString()))
                    .body("error", equalTo("redis unavailable"))
                    .body(not(containsString("Exception")));
            given().get("/q/health/ready").then().statusCode(503).body("status", equalTo("DOWN"));
            given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
            assertTrue(redisFailures() > failuresBefore, "failed reads are counted");
        } finally {
            RealRedis.server().start();
        }

        redis.close(); // its connection died with the server
        redis = new Jedis("127.0.0.1", RealRedis.server().port());
        redis.set("hashes", "42");
        awaitStatus200("/json", Duration.ofSeconds(10));
        given().get("/json").then().statusCode(200).body("hashes", is(42));
        awaitStatus200("/q/health/ready", Duration.ofSeconds(10));
    }

    private static double redisFailures() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher value = Pattern.compile("(?m)^webui_json_redis_failures_total(\\{[^}]*\\})? (\\S+)$").matcher(metrics);
        assertTrue(value.find(), "metric webui_json_redis_failures_total published");
        return Double.parseDouble(value.group(2));
    }

    /** A pooled connection that died with Redis fails once; the next poll gets a fresh one. */
    private static void awaitStatus200(String path, Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        Response last;
        do {
            last = given().get(path);
            if (last.statusCode() == 200) {
                return;
            }
            sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError(path + " still answers " + last.statusCode() + " after " + patience + ": " + last.asString());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
