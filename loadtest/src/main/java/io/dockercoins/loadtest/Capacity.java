package io.dockercoins.loadtest;

import static io.gatling.javaapi.core.CoreDsl.constantConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.gatling.javaapi.http.HttpRequestActionBuilder;

/**
 * The capacity test of one service, like {@code ab -c N}: for each step, N concurrent clients (each
 * sends one request, and a new client takes its place when it is answered, so N requests are always
 * in flight), or R new requests per second whatever the answers (open model, {@code --rate}); the
 * steps run one after the other.
 */
final class Capacity {

    private Capacity() {
    }

    /** One step per users (or rate) value, chained so that each starts when the previous one is over. */
    static List<PopulationBuilder> steps(Params params, String what,
            Function<String, HttpRequestActionBuilder> request) {
        List<PopulationBuilder> steps = new ArrayList<>();
        List<Integer> loads = params.openModel() ? params.rates() : params.users();
        for (int load : loads) {
            String label = params.openModel() ? what + " at " + load + "/s" : what + " x " + load + " users";
            Steps.Step step = Steps.step(label, load);
            ScenarioBuilder scenario = scenario(label)
                    .exec(session -> session.set("t0", System.nanoTime()))
                    .exec(session -> {
                        step.started(session.getLong("t0"));
                        return session;
                    })
                    .exec(request.apply(label))
                    .exec(session -> {
                        step.ended(session.getLong("t0"), System.nanoTime(), session.isFailed());
                        return session;
                    });
            steps.add(params.openModel()
                    ? scenario.injectOpen(constantUsersPerSec(load).during(params.duration()))
                    : scenario.injectClosed(constantConcurrentUsers(load).during(params.duration())));
        }
        return steps;
    }

    /** p0.andThen(p1.andThen(p2)): one after the other (p0.andThen(p1).andThen(p2) would run p1 and p2 together). */
    static PopulationBuilder sequence(List<PopulationBuilder> steps) {
        PopulationBuilder chain = steps.get(steps.size() - 1);
        for (int i = steps.size() - 2; i >= 0; i--) {
            chain = steps.get(i).andThen(chain);
        }
        return chain;
    }

    /** Kept-alive connections shared by all virtual users, like a worker's HTTP client (no new TCP connection per request). */
    static HttpProtocolBuilder protocol() {
        return http.shareConnections().userAgentHeader("dockercoins-loadtest");
    }
}
