package io.dockercoins.rng;

import static io.restassured.RestAssured.given;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.dockercoins.testing.AccessLogLines;
import io.quarkus.test.junit.QuarkusTest;

/** rng logs one line per request, as the workshop watches with `kubectl logs -l app=rng --tail 1`; none for /q/*. */
@QuarkusTest
class AccessLogTest {

    @RegisterExtension
    static final AccessLogLines LOG = new AccessLogLines();

    @Test
    void aRequestForBytesLogsOneLineAndProbesNone() throws InterruptedException {
        LOG.assertOneLineFor(() -> given().get("/4").then().statusCode(200), "\"GET /4 HTTP/1.1\" 200 4 ");
    }
}
