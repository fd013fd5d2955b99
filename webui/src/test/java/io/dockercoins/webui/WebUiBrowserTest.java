package io.dockercoins.webui;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

import io.dockercoins.testing.RealRedis;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import redis.clients.jedis.Jedis;

/**
 * The page in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}; skipped when they
 * are missing, so a machine with only a JDK still passes). The test plays three workers of two versions itself,
 * writing what real workers write to Redis, then stops them. At the three window sizes of a workshop room's
 * projector it checks that everything fits, and saves a screenshot of each: target/screenshots/webui-1024x768.png...
 */
@QuarkusTest
@QuarkusTestResource(value = RealRedis.class, restrictToAnnotatedClass = true)
class WebUiBrowserTest {

    @TestHTTPResource("index.html")
    URL page;

    ChromeDriver browser;
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
        browser = Browser.start(1280, 720);
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

        // Each version's speed as json gives it (the page adds nothing up), beside its number of workers.
        assertTrue(text("workers").contains("\u00d7 2") && text("workers").contains("6.0 h/s"), text("workers"));
        assertTrue(text("workers").contains("\u00d7 1") && text("workers").contains("3.0 h/s"), text("workers"));

        // Where each loop's time goes: one stacked bar per version, v0.1 waiting for rng, v0.2 not.
        await().atMost(Duration.ofSeconds(5)).until(() -> stepBars().size() == 2);
        assertStepBarsShowTheBottleneck("at 1280x720");
        assertTrue(text("stepsLegend").startsWith("loop steps (s)"), text("stepsLegend"));
        assertEquals(List.of("sleep", "rng", "hasher", "redis"),
                browser.findElements(By.cssSelector("#stepsLegend .key")).stream().map(WebElement::getText).toList(),
                "a key per step, named and ordered as json gives them");

        // Let the history fill a little, then the room's three window sizes: everything fits, clock times on the axis.
        Thread.sleep(6000);
        for (int[] size : Browser.ROOM_SIZES) { // the last, 1024x768, stays for the "no data" check
            Browser.showAt(browser, size[0], size[1]);
            assertEquals(List.of(), layoutProblems(), "at " + size[0] + "x" + size[1]);
            assertTimeAxisReadsClockTimes(size);
            assertStepBarsShowTheBottleneck("at " + size[0] + "x" + size[1]);
            screenshot("webui-" + size[0] + "x" + size[1] + ".png");
        }

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
        assertEquals(List.of(), layoutProblems(), "the red banner fits too");
        screenshot("webui-no-data.png");

        // Redis goes away: still "no data", with the reason. (The failed fetches log console errors: expected here.)
        RealRedis.server().stop();
        try {
            await().atMost(Duration.ofSeconds(8)).until(() -> text("banner").contains("redis unavailable"));
        } finally {
            RealRedis.server().start();
        }
        System.out.printf("browser test took %.1f s%n", (System.nanoTime() - started) / 1e9);
    }

    @Test
    void theInstantFigureNeverReadsZeroWhileAWorkerMinesButTheChartKeepsTheEmptyPolls() throws Exception {
        // One worker that adds its loops in one batch every 2 s: every other 1 s poll sees no new hash.
        simulatedWorkers = Executors.newSingleThreadScheduledExecutor();
        simulatedWorkers.scheduleAtFixedRate(() -> {
            try (Jedis jedis = new Jedis("127.0.0.1", RealRedis.server().port())) {
                jedis.incrBy("hashes", 7);
                // rng instances named as compose (a container id) and Kubernetes (a pod of a Deployment) name them
                publish(jedis, "sim-batch", "v0.1", "rng:9c1d2e3f4a5b", "12", "rng:rng-5d8f7c9b6-2xk7p", "4");
            }
        }, 0, 2, TimeUnit.SECONDS);
        browser.get(page.toString());
        await().atMost(Duration.ofSeconds(10)).until(() -> number("instant") > 0);

        List<String> shown = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            shown.add(text("instant"));
            Thread.sleep(200);
        }
        assertTrue(shown.stream().noneMatch(figure -> figure.equals("0.0")), "never a bare 0.0 while mining: " + shown);
        Number emptyPolls = (Number) js("return window.dockercoins.samples.filter(s => s.instant === 0).length;");
        assertTrue(emptyPolls.intValue() > 0, "the chart still shows the polls that saw nothing (the lesson)");
        assertTrue(text("lesson").startsWith("Instant: "), "one line explains the instant figure: " + text("lesson"));

        // A container id fits whole; a pod name too long for its column keeps its end, which tells pods apart.
        String rng = text("rng");
        assertTrue(rng.contains("9c1d2e3f4a5b") && rng.contains("75%") && rng.contains("25%"), rng);
        assertTrue(rng.matches("(?s).*\u2026[^\\s]*-2xk7p.*"), rng);
        for (int[] size : Browser.ROOM_SIZES) {
            Browser.showAt(browser, size[0], size[1]);
            assertEquals(List.of(), layoutProblems(), "at " + size[0] + "x" + size[1]);
        }
    }

    private void screenshot(String name) throws Exception {
        Browser.screenshot(browser, Path.of("target", "screenshots", name));
    }

    /**
     * What would not read well on a projector, one line each: an element outside the window or wider than its box,
     * content cut off (an ellipsis, a hidden overflow), a label on two lines. uPlot's inner elements are judged by
     * their canvas. Empty when all fits.
     */
    @SuppressWarnings("unchecked")
    private List<String> layoutProblems() {
        return (List<String>) js("""
                const problems = [], W = innerWidth, H = innerHeight;
                const describe = (e) => (e.id ? '#' + e.id : e.tagName.toLowerCase() + (e.className && typeof e.className === 'string'
                    ? '.' + e.className.trim().split(/\\s+/).join('.') : '')) + " '" + e.textContent.trim().slice(0, 40) + "'";
                const box = (r) => '[' + [r.left, r.top, r.right, r.bottom].map(Math.round).join(',') + ']';
                const lines = (range) => {
                  const tops = [];
                  for (const r of range.getClientRects()) {
                    if (r.width > 0 && !tops.some(t => Math.abs(t - r.top) < r.height / 2)) tops.push(r.top);
                  }
                  return tops.length;
                };
                const root = document.documentElement;
                if (root.scrollWidth > W || root.scrollHeight > H) problems.push('the page scrolls: ' + root.scrollWidth + 'x' + root.scrollHeight);
                for (const e of document.body.querySelectorAll('*')) {
                  const inChart = e.closest('.uplot');
                  if (inChart && inChart !== e && e.tagName !== 'CANVAS') continue;
                  const style = getComputedStyle(e);
                  const r = e.getBoundingClientRect();
                  if (style.display === 'none' || style.visibility === 'hidden' || (r.width === 0 && r.height === 0)) continue;
                  if (r.left < -0.5 || r.top < -0.5 || r.right > W + 0.5 || r.bottom > H + 0.5) {
                    problems.push('outside the window: ' + describe(e) + ' ' + box(r));
                  }
                  const parent = e.parentElement;
                  if (parent !== document.body) {
                    const p = parent.getBoundingClientRect();
                    if (r.left < p.left - 0.5 || r.right > p.right + 0.5) problems.push('wider than its box: ' + describe(e) + ' ' + box(r) + ' in ' + box(p));
                  }
                  const inline = style.display === 'inline';
                  if (!inline && e.scrollWidth > e.clientWidth + 1) {
                    problems.push((style.overflowX === 'visible' ? 'spills out at the side: ' : 'cut off at the side: ')
                        + describe(e) + ' ' + e.scrollWidth + ' > ' + e.clientWidth);
                  }
                  if (!inline && style.overflowY !== 'visible' && e.scrollHeight > e.clientHeight + 1) {
                    problems.push('cut off at the bottom: ' + describe(e) + ' ' + e.scrollHeight + ' > ' + e.clientHeight);
                  }
                  if (!inline && style.textOverflow === 'ellipsis') {
                    const range = document.createRange();
                    range.selectNodeContents(e);
                    const room = r.width - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
                    if (range.getBoundingClientRect().width > room + 0.5) problems.push('ends in an ellipsis: ' + describe(e));
                  }
                  const ownText = Array.from(e.childNodes).some(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
                  const allInline = Array.from(e.children).every(c => getComputedStyle(c).display.startsWith('inline'));
                  if (ownText && allInline && !style.display.startsWith('inline')) {
                    const range = document.createRange();
                    range.selectNodeContents(e);
                    if (lines(range) > 1) problems.push('on two lines: ' + describe(e));
                  }
                }
                return problems;
                """);
    }

    /** The time axis of both charts: clock times (14:05 or 14:05:30, never a bare ":30"), three or more, none overlapping. */
    @SuppressWarnings("unchecked")
    private void assertTimeAxisReadsClockTimes(int[] size) {
        for (String chart : List.of("speed", "version")) {
            Map<String, Object> axis = (Map<String, Object>) js("""
                    const name = arguments[0], u = window.dockercoins[name + 'Chart'], t = window.dockercoins.timeLabels[name];
                    const ctx = document.createElement('canvas').getContext('2d');
                    ctx.font = t.font;
                    const left = u.bbox.left / devicePixelRatio;
                    const shown = t.splits.map((s, i) => [s, t.labels[i]]).filter(([s, label]) => label !== null);
                    const labels = shown.map(([s, label]) => label);
                    const edges = shown.map(([s, label]) => {
                      const x = left + u.valToPos(s, 'x'), w = ctx.measureText(label).width;
                      return [x - w / 2, x + w / 2];
                    });
                    const overlaps = edges.slice(1).filter((e, i) => e[0] < edges[i][1] + 4).length;
                    const outside = edges.filter(e => e[0] < 0 || e[1] > u.width).length;
                    const intoTheSpeedAxis = edges.filter(e => e[0] < left).length;
                    return {labels, overlaps, intoTheSpeedAxis, outside, edges: edges.map(e => e.map(Math.round).join('-')).join(' ')};
                    """.replace("arguments[0]", "'" + chart + "'"));
            List<String> labels = (List<String>) axis.get("labels");
            String where = chart + " chart at " + size[0] + "x" + size[1] + ": " + labels + " at " + axis.get("edges");
            assertTrue(labels.size() >= 3, "three time labels or more on the " + where);
            assertTrue(labels.stream().allMatch(label -> label.matches("\\d\\d:\\d\\d(:\\d\\d)?")), "clock times on the " + where);
            assertEquals(0L, ((Number) axis.get("overlaps")).longValue(), "no time labels overlap on the " + where);
            assertEquals(0L, ((Number) axis.get("outside")).longValue(), "no time label cut at the edge of the " + where);
            assertEquals(0L, ((Number) axis.get("intoTheSpeedAxis")).longValue(), "no time label under the speed axis of the " + where);
        }
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

    /** A worker's hash as the worker writes it; v0.1's loops wait 2 s for rng (ten workers on one rng), others' 0.1 s. */
    private static void publish(Jedis jedis, String id, String version, String... rng) {
        String key = "worker:" + id;
        Map<String, String> fields = new java.util.HashMap<>(Map.of("version", version, "speed", "3.00", "loops", "1", rng[0], rng[1], rng[2], rng[3]));
        fields.putAll(Map.of("step:sleep", "0.100", "step:rng", version.equals("v0.1") ? "2.000" : "0.100",
                "step:hasher", "0.100", "step:redis", "0.002"));
        jedis.hset(key, fields);
        jedis.pexpire(key, 5000);
    }

    /** Where each loop's time goes, per version, as the page draws it: {version: {step: [width in px, label]}}. */
    @SuppressWarnings("unchecked")
    private Map<String, Map<String, List<Object>>> stepBars() {
        return (Map<String, Map<String, List<Object>>>) js("""
                const bars = {};
                for (const row of document.querySelectorAll('#steps .step-row:not(.more)')) {
                  const steps = {};
                  for (const s of row.querySelectorAll('.step')) steps[s.dataset.step] = [s.getBoundingClientRect().width, s.textContent];
                  bars[row.querySelector('.name').textContent] = steps;
                }
                return bars;
                """);
    }

    private static double width(Map<String, List<Object>> bar, String step) {
        return ((Number) bar.get(step).get(0)).doubleValue();
    }

    private void assertStepBarsShowTheBottleneck(String where) {
        Map<String, Map<String, List<Object>>> bars = stepBars();
        assertEquals(List.of("v0.1", "v0.2"), bars.keySet().stream().sorted().toList(), "one bar per version " + where);
        Map<String, List<Object>> ceiling = bars.get("v0.1");
        Map<String, List<Object>> fast = bars.get("v0.2");
        assertTrue(width(ceiling, "rng") > 10 * width(ceiling, "sleep"), "v0.1's loops wait for rng " + where + ": " + bars);
        assertTrue(String.valueOf(ceiling.get("rng").get(1)).contains("2.0"), "the rng segment says its seconds " + where + ": " + bars);
        for (String step : List.of("rng", "hasher")) {
            assertEquals(width(fast, "sleep"), width(fast, step), 1.0, "v0.2's steps are about equal " + where + ": " + bars);
        }
        assertTrue(width(fast, "sleep") > 0 && width(fast, "sleep") * 8 < width(ceiling, "rng"),
                "one scale for all the bars: v0.2's short loop is a short bar " + where + ": " + bars);
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
