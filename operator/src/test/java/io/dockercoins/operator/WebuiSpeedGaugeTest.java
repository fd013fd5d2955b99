package io.dockercoins.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The speed read from webui's GET /json, whose format is webui's MiningStats.toJson. */
class WebuiSpeedGaugeTest {

    @Test
    void speedPerVersionIsTheSumOfItsWorkersAndPerWorkerTheirMean() throws Exception {
        MiningSpeed speed = WebuiSpeedGauge.parse("""
                {"coins":12,"hashes":345,"now":1764210000.123,
                 "workers":[{"id":"a","version":"v0.1","speed":3.3},{"id":"b","version":"v0.1","speed":3.1},
                            {"id":"c","version":"v0.2","speed":1.2}],
                 "versions":{"v0.1":6.4,"v0.2":1.2},"rng":{"r1":1}}""");
        assertEquals(7.6, MiningSpeed.round(speed.total()));
        assertEquals(Optional.of(3.2), speed.perWorker("v0.1").map(MiningSpeed::round));
        assertEquals(Optional.of(1.2), speed.perWorker("v0.2"));
        assertEquals(Optional.empty(), speed.perWorker("v0.3"));
        assertEquals(Map.of("v0.1", 3.2, "v0.2", 1.2), speed.perWorkerByVersion());
    }

    @Test
    void theOriginalsJsonWithoutWorkersIsNoSpeed() throws Exception {
        MiningSpeed speed = WebuiSpeedGauge.parse("{\"coins\":1,\"hashes\":2,\"now\":3}");
        assertEquals(0.0, speed.total());
        assertEquals(Map.of(), speed.perWorkerByVersion());
    }
}
