package io.dockercoins.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * {@code @QuarkusTestResource(RealRedis.class)}: a real Redis for a Quarkus test, wired in through
 * {@code redis.host} and {@code redis.port}. Tests reach the server (to stop it, say) with {@link #server()}.
 */
public class RealRedis implements QuarkusTestResourceLifecycleManager {

    private static volatile RedisTestServer server;

    @Override
    public Map<String, String> start() {
        server = RedisTestServer.startOnFreePort();
        return Map.of("redis.host", "127.0.0.1", "redis.port", String.valueOf(server.port()));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }

    public static RedisTestServer server() {
        return server;
    }
}
