package io.dockercoins.report;

import java.io.PrintStream;
import java.time.Clock;

import io.dockercoins.ledger.RedisConfig;
import io.dockercoins.ledger.RedisPool;
import io.dockercoins.ledger.UnreadableLedgerException;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The mining report as a batch job: read the ledger once, print one screen, exit 0. When Redis cannot be read it
 * prints one line saying why on stderr and exits 1, so that a Kubernetes Job retries (backoffLimit) and a CronJob's
 * run shows as failed; no stack trace, the line is all `kubectl logs` needs.
 */
@QuarkusMain
public class ReportCommand implements QuarkusApplication {

    static final int CANNOT_READ_REDIS = 1;
    static final int UNREADABLE_LEDGER = 2;

    private final RedisConfig redis;
    private final ReportConfig config;

    public ReportCommand(RedisConfig redis, ReportConfig config) {
        this.redis = redis;
        this.config = config;
    }

    public static void main(String... args) {
        Quarkus.run(ReportCommand.class, args);
    }

    @Override
    public int run(String... args) {
        return report(new WalletAudit(redis, Clock.systemUTC()), System.out, System.err);
    }

    int report(WalletAudit audit, PrintStream out, PrintStream err) {
        try {
            out.print(audit.audit().render(config.sigmas(), config.topWorkers()));
            out.flush();
            return 0;
        } catch (UnreadableLedgerException e) {
            err.println("report: Redis at " + audit.where() + " holds something the workers did not write: " + e.getMessage());
            return UNREADABLE_LEDGER;
        } catch (JedisException e) {
            err.println("report: cannot read Redis at " + audit.where() + ": " + RedisPool.why(e));
            return CANNOT_READ_REDIS;
        }
    }
}
