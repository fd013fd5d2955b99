package io.dockercoins.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real redis-server that speaks only TLS, on a free local port, with a certificate made for the test by its own
 * certificate authority (CA). It needs what the embedded binary lacks: Debian's {@code redis-server} (built with
 * TLS) and the {@code openssl} command; {@link #available()} says whether this machine has both, so that tests can
 * be skipped, saying why, where it does not ({@code apt-get install redis-server}).
 * <p>
 * The server certificate names {@code localhost} and {@code 127.0.0.1}; clients are not asked for a certificate.
 */
public final class TlsRedisTestServer implements AutoCloseable {

    static final Path REDIS_SERVER = Path.of("/usr/bin/redis-server");

    private final Path dir;
    private final int port;
    private final Process process;

    private TlsRedisTestServer(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /** Whether Debian's redis-server and openssl are installed; without them the TLS tests are skipped. */
    public static boolean available() {
        return Files.isExecutable(REDIS_SERVER) && onPath("openssl");
    }

    /** Why {@link #available()} is false, for the skipped test's message. */
    public static String whyUnavailable() {
        return "needs Debian's redis-server (built with TLS) at " + REDIS_SERVER + " and openssl: apt-get install redis-server openssl";
    }

    public static TlsRedisTestServer start() {
        try {
            Path dir = Files.createTempDirectory("tls-redis");
            Certificates.authority(dir, "ca", "DockerCoins test CA");
            Certificates.signed(dir, "server", "ca", "localhost");
            int port = freePort();
            List<String> command = new ArrayList<>(List.of(REDIS_SERVER.toString(),
                    "--port", "0", "--tls-port", String.valueOf(port), "--bind", "127.0.0.1",
                    "--tls-cert-file", dir.resolve("server.crt").toString(),
                    "--tls-key-file", dir.resolve("server.key").toString(),
                    "--tls-ca-cert-file", dir.resolve("ca.crt").toString(),
                    "--tls-auth-clients", "no",
                    "--save", "", "--appendonly", "no", "--dir", dir.toString()));
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.log").toFile()).start();
            TlsRedisTestServer server = new TlsRedisTestServer(dir, port, process);
            server.awaitListening();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    /** The PEM file of the CA that signed the server's certificate: what REDIS_TLS_CA names. */
    public Path caFile() {
        return dir.resolve("ca.crt");
    }

    /** The PEM file of another CA, which signed nothing this server shows: a wrong REDIS_TLS_CA. */
    public Path otherCaFile() {
        Path other = dir.resolve("other-ca.crt");
        if (!Files.exists(other)) {
            Certificates.authority(dir, "other-ca", "Some other CA");
        }
        return other;
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited: " + log());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                sleep(50);
            }
        }
        throw new IllegalStateException("redis-server did not listen on " + port + ": " + log());
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("redis.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Certificates made with the openssl command, as an administrator would make them. */
    static final class Certificates {

        static void authority(Path dir, String name, String commonName) {
            openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-keyout", name + ".key", "-out", name + ".crt", "-subj", "/CN=" + commonName);
        }

        static void signed(Path dir, String name, String authority, String host) {
            openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr",
                    "-subj", "/CN=" + host);
            write(dir.resolve(name + ".ext"), "subjectAltName=DNS:" + host + ",IP:127.0.0.1\n");
            openssl(dir, "x509", "-req", "-in", name + ".csr", "-CA", authority + ".crt", "-CAkey", authority + ".key",
                    "-CAcreateserial", "-days", "2", "-out", name + ".crt", "-extfile", name + ".ext");
        }

        private static void openssl(Path dir, String... args) {
            List<String> command = new ArrayList<>();
            command.add("openssl");
            command.addAll(List.of(args));
            try {
                Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (p.waitFor() != 0) {
                    throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        private static void write(Path file, String text) {
            try {
                Files.writeString(file, text);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
