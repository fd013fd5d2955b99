package io.dockercoins.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;

/** A write the API server refuses: said in the status, retried after the status interval, not in a tight loop. */
class ReconcileErrorTest {

    @Test
    void aRefusedWriteBecomesAConditionAndACalmRetry() {
        DockerCoinsReconciler reconciler = new DockerCoinsReconciler(null, namespace -> java.util.Optional.empty(), new Defaults());
        DockerCoins app = new DockerCoins();
        app.setMetadata(new ObjectMetaBuilder().withName("dockercoins").withNamespace("coins").withGeneration(3L).build());

        ErrorStatusUpdateControl<DockerCoins> control = reconciler.updateErrorStatus(app, null,
                new KubernetesClientException("Failure executing: POST ... deployments is forbidden: User cannot create\nmore"));

        Condition ready = app.getStatus().getConditions().get(0);
        assertEquals("Ready False ReconcileError", ready.getType() + " " + ready.getStatus() + " " + ready.getReason());
        assertTrue(ready.getMessage().contains("deployments is forbidden"), ready.getMessage());
        assertTrue(control.isNoRetry());
        assertEquals(Duration.ofSeconds(10), control.getScheduleDelay().map(Duration::ofMillis).orElseThrow());
    }

    /** The defaults of OperatorConfig, without a Quarkus config. */
    static class Defaults implements OperatorConfig {
        private final Tuning tuning = Tuning.defaults();

        public int workersPerRng() { return tuning.workersPerRng(); }
        public double rngLoopsPerSecond() { return tuning.rngLoopsPerSecond(); }
        public double workerLoopsPerSecond() { return tuning.workerLoopsPerSecond(); }
        public Duration statusInterval() { return tuning.statusInterval(); }
        public Duration rolloutInterval() { return tuning.rolloutInterval(); }
        public Duration stepReadyTimeout() { return tuning.stepReadyTimeout(); }
        public String webuiUrl() { return "http://webui.{namespace}.svc"; }
        public Duration speedTimeout() { return Duration.ofSeconds(2); }
    }
}
