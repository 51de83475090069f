package io.storagedriver.client;

import io.storagedriver.internal.yamux.YamuxStream;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Resets the stream of a call that has not finished a blocking step within the call timeout, so
 * that the blocked thread wakes with a reset and the other streams go on.
 *
 * <p>Each client has its own watchdog. Its timer thread starts with the first timed step and
 * ends with {@link #close()}, so that a closed client leaves no thread behind.
 */
final class CallWatchdog implements AutoCloseable {
    /** How long {@link #close()} waits for the timer thread to end. */
    private static final long CLOSE_WAIT_MILLIS = 1_000;

    private final Duration timeout;
    private final String driverName;
    private ScheduledThreadPoolExecutor timer;
    private boolean closed;

    CallWatchdog(Duration timeout, String driverName) {
        this.timeout = timeout;
        this.driverName = driverName;
    }

    /**
     * Starts timing one blocking step; {@link Watch#close()} ends it. After {@link #close()} the
     * step is not timed, because the session is closed and the step fails on its own.
     */
    Watch watch(YamuxStream stream) {
        ScheduledThreadPoolExecutor current = timeout.isZero() ? null : timer();
        if (current == null) {
            return new Watch(null);
        }
        Watch watch = new Watch(stream);
        try {
            watch.future = current.schedule(watch::fire, timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // close() stopped the timer meanwhile.
            return new Watch(null);
        }
        return watch;
    }

    Duration timeout() {
        return timeout;
    }

    private synchronized ScheduledThreadPoolExecutor timer() {
        if (closed) {
            return null;
        }
        if (timer == null) {
            timer = new ScheduledThreadPoolExecutor(1, runnable -> {
                Thread thread = new Thread(runnable, "storagedriver-call-timeouts-" + driverName);
                thread.setDaemon(true);
                return thread;
            });
            timer.setRemoveOnCancelPolicy(true);
        }
        return timer;
    }

    /** Stops the timer thread and waits briefly for it to end; later calls do nothing. */
    @Override
    public void close() {
        ScheduledThreadPoolExecutor stopped;
        synchronized (this) {
            closed = true;
            stopped = timer;
            timer = null;
        }
        if (stopped == null) {
            return;
        }
        stopped.shutdownNow();
        try {
            stopped.awaitTermination(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One timed step. */
    static final class Watch implements AutoCloseable {
        private final YamuxStream stream;
        private final AtomicInteger state = new AtomicInteger(); // 0 running, 1 fired, 2 closed
        private volatile ScheduledFuture<?> future;

        private Watch(YamuxStream stream) {
            this.stream = stream;
        }

        private void fire() {
            if (state.compareAndSet(0, 1)) {
                stream.reset();
            }
        }

        /** Returns whether the timeout elapsed and reset the stream. */
        boolean fired() {
            return state.get() == 1;
        }

        @Override
        public void close() {
            state.compareAndSet(0, 2);
            ScheduledFuture<?> pending = future;
            if (pending != null) {
                pending.cancel(false);
            }
        }
    }
}
