package io.dockercoins.operator;

import java.time.Clock;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;

/**
 * The Operator SDK's entry point: on every change to a DockerCoins resource, and again after a while to refresh
 * its status (ready pods, speed) and to move a rollout on, run {@link AppReconciler} and patch the status.
 * No finalizer: the owner references do the cleaning up when the resource is deleted.
 */
@ControllerConfiguration(name = "dockercoins", fieldManager = AppReconciler.FIELD_MANAGER)
public class DockerCoinsReconciler implements Reconciler<DockerCoins> {

    private final AppReconciler app;

    public DockerCoinsReconciler(KubernetesClient client, SpeedGauge gauge, OperatorConfig config) {
        this.app = new AppReconciler(client, new AppTemplates(), gauge, Clock.systemUTC(), config.tuning());
    }

    @Override
    public UpdateControl<DockerCoins> reconcile(DockerCoins resource, Context<DockerCoins> context) {
        AppReconciler.Result result = app.reconcile(resource);
        resource.setStatus(result.status());
        return UpdateControl.patchStatus(resource).rescheduleAfter(result.next());
    }
}
