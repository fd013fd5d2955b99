package io.dockercoins.rng;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * A pod made by `kubectl create deployment` has service links on: for every Service of the namespace the kubelet
 * sets REDIS_SERVICE_HOST, REDIS_PORT=tcp://10.96.0.11:6379, RNG_PORT_80_TCP_ADDR... None of them may stop rng.
 */
class ServiceLinksTest {

    /** What the kubelet sets for the Services the workshop makes (kubectl expose), plus the API server's. */
    static Map<String, String> serviceLinks() {
        Map<String, String> env = new LinkedHashMap<>();
        int ip = 10;
        for (var service : Map.of("kubernetes", 443, "redis", 6379, "rng", 80, "hasher", 80, "webui", 80, "worker", 80).entrySet()) {
            String name = service.getKey().toUpperCase();
            String address = "10.96.0." + ip++;
            String port = String.valueOf(service.getValue());
            String url = "tcp://" + address + ":" + port;
            String tcp = name + "_PORT_" + port + "_TCP";
            env.putAll(Map.of(name + "_SERVICE_HOST", address, name + "_SERVICE_PORT", port, name + "_SERVICE_PORT_HTTP", port,
                    name + "_PORT", url, tcp, url, tcp + "_PROTO", "tcp", tcp + "_PORT", port, tcp + "_ADDR", address));
        }
        return env;
    }

    /** The service's configuration as Quarkus builds it from the environment (durations as Quarkus reads them). */
    static SmallRyeConfig configWith(Map<String, String> env) {
        return new SmallRyeConfigBuilder().addDefaultInterceptors().withSources(new EnvConfigSource(env, 300))
                .withConverter(Duration.class, 100, new DurationConverter())
                .withMapping(RngConfig.class).build();
    }

    @Test
    void startsWithEveryServiceLinkVariable() {
        assertNotNull(configWith(serviceLinks()).getConfigMapping(RngConfig.class));
    }
}
