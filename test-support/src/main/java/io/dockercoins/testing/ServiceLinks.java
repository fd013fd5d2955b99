package io.dockercoins.testing;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * What a kubelet sets in a pod with service links on (a pod made by `kubectl create deployment`): for every Service
 * of the namespace when the pod starts, NAME_SERVICE_HOST, NAME_SERVICE_PORT, NAME_PORT=tcp://10.96.0.11:6379,
 * NAME_PORT_6379_TCP... Here for the Services the workshop makes with `kubectl expose` (redis, rng, hasher, webui),
 * a worker Service, and the API server's. None of them may stop a service.
 */
public final class ServiceLinks {

    private ServiceLinks() {
    }

    public static Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        int ip = 10;
        for (var service : Map.of("kubernetes", 443, "redis", 6379, "rng", 80, "hasher", 80, "webui", 80, "worker", 80).entrySet()) {
            String name = service.getKey().toUpperCase(Locale.ROOT);
            String address = "10.96.0." + ip++;
            String port = String.valueOf(service.getValue());
            String url = "tcp://" + address + ":" + port;
            String tcp = name + "_PORT_" + port + "_TCP";
            env.putAll(Map.of(name + "_SERVICE_HOST", address, name + "_SERVICE_PORT", port, name + "_SERVICE_PORT_HTTP", port,
                    name + "_PORT", url, tcp, url, tcp + "_PROTO", "tcp", tcp + "_PORT", port, tcp + "_ADDR", address));
        }
        return env;
    }

    /** The configuration mappings of a service as Quarkus builds them from these variables (durations as Quarkus reads them). */
    public static SmallRyeConfig config(Map<String, String> env, Class<?>... mappings) {
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder().addDefaultInterceptors()
                .withSources(new EnvConfigSource(env, 300) {
                })
                .withConverter(Duration.class, 100, new DurationConverter());
        for (Class<?> mapping : mappings) {
            builder.withMapping(mapping);
        }
        return builder.build();
    }
}
