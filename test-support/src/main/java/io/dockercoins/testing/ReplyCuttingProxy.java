package io.dockercoins.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP proxy in front of a test Redis that can play the one fault a real network rarely gives on demand: a command
 * reaches Redis and is applied, and its reply is lost because the connection is cut. {@link #loseReplyTo(String...)}
 * arms it for the next command with one of the given names; the proxy forwards that command, waits for Redis's
 * reply, drops it and closes both sides. Commands are recognised by their name in the RESP bytes of one read (a client
 * writes a small command in one go), which is all a test needs.
 */
public final class ReplyCuttingProxy implements AutoCloseable {

    private final int redisPort;
    private final ServerSocket server;
    private final AtomicReference<List<String>> armedFor = new AtomicReference<>();
    private final AtomicInteger repliesLost = new AtomicInteger();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    public ReplyCuttingProxy(int redisPort) {
        this.redisPort = redisPort;
        try {
            this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(this::accept, "reply-cutting-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The next command named one of these (EVALSHA, INCRBY...) is applied by Redis and its reply lost. */
    public void loseReplyTo(String... commands) {
        armedFor.set(List.of(commands).stream().map(c -> c.toUpperCase(Locale.ROOT)).toList());
    }

    /** How many replies were dropped so far (each with its connection). */
    public int repliesLost() {
        return repliesLost.get();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        sockets.forEach(ReplyCuttingProxy::closeQuietly);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket redis = new Socket(InetAddress.getLoopbackAddress(), redisPort);
                sockets.add(client);
                sockets.add(redis);
                Connection connection = new Connection(client, redis);
                start(connection::clientToRedis);
                start(connection::redisToClient);
            } catch (IOException e) {
                // server closed, or Redis down: the client sees its connection fail, as it would without the proxy
            }
        }
    }

    private static void start(Runnable pump) {
        Thread thread = new Thread(pump, "reply-cutting-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private final class Connection {
        private final Socket client;
        private final Socket redis;
        private volatile boolean dropNextReply;

        Connection(Socket client, Socket redis) {
            this.client = client;
            this.redis = redis;
        }

        void clientToRedis() {
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = client.getInputStream(); OutputStream out = redis.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    List<String> armed = armedFor.get();
                    if (armed != null && names(buffer, n, armed) && armedFor.compareAndSet(armed, null)) {
                        dropNextReply = true; // before the command leaves: its reply cannot overtake this flag
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // either side closed
            } finally {
                closeBoth();
            }
        }

        void redisToClient() {
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = redis.getInputStream(); OutputStream out = client.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (dropNextReply) {
                        repliesLost.incrementAndGet();
                        return; // Redis has applied the command; the client never hears of it
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // either side closed
            } finally {
                closeBoth();
            }
        }

        private void closeBoth() {
            closeQuietly(client);
            closeQuietly(redis);
        }
    }

    /** Whether the RESP bytes hold a bulk string that is one of the command names ("$7\r\nEVALSHA\r\n"). */
    private static boolean names(byte[] buffer, int length, List<String> commands) {
        String text = new String(buffer, 0, length, StandardCharsets.ISO_8859_1).toUpperCase(Locale.ROOT);
        return commands.stream().anyMatch(c -> text.contains("$" + c.length() + "\r\n" + c + "\r\n"));
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
