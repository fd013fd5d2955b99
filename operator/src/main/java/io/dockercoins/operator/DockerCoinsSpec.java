package io.dockercoins.operator;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;

/**
 * What the learner asks for. The schema takes any integer and any string on purpose: the operator checks the
 * values itself ({@link SpecCheck}) and says what is wrong in the status, where {@code kubectl get} shows it.
 */
// Left out when null, as in DockerCoinsStatus: the whole resource goes with the status patch.
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DockerCoinsSpec {

    @JsonPropertyDescription("Number of worker pods (kubectl scale deployment worker, in one field).")
    @Default("1")
    private Integer workers = 1;

    @JsonPropertyDescription("Image tag of the workers. Changing it rolls the workers out one at a time, watching the speed.")
    @Default("v0.1")
    private String workerVersion = "v0.1";

    @JsonPropertyDescription("Image tag of rng, hasher and webui.")
    @Default("v0.1")
    private String version = "v0.1";

    @JsonPropertyDescription("Image prefix: images are <registry>/<service>:<tag> (redis stays redis:7).")
    @Default("dockercoins-java")
    private String registry = "dockercoins-java";

    @JsonPropertyDescription("How rng runs: Deployment (rngReplicas pods, or what autoscaleRng decides) or DaemonSet (one per node).")
    @Default("Deployment")
    private String rngPlacement = "Deployment";

    @JsonPropertyDescription("rng pods when rngPlacement is Deployment and autoscaleRng is off.")
    @Default("1")
    private Integer rngReplicas = 1;

    @JsonPropertyDescription("Keep rng pods at what the workers need: one rng per 3 workers (rngPlacement Deployment only).")
    @Default("false")
    private Boolean autoscaleRng = false;

    @JsonPropertyDescription("Roll a new worker version back when its speed per worker falls below this percentage of the old version's.")
    @Default("50")
    private Integer rollbackBelowPercent = 50;

    @JsonPropertyDescription("Seconds each new worker mines, once ready, before its speed is judged.")
    @Default("30")
    private Integer rolloutStepSeconds = 30;

    public Integer getWorkers() {
        return workers;
    }

    public void setWorkers(Integer workers) {
        this.workers = workers;
    }

    public String getWorkerVersion() {
        return workerVersion;
    }

    public void setWorkerVersion(String workerVersion) {
        this.workerVersion = workerVersion;
    }

    public String getVersion() {
        return version;
    }

    public void setVersion(String version) {
        this.version = version;
    }

    public String getRegistry() {
        return registry;
    }

    public void setRegistry(String registry) {
        this.registry = registry;
    }

    public String getRngPlacement() {
        return rngPlacement;
    }

    public void setRngPlacement(String rngPlacement) {
        this.rngPlacement = rngPlacement;
    }

    public Integer getRngReplicas() {
        return rngReplicas;
    }

    public void setRngReplicas(Integer rngReplicas) {
        this.rngReplicas = rngReplicas;
    }

    public Boolean getAutoscaleRng() {
        return autoscaleRng;
    }

    public void setAutoscaleRng(Boolean autoscaleRng) {
        this.autoscaleRng = autoscaleRng;
    }

    public Integer getRollbackBelowPercent() {
        return rollbackBelowPercent;
    }

    public void setRollbackBelowPercent(Integer rollbackBelowPercent) {
        this.rollbackBelowPercent = rollbackBelowPercent;
    }

    public Integer getRolloutStepSeconds() {
        return rolloutStepSeconds;
    }

    public void setRolloutStepSeconds(Integer rolloutStepSeconds) {
        this.rolloutStepSeconds = rolloutStepSeconds;
    }
}
