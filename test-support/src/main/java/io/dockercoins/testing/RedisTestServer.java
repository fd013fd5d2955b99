package io.dockercoins.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;

import redis.embedded.RedisServer;

/**
 * A real redis-server process (the binary that embedded-redis bundles) on a free local port,
 * so that {@code ./mvnw verify} needs nothing but a JDK. It can be stopped and started again
 * on the same port, to play a Redis outage.
 */
public final class RedisTestServer implements AutoCloseable {

    private final int port;
    private final Path dataDir;
    private RedisServer server;

    private RedisTestServer(int port, Path dataDir) {
        this.port = port;
        this.dataDir = dataDir;
    }

    /** A server that keeps nothing: after a stop it starts again empty. */
    public static RedisTestServer startOnFreePort() {
        return startOnFreePort(null);
    }

    /** A server with persistence on (append-only file in {@code dataDir}): a restart keeps the data. */
    public static RedisTestServer startOnFreePort(Path dataDir) {
        RedisTestServer redis = new RedisTestServer(freePort(), dataDir);
        redis.start();
        return redis;
    }

    public int port() {
        return port;
    }

    public synchronized void start() {
        if (server != null) {
            return;
        }
        try {
            server = RedisServer.newRedisServer()
                    .bind("127.0.0.1")
                    .port(port)
                    .setting("save \"\"")
                    .setting(dataDir == null ? "appendonly no" : "appendonly yes")
                    .settingIf(dataDir != null, "dir " + dataDir)
                    .build();
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start redis-server on port " + port, e);
        }
    }

    public synchronized void stop() {
        if (server == null) {
            return;
        }
        try {
            server.stop();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            server = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
