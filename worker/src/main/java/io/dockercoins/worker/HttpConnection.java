package io.dockercoins.worker;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * The worker's way to rng and to hasher: one kept-alive HTTP/1.1 connection to one of them, used by the loop's own
 * thread with blocking calls. A loop is two small requests one after the other, so this is all it needs, and it costs
 * far less CPU per loop than a framework's client (no hop to another thread and back, no layers of handlers).
 * <p>
 * Each new connection takes the next of the addresses the service's name resolves to (several rng instances under
 * Compose: one name, several addresses; the JVM looks the name up again after {@code sun.net.inetaddr.ttl} seconds,
 * 5 in the images), so the instances share the workers. A connection the server closed while it was idle is opened
 * again once, transparently: both calls are safe to repeat. Answers may come with a Content-Length, chunked, or up to
 * the end of the connection (an HTTP/1.0 server such as the original's).
 */
final class HttpConnection implements Closeable {

    /** An answer: its status, the X-Served-By header (which rng instance answered; null if none) and its body. */
    record Answer(int status, String servedBy, byte[] body) {

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private static final int MAX_HEADER_LINE = 8192;
    private static final int MAX_BODY = 1 << 20;

    private final String host;
    private final int port;
    private final String basePath;
    private final String hostHeader;
    private final int connectTimeoutMillis;
    private final int readTimeoutMillis;
    private int nextAddress;
    private boolean answerBegun;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    HttpConnection(String baseUrl, Duration connectTimeout, Duration readTimeout) {
        URI uri = URI.create(baseUrl);
        if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("not an http://host[:port][/path] URL: " + baseUrl);
        }
        this.host = uri.getHost();
        this.port = uri.getPort() == -1 ? 80 : uri.getPort();
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        this.hostHeader = uri.getPort() == -1 ? host : host + ":" + port;
        this.connectTimeoutMillis = (int) connectTimeout.toMillis();
        this.readTimeoutMillis = (int) readTimeout.toMillis();
    }

    /** GET base/path (path "" is the base itself); with {@code last}, the server is asked to close the connection after it answers. */
    Answer get(String path, boolean last) throws IOException {
        return call("GET", path, null, last);
    }

    /** POST base/path (path "" is the base itself) with the bytes as an application/octet-stream body. */
    Answer post(String path, byte[] body) throws IOException {
        return call("POST", path, body, false);
    }

    private Answer call(String method, String path, byte[] body, boolean last) throws IOException {
        boolean reused = socket != null;
        answerBegun = false;
        try {
            return exchange(method, path, body, last);
        } catch (SocketTimeoutException e) {
            close();
            throw e;
        } catch (IOException e) {
            close();
            if (!reused || answerBegun) {
                throw e;
            }
            // The server had closed the kept-alive connection while it was idle: once more, on a new one.
            return exchange(method, path, body, last);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private Answer exchange(String method, String path, byte[] body, boolean last) throws IOException {
        if (socket == null) {
            open();
        }
        String target = path.isEmpty() ? (basePath.isEmpty() ? "/" : basePath) : basePath + "/" + path;
        StringBuilder head = new StringBuilder(128).append(method).append(' ').append(target)
                .append(" HTTP/1.1\r\nHost: ").append(hostHeader).append("\r\nAccept: */*\r\n");
        if (body != null) {
            head.append("Content-Type: application/octet-stream\r\nContent-Length: ").append(body.length).append("\r\n");
        }
        if (last) {
            head.append("Connection: close\r\n");
        }
        out.write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) {
            out.write(body);
        }
        out.flush();

        String statusLine = readLine();
        answerBegun = true;
        String[] status = statusLine.split(" ", 3);
        if (status.length < 2 || !status[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP answer: " + abbreviate(statusLine));
        }
        int code;
        try {
            code = Integer.parseInt(status[1]);
        } catch (NumberFormatException e) {
            throw new IOException("not an HTTP status: " + abbreviate(statusLine));
        }
        boolean keepAlive = status[0].equals("HTTP/1.1") && !last;
        long length = -1;
        boolean chunked = false;
        String servedBy = null;
        for (String line = readLine(); !line.isEmpty(); line = readLine()) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> length = parseLength(value);
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "connection" -> keepAlive &= !value.equalsIgnoreCase("close");
                case "x-served-by" -> servedBy = value;
                default -> { }
            }
        }
        byte[] answer;
        if (code == 204 || code == 304) {
            answer = new byte[0];
        } else if (chunked) {
            answer = readChunked();
        } else if (length >= 0) {
            answer = readExactly((int) length);
        } else {
            answer = readToEnd();
            keepAlive = false;
        }
        if (!keepAlive) {
            close();
        }
        return new Answer(code, servedBy, answer);
    }

    private void open() throws IOException {
        InetAddress[] addresses = InetAddress.getAllByName(host);
        InetAddress address = addresses[Math.floorMod(nextAddress++, addresses.length)];
        Socket opened = new Socket();
        try {
            opened.setTcpNoDelay(true);
            opened.connect(new InetSocketAddress(address, port), connectTimeoutMillis);
            opened.setSoTimeout(readTimeoutMillis);
            in = new BufferedInputStream(opened.getInputStream(), 4096);
            out = opened.getOutputStream();
            socket = opened;
        } catch (IOException e) {
            opened.close();
            throw e;
        }
    }

    /** A line, without its CRLF. */
    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder(64);
        while (true) {
            int c = in.read();
            if (c == -1) {
                throw new EOFException(answerBegun || !line.isEmpty() ? "connection closed in the middle of an answer"
                        : "connection closed by the server");
            }
            if (c == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            if (line.length() >= MAX_HEADER_LINE) {
                throw new IOException("header line longer than " + MAX_HEADER_LINE + " bytes");
            }
            line.append((char) c);
        }
    }

    private byte[] readExactly(int length) throws IOException {
        if (length > MAX_BODY) {
            throw new IOException("answer of " + length + " bytes, more than " + MAX_BODY);
        }
        return readBytes(length);
    }

    private byte[] readChunked() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine();
            int semicolon = sizeLine.indexOf(';');
            int size;
            try {
                size = Integer.parseInt((semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim(), 16);
            } catch (NumberFormatException e) {
                throw new IOException("bad chunk size: " + abbreviate(sizeLine));
            }
            if (size == 0) {
                while (!readLine().isEmpty()) {
                    // trailers: none we read
                }
                return body.toByteArray();
            }
            if (body.size() + size > MAX_BODY) {
                throw new IOException("answer of more than " + MAX_BODY + " bytes");
            }
            body.write(readBytes(size));
            readLine(); // the CRLF after the chunk
        }
    }

    private byte[] readBytes(int length) throws IOException {
        byte[] bytes = in.readNBytes(length);
        if (bytes.length != length) {
            throw new EOFException("connection closed in the middle of an answer");
        }
        return bytes;
    }

    private byte[] readToEnd() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        for (int n = in.read(buffer); n != -1; n = in.read(buffer)) {
            if (body.size() + n > MAX_BODY) {
                throw new IOException("answer of more than " + MAX_BODY + " bytes");
            }
            body.write(buffer, 0, n);
        }
        return body.toByteArray();
    }

    private static long parseLength(String value) throws IOException {
        try {
            long length = Long.parseLong(value);
            if (length < 0) {
                throw new NumberFormatException();
            }
            return length;
        } catch (NumberFormatException e) {
            throw new IOException("bad Content-Length: " + abbreviate(value));
        }
    }

    private static String abbreviate(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "..." : text;
    }

    @Override
    public void close() {
        Socket open = socket;
        socket = null;
        in = null;
        out = null;
        if (open != null) {
            try {
                open.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
