package io.dockercoins.hasher;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesRegex;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

@QuarkusTest
class HashResourceTest {

    /** FIPS 180-2 test vectors, as lowercase hex. */
    @ParameterizedTest
    @CsvSource({
            "'', e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "abc, ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq, 248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"})
    void postReturnsTheLowercaseHexSha256OfTheBody(String body, String digest) {
        given().contentType("application/octet-stream").body(body.getBytes(StandardCharsets.US_ASCII))
                .post("/").then().statusCode(200)
                .contentType(containsString("text/plain"))
                .body(equalTo(digest));
    }

    @Test
    void anEmptyBodyHashesToTheSha256OfNothing() {
        given().post("/").then().statusCode(200)
                .body(equalTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    }

    @Test
    void binaryBytesAreHashedAsTheyAre() {
        byte[] bytes = new byte[256];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        given().contentType("application/octet-stream").body(bytes).post("/").then().statusCode(200)
                .body(equalTo("40aff2e9d2d8922e47afd4648e6967497158785fbd1da870e7110266bf944880"));
    }

    /** ab -p sends text/plain and curl -d sends a form type: the body is hashed all the same. */
    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/x-www-form-urlencoded", "application/json"})
    void anyContentTypeIsHashedAsBytes(String contentType) {
        given().contentType(contentType).body("abc").post("/").then().statusCode(200)
                .body(equalTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    }

    /** Told from the headers (with Expect: 100-continue the body is never sent), so the server closing early is no race. */
    @Test
    void aBodyOverTheLimitGets413() throws Exception {
        HttpRequest tooBig = HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + "/"))
                .expectContinue(true)
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[1024 * 1024 + 1]))
                .build();
        HttpResponse<String> answer = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(tooBig, HttpResponse.BodyHandlers.ofString());
        assertEquals(413, answer.statusCode());
    }

    @Test
    void aBodyAtTheLimitIsHashed() {
        given().contentType("application/octet-stream").body(new byte[1024 * 1024]).post("/").then().statusCode(200)
                .body(matchesRegex("[0-9a-f]{64}"));
    }

    @Test
    void rootSaysWhoIsRunningWithoutDelay() {
        given().get("/").then().statusCode(200)
                .contentType(containsString("text/plain"))
                .header("X-Served-By", not(equalTo("")))
                .body(matchesRegex("HASHER running on \\S+\n"));
    }

    @Test
    void aWrongMethodGets405() {
        given().put("/").then().statusCode(405);
        given().delete("/").then().statusCode(405);
    }

    @Test
    void metricsCountHashes() {
        given().body(new byte[32]).contentType("application/octet-stream").post("/").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200).body(containsString("hasher_hashes_total"));
    }
}
