package io.dockercoins.k8s;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * helm and kustomize, as tests/cluster/build.sh builds them beside the cluster's kubectl: the chart and overlay tests
 * run them and are skipped, saying how to get them, where neither that build nor the PATH has them. In order: the
 * system property dockercoins.helm (dockercoins.kustomize), the environment variable HELM (KUSTOMIZE), the cluster's
 * build folder (tests/cluster/lib.sh's BIN_DIR), the PATH.
 */
final class Tools {

    /** What a run printed, and how it ended. */
    record Run(int exit, String out, String err) {
    }

    private static final Map<String, Optional<Path>> FOUND = new ConcurrentHashMap<>();
    private static volatile Optional<Path> binDir;

    private Tools() {
    }

    /** The program, or the test is skipped with the way to build it. */
    static Path require(String program) {
        Optional<Path> path = find(program);
        assumeTrue(path.isPresent(), program + " not found: tests/cluster/build.sh builds it (into the folder of the"
                + " cluster's kubectl), or put it on the PATH, or name it with -Ddockercoins." + program + "=PATH or "
                + program.toUpperCase() + "=PATH");
        return path.get();
    }

    static Optional<Path> find(String program) {
        return FOUND.computeIfAbsent(program, Tools::lookUp);
    }

    private static Optional<Path> lookUp(String program) {
        for (String named : new String[] {System.getProperty("dockercoins." + program), System.getenv(program.toUpperCase())}) {
            if (named != null && !named.isBlank()) {
                return Optional.of(Path.of(named)).filter(Files::isExecutable);
            }
        }
        Optional<Path> built = clusterBinDir().map(d -> d.resolve(program)).filter(Files::isExecutable);
        if (built.isPresent()) {
            return built;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** tests/cluster/lib.sh's BIN_DIR: where build.sh puts kubectl, helm and kustomize for this tree. */
    private static Optional<Path> clusterBinDir() {
        if (binDir == null) {
            Optional<Path> dir = Optional.empty();
            try {
                Run run = run(Manifests.ROOT, List.of("bash", "-c", "source tests/cluster/lib.sh >/dev/null 2>&1 && echo \"$BIN_DIR\""));
                if (run.exit() == 0 && !run.out().isBlank()) {
                    dir = Optional.of(Path.of(run.out().strip())).filter(Files::isDirectory);
                }
            } catch (RuntimeException e) {
                // no bash: the PATH only
            }
            binDir = dir;
        }
        return binDir;
    }

    /** helm with its own config, cache and data folders under target/, so that nothing of the user's is read or written. */
    static Run helm(String... args) {
        List<String> command = new ArrayList<>();
        command.add(require("helm").toString());
        command.addAll(List.of(args));
        return run(Manifests.ROOT, command);
    }

    static Run kustomize(String... args) {
        List<String> command = new ArrayList<>();
        command.add(require("kustomize").toString());
        command.addAll(List.of(args));
        return run(Manifests.ROOT, command);
    }

    /** Runs the command in the folder, with at most a minute to finish. */
    static Run run(Path dir, List<String> command) {
        try {
            Path home = Manifests.ROOT.resolve("k8s-tests/target/helm-home");
            Files.createDirectories(home);
            Path out = Files.createTempFile(home, "out", ".txt");
            Path err = Files.createTempFile(home, "err", ".txt");
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().put("HELM_CONFIG_HOME", home.resolve("config").toString());
            builder.environment().put("HELM_CACHE_HOME", home.resolve("cache").toString());
            builder.environment().put("HELM_DATA_HOME", home.resolve("data").toString());
            builder.environment().remove("HELM_NAMESPACE");
            Process process = builder.start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within a minute");
            }
            Run run = new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
            Files.delete(out);
            Files.delete(err);
            return run;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
