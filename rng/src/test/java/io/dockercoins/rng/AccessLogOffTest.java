package io.dockercoins.rng;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** ACCESS_LOG=false: no line per request (the same knob on hasher and webui). */
@QuarkusTest
@TestProfile(AccessLogOffTest.AccessLogOff.class)
class AccessLogOffTest extends AccessLogTest {

    public static class AccessLogOff implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("ACCESS_LOG", "false");
        }
    }

    @Override
    @Test
    @DisplayName("ACCESS_LOG=false: a request logs nothing")
    void aRequestForBytesLogsOneLineAndProbesNone() throws InterruptedException {
        given().get("/4").then().statusCode(200);
        assertEquals(List.of(), LOG.after(500));
    }
}
