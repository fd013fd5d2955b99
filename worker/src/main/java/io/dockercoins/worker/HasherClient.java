package io.dockercoins.worker;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** hasher as the original worker sees it: {@code POST http://hasher/} with the bytes, hex digest back. */
@Path("/")
public interface HasherClient {

    @POST
    @Consumes(MediaType.APPLICATION_OCTET_STREAM)
    @Produces(MediaType.TEXT_PLAIN)
    String hash(byte[] bytes);
}
