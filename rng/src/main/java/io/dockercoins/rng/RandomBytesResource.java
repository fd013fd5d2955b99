package io.dockercoins.rng;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * rng's routes, byte for byte those of the original: {@code GET /N} and {@code GET /}, both in the one line. Plain
 * Vert.x routes on Quarkus' HTTP server (no REST layer: two routes do not need one, and each request costs less);
 * other methods get 405 and other paths 404 from the router.
 */
@ApplicationScoped
public class RandomBytesResource {

    static final String HOSTNAME = hostname();
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,9}");
    private static final String TEXT = "text/plain;charset=UTF-8";

    private final SecureRandom random = new SecureRandom();
    private final ServingLine line;
    private final RngConfig config;
    private final Counter bytesServed;

    public RandomBytesResource(ServingLine line, RngConfig config, MeterRegistry registry) {
        this.line = line;
        this.config = config;
        this.bytesServed = Counter.builder("rng.bytes.served")
                .description("Random bytes handed out")
                .baseUnit("bytes")
                .register(registry);
    }

    void routes(@Observes Router router) {
        router.get("/").handler(this::banner);
        router.get("/:size").handler(this::randomBytes);
    }

    private void banner(RoutingContext request) {
        // The original answers / from the same single thread, so it waits in line too (with no sleep).
        answerWhenServed(request, TEXT, 0, () -> Buffer.buffer("RNG running on " + HOSTNAME + "\n"));
    }

    private void randomBytes(RoutingContext request) {
        String size = request.pathParam("size");
        // Digits only, like the original's <int:...> route: no sign, no spaces, at most 9 digits (no overflow).
        // Checked before queueing: bad input neither waits nor allocates.
        if (!DIGITS.matcher(size).matches()) {
            answer(request, 400, TEXT, Buffer.buffer("size must be a whole number of bytes from 0 to " + config.maxBytes() + ", got '" + size + "'\n"));
            return;
        }
        int howMany = Integer.parseInt(size);
        if (howMany > config.maxBytes()) {
            answer(request, 400, TEXT, Buffer.buffer("size must be from 0 to " + config.maxBytes() + " bytes, got " + howMany + "\n"));
            return;
        }
        answerWhenServed(request, "application/octet-stream", config.delay().toMillis(), () -> {
            byte[] bytes = new byte[howMany];
            random.nextBytes(bytes);
            bytesServed.increment(howMany);
            return Buffer.buffer(bytes);
        });
    }

    /**
     * Queues the work in the line; the answer goes once it is served (holding the counter for {@code holdMillis}), from
     * the request's own event loop. A full line: 503 with Retry-After at once.
     */
    private void answerWhenServed(RoutingContext request, String type, long holdMillis, Supplier<Buffer> work) {
        CompletionStage<Buffer> served;
        try {
            served = line.serve(holdMillis, work);
        } catch (ServingLine.LineFullException e) {
            request.response().putHeader("Retry-After", "1");
            answer(request, 503, TEXT, Buffer.buffer(e.getMessage() + "\n"));
            return;
        }
        Context context = request.vertx().getOrCreateContext();
        served.whenComplete((body, failure) -> context.runOnContext(v -> {
            if (failure == null) {
                answer(request, 200, type, body);
            } else {
                request.fail(failure);
            }
        }));
    }

    /** Every answer says which rng instance served it, so load spreading shows without touching the body. */
    private static void answer(RoutingContext request, int status, String type, Buffer body) {
        request.response().setStatusCode(status).putHeader("Content-Type", type).putHeader("X-Served-By", HOSTNAME).end(body);
    }

    /** The container's or pod's name, as the original prints it. */
    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return System.getenv().getOrDefault("HOSTNAME", "unknown");
        }
    }
}
