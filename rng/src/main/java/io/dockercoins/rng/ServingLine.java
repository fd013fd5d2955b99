package io.dockercoins.rng;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The one line in front of rng's counter. The original rng is a single-threaded Flask server:
 * every request, {@code /} included, waits for the one before it. That bottleneck is what the
 * workshop teaches, so we keep it on purpose: requests are served {@code concurrency} at a time,
 * in arrival order, each holding its place for {@code delay}. Waiting costs no thread (requests
 * wait as futures), and the line is bounded so that a flood gets 503s instead of eating memory.
 */
@ApplicationScoped
public class ServingLine {

    private final int concurrency;
    private final int maxWaiting;
    private final Deque<Ticket<?>> waiting = new ArrayDeque<>();
    private int serving;
    private final ScheduledExecutorService counter = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "rng-counter");
        thread.setDaemon(true);
        return thread;
    });
    private final Timer waitTimer;

    public ServingLine(RngConfig config, MeterRegistry registry) {
        this.concurrency = config.concurrency();
        this.maxWaiting = config.maxWaiting();
        this.waitTimer = Timer.builder("rng.line.wait")
                .description("Time a request waited in rng's line before being served")
                .publishPercentileHistogram()
                .register(registry);
        registry.gauge("rng.line.waiting", this, ServingLine::waitingCount);
    }

    /** Queues {@code work}; it runs after the requests ahead of it, then holds the counter for {@code holdMillis}. */
    public <T> CompletionStage<T> serve(long holdMillis, Supplier<T> work) {
        Ticket<T> ticket = new Ticket<>(holdMillis, work, System.nanoTime());
        synchronized (this) {
            if (concurrency > 0 && serving >= concurrency) {
                if (waiting.size() >= maxWaiting) {
                    throw new LineFullException(maxWaiting);
                }
                waiting.addLast(ticket);
                return ticket.result;
            }
            serving++;
        }
        start(ticket);
        return ticket.result;
    }

    public synchronized int waitingCount() {
        return waiting.size();
    }

    private void start(Ticket<?> ticket) {
        waitTimer.record(System.nanoTime() - ticket.arrivedNanos, TimeUnit.NANOSECONDS);
        counter.schedule(() -> {
            try {
                ticket.run();
            } finally {
                next();
            }
        }, ticket.holdMillis, TimeUnit.MILLISECONDS);
    }

    private void next() {
        Ticket<?> ticket;
        synchronized (this) {
            ticket = waiting.pollFirst();
            if (ticket == null) {
                serving--;
                return;
            }
        }
        start(ticket);
    }

    @PreDestroy
    void close() {
        counter.shutdownNow();
    }

    private record Ticket<T>(long holdMillis, Supplier<T> work, long arrivedNanos, CompletableFuture<T> result) {
        Ticket(long holdMillis, Supplier<T> work, long arrivedNanos) {
            this(holdMillis, work, arrivedNanos, new CompletableFuture<>());
        }

        void run() {
            try {
                result.complete(work.get());
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        }
    }

    /** The line is full: the client should come back later. */
    public static class LineFullException extends RuntimeException {
        public LineFullException(int maxWaiting) {
            super("rng is busy: " + maxWaiting + " requests already waiting, retry later");
        }
    }
}
