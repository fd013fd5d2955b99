package io.dockercoins.hasher;

import java.net.InetAddress;
import java.net.UnknownHostException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * hasher's routes, as the original's: {@code POST /} hashes the body, {@code GET /} says who is running. Plain Vert.x
 * routes on Quarkus' HTTP server (no REST layer: two routes do not need one, and each request costs less). Other
 * methods get 405 and other paths 404 from the router; a body over the limit gets 413 before it is read.
 */
@ApplicationScoped
public class HashResource {

    static final String HOSTNAME = hostname();
    private static final String BANNER = "HASHER running on " + HOSTNAME + "\n";

    private final HasherConfig config;
    private final long maxBodyBytes;
    private final Counter hashesComputed;
    private final Counter bytesHashed;

    public HashResource(HasherConfig config, MeterRegistry registry,
            @ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBody) {
        this.config = config;
        this.maxBodyBytes = maxBody.asLongValue();
        this.hashesComputed = Counter.builder("hasher.hashes").description("SHA-256 digests computed").register(registry);
        this.bytesHashed = Counter.builder("hasher.bytes").description("Bytes hashed").baseUnit("bytes").register(registry);
    }

    void routes(@Observes Router router) {
        // Any content type is accepted, as Sinatra's request.body does; the limit is HASHER_MAX_BODY_SIZE.
        router.post("/").handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes)).handler(this::hash);
        router.get("/").handler(request -> answer(request, BANNER));
    }

    private void hash(RoutingContext request) {
        byte[] body = request.body().buffer() == null ? new byte[0] : request.body().buffer().getBytes();
        String digest = Sha256.hex(body);
        hashesComputed.increment();
        bytesHashed.increment(body.length);
        // The delay is a timer, not a sleeping thread: any number of requests wait side by side.
        long delay = config.delay().toMillis();
        if (delay == 0) {
            answer(request, digest);
        } else {
            request.vertx().setTimer(delay, timer -> answer(request, digest));
        }
    }

    /** Every answer says which hasher instance served it, so load spreading shows without touching the body. */
    private static void answer(RoutingContext request, String text) {
        request.response().putHeader("Content-Type", "text/plain;charset=UTF-8").putHeader("X-Served-By", HOSTNAME).end(text);
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
