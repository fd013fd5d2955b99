package io.dockercoins.hasher;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.dockercoins.testing.AccessLogLines;
import io.quarkus.test.junit.QuarkusTest;

/** One access-log line per request (method, path, status, time), as the workshop reads with kubectl logs; none for /q/*. */
@QuarkusTest
class AccessLogTest {

    final AccessLogLines log = new AccessLogLines();

    @BeforeEach
    void listen() {
        log.start();
    }

    @AfterEach
    void stop() {
        log.stop();
    }

    @Test
    void aRequestLogsOneLineAndProbesNone() throws InterruptedException {
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
        given().body("hello").post("/").then().statusCode(200);
        List<String> lines = log.after(5000);
        assertEquals(1, lines.size(), "one line, for the request and none for /q/*: " + lines);
        assertTrue(lines.get(0).contains("\"POST / HTTP/1.1\" 200 ") && lines.get(0).matches(".* \\d+ ms"), lines.get(0));
    }
}
