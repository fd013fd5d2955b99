package io.dockercoins.worker;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.vertx.core.http.HttpServerRequest;

/**
 * Stand-ins for rng and hasher, served by the test application itself, that a test can make
 * fail, slow down, or turn every hash into a coin (or none). Redis, on the other hand, is real.
 */
@Path("/")
public class FakeRngAndHasher {

    enum Coins { REAL, ALL, NONE }

    static volatile boolean rngFailing;
    static volatile long rngDelayMillis;
    static volatile Coins coins = Coins.REAL;
    /** The X-Served-By of each answer, in turn (none at all when empty, like the original rng). */
    static volatile String[] rngInstances = {"fake-rng-1"};
    /** The client port of each rng request, in turn: one port per connection the worker opened. */
    static final java.util.List<Integer> rngConnections = new java.util.concurrent.CopyOnWriteArrayList<>();
    private static final java.util.concurrent.atomic.AtomicLong served = new java.util.concurrent.atomic.AtomicLong();

    static void reset() {
        rngFailing = false;
        rngDelayMillis = 0;
        coins = Coins.REAL;
        rngInstances = new String[] {"fake-rng-1"};
        rngConnections.clear();
    }

    @GET
    @Path("fake-rng/{size}")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    public Response randomBytes(@PathParam("size") int size, @Context HttpServerRequest request) throws InterruptedException {
        rngConnections.add(request.remoteAddress().port());
        Thread.sleep(rngDelayMillis);
        if (rngFailing) {
            return Response.serverError().entity("rng is broken on purpose").type(MediaType.TEXT_PLAIN).build();
        }
        byte[] bytes = new byte[size];
        new java.util.Random().nextBytes(bytes);
        String[] instances = rngInstances;
        Response.ResponseBuilder answer = Response.ok(bytes);
        if (instances.length > 0) {
            answer.header("X-Served-By", instances[(int) (served.getAndIncrement() % instances.length)]);
        }
        return answer.build();
    }

    @POST
    @Path("fake-hasher")
    @Consumes(MediaType.APPLICATION_OCTET_STREAM)
    @Produces(MediaType.TEXT_PLAIN)
    public String hash(byte[] body) throws NoSuchAlgorithmException {
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        return switch (coins) {
            case REAL -> digest;
            case ALL -> "0" + digest.substring(1);
            case NONE -> "f" + digest.substring(1);
        };
    }
}
