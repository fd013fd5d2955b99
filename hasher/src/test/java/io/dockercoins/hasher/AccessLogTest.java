package io.dockercoins.hasher;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.dockercoins.testing.AccessLogLines;
import io.quarkus.test.junit.QuarkusTest;

/** One access-log line per request (method, path, status, time), as the workshop reads with kubectl logs; none for /q/*. */
@QuarkusTest
class AccessLogTest {

    @RegisterExtension
    static final AccessLogLines LOG = new AccessLogLines();

    @Test
    void aRequestLogsOneLineAndProbesNone() throws InterruptedException {
        List<String> lines = LOG.ofProbesAnd(() -> given().body("hello").post("/").then().statusCode(200));
        assertEquals(1, lines.size(), "one line, for the request and none for /q/*: " + lines);
        assertTrue(lines.get(0).contains("\"POST / HTTP/1.1\" 200 ") && lines.get(0).matches(".* \\d+ ms"), lines.get(0));
    }
}
