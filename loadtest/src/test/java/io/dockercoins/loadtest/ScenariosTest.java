package io.dockercoins.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The scenarios build with their parameters (no request is sent: no load test runs in verify). */
class ScenariosTest {

    private static final List<String> PROPERTIES = List.of("users", "rate", "duration", "target", "rng.url",
            "hasher.url", "webui.url", "bytes", "sleep");

    /** What Gatling does before it instantiates a simulation: load its configuration (gatling.conf). */
    @BeforeAll
    static void gatlingConfiguration() {
        io.gatling.core.Predef$.MODULE$._configuration_$eq(io.gatling.core.config.GatlingConfiguration$.MODULE$.load());
    }

    @AfterEach
    void clear() {
        PROPERTIES.forEach(System::clearProperty);
        Steps.reset();
    }

    @Test
    void rngStepsFollowTheUsers() {
        System.setProperty("users", "1,10,50");
        System.setProperty("duration", "5s");
        new RngCapacity();
        assertEquals(List.of("GET /32 x 1 users", "GET /32 x 10 users", "GET /32 x 50 users"),
                Steps.all().stream().map(Steps.Step::label).toList());
        assertEquals(List.of(1, 10, 50), Steps.all().stream().map(Steps.Step::load).toList());
    }

    @Test
    void hasherTakesArrivalRatesAndBodySize() {
        System.setProperty("rate", "5 20");
        System.setProperty("bytes", "64");
        new HasherCapacity();
        assertEquals(List.of("POST / at 5/s", "POST / at 20/s"), Steps.all().stream().map(Steps.Step::label).toList());
        assertEquals(64, HasherCapacity.randomBytes(64).length);
    }

    @Test
    void appRampsVirtualWorkersAndRefusesRates() {
        new WholeApp();
        assertEquals(List.of(1, 2, 5, 10), Steps.all().stream().map(Steps.Step::load).toList());
        System.setProperty("rate", "10");
        assertThrows(IllegalArgumentException.class, WholeApp::new);
    }

    @Test
    void parametersHaveDefaultsAndClearErrors() {
        Params p = Params.read(Params.DEFAULT_CAPACITY_USERS);
        assertEquals(List.of(1, 10, 50), p.users());
        assertEquals(Duration.ofSeconds(30), p.duration());
        assertEquals("http://localhost:8001", p.targetOr(p.rngUrl()));
        System.setProperty("target", "http://rng/");
        assertEquals("http://rng", Params.read("1").targetOr("x"));
        assertEquals(Duration.ofMillis(500), Params.duration("d", "500ms"));
        assertEquals(Duration.ofMinutes(2), Params.duration("d", "2m"));
        assertEquals(Duration.ofSeconds(45), Params.duration("d", "45"));
        assertEquals(Duration.ofSeconds(30), Params.duration("d", "PT30S"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Params.intList("users", "1,0"));
        assertTrue(e.getMessage().startsWith("users:"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Params.duration("duration", "soon"));
    }

    @Test
    void percentilesAreNearestRank() {
        Steps.Step s = Steps.step("t", 1);
        for (int i = 1; i <= 100; i++) {
            s.started(0);
            s.ended(0, i * 1_000_000L, i == 100);
        }
        assertEquals(50, s.percentile(50));
        assertEquals(95, s.percentile(95));
        assertEquals(100, s.percentile(100));
        assertEquals(1, s.errors());
    }

    @Test
    void launcherRejectsBadArguments() throws Exception {
        assertEquals(2, LoadTest.run(new String[] {"nope"}));
        assertEquals(2, LoadTest.run(new String[] {"rng", "--bogus", "1"}));
        assertEquals(2, LoadTest.run(new String[] {"rng", "--users", "0"}));
        assertEquals(0, LoadTest.run(new String[] {"--help"}));
    }
}
