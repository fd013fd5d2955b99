package io.dockercoins.rng;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** rng's routes, byte for byte those of the original: {@code GET /N} and {@code GET /}, both in the one line. */
@Path("/")
public class RandomBytesResource {

    static final String HOSTNAME = hostname();
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,9}");

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

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public CompletionStage<String> banner() {
        // The original answers / from the same single thread, so it waits in line too (with no sleep).
        return line.serve(0, () -> "RNG running on " + HOSTNAME + "\n");
    }

    @GET
    @Path("{size}")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    public CompletionStage<byte[]> randomBytes(@PathParam("size") String size) {
        int howMany = parseSize(size); // checked before queueing: bad input neither waits nor allocates
        return line.serve(config.delay().toMillis(), () -> {
            byte[] bytes = new byte[howMany];
            random.nextBytes(bytes);
            bytesServed.increment(howMany);
            return bytes;
        });
    }

    private int parseSize(String size) {
        // Digits only, like the original's <int:...> route: no sign, no spaces, at most 9 digits (no overflow).
        if (!DIGITS.matcher(size).matches()) {
            throw new BadSizeException("size must be a whole number of bytes from 0 to " + config.maxBytes() + ", got '" + size + "'");
        }
        int howMany = Integer.parseInt(size);
        if (howMany < 0 || howMany > config.maxBytes()) {
            throw new BadSizeException("size must be from 0 to " + config.maxBytes() + " bytes, got " + howMany);
        }
        return howMany;
    }

    /** Every answer says which rng instance served it, so load spreading shows without touching the body. */
    @ServerResponseFilter
    public void servedBy(ContainerResponseContext response) {
        response.getHeaders().putSingle("X-Served-By", HOSTNAME);
    }

    @ServerExceptionMapper
    public Response badSize(BadSizeException e) {
        return Response.status(Response.Status.BAD_REQUEST).type(MediaType.TEXT_PLAIN).entity(e.getMessage() + "\n").build();
    }

    @ServerExceptionMapper
    public Response lineFull(ServingLine.LineFullException e) {
        return Response.status(Response.Status.SERVICE_UNAVAILABLE).header("Retry-After", "1")
                .type(MediaType.TEXT_PLAIN).entity(e.getMessage() + "\n").build();
    }

    /** The container's or pod's name, as the original prints it. */
    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return System.getenv().getOrDefault("HOSTNAME", "unknown");
        }
    }

    static class BadSizeException extends RuntimeException {
        BadSizeException(String message) {
            super(message, null, false, false);
        }
    }
}
