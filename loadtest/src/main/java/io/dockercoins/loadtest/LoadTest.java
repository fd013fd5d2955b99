package io.dockercoins.loadtest;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The launcher: {@code loadtest <rng|hasher|app> [options]}. Turns the options into the system
 * properties the simulations read (see {@link Params}), runs Gatling in this JVM, then prints the
 * one-screen summary and where Gatling's HTML report is.
 */
public final class LoadTest {

    static final Map<String, String> SIMULATIONS = Map.of(
            "rng", RngCapacity.class.getName(),
            "hasher", HasherCapacity.class.getName(),
            "app", WholeApp.class.getName());

    static final String USAGE = """
            usage: loadtest <rng|hasher|app> [options]
              rng      GET /32 on one rng, 1, 10 and 50 concurrent clients in turn (its capacity and its line)
              hasher   POST / (32 random bytes) on hasher, 1, 10 and 50 concurrent clients in turn
              app      1, 2, 5, 10 virtual workers in turn (sleep, rng, hasher), reading the speed from webui
            options (each also a system property -Dname=... or an environment variable LOADTEST_NAME):
              --users 1,10,50     concurrent clients (app: virtual workers), one step each  [users]
              --rate 5,10,20      arrival rates in requests/s instead of users, one step each  [rate]
              --duration 30s      length of each step  [duration]
              --url URL           the rng or hasher scenario's target (default: --rng / --hasher)  [target]
              --rng URL           rng's base URL (default http://localhost:8001)  [rng.url]
              --hasher URL        hasher's base URL (default http://localhost:8002)  [hasher.url]
              --webui URL         webui's base URL (default http://localhost:8000)  [webui.url]
              --bytes 32          N of GET /N and size of hasher's bodies  [bytes]
              --sleep 100ms       app: the virtual workers' pause per loop  [sleep]
              --results DIR       where Gatling writes its HTML report (default target/gatling)  [results]
              --linger 5m         wait this long after the run (e.g. to kubectl cp the report)  [linger]
            """;

    private LoadTest() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args));
    }

    static int run(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help") || args[0].equals("help")) {
            System.out.print(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        String simulation = SIMULATIONS.get(args[0]);
        if (simulation == null) {
            System.err.println("unknown scenario '" + args[0] + "'\n" + USAGE);
            return 2;
        }
        for (int i = 1; i < args.length; i++) {
            String option = args[i];
            String value;
            int eq = option.indexOf('=');
            if (eq > 0) {
                value = option.substring(eq + 1);
                option = option.substring(0, eq);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                System.err.println("option " + option + " needs a value\n" + USAGE);
                return 2;
            }
            String property = switch (option) {
                case "--users", "-u" -> "users";
                case "--rate", "-r" -> "rate";
                case "--duration", "-d" -> "duration";
                case "--url", "--target" -> "target";
                case "--rng" -> "rng.url";
                case "--hasher" -> "hasher.url";
                case "--webui" -> "webui.url";
                case "--bytes" -> "bytes";
                case "--sleep" -> "sleep";
                case "--results" -> "results";
                case "--linger" -> "linger";
                default -> null;
            };
            if (property == null) {
                System.err.println("unknown option " + option + "\n" + USAGE);
                return 2;
            }
            System.setProperty(property, value);
            if (property.equals("rate")) {
                System.clearProperty("users");
            } else if (property.equals("users")) {
                System.clearProperty("rate");
            }
        }
        try {
            Params.read(args[0].equals("app") ? Params.DEFAULT_APP_USERS : Params.DEFAULT_CAPACITY_USERS);
            Params.duration("linger", Params.get("linger", "0s"));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        File results = new File(Params.get("results", "target/gatling")).getAbsoluteFile();
        System.setProperty(Summary.LAUNCHER_PROPERTY, "true");

        int code = io.gatling.app.Gatling$.MODULE$.fromArgs(new String[] {
            "--simulation", simulation,
            "--results-folder", results.getPath(),
            "--run-description", String.join(" ", args)});

        System.out.println();
        System.out.print(Summary.text());
        latestReport(results.toPath()).ifPresent(report -> System.out.println("HTML report: " + report));
        Duration linger = Params.duration("linger", Params.get("linger", "0s"));
        if (!linger.isZero()) {
            System.out.println("waiting " + Summary.human(linger) + " (linger) so that the report can be copied out");
            Thread.sleep(linger.toMillis());
        }
        return code;
    }

    /** index.html of the newest run in the results folder. */
    static Optional<Path> latestReport(Path results) throws IOException {
        if (!Files.isDirectory(results)) {
            return Optional.empty();
        }
        try (Stream<Path> runs = Files.list(results)) {
            return runs.filter(p -> Files.isRegularFile(p.resolve("index.html")))
                    .max(Comparator.comparingLong(p -> p.toFile().lastModified()))
                    .map(p -> p.resolve("index.html"));
        }
    }
}
