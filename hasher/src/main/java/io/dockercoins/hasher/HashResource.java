package io.dockercoins.hasher;

import java.net.InetAddress;
import java.net.UnknownHostException;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;

/** hasher's routes, as the original's: {@code POST /} hashes the body, {@code GET /} says who is running. */
@Path("/")
public class HashResource {

    static final String HOSTNAME = hostname();

    private final HasherConfig config;
    private final Counter hashesComputed;
    private final Counter bytesHashed;

    public HashResource(HasherConfig config, MeterRegistry registry) {
        this.config = config;
        this.hashesComputed = Counter.builder("hasher.hashes").description("SHA-256 digests computed").register(registry);
        this.bytesHashed = Counter.builder("hasher.bytes").description("Bytes hashed").baseUnit("bytes").register(registry);
    }

    /** Any content type is accepted, as Sinatra's request.body does; the body limit (413) is quarkus.http.limits.max-body-size. */
    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.TEXT_PLAIN)
    public Uni<String> hash(byte[] body) {
        String digest = Sha256.hex(body);
        hashesComputed.increment();
        bytesHashed.increment(body.length);
        // The delay is a timer, not a sleeping thread: any number of requests wait side by side.
        Uni<String> answer = Uni.createFrom().item(digest);
        return config.delay().isZero() ? answer : answer.onItem().delayIt().by(config.delay());
    }

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public String banner() {
        return "HASHER running on " + HOSTNAME + "\n";
    }

    /** Every answer says which hasher instance served it, so load spreading shows without touching the body. */
    @ServerResponseFilter
    public void servedBy(ContainerResponseContext response) {
        response.getHeaders().putSingle("X-Served-By", HOSTNAME);
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
