package io.dockercoins.operator;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One DockerCoins app in a namespace: redis, rng, hasher, worker and webui with their Services, run from what a
 * learner would otherwise type (kubectl scale, set image, rollout undo). {@code kubectl get dockercoins} shows
 * the columns below.
 */
@Group("dockercoins.io")
@Version("v1alpha1")
@ShortNames("dc")
@AdditionalPrinterColumn(name = "Workers", jsonPath = ".spec.workers", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Version", jsonPath = ".status.workerVersion", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Rng", jsonPath = ".status.pods.rng", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Hashes/s", jsonPath = ".status.hashesPerSecond", type = AdditionalPrinterColumn.Type.NUMBER)
@AdditionalPrinterColumn(name = "Bottleneck", jsonPath = ".status.bottleneck", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(name = "Message", jsonPath = ".status.conditions[?(@.type==\"Ready\")].message", type = AdditionalPrinterColumn.Type.STRING, priority = 1)
public class DockerCoins extends CustomResource<DockerCoinsSpec, DockerCoinsStatus> implements Namespaced {

    @Override
    protected DockerCoinsSpec initSpec() {
        return new DockerCoinsSpec();
    }

    /**
     * None until the operator writes one: the status goes out as a JSON Patch computed against the resource read from
     * the API server, and a default status here would turn "no status yet" into operations under a /status that the
     * API server does not have (422 Invalid, and no status ever written).
     */
    @Override
    protected DockerCoinsStatus initStatus() {
        return null;
    }
}
