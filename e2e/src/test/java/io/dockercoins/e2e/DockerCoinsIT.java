package io.dockercoins.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.dockercoins.testing.RedisTestServer;
import io.restassured.path.json.JsonPath;
import redis.clients.jedis.Jedis;

/**
 * The whole app as separate processes: the four packaged services (two workers) and a real Redis.
 * Delays are cut to 20 ms so that coins show up in seconds; the numbers at default settings are
 * measured by the compose smoke test and the benchmark, not here.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DockerCoinsIT {

    private static final Path ROOT = Path.of(System.getProperty("dockercoins.root", "..")).toAbsolutePath().normalize();
    private static final Path LOGS = ROOT.resolve("e2e/target/e2e-logs");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static RedisTestServer redis;
    private static final List<Process> processes = new ArrayList<>();
    private static Process rng;
    private static Process workerA;
    private static Process workerB;
    private static int webuiPort;
    private static int workerAPort;
    private static int workerBPort;

    @BeforeAll
    static void startDockerCoins() throws Exception {
        Files.createDirectories(LOGS);
        Path redisData = Files.createTempDirectory("dockercoins-e2e-redis");
        redis = RedisTestServer.startOnFreePort(redisData);
        int rngPort = freePort();
        int hasherPort = freePort();
        webuiPort = freePort();
        workerAPort = freePort();
        workerBPort = freePort();
        Map<String, String> redisEnv = Map.of("REDIS_HOST", "127.0.0.1", "REDIS_PORT", String.valueOf(redis.port()));

        rng = start("rng", rngPort, Map.of("RNG_DELAY", "20ms"));
        start("hasher", hasherPort, Map.of("HASHER_DELAY", "20ms"));
        start("webui", webuiPort, redisEnv);
        Map<String, String> workerEnv = new java.util.HashMap<>(redisEnv);
        workerEnv.putAll(Map.of(
                "WORKER_RNG_URL", "http://127.0.0.1:" + rngPort,
                "WORKER_HASHER_URL", "http://127.0.0.1:" + hasherPort,
                "WORKER_SLEEP", "20ms",
                "WORKER_MAX_BACKOFF", "500ms"));
        workerA = start("worker", workerAPort, workerEnv);
        // Worker B writes its count only when it is stopped: it proves that SIGTERM writes what is pending.
        workerEnv.put("WORKER_REPORT_INTERVAL", "1h");
        workerB = start("worker", workerBPort, workerEnv);

        for (int port : List.of(rngPort, hasherPort, webuiPort, workerAPort, workerBPort)) {
            awaitTrue("service on port " + port + " ready", Duration.ofSeconds(60),
                    () -> status("http://127.0.0.1:" + port + "/q/health/ready") == 200);
        }
    }

    @AfterAll
    static void stopDockerCoins() {
        processes.forEach(Process::destroyForcibly);
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    @Order(1)
    void hashesAndCoinsGrowInTheWebUi() {
        JsonPath first = json();
        awaitTrue("hashes and coins growing", Duration.ofSeconds(30), () -> {
            JsonPath now = json();
            return now.getLong("hashes") > first.getLong("hashes") + 20 && now.getLong("coins") > first.getLong("coins");
        });
        assertTrue(json().getDouble("now") > 1.7e9, "now is epoch seconds");
    }

    @Test
    @Order(2)
    void workersSurviveARedisOutageAndMiningResumes() throws Exception {
        redis.stop();
        awaitTrue("webui reporting the outage", Duration.ofSeconds(10), () -> status(webui("/json")) == 503);
        Thread.sleep(4000);
        assertTrue(workerA.isAlive() && workerB.isAlive(), "no worker exits while Redis is away");
        assertTrue(metric(workerAPort, "worker_loops_unwritten") > 0, "worker A kept mining and counting");

        long before;
        redis.start();
        awaitTrue("webui back", Duration.ofSeconds(15), () -> status(webui("/json")) == 200);
        before = json().getLong("hashes");
        awaitTrue("mining resumed", Duration.ofSeconds(15), () -> json().getLong("hashes") > before + 20);
    }

    @Test
    @Order(3)
    void noCountedLoopIsLostNorCountedTwiceAndSigtermWritesWhatIsPending() throws Exception {
        rng.destroy(); // no more random bytes: the loops stop
        awaitTrue("loops stopped and worker A's count written", Duration.ofSeconds(15),
                () -> metric(workerAPort, "worker_loops_unwritten") == 0
                        && metric(workerAPort, "worker_loops_total") == metric(workerAPort, "worker_loops_written_total"));
        long loopsA = (long) metric(workerAPort, "worker_loops_total");
        long loopsB = (long) metric(workerBPort, "worker_loops_total");
        // A worker reports its first hash at once (the first hash shows as soon as the app is up), then every report
        // interval: worker B holds every loop after its first.
        assertTrue(loopsB > 1 && metric(workerBPort, "worker_loops_unwritten") == loopsB - 1,
                "worker B holds its count but its first hash: " + loopsB + " loops, "
                        + metric(workerBPort, "worker_loops_unwritten") + " unwritten");

        long stopping = System.nanoTime();
        workerB.destroy(); // SIGTERM
        assertTrue(workerB.waitFor(10, TimeUnit.SECONDS), "worker B exits after SIGTERM");
        long tookMillis = Duration.ofNanos(System.nanoTime() - stopping).toMillis();
        assertTrue(tookMillis < 5000, "worker B took " + tookMillis + " ms to stop");

        try (Jedis jedis = new Jedis("127.0.0.1", redis.port())) {
            assertEquals(loopsA + loopsB, Long.parseLong(jedis.get("hashes")),
                    "the counter holds every loop of both workers, once");
            long wallet = jedis.hlen("wallet");
            assertEquals(wallet, json().getLong("coins"));
        }
        workerA.destroy();
        assertTrue(workerA.waitFor(10, TimeUnit.SECONDS), "worker A exits after SIGTERM");
    }

    private static Process start(String service, int port, Map<String, String> env) throws IOException {
        Path jar = ROOT.resolve(service + "/target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: run ./mvnw verify from the root so the services are packaged first");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx128m", "-jar", jar.toString())
                .redirectErrorStream(true)
                .redirectOutput(LOGS.resolve(service + "-" + port + ".log").toFile());
        builder.environment().putAll(env);
        builder.environment().put("QUARKUS_HTTP_PORT", String.valueOf(port));
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    private static String webui(String path) {
        return "http://127.0.0.1:" + webuiPort + path;
    }

    private static JsonPath json() {
        return JsonPath.from(get(webui("/json")).body());
    }

    /** One value of a worker's Prometheus metrics, e.g. worker_loops_total. */
    private static double metric(int port, String name) {
        Matcher value = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? (\\S+)$")
                .matcher(get("http://127.0.0.1:" + port + "/q/metrics").body());
        if (!value.find()) {
            throw new AssertionError("no metric " + name);
        }
        return Double.parseDouble(value.group(2));
    }

    private static int status(String url) {
        try {
            return get(url).statusCode();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private static HttpResponse<String> get(String url) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build();
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(url + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void awaitTrue(String what, Duration atMost, BooleanSupplier condition) {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // not up yet
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("timed out after " + atMost.toSeconds() + " s waiting for " + what + " (logs in " + LOGS + ")");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
