package io.dockercoins.worker;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestResponse;

/**
 * rng as the original worker sees it: {@code GET http://rng/32}; the response as a whole, for its
 * {@code X-Served-By} header (which rng instance answered: the web UI shows how the load spreads).
 */
@Path("/")
public interface RngClient {

    @GET
    @Path("{size}")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    RestResponse<byte[]> randomBytes(@PathParam("size") int size, @HeaderParam("Connection") String connection);

    /** The Connection header of a request after which the worker opens a new connection to rng. */
    String LAST_ON_THIS_CONNECTION = "close";

    String SERVED_BY = "X-Served-By";
}
