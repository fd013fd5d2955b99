package io.dockercoins.webui;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

import io.dockercoins.testing.RealRedis;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import redis.clients.jedis.Jedis;

/**
 * The page in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}; skipped when they
 * are missing, so a machine with only a JDK still passes). The test plays two workers of two versions itself,
 * writing what real workers write to Redis, then stops them. Saves target/screenshots/webui.png.
 */
@QuarkusTest
@QuarkusTestResource(value = RealRedis.class, restrictToAnnotatedClass = true)
class WebUiBrowserTest {

    @TestHTTPResource("index.html")
    URL page;

    WebDriver browser;
    Jedis redis;
    ScheduledExecutorService simulatedWorkers;
    volatile boolean mining = true;

    @BeforeEach
    void setUp() {
        assumeTrue(Browser.available(), "no " + Browser.CHROMIUM + " or " + Browser.CHROMEDRIVER + ": browser test skipped"
                + " (apt-get install chromium chromium-driver)");
        redis = new Jedis("127.0.0.1", RealRedis.server().port());
        redis.del("wallet", "hashes");
        redis.keys("worker:*").forEach(redis::del);
        browser = Browser.start(1600, 1000);
    }

    @AfterEach
    void tearDown() {
        if (simulatedWorkers != null) {
            simulatedWorkers.shutdownNow();
        }
        if (browser != null) {
            browser.quit();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void thePageShowsLiveMiningPerVersionAndRngInstanceAndSaysSoWhenTheDataStops() throws Exception {
        long started = System.nanoTime();
        startSimulatedWorkers();
        browser.get(page.toString());

        // The chart library loaded from webui, the charts are drawn, the numbers move.
        await().atMost(Duration.ofSeconds(10)).until(() -> Boolean.TRUE.equals(js("return typeof uPlot === 'function'")));
        await().atMost(Duration.ofSeconds(10)).until(() -> number("speed") > 0);
        String coinsBefore = text("coins");
        double firstSpeed = number("speed");
        await().atMost(Duration.ofSeconds(10)).until(() -> !text("coins").equals(coinsBefore) && number("instant") >= 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> number("speed") != firstSpeed || number("instant") != firstSpeed);
        assertTrue(coloredPixels("speedBox") > 2000, "the speed chart has something drawn on it");

        // Two worker versions: two stacked series, two rows with their counts, and the rng instances with their shares.
        await().atMost(Duration.ofSeconds(10)).until(() -> seriesLabels().equals(List.of("v0.2", "v0.1")));
        assertTrue(coloredPixels("versionBox") > 2000, "the version chart has something drawn on it");
        await().atMost(Duration.ofSeconds(5)).until(() -> text("workersTitle").equals("3 workers mining"));
        assertEquals(2, browser.findElements(By.cssSelector("#workers .version-count")).size());
        assertTrue(text("workers").contains("v0.1") && text("workers").contains("v0.2"), text("workers"));
        assertEquals("2 rng instances serving", text("rngTitle"));
        assertTrue(text("rng").contains("rng-one") && text("rng").contains("75%") && text("rng").contains("25%"), text("rng"));
        assertTrue(!bodyClass().contains("stale"), "not stale while mining");

        // Let the history fill a little for the screenshot, then keep it for the README (docs/webui.png is a copy).
        Thread.sleep(6000);
        Path screenshots = Path.of("target", "screenshots");
        Files.createDirectories(screenshots);
        Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, screenshots.resolve("webui.png"), StandardCopyOption.REPLACE_EXISTING);

        List<String> errors = consoleErrors();
        assertTrue(errors.isEmpty(), "no console errors: " + errors);

        // The workers stop (a clean stop deletes their keys, and the counter no longer grows): a clear "no data" state.
        mining = false;
        simulatedWorkers.shutdownNow();
        simulatedWorkers.awaitTermination(5, TimeUnit.SECONDS);
        redis.keys("worker:*").forEach(redis::del);
        await().atMost(Duration.ofSeconds(8)).until(() -> bodyClass().contains("stale"));
        assertTrue(text("banner").matches("no data for \\d+ s .*no worker is reporting"), text("banner"));
        String banner = text("banner");
        await().atMost(Duration.ofSeconds(4)).until(() -> !text("banner").equals(banner)); // it counts: not frozen
        assertEquals("0 workers mining", text("workersTitle"));

        // Redis goes away: still "no data", with the reason. (The failed fetches log console errors: expected here.)
        RealRedis.server().stop();
        try {
            await().atMost(Duration.ofSeconds(8)).until(() -> text("banner").contains("redis unavailable"));
        } finally {
            RealRedis.server().start();
        }
        System.out.printf("browser test took %.1f s%n", (System.nanoTime() - started) / 1e9);
    }

    /** Three workers: two v0.1 and one v0.2, served by two rng instances (3 answers in 4 from rng-one). */
    private void startSimulatedWorkers() {
        simulatedWorkers = Executors.newSingleThreadScheduledExecutor();
        simulatedWorkers.scheduleAtFixedRate(() -> {
            if (!mining) {
                return;
            }
            try (Jedis jedis = new Jedis("127.0.0.1", RealRedis.server().port())) {
                jedis.incrBy("hashes", 7 + java.util.concurrent.ThreadLocalRandom.current().nextInt(5));
                jedis.hset("wallet", "0" + Long.toHexString(System.nanoTime()), "bytes");
                publish(jedis, "sim-a1", "v0.1", "rng:rng-one", "12", "rng:rng-two", "4");
                publish(jedis, "sim-a2", "v0.1", "rng:rng-one", "12", "rng:rng-two", "4");
                publish(jedis, "sim-b1", "v0.2", "rng:rng-one", "12", "rng:rng-two", "4");
            } catch (RuntimeException e) {
                // Redis restarting: the next tick writes again
            }
        }, 0, 1, TimeUnit.SECONDS);
    }

    private static void publish(Jedis jedis, String id, String version, String... rng) {
        String key = "worker:" + id;
        jedis.hset(key, Map.of("version", version, "speed", "3.00", "loops", "1", rng[0], rng[1], rng[2], rng[3]));
        jedis.pexpire(key, 5000);
    }

    private List<String> consoleErrors() {
        return browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.WARNING.intValue())
                .map(LogEntry::toString)
                .collect(Collectors.toList());
    }

    @SuppressWarnings("unchecked")
    private List<String> seriesLabels() {
        return (List<String>) js("const c = window.dockercoins.versionChart; return c.series.slice(1).map(s => s.label);");
    }

    /** Pixels of a chart's canvas that are not background: proof that uPlot drew on it. */
    private long coloredPixels(String box) {
        Object count = js("const c = document.querySelector('#" + box + " canvas');"
                + "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;"
                + "for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && (d[i] > 80 || d[i + 1] > 80 || d[i + 2] > 80)) n++;"
                + "return n;");
        return ((Number) count).longValue();
    }

    private Object js(String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    private String text(String id) {
        return browser.findElement(By.id(id)).getText().trim();
    }

    private String bodyClass() {
        return String.valueOf(browser.findElement(By.tagName("body")).getAttribute("class"));
    }

    /** The number in an element ("3.0"), or -1 when it shows none ("–", "…"). */
    private double number(String id) {
        try {
            return Double.parseDouble(text(id));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
