package io.dockercoins.worker;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Liveness is the loop itself, never another service. Readiness is Redis, where the work is counted: the ledger
 * module's RedisReadiness, shared with webui.
 */
@Liveness
@ApplicationScoped
public class MinerHealth implements HealthCheck {

    private final CoinMiner miner;

    MinerHealth(CoinMiner miner) {
        this.miner = miner;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("coin-miner loop").status(miner.isMining()).build();
    }
}
