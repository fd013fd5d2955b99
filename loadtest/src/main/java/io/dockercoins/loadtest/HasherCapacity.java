package io.dockercoins.loadtest;

import static io.gatling.javaapi.core.CoreDsl.ByteArrayBody;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import java.util.concurrent.ThreadLocalRandom;

import io.gatling.javaapi.core.Simulation;

/**
 * hasher's capacity: {@code POST /} with random 32-byte bodies and 1, 10 and 50 concurrent clients.
 * hasher serves requests in parallel (0.1 s each): requests/s grow with the concurrency and the
 * latency stays at about 0.1 s.
 */
public class HasherCapacity extends Simulation {

    public HasherCapacity() {
        Params params = Params.read(Params.DEFAULT_CAPACITY_USERS);
        String url = params.targetOr(params.hasherUrl());
        int n = params.bytes();
        Summary.begin("hasher capacity: POST " + url + "/ (" + n + "-byte bodies)", params);
        setUp(Capacity.sequence(Capacity.steps(params, "POST /",
                label -> http(label).post(url + "/")
                        .header("Content-Type", "application/octet-stream")
                        .body(ByteArrayBody(session -> randomBytes(n)))
                        .check(status().is(200),
                                bodyString().transform(s -> s.strip().matches("[0-9a-f]{64}")).is(true)))))
                .protocols(Capacity.protocol());
    }

    static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }

    @Override
    public void after() {
        Summary.end();
    }
}
