package io.dockercoins.hasher;

import static io.restassured.RestAssured.given;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.dockercoins.testing.AccessLogLines;
import io.quarkus.test.junit.QuarkusTest;

/** hasher logs one line per hash asked for (method, path, status, time), as `stern -l app` shows; none for /q/*. */
@QuarkusTest
class AccessLogTest {

    @RegisterExtension
    static final AccessLogLines LOG = new AccessLogLines();

    @Test
    void aHashLogsOneLineAndProbesNone() throws InterruptedException {
        LOG.assertOneLineFor(() -> given().body("hello").post("/").then().statusCode(200), "\"POST / HTTP/1.1\" 200 ");
    }
}
