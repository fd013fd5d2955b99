package io.dockercoins.operator;

import java.net.InetAddress;
import java.util.HashMap;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;

/**
 * A stand-in Kubernetes API server (the fabric8 mock server in CRUD mode, plain HTTP) for running the operator's
 * image under Docker, where no cluster can run: tests/operator-under-docker.sh. Usage: MockApiServer [port].
 */
public final class MockApiServer {

    private MockApiServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 6443;
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getByName("0.0.0.0"), port);
        System.out.println("mock Kubernetes API server (CRUD) on http://0.0.0.0:" + port);
        Thread.currentThread().join();
    }
}
