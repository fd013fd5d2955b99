package io.dockercoins.webui;

import static io.restassured.RestAssured.given;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.dockercoins.testing.AccessLogLines;
import io.quarkus.test.junit.QuarkusTest;

/** webui logs one line per page or /json request, as in `docker compose up`; none for the probes and metrics. */
@QuarkusTest
class AccessLogTest {

    @RegisterExtension
    static final AccessLogLines LOG = new AccessLogLines();

    @Test
    void aPageRequestLogsOneLineAndProbesNone() throws InterruptedException {
        LOG.assertOneLineFor(() -> given().redirects().follow(false).get("/").then().statusCode(302), "\"GET / HTTP/1.1\" 302 ");
    }
}
