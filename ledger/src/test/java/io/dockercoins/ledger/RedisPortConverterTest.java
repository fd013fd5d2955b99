package io.dockercoins.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.dockercoins.testing.ServiceLinks;

/** REDIS_PORT as people and Kubernetes write it. */
class RedisPortConverterTest {

    final RedisPortConverter converter = new RedisPortConverter();

    @Test
    void aPortNumberIsThePort() {
        assertEquals(6379, converter.convert("6379"));
        assertEquals(6380, converter.convert(" 6380 "));
    }

    @Test
    void aKubernetesServiceLinkGivesItsPort() {
        // What Kubernetes sets in every pod of a namespace with a Service named redis (docker links did the same)
        assertEquals(6379, converter.convert("tcp://10.96.0.5:6379"));
        assertEquals(16379, converter.convert("tcp://redis.default.svc:16379"));
        assertEquals(6379, converter.convert("tcp://[fd00:10:96::5]:6379"));
    }

    @Test
    void anythingElseFailsWithAMessageThatNamesTheVariableAndTheFormsItTakes() {
        for (String wrong : new String[] {"", "redis", "0", "65536", "-1", "tcp://10.96.0.5", "http://10.96.0.5:6379", "6379/tcp", "tcp://:6379", "redis:six"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> converter.convert(wrong), wrong);
            assertTrue(e.getMessage().startsWith("REDIS_PORT (redis.port) is \"" + wrong + "\"") && e.getMessage().contains("6379")
                    && e.getMessage().contains("tcp://10.96.0.5:6379"), e.getMessage());
        }
    }

    @Test
    void theConfigMappingReadsTheEnvironmentVariablesAndKeepsItsDefaults() {
        RedisConfig defaults = config(Map.of());
        assertEquals("redis", defaults.host());
        assertEquals(6379, defaults.port());
        assertTrue(defaults.password().isEmpty());
        assertEquals(2000, defaults.timeout().toMillis());

        RedisConfig linked = config(Map.of("REDIS_HOST", "10.0.0.7", "REDIS_PORT", "tcp://10.96.0.5:6390",
                "REDIS_PASSWORD", "s3cret", "REDIS_TIMEOUT", "500ms"));
        assertEquals("10.0.0.7", linked.host());
        assertEquals(6390, linked.port());
        assertEquals("s3cret", linked.password().orElseThrow());
        assertEquals(500, linked.timeout().toMillis());

        Exception e = assertThrows(RuntimeException.class, () -> config(Map.of("REDIS_PORT", "redis:6379")));
        assertTrue(String.valueOf(e.getMessage()).contains("REDIS_PORT"), e.getMessage());
    }

    @Test
    void aPodWithEveryServiceLinkOfTheWorkshopsServicesStillFindsRedis() {
        // what the kubelet sets when `kubectl expose` made redis, rng, hasher and webui (and enableServiceLinks is on)
        RedisConfig redis = config(ServiceLinks.env());
        assertEquals("redis", redis.host(), "the Service's name, resolved by the cluster's DNS");
        assertEquals(6379, redis.port());
    }

    private static RedisConfig config(Map<String, String> env) {
        return ServiceLinks.config(env, RedisConfig.class).getConfigMapping(RedisConfig.class);
    }
}
