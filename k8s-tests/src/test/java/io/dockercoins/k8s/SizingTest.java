package io.dockercoins.k8s;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;

/**
 * The lessons fit a laptop cluster: the requests of the app with ten workers (and with three rng pods) stay
 * within 2 CPUs and 2 GiB; each JVM's heap is sized from its memory limit and leaves room for the rest of the
 * process, and the memory request covers what a JVM uses of its own with ten workers (see k8s/README.md).
 */
class SizingTest {

    static final BigDecimal TWO_CPUS = new BigDecimal("2");
    static final BigDecimal TWO_GIB = new BigDecimal(2L * 1024 * 1024 * 1024);
    static final long MIB = 1024 * 1024;

    record Totals(BigDecimal cpu, BigDecimal memory) {
    }

    static Totals requests(Map<String, Integer> replicas) {
        BigDecimal cpu = BigDecimal.ZERO;
        BigDecimal memory = BigDecimal.ZERO;
        for (Deployment d : Manifests.ofType(Manifests.topLevel(), Deployment.class)) {
            int n = replicas.getOrDefault(d.getMetadata().getName(), d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas());
            for (Container c : d.getSpec().getTemplate().getSpec().getContainers()) {
                cpu = cpu.add(Quantity.getAmountInBytes(c.getResources().getRequests().get("cpu")).multiply(BigDecimal.valueOf(n)));
                memory = memory.add(Quantity.getAmountInBytes(c.getResources().getRequests().get("memory")).multiply(BigDecimal.valueOf(n)));
            }
        }
        return new Totals(cpu, memory);
    }

    @Test
    void theAppWithTenMoreWorkersFitsInTwoCpusAndTwoGib() {
        Map<String, Map<String, Integer>> cases = new LinkedHashMap<>();
        cases.put("default app + 10 more workers (11)", Map.of("worker", 11));
        cases.put("10 workers + 3 rng pods (the rng lesson)", Map.of("worker", 10, "rng", 3));
        cases.put("20 workers (the health-check lesson), 1 rng", Map.of("worker", 20));
        for (Map.Entry<String, Map<String, Integer>> c : cases.entrySet()) {
            Totals t = requests(c.getValue());
            System.out.printf("requests, %s: %s CPU, %d MiB%n", c.getKey(), t.cpu().stripTrailingZeros().toPlainString(),
                    t.memory().longValue() / MIB);
            if (c.getKey().startsWith("20")) {
                continue; // printed for the README; the lesson says it may not fit
            }
            assertTrue(t.cpu().compareTo(TWO_CPUS) <= 0, c.getKey() + ": " + t.cpu() + " CPUs requested");
            assertTrue(t.memory().compareTo(TWO_GIB) <= 0, c.getKey() + ": " + t.memory().longValue() / MIB + " MiB requested");
        }
    }

    @Test
    void eachJvmHeapFitsItsMemoryLimit() {
        Pattern percent = Pattern.compile("-XX:MaxRAMPercentage=(\\d+(?:\\.\\d+)?)");
        for (Manifests.Workload w : Manifests.workloads(Manifests.all())) {
            String service = WiringTest.service(w);
            if (service == null || !AppFacts.builtFromSource(service)) {
                continue;
            }
            for (Container c : w.containers()) {
                String javaOpts = AppFacts.readString(AppFacts.dockerfile(service).orElseThrow()) + " "
                        + WiringTest.env(c).getOrDefault("JAVA_OPTS", "") + " " + WiringTest.env(c).getOrDefault("JAVA_OPTS_APPEND", "");
                Matcher m = percent.matcher(javaOpts);
                double pct = -1;
                while (m.find()) {
                    pct = Double.parseDouble(m.group(1)); // the last one wins, as in the JVM
                }
                assertTrue(pct > 0, w.doc().where() + ": the heap is not a share of the memory limit");
                long limit = Quantity.getAmountInBytes(c.getResources().getLimits().get("memory")).longValue();
                long heap = (long) (limit * pct / 100);
                String where = w.doc().where() + ": heap " + heap / MIB + " MiB of " + limit / MIB + " MiB";
                assertTrue(heap >= 48 * MIB, where + ": less than 48 MiB of heap (about 15 MiB are live)");
                assertTrue(limit - heap >= 80 * MIB, where + ": less than 80 MiB left for metaspace, code and threads");
                long request = Quantity.getAmountInBytes(c.getResources().getRequests().get("memory")).longValue();
                assertTrue(request >= 80 * MIB, where + ": request under the JVM's own memory at ten workers (up to 68 MiB, bench/results.md)");
            }
        }
    }
}
