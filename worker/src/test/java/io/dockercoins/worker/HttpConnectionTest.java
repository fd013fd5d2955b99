package io.dockercoins.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How the worker talks to rng and hasher: kept-alive HTTP/1.1, the answer's framing in each of its three forms, a new
 * connection when asked for one, and a connection the server closed while idle opened again without a failure. The
 * server here is a socket that answers each request with the next scripted answer, and records what it received.
 */
class HttpConnectionTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private ServerSocket server;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    /** Each request as received: its request line and headers, then its body if any; one connection id each. */
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<Integer> connectionOfRequest = new CopyOnWriteArrayList<>();
    private volatile boolean closeAfterEachAnswer;
    private Thread acceptor;

    @BeforeEach
    void startServer() throws IOException {
        server = new ServerSocket(0);
        acceptor = new Thread(this::serve, "scripted-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterEach
    void stopServer() throws IOException {
        server.close();
    }

    @Test
    void aConnectionIsKeptAliveAcrossCalls() throws IOException {
        script(ok("aaaa"), ok("bbbb"), ok("cccc"));
        try (HttpConnection rng = connection("")) {
            for (String expected : List.of("aaaa", "bbbb", "cccc")) {
                assertEquals(expected, rng.get("4", false).text());
            }
        }
        assertEquals(List.of(0, 0, 0), connectionOfRequest, "one connection for the three calls");
        assertTrue(requests.get(0).startsWith("GET /4 HTTP/1.1\r\n"), requests.get(0));
        assertTrue(requests.get(0).contains("\r\nHost: 127.0.0.1:" + server.getLocalPort() + "\r\n"), requests.get(0));
    }

    @Test
    void theLastCallOnAConnectionSaysSoAndTheNextOpensANewOne() throws IOException {
        script(ok("aaaa"), ok("bbbb"));
        try (HttpConnection rng = connection("")) {
            rng.get("4", true);
            rng.get("4", false);
        }
        assertTrue(requests.get(0).contains("\r\nConnection: close\r\n"), requests.get(0));
        assertEquals(List.of(0, 1), connectionOfRequest);
    }

    @Test
    void theBasePathIsKeptAndAPostSendsItsBodyWithItsLength() throws IOException {
        script(ok("5d41402abc4b2a76b9719d911017c592"));
        try (HttpConnection hasher = connection("/fake-hasher")) {
            assertEquals("5d41402abc4b2a76b9719d911017c592", hasher.post("", "hello".getBytes(StandardCharsets.UTF_8)).text());
        }
        String request = requests.get(0);
        assertTrue(request.startsWith("POST /fake-hasher HTTP/1.1\r\n"), request);
        assertTrue(request.contains("\r\nContent-Type: application/octet-stream\r\n"), request);
        assertTrue(request.contains("\r\nContent-Length: 5\r\n"), request);
        assertTrue(request.endsWith("\r\n\r\nhello"), request);
    }

    @Test
    void theServedByHeaderAndTheStatusAreRead() throws IOException {
        script("HTTP/1.1 503 Service Unavailable\r\nx-served-by: rng-2\r\nContent-Length: 4\r\n\r\nbusy");
        try (HttpConnection rng = connection("")) {
            HttpConnection.Answer answer = rng.get("32", false);
            assertEquals(503, answer.status());
            assertEquals("rng-2", answer.servedBy());
            assertEquals("busy", answer.text());
        }
    }

    @Test
    void chunkedAnswersAndAnswersUpToTheEndOfTheConnectionAreReadWhole() throws IOException {
        script("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n",
                "HTTP/1.0 200 OK\r\n\r\nthe original's rng answers like this");
        try (HttpConnection rng = connection("")) {
            HttpConnection.Answer chunked = rng.get("5", false);
            assertArrayEquals("abcde".getBytes(StandardCharsets.US_ASCII), chunked.body());
            assertNull(chunked.servedBy(), "no X-Served-By: an rng without one, like the original");
            assertEquals("the original's rng answers like this", rng.get("5", false).text());
        }
        assertEquals(List.of(0, 0), connectionOfRequest, "the chunked answer left the connection usable");
    }

    @Test
    void aConnectionTheServerClosedWhileIdleIsOpenedAgainWithoutAFailure() throws IOException {
        closeAfterEachAnswer = true; // but without saying so: the next call finds the connection closed
        script(ok("aaaa"), ok("bbbb"));
        try (HttpConnection rng = connection("")) {
            assertEquals("aaaa", rng.get("4", false).text());
            assertEquals("bbbb", rng.get("4", false).text());
        }
        assertEquals(List.of(0, 1), connectionOfRequest);
    }

    @Test
    void failuresAreExceptionsThatNameTheCause() throws IOException {
        int closedPort;
        try (ServerSocket gone = new ServerSocket(0)) {
            closedPort = gone.getLocalPort();
        }
        try (HttpConnection nobody = new HttpConnection("http://127.0.0.1:" + closedPort, TIMEOUT, TIMEOUT)) {
            assertThrows(ConnectException.class, () -> nobody.get("32", false));
        }
        // a server that accepts and never answers: the read timeout
        try (HttpConnection silent = new HttpConnection("http://127.0.0.1:" + server.getLocalPort(), TIMEOUT, Duration.ofMillis(300))) {
            assertThrows(SocketTimeoutException.class, () -> silent.get("32", false));
        }
        assertThrows(IllegalArgumentException.class, () -> new HttpConnection("https://rng", TIMEOUT, TIMEOUT));
    }

    private HttpConnection connection(String path) {
        return new HttpConnection("http://127.0.0.1:" + server.getLocalPort() + path, TIMEOUT, TIMEOUT);
    }

    private void script(String... scripted) {
        answers.addAll(List.of(scripted));
    }

    private static String ok(String body) {
        return "HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
    }

    private void serve() {
        int connections = 0;
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                int id = connections++;
                Thread handler = new Thread(() -> handle(socket, id), "scripted-connection-" + id);
                handler.setDaemon(true);
                handler.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void handle(Socket socket, int id) {
        try (socket) {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            OutputStream out = socket.getOutputStream();
            while (true) {
                StringBuilder request = new StringBuilder();
                int length = 0;
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    request.append(line).append("\r\n");
                    if (line.toLowerCase().startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).trim());
                    }
                    if (line.isEmpty()) {
                        break;
                    }
                }
                if (request.isEmpty()) {
                    return; // the client closed the connection
                }
                char[] body = new char[length];
                int read = 0;
                while (read < length) {
                    read += in.read(body, read, length - read);
                }
                requests.add(request.append(body).toString());
                connectionOfRequest.add(id);
                String answer = answers.poll(5, TimeUnit.SECONDS);
                if (answer == null) {
                    return;
                }
                out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                boolean closeDelimited = answer.startsWith("HTTP/1.0");
                if (closeAfterEachAnswer || closeDelimited || request.toString().contains("Connection: close")) {
                    return;
                }
            }
        } catch (IOException | InterruptedException e) {
            // the test ends
        }
    }
}
