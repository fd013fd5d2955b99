package io.dockercoins.webui;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import org.awaitility.Awaitility;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's headless Chromium, driven by Debian's chromedriver: nothing is downloaded (Selenium Manager never runs,
 * both binaries are given), so it works offline. A fresh profile each time.
 */
final class Browser {

    static final Path CHROMIUM = Path.of(System.getProperty("webui.test.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("webui.test.chromedriver", "/usr/bin/chromedriver"));

    /** The page areas of a workshop room: a 4:3 projector, a small 16:9 one, a full-HD screen (width, height). */
    static final List<int[]> ROOM_SIZES = List.of(new int[] {1920, 1080}, new int[] {1280, 720}, new int[] {1024, 768});

    private Browser() {
    }

    static boolean available() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    /** A browser whose page area is exactly width x height CSS pixels (screenshots too). */
    static ChromeDriver start(int width, int height) {
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        Path profile;
        try {
            profile = Files.createTempDirectory("webui-test-chromium");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--no-first-run",
                "--hide-scrollbars", "--window-size=" + width + "," + (height + 200), "--user-data-dir=" + profile);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeDriver browser = new ChromeDriver(service, options);
        viewport(browser, width, height);
        return browser;
    }

    /**
     * The page area as a projector of that size shows it: --window-size counts the (invisible) window frame of
     * headless Chromium, so the size is set through the DevTools protocol instead. The page gets a resize event.
     */
    static void viewport(ChromeDriver browser, int width, int height) {
        browser.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", false));
    }

    /** The page at that size, once it has rebuilt its charts for it and a poll or two has drawn them. */
    static void showAt(ChromeDriver browser, int width, int height) throws InterruptedException {
        viewport(browser, width, height);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> Boolean.TRUE.equals(browser.executeScript(
                "return innerWidth === " + width + " && innerHeight === " + height + " && window.dockercoins.speedChart"
                        + " && Math.abs(window.dockercoins.speedChart.width - document.getElementById('speedBox').clientWidth) <= 1")));
        Thread.sleep(1500);
    }

    static void screenshot(ChromeDriver browser, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), file, StandardCopyOption.REPLACE_EXISTING);
    }
}
