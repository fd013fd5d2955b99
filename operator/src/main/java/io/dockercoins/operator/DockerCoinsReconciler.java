package io.dockercoins.operator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;

/**
 * The Operator SDK's entry point: on every change to a DockerCoins resource, and again after a while to refresh
 * its status (ready pods, speed) and to move a rollout on, run {@link AppReconciler} and patch the status.
 * No finalizer: the owner references do the cleaning up when the resource is deleted.
 */
@ControllerConfiguration(name = "dockercoins", fieldManager = AppReconciler.FIELD_MANAGER)
public class DockerCoinsReconciler implements Reconciler<DockerCoins> {

    private static final Logger LOG = Logger.getLogger(DockerCoinsReconciler.class);

    private final AppReconciler app;
    private final Duration statusInterval;

    public DockerCoinsReconciler(KubernetesClient client, SpeedGauge gauge, OperatorConfig config) {
        this.app = new AppReconciler(client, new AppTemplates(), gauge, Clock.systemUTC(), config.tuning());
        this.statusInterval = config.statusInterval();
    }

    @Override
    public UpdateControl<DockerCoins> reconcile(DockerCoins resource, Context<DockerCoins> context) {
        AppReconciler.Result result = app.reconcile(resource);
        resource.setStatus(result.status());
        return UpdateControl.patchStatus(resource).rescheduleAfter(result.next());
    }

    /**
     * The API server refused a write (a missing RBAC verb, a quota, a conflicting object): say so in the status, once
     * in the log, and try again calmly after the status interval rather than in a tight retry loop.
     */
    @Override
    public ErrorStatusUpdateControl<DockerCoins> updateErrorStatus(DockerCoins resource, Context<DockerCoins> context,
            Exception e) {
        String message = String.valueOf(e.getMessage()).lines().findFirst().orElse(e.toString());
        LOG.warnf("DockerCoins %s/%s: %s (next try in %s)", resource.getMetadata().getNamespace(),
                resource.getMetadata().getName(), message, statusInterval);
        DockerCoinsStatus status = resource.getStatus() == null ? new DockerCoinsStatus() : resource.getStatus();
        Conditions.set(status, Conditions.READY, false, "ReconcileError", message, resource.getMetadata().getGeneration(),
                Instant.now());
        resource.setStatus(status);
        return ErrorStatusUpdateControl.patchStatus(resource).withNoRetry().rescheduleAfter(statusInterval);
    }
}
