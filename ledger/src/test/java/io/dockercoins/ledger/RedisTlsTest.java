package io.dockercoins.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.dockercoins.testing.RedisTestServer;
import io.dockercoins.testing.ServiceLinks;
import io.dockercoins.testing.TlsRedisTestServer;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * REDIS_TLS and REDIS_TLS_CA against a real redis-server that speaks only TLS (Debian's, built with TLS; skipped
 * where it is not installed, saying so). What goes wrong is said in one line naming the setting to change.
 */
class RedisTlsTest {

    static TlsRedisTestServer tlsRedis;

    @BeforeAll
    static void startTlsRedis() {
        assumeTrue(TlsRedisTestServer.available(), TlsRedisTestServer.whyUnavailable());
        tlsRedis = TlsRedisTestServer.start();
    }

    @AfterAll
    static void stopTlsRedis() {
        if (tlsRedis != null) {
            tlsRedis.close();
        }
    }

    @Test
    void withTheCaThatSignedItsCertificateTheServiceTalksToRedisOverTls() {
        RedisConfig redis = config("localhost", tlsRedis.port(), tlsRedis.caFile());
        try (Jedis jedis = RedisPool.connect(redis, "tls-test")) {
            assertEquals("PONG", jedis.ping());
            jedis.set("hashes", "42");
            assertEquals("42", jedis.get("hashes"));
        }
    }

    @Test
    void theSharedPoolUsesTlsToo() {
        try (var pool = new RedisPool().jedisPool(config("localhost", tlsRedis.port(), tlsRedis.caFile()));
                Jedis jedis = pool.getResource()) {
            assertEquals("PONG", jedis.ping());
        }
    }

    @Test
    void aCertificateFromAnotherCaIsRefusedWithALineThatNamesRedisTlsCa() {
        String message = failure(config("localhost", tlsRedis.port(), tlsRedis.otherCaFile()));
        assertTrue(message.contains("is not signed by the CA of REDIS_TLS_CA=" + tlsRedis.otherCaFile())
                && message.contains("set REDIS_TLS_CA to the PEM file of the CA that signed it"), message);
    }

    @Test
    void withoutRedisTlsCaOnlyTheJvmsCasAreTrusted() {
        String message = failure(config("localhost", tlsRedis.port(), null));
        assertTrue(message.contains("the JVM's trusted CAs (REDIS_TLS_CA is not set)"), message);
    }

    @Test
    void aCertificateThatDoesNotNameTheHostIsRefused() throws Exception {
        // The certificate names localhost and 127.0.0.1; where this machine's own name is 127.0.0.1 too, it reaches
        // the same server under a name the certificate does not carry.
        String otherName = java.net.InetAddress.getLocalHost().getHostName();
        assumeTrue(resolvesTo127001(otherName) && !otherName.equals("localhost"), otherName + " is not another name of 127.0.0.1 here");
        String message = failure(config(otherName, tlsRedis.port(), tlsRedis.caFile()));
        assertTrue(message.contains("does not name \"" + otherName + "\"") && message.contains("REDIS_HOST"), message);
    }

    @Test
    void aPlainTextRedisIsToldApartFromABadCertificate() {
        try (RedisTestServer plain = RedisTestServer.startOnFreePort()) {
            String message = failure(config("localhost", plain.port(), tlsRedis.caFile()));
            assertTrue(message.contains("plain-text Redis; unset REDIS_TLS"), message);
        }
    }

    @Test
    void aMissingOrWrongCaFileStopsTheStartWithAMessageNamingTheVariable() throws Exception {
        Exception missing = assertThrows(RuntimeException.class, () -> config("localhost", 6379, Path.of("/nonexistent/ca.crt")));
        assertTrue(String.valueOf(missing.getMessage()).contains("REDIS_TLS_CA (redis.tls-ca) is \"/nonexistent/ca.crt\", which cannot be read"),
                missing.getMessage());
        Path notPem = Files.createTempFile("not-a-ca", ".crt");
        Files.writeString(notPem, "hello\n");
        Exception wrong = assertThrows(RuntimeException.class, () -> config("localhost", 6379, notPem));
        assertTrue(String.valueOf(wrong.getMessage()).contains("REDIS_TLS_CA (redis.tls-ca)"), wrong.getMessage());
    }

    @Test
    void tlsIsOffByDefault() {
        RedisConfig defaults = build(Map.of());
        assertEquals(false, defaults.tls());
        assertTrue(defaults.tlsCa().isEmpty());
    }

    private static String failure(RedisConfig redis) {
        JedisConnectionException e = assertThrows(JedisConnectionException.class, () -> {
            try (Jedis jedis = RedisPool.connect(redis, "tls-test")) {
                jedis.ping();
            }
        });
        String message = RedisPool.why(e);
        assertTrue(!message.contains("\n"), "one line: " + message);
        return message;
    }

    private static boolean resolvesTo127001(String name) {
        try {
            return java.net.InetAddress.getByName(name).getHostAddress().equals("127.0.0.1");
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private static RedisConfig config(String host, int port, Path ca) {
        Map<String, String> env = new HashMap<>(Map.of("REDIS_HOST", host, "REDIS_PORT", String.valueOf(port), "REDIS_TLS", "true",
                "REDIS_TIMEOUT", "2s"));
        if (ca != null) {
            env.put("REDIS_TLS_CA", ca.toString());
        }
        return build(env);
    }

    private static RedisConfig build(Map<String, String> env) {
        return ServiceLinks.config(env, RedisConfig.class).getConfigMapping(RedisConfig.class);
    }
}
