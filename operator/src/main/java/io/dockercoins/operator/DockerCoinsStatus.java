package io.dockercoins.operator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.kubernetes.api.model.Condition;

/** What the operator sees. It keeps no state of its own: a rollout in progress is written here, so a restart resumes it. */
// The status is written as a JSON Patch: a null there is refused by the API server (422, "must be of type number"),
// so fields not known yet (the speed before the first workers report, no rollout) are left out instead.
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DockerCoinsStatus {

    @JsonPropertyDescription("The generation of the spec this status answers.")
    private Long observedGeneration;

    @JsonPropertyDescription("The worker version every worker runs (during a rollout: the one being replaced).")
    private String workerVersion;

    @JsonPropertyDescription("Ready pods out of wanted ones, per component (redis, rng, hasher, worker, webui).")
    private Map<String, String> pods = new TreeMap<>();

    @JsonPropertyDescription("Mining speed the workers report to webui (GET /json), in hashes per second.")
    private Double hashesPerSecond;

    @JsonPropertyDescription("Speed per worker of each worker version running, in hashes per second.")
    private Map<String, Double> speedPerWorker = new TreeMap<>();

    @JsonPropertyDescription("What limits the speed: rng (add rng pods), workers (add workers), or unknown.")
    private String bottleneck;

    @JsonPropertyDescription("A worker rollout in progress.")
    private WorkerRollout rollout;

    @JsonPropertyDescription("The last worker version rolled back; not tried again until spec.workerVersion names another.")
    private String rejectedVersion;

    @JsonPropertyDescription("Ready, SpecValid, Progressing, RolledBack.")
    private List<Condition> conditions = new ArrayList<>();

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public String getWorkerVersion() {
        return workerVersion;
    }

    public void setWorkerVersion(String workerVersion) {
        this.workerVersion = workerVersion;
    }

    public Map<String, String> getPods() {
        return pods;
    }

    public void setPods(Map<String, String> pods) {
        this.pods = pods;
    }

    public Double getHashesPerSecond() {
        return hashesPerSecond;
    }

    public void setHashesPerSecond(Double hashesPerSecond) {
        this.hashesPerSecond = hashesPerSecond;
    }

    public Map<String, Double> getSpeedPerWorker() {
        return speedPerWorker;
    }

    public void setSpeedPerWorker(Map<String, Double> speedPerWorker) {
        this.speedPerWorker = speedPerWorker;
    }

    public String getBottleneck() {
        return bottleneck;
    }

    public void setBottleneck(String bottleneck) {
        this.bottleneck = bottleneck;
    }

    public WorkerRollout getRollout() {
        return rollout;
    }

    public void setRollout(WorkerRollout rollout) {
        this.rollout = rollout;
    }

    public String getRejectedVersion() {
        return rejectedVersion;
    }

    public void setRejectedVersion(String rejectedVersion) {
        this.rejectedVersion = rejectedVersion;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }
}
