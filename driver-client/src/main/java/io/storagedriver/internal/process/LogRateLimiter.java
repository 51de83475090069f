package io.storagedriver.internal.process;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A token bucket that limits how many lines of driver output are logged, and counts the lines
 * it rejects so that the caller can log one summary per interval. Safe for concurrent use, so
 * the standard output and standard error pumps of one driver share a limit.
 */
final class LogRateLimiter {
    private static final long NANOS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);

    private final double linesPerSecond;
    private final int burst;
    private final long reportIntervalNanos;
    private final LongSupplier nanoClock;

    private double tokens;
    private long lastRefillNanos;
    private long suppressed;
    private long firstUnreportedNanos;

    /**
     * Creates a limiter that starts full.
     *
     * @param linesPerSecond the sustained rate of lines allowed
     * @param burst the maximum number of lines allowed at once after a quiet period
     * @param reportIntervalNanos the minimum time between two summaries of rejected lines
     * @param nanoClock a monotonic clock in nanoseconds, such as {@link System#nanoTime}
     */
    LogRateLimiter(double linesPerSecond, int burst, long reportIntervalNanos,
            LongSupplier nanoClock) {
        if (linesPerSecond <= 0 || burst < 1 || reportIntervalNanos < 0) {
            throw new IllegalArgumentException("linesPerSecond and burst must be positive, and"
                    + " reportIntervalNanos must not be negative");
        }
        this.linesPerSecond = linesPerSecond;
        this.burst = burst;
        this.reportIntervalNanos = reportIntervalNanos;
        this.nanoClock = nanoClock;
        this.tokens = burst;
        this.lastRefillNanos = nanoClock.getAsLong();
    }

    /** Returns whether one more line may be logged now; counts the line as rejected if not. */
    synchronized boolean tryAcquire() {
        long now = nanoClock.getAsLong();
        double refill = (now - lastRefillNanos) * linesPerSecond / NANOS_PER_SECOND;
        tokens = Math.min(burst, tokens + refill);
        lastRefillNanos = now;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        if (suppressed == 0) {
            firstUnreportedNanos = now;
        }
        suppressed++;
        return false;
    }

    /**
     * Returns the number of rejected lines not yet reported and resets it to 0. Returns 0 until
     * the report interval has passed since the first of these lines was rejected.
     */
    synchronized long takeDueReport() {
        if (suppressed == 0 || nanoClock.getAsLong() - firstUnreportedNanos < reportIntervalNanos) {
            return 0;
        }
        return takeReport();
    }

    /** Returns the number of rejected lines not yet reported, and resets it. */
    synchronized long takeReport() {
        long count = suppressed;
        suppressed = 0;
        return count;
    }

    int burst() {
        return burst;
    }

    double linesPerSecond() {
        return linesPerSecond;
    }
}
