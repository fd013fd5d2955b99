package io.dockercoins.report;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How the report judges and what it lists: REPORT_SIGMAS, REPORT_TOP_WORKERS. */
@ConfigMapping(prefix = "report")
public interface ReportConfig {

    /**
     * How far from 1 coin in 16 hashes the wallet may be, in standard deviations of the binomial count, before the
     * report calls it suspicious. 3: a healthy ledger is flagged about once in 370 reports.
     */
    @WithDefault("3")
    double sigmas();

    /** Live workers listed by name, fastest first (all of them are counted by version). */
    @WithDefault("5")
    int topWorkers();
}
