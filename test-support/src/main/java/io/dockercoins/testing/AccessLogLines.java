package io.dockercoins.testing;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The lines Quarkus' HTTP access log writes during each test ({@code @RegisterExtension static final AccessLogLines}).
 */
public final class AccessLogLines extends Handler implements BeforeEachCallback, AfterEachCallback {

    private static final Logger ACCESS_LOG = Logger.getLogger("io.quarkus.http.access-log");
    private final List<String> lines = new CopyOnWriteArrayList<>();

    @Override
    public void beforeEach(ExtensionContext context) {
        lines.clear();
        ACCESS_LOG.addHandler(this);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        ACCESS_LOG.removeHandler(this);
    }

    /**
     * Asks for a probe and the metrics, as the kubelet and Prometheus do, then makes the request: the log has one
     * line, for the request ({@code "GET /4 HTTP/1.1" 200 4 ...}, ending with the time taken), none for /q/*.
     */
    public void assertOneLineFor(Runnable request, String requestLineAndStatus) throws InterruptedException {
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
        request.run();
        List<String> logged = after(5000);
        assertEquals(1, logged.size(), "one line, for the request and none for /q/*: " + logged);
        assertTrue(logged.get(0).contains(requestLineAndStatus) && logged.get(0).matches(".* \\d+ ms"), logged.get(0));
    }

    /** The lines so far, after waiting up to {@code millis} for the first one (the log is written after the answer). */
    public List<String> after(long millis) throws InterruptedException {
        for (long waited = 0; waited < millis && lines.isEmpty(); waited += 50) {
            Thread.sleep(50);
        }
        return List.copyOf(lines);
    }

    @Override
    public void publish(LogRecord record) {
        lines.add(new SimpleFormatter().formatMessage(record));
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        ACCESS_LOG.removeHandler(this);
    }
}
