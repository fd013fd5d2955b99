package io.dockercoins.webui;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;

/**
 * A screenshot of a running webui, taken the way {@link WebUiBrowserTest} takes its own (for docs/webui.png):
 * <pre>
 * ./mvnw -B -q -pl webui dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -cp webui/target/test-classes:$(cat webui/target/cp.txt) io.dockercoins.webui.PageScreenshot \
 *      http://localhost:8000/ 120 docs/webui.png       # the page's URL, seconds to watch, output
 * </pre>
 */
public final class PageScreenshot {

    public static void main(String[] args) throws Exception {
        String url = args.length > 0 ? args[0] : "http://localhost:8000/";
        long seconds = args.length > 1 ? Long.parseLong(args[1]) : 60;
        Path output = Path.of(args.length > 2 ? args[2] : "webui.png");
        WebDriver browser = Browser.start(1600, 1000);
        try {
            browser.get(url);
            Thread.sleep(seconds * 1000);
            Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
            Files.copy(shot, output, StandardCopyOption.REPLACE_EXISTING);
            System.out.println("saved " + output);
        } finally {
            browser.quit();
        }
    }
}
