package io.dockercoins.loadtest;

import static io.gatling.javaapi.core.CoreDsl.bodyLength;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.Simulation;

/**
 * How many requests per second one rng serves, and how its latency grows with the line:
 * {@code GET /32} with 1, 10 and 50 concurrent clients (the workshop's {@code ab -c 1} / {@code ab -c 50}).
 * rng serves one request at a time, 0.1 s each: about 10 requests/s whatever the concurrency, and
 * each client waits about concurrency x 0.1 s.
 */
public class RngCapacity extends Simulation {

    public RngCapacity() {
        Params params = Params.read(Params.DEFAULT_CAPACITY_USERS);
        String url = params.targetOr(params.rngUrl());
        int n = params.bytes();
        Summary.begin("rng capacity: GET " + url + "/" + n, params);
        setUp(Capacity.sequence(Capacity.steps(params, "GET /" + n,
                label -> http(label).get(url + "/" + n).check(status().is(200), bodyLength().is(n)))))
                .protocols(Capacity.protocol());
    }

    @Override
    public void after() {
        Summary.end();
    }
}
