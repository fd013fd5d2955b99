package io.dockercoins.webui;

import java.nio.file.Path;
import java.util.List;

import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Screenshots of a running webui, taken the way {@link WebUiBrowserTest} takes its own (for docs/webui-*.png):
 * <pre>
 * ./mvnw -B -q -pl webui dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * ./mvnw -B -q -pl webui test-compile
 * java -cp webui/target/test-classes:$(cat webui/target/cp.txt) io.dockercoins.webui.PageScreenshot \
 *      http://localhost:8000/ 240 docs/webui-{size}.png     # the page's URL, seconds to watch, output
 * </pre>
 * With {@code {size}} in the output's name, one screenshot at each of the room's sizes (docs/webui-1024x768.png,
 * docs/webui-1280x720.png, docs/webui-1920x1080.png); without it, one at the size given as a fourth argument
 * (1280x720 unless told). The page is watched at 1280x720: the 4 minutes of history are what the charts show.
 */
public final class PageScreenshot {

    public static void main(String[] args) throws Exception {
        String url = args.length > 0 ? args[0] : "http://localhost:8000/";
        long seconds = args.length > 1 ? Long.parseLong(args[1]) : 60;
        String output = args.length > 2 ? args[2] : "webui-{size}.png";
        List<int[]> sizes = output.contains("{size}") ? Browser.ROOM_SIZES : List.of(size(args.length > 3 ? args[3] : "1280x720"));
        ChromeDriver browser = Browser.start(1280, 720);
        try {
            browser.get(url);
            Thread.sleep(seconds * 1000);
            for (int[] size : sizes) {
                Browser.showAt(browser, size[0], size[1]);
                Path file = Path.of(output.replace("{size}", size[0] + "x" + size[1]));
                Browser.screenshot(browser, file);
                System.out.println("saved " + file);
            }
        } finally {
            browser.quit();
        }
    }

    private static int[] size(String widthByHeight) {
        String[] parts = widthByHeight.split("x");
        return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
    }
}
