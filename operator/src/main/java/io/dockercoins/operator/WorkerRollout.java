package io.dockercoins.operator;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A worker rollout in progress, one worker at a time: where it stands, kept in the status. */
// Left out when null, as in DockerCoinsStatus: server-side apply refuses nulls for typed fields.
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WorkerRollout {

    @JsonPropertyDescription("The version being rolled out.")
    private String toVersion;

    @JsonPropertyDescription("Workers running the new version so far.")
    private Integer updatedWorkers;

    @JsonPropertyDescription("When the current step started (the new worker was asked for).")
    private String stepStartedAt;

    @JsonPropertyDescription("When the current step's new worker was first seen ready; its speed is judged a step later.")
    private String stepReadyAt;

    @JsonPropertyDescription("Speed per worker of the old version when the rollout started (hashes/s).")
    private Double baselinePerWorker;

    public WorkerRollout() {
    }

    public WorkerRollout(String toVersion, int updatedWorkers, String stepStartedAt, Double baselinePerWorker) {
        this.toVersion = toVersion;
        this.updatedWorkers = updatedWorkers;
        this.stepStartedAt = stepStartedAt;
        this.baselinePerWorker = baselinePerWorker;
    }

    public String getToVersion() {
        return toVersion;
    }

    public void setToVersion(String toVersion) {
        this.toVersion = toVersion;
    }

    public Integer getUpdatedWorkers() {
        return updatedWorkers;
    }

    public void setUpdatedWorkers(Integer updatedWorkers) {
        this.updatedWorkers = updatedWorkers;
    }

    public String getStepStartedAt() {
        return stepStartedAt;
    }

    public void setStepStartedAt(String stepStartedAt) {
        this.stepStartedAt = stepStartedAt;
    }

    public String getStepReadyAt() {
        return stepReadyAt;
    }

    public void setStepReadyAt(String stepReadyAt) {
        this.stepReadyAt = stepReadyAt;
    }

    public Double getBaselinePerWorker() {
        return baselinePerWorker;
    }

    public void setBaselinePerWorker(Double baselinePerWorker) {
        this.baselinePerWorker = baselinePerWorker;
    }
}
