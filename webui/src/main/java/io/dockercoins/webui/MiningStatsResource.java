package io.dockercoins.webui;

import java.util.concurrent.atomic.AtomicReference;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.NoCache;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.dockercoins.ledger.Ledger;
import io.dockercoins.ledger.RedisPool;
import io.dockercoins.ledger.UnreadableLedgerException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import redis.clients.jedis.exceptions.JedisException;

/** webui's routes, as the original's: {@code GET /json} for the page to poll, {@code GET /} to the page itself. */
@Path("/")
public class MiningStatsResource {

    private static final Logger LOG = Logger.getLogger(MiningStatsResource.class);

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

    /** Absolute path as the original's res.redirect('/index.html'); raw header so it is not rewritten to a full URL. */
    @GET
    public Response home() {
        return Response.status(Response.Status.FOUND).header(HttpHeaders.LOCATION, "/index.html").build();
    }

    @GET
    @Path("json")
    @Produces(MediaType.APPLICATION_JSON)
    @NoCache // every poll must reach Redis, or the speed would read 0
    public String json() {
        String json = new MiningStats(ledger.read()).toJson();
        lastFailure.set(null);
        return json;
    }

    /** Redis down (or its pool exhausted): a short answer, no stack trace; the next poll tries again. */
    @ServerExceptionMapper
    public Response redisUnavailable(JedisException e) {
        redisFailures.increment();
        String why = RedisPool.why(e);
        if (!why.equals(lastFailure.getAndSet(why))) {
            LOG.warnf("Redis unavailable (%s); GET /json answers 503 until it is back", why);
        }
        return error(Response.Status.SERVICE_UNAVAILABLE, "redis unavailable").header("Retry-After", "1").build();
    }

    @ServerExceptionMapper
    public Response unreadable(UnreadableLedgerException e) {
        LOG.warnf("Unexpected data in Redis: %s", e.getMessage());
        return error(Response.Status.INTERNAL_SERVER_ERROR, "unexpected data in redis").build();
    }

    private static Response.ResponseBuilder error(Response.Status status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity("{\"error\":\"" + message + "\"}");
    }
}
