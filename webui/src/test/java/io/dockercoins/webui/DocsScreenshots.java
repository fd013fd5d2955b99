package io.dockercoins.webui;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openqa.selenium.chrome.ChromeDriver;

import io.dockercoins.testing.RealRedis;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import redis.clients.jedis.Jedis;

/**
 * Screenshots of the page after four minutes of {@link WorkshopScenario} (simulated workers, the real page and webui),
 * one at each of the room's sizes, into the directory named by {@code webui.docs.screenshots}. Off unless asked:
 * <pre>
 * ./mvnw -B -ntp -pl webui -am verify -Dtest=DocsScreenshots -Dsurefire.failIfNoSpecifiedTests=false \
 *        -Dwebui.docs.screenshots=../docs          # writes docs/webui-1024x768.png, -1280x720, -1920x1080
 * </pre>
 */
@QuarkusTest
@QuarkusTestResource(value = RealRedis.class, restrictToAnnotatedClass = true)
@EnabledIfSystemProperty(named = "webui.docs.screenshots", matches = ".+")
class DocsScreenshots {

    static final long WATCH_SECONDS = 240;

    @TestHTTPResource("index.html")
    java.net.URL page;

    @Test
    void theWorkshopStoryInFourMinutes() throws Exception {
        assumeTrue(Browser.available(), "no " + Browser.CHROMIUM + " or " + Browser.CHROMEDRIVER);
        Path directory = Path.of(System.getProperty("webui.docs.screenshots"));
        try (Jedis redis = new Jedis("127.0.0.1", RealRedis.server().port())) {
            redis.flushAll();
        }
        ChromeDriver browser = Browser.start(1280, 720);
        try (WorkshopScenario scenario = new WorkshopScenario(RealRedis.server().port())) {
            browser.get(page.toString());
            Thread.sleep(WATCH_SECONDS * 1000);
            for (int[] size : Browser.ROOM_SIZES) {
                Browser.showAt(browser, size[0], size[1]);
                Path file = directory.resolve("webui-" + size[0] + "x" + size[1] + ".png");
                Browser.screenshot(browser, file);
                System.out.printf("saved %s at %.0f s%n", file, scenario.elapsed());
            }
        } finally {
            browser.quit();
        }
    }
}
