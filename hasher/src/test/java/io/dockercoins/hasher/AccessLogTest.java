package io.dockercoins.hasher;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** One access-log line per request (method, path, status, time), as the workshop reads with kubectl logs; none for /q/*. */
@QuarkusTest
class AccessLogTest {

    static final Logger ACCESS_LOG = Logger.getLogger("io.quarkus.http.access-log");
    final List<String> lines = new CopyOnWriteArrayList<>();
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            lines.add(new SimpleFormatter().formatMessage(record));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() {
        ACCESS_LOG.addHandler(capture);
    }

    @AfterEach
    void stop() {
        ACCESS_LOG.removeHandler(capture);
    }

    @Test
    void aRequestLogsOneLineAndProbesNone() throws InterruptedException {
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
        given().body("hello").post("/").then().statusCode(200);
        String request = "\"POST / HTTP/1.1\" 200 ";
        for (int i = 0; i < 50 && lines.isEmpty(); i++) {
            Thread.sleep(100);
        }
        assertEquals(1, lines.size(), "one line, for the request and none for /q/*: " + lines);
        assertTrue(lines.get(0).contains(request) && lines.get(0).matches(".* \\d+ ms"), lines.get(0));
    }
}
