package io.dockercoins.webui;

import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.dockercoins.ledger.Ledger;
import io.dockercoins.ledger.RedisPool;
import io.dockercoins.ledger.UnreadableLedgerException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import redis.clients.jedis.exceptions.JedisException;

/**
 * webui's routes, as the original's: {@code GET /json} for the page to poll, {@code GET /} to the page itself (the page's
 * files are served by Quarkus from META-INF/resources). Plain Vert.x routes on Quarkus' HTTP server (no REST layer: two
 * routes do not need one); other methods get 405 and other paths 404 from the router.
 */
@ApplicationScoped
public class MiningStatsResource {

    private static final Logger LOG = Logger.getLogger(MiningStatsResource.class);
    private static final String JSON = "application/json;charset=UTF-8";

    private final Ledger ledger;
    private final Counter redisFailures;
    /** The reason of the last failure logged: a new reason is logged once, a repeated one is not (the page polls every second). */
    private final AtomicReference<String> lastFailure = new AtomicReference<>();

    public MiningStatsResource(Ledger ledger, MeterRegistry registry) {
        this.ledger = ledger;
        this.redisFailures = Counter.builder("webui.json.redis.failures")
                .description("GET /json answered 503 because Redis could not be reached")
                .register(registry);
    }

    void routes(@Observes Router router) {
        // Absolute path as the original's res.redirect('/index.html'), not rewritten to a full URL.
        router.get("/").handler(request -> request.response().setStatusCode(302).putHeader("Location", "/index.html").end());
        // Reading Redis blocks: on a worker thread, not the event loop.
        router.get("/json").blockingHandler(this::json, false);
    }

    private void json(RoutingContext request) {
        int status = 200;
        String body;
        try {
            body = new MiningStats(ledger.read()).toJson();
            lastFailure.set(null);
        } catch (JedisException e) {
            // Redis down (or its pool exhausted): a short answer, no stack trace; the next poll tries again.
            redisFailures.increment();
            String why = RedisPool.why(e);
            if (!why.equals(lastFailure.getAndSet(why))) {
                LOG.warnf("Redis unavailable (%s); GET /json answers 503 until it is back", why);
            }
            status = 503;
            body = "{\"error\":\"redis unavailable\"}";
            request.response().putHeader("Retry-After", "1");
        } catch (UnreadableLedgerException e) {
            LOG.warnf("Unexpected data in Redis: %s", e.getMessage());
            status = 500;
            body = "{\"error\":\"unexpected data in redis\"}";
        }
        // every poll must reach Redis, or the speed would read 0
        request.response().setStatusCode(status).putHeader("Content-Type", JSON).putHeader("Cache-Control", "no-cache").end(body);
    }
}
