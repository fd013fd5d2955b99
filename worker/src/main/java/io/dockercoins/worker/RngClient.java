package io.dockercoins.worker;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** rng as the original worker sees it: {@code GET http://rng/32}. */
@Path("/")
public interface RngClient {

    @GET
    @Path("{size}")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    byte[] randomBytes(@PathParam("size") int size);
}
