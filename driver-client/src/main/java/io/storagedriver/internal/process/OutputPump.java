package io.storagedriver.internal.process;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import org.slf4j.Logger;

/**
 * A daemon thread that drains one output stream of a driver, logs it line by line and, for
 * standard error, keeps the last lines.
 *
 * <p>The thread reads until end of file: lines over the rate limit are left out of the log but
 * still enter the recent lines, and exceptions from the logger are ignored. So the driver does
 * not block on a full pipe unless the logging backend itself blocks.
 */
final class OutputPump {
    /** The stream that a pump drains. */
    enum Source {
        STDOUT("stdout"),
        STDERR("stderr");

        private final String label;

        Source(String label) {
            this.label = label;
        }

        String label() {
            return label;
        }
    }

    private static final int READ_BUFFER_BYTES = 8 * 1024;

    private final String driverName;
    private final Source source;
    private final InputStream input;
    private final Logger driverLog;
    private final LogRateLimiter limiter;
    private final RecentLines recentLines;
    private final String linePrefix;
    private final BiConsumer<String, String> listener;
    private final Thread thread;
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    /**
     * Creates a pump. {@link #start()} starts its thread.
     *
     * @param recentLines the store of every line, logged or not, or null to keep none
     * @param listener receives every line with the stream's label
     */
    OutputPump(String driverName, Source source, InputStream input, Logger driverLog,
            LogRateLimiter limiter, RecentLines recentLines, BiConsumer<String, String> listener) {
        this.driverName = driverName;
        this.source = source;
        this.input = input;
        this.driverLog = driverLog;
        this.limiter = limiter;
        this.recentLines = recentLines;
        this.listener = listener;
        this.linePrefix = source == Source.STDERR ? driverName : driverName + " stdout";
        this.thread = new Thread(this::run, threadName(driverName, source));
        this.thread.setDaemon(true);
    }

    /** Returns the name of the pump thread for a driver's stream. */
    static String threadName(String driverName, Source source) {
        return "storagedriver-" + driverName + "-" + source.label();
    }

    void start() {
        thread.start();
    }

    /** Returns a future that completes when the stream has reached its end and is closed. */
    CompletableFuture<Void> done() {
        return done;
    }

    /** Waits up to {@code timeout} for the thread to end, and returns whether it ended. */
    boolean join(Duration timeout) throws InterruptedException {
        thread.join(Math.max(1, timeout.toMillis()));
        return !thread.isAlive();
    }

    private void run() {
        LineSplitter splitter = new LineSplitter(this::handleLine);
        byte[] buffer = new byte[READ_BUFFER_BYTES];
        try (input) {
            int count;
            while ((count = input.read(buffer)) != -1) {
                splitter.accept(buffer, 0, count);
            }
        } catch (IOException e) {
            driverLog.debug("reading driver output failed name={} stream={} error={}",
                    driverName, source.label(), e.toString());
        } finally {
            splitter.finish();
            reportSuppressed(limiter.takeReport());
            done.complete(null);
        }
    }

    private void handleLine(String line) {
        if (recentLines != null) {
            recentLines.add(line);
        }
        try {
            listener.accept(source.label(), line);
        } catch (RuntimeException e) {
            // A failing listener must not stop the draining.
        }
        try {
            reportSuppressed(limiter.takeDueReport());
            if (limiter.tryAcquire()) {
                driverLog.info("[{}] {}", linePrefix, line);
            }
        } catch (RuntimeException e) {
            // Draining must go on even when the logging backend fails.
        }
    }

    private void reportSuppressed(long count) {
        if (count > 0) {
            driverLog.warn("suppressed {} lines from {} (log limit {} lines/s, burst {})",
                    count, driverName, (long) limiter.linesPerSecond(), limiter.burst());
        }
    }
}
