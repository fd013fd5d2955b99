package io.dockercoins.loadtest;

import static io.gatling.javaapi.core.CoreDsl.ByteArrayBody;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.bodyBytes;
import static io.gatling.javaapi.core.CoreDsl.doIf;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.exitBlockOnFail;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

/**
 * The whole pipeline: steps of "virtual workers" (1, 2, 5, 10 by default), each doing what a worker
 * does (pause 0.1 s, GET rng/32, POST those bytes to hasher), while one client reads webui's
 * {@code /json} every second to get the speed of the real workers. The summary gives, for each
 * step, the loops per second of the virtual workers, the speed webui shows, and their sum: what
 * the pipeline delivers. With one rng the sum stays at about 10/s: virtual workers take their
 * share of rng's 10 requests/s away from the real ones.
 */
public class WholeApp extends Simulation {

    public WholeApp() {
        Params params = Params.read(Params.DEFAULT_APP_USERS);
        if (params.openModel()) {
            throw new IllegalArgumentException("app: give --users (virtual workers per step), not --rate");
        }
        String rng = params.rngUrl();
        String hasher = params.hasherUrl();
        String webui = params.webuiUrl();
        int n = params.bytes();
        Summary.begin("whole app: virtual workers on " + rng + " and " + hasher + ", speed from " + webui + "/json",
                params);

        List<PopulationBuilder> steps = new ArrayList<>();
        Steps.Step last = null;
        for (int workers : params.users()) {
            String label = workers + " virtual workers";
            Steps.Step step = Steps.step(label, workers);
            last = step;
            ScenarioBuilder scenario = scenario(label)
                    .during(params.duration()).on(
                            pause(params.sleep()),
                            exec(session -> session.set("t0", System.nanoTime()).remove("bytes")),
                            exec(session -> {
                                step.started(session.getLong("t0"));
                                return session;
                            }),
                            exitBlockOnFail().on(
                                    exec(http("rng GET /" + n + " [" + label + "]").get(rng + "/" + n)
                                            .check(status().is(200), bodyBytes().saveAs("bytes"))),
                                    exec(http("hasher POST / [" + label + "]").post(hasher + "/")
                                            .header("Content-Type", "application/octet-stream")
                                            .body(ByteArrayBody("#{bytes}"))
                                            .check(status().is(200)))),
                            exec(session -> {
                                step.ended(session.getLong("t0"), System.nanoTime(), session.isFailed());
                                return session;
                            }),
                            // like the worker: a short pause after a failure, then go on
                            doIf(session -> session.isFailed()).then(pause(Duration.ofMillis(500))),
                            exec(session -> session.markAsSucceeded()))
                    .exec(session -> {
                        step.userFinished();
                        return session;
                    });
            steps.add(scenario.injectOpen(atOnceUsers(workers)));
        }

        Steps.Step lastStep = last;
        long deadline = System.nanoTime()
                + params.duration().multipliedBy(params.users().size() * 2L).plusSeconds(60).toNanos();
        ScenarioBuilder poller = scenario("webui speed")
                .asLongAs(session -> lastStep.finishedUsers() < lastStep.load() && System.nanoTime() < deadline).on(
                        exec(http("webui GET /json").get(webui + "/json")
                                .check(status().is(200), jsonPath("$.hashes").saveAs("hashes"))),
                        exec(session -> {
                            if (!session.isFailed() && session.contains("hashes")) {
                                WebuiSpeed.sample(System.nanoTime(), Double.parseDouble(session.getString("hashes")));
                            }
                            return session.markAsSucceeded().remove("hashes");
                        }),
                        pause(Duration.ofSeconds(1)));

        setUp(Capacity.sequence(steps), poller.injectOpen(atOnceUsers(1))).protocols(Capacity.protocol());
    }

    @Override
    public void after() {
        Summary.end();
    }
}
