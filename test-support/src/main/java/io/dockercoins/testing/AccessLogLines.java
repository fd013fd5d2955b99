package io.dockercoins.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/** The lines Quarkus' HTTP access log writes while a test runs (start, the requests, then read, stop). */
public final class AccessLogLines extends Handler {

    private static final Logger ACCESS_LOG = Logger.getLogger("io.quarkus.http.access-log");
    private final List<String> lines = new CopyOnWriteArrayList<>();

    public void start() {
        lines.clear();
        ACCESS_LOG.addHandler(this);
    }

    public void stop() {
        ACCESS_LOG.removeHandler(this);
    }

    /** The lines so far, after waiting up to {@code millis} for the first one (the log is written after the answer). */
    public List<String> after(long millis) throws InterruptedException {
        for (long waited = 0; waited < millis && lines.isEmpty(); waited += 50) {
            Thread.sleep(50);
        }
        return List.copyOf(lines);
    }

    @Override
    public void publish(LogRecord record) {
        lines.add(new SimpleFormatter().formatMessage(record));
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        stop();
    }
}
