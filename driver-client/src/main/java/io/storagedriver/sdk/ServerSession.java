package io.storagedriver.sdk;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.storagedriver.ErrorCode;
import io.storagedriver.StorageDriver;
import io.storagedriver.internal.wire.Messages;
import io.storagedriver.internal.wire.WireErrors;
import io.storagedriver.internal.yamux.YamuxException;
import io.storagedriver.internal.yamux.YamuxSession;
import io.storagedriver.internal.yamux.YamuxStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One yamux session on the driver's side: the handshake on the first stream, then every later
 * stream served as a call on a daemon thread named {@code storagedriver-call-N}.
 *
 * <p>The call threads accept the streams themselves, so the yamux reader thread wakes the thread
 * that serves the call, with no thread in between. A call thread that takes a stream first
 * starts another call thread if no other one waits to accept, so a slow call never holds up the
 * next. After its call it accepts again, unless {@link #MAX_IDLE_CALL_THREADS} threads already
 * wait.
 */
final class ServerSession {
    private static final Logger LOG = LoggerFactory.getLogger(ServerSession.class);
    private static final AtomicInteger CALL_THREAD_COUNT = new AtomicInteger();

    /**
     * How long the end of a session waits for calls still running, matching the host's default
     * wait for a stopping driver to exit.
     */
    static final long CALL_DRAIN_MILLIS = 5_000;

    /**
     * Call threads that may wait to accept a stream before a thread that ends its call stops
     * accepting. A soft limit: such a thread returns to the executor, which ends it after 60
     * idle seconds.
     */
    static final int MAX_IDLE_CALL_THREADS = 32;

    private final DriverFactory factory;
    private final YamuxSession session;
    /** Call threads that wait in {@link #accept()}, or have just returned from it. */
    private final AtomicInteger acceptingThreads = new AtomicInteger();
    /**
     * Completes once no more streams will come: normally when the host ended the session with Go
     * Away or by closing the connection, exceptionally with the session's failure otherwise.
     */
    private final CompletableFuture<Void> acceptingEnded = new CompletableFuture<>();
    private final AtomicBoolean closeLogged = new AtomicBoolean();

    ServerSession(DriverFactory factory, YamuxSession session) {
        this.factory = factory;
        this.session = session;
    }

    /**
     * Serves until the host ends the session with Go Away or by closing the connection.
     *
     * @throws IOException when the session fails otherwise, such as on a yamux protocol error
     */
    void run() throws IOException {
        ExecutorService calls = Executors.newCachedThreadPool(ServerSession::newCallThread);
        StorageDriver driver = null;
        boolean endedNormally = false;
        try {
            YamuxStream first = accept();
            if (first == null) {
                LOG.info("session ended before the handshake");
                endedNormally = true;
                return;
            }
            Optional<StorageDriver> configured = new Handshake(factory).run(first);
            driver = configured.orElse(null);
            CallHandler handler = driver == null ? null
                    : new CallHandler(factory.name(), driver, factory.operations());
            Consumer<YamuxStream> serveCall = handler == null
                    ? this::rejectUnconfigured
                    : handler::handle;
            calls.execute(() -> acceptCalls(serveCall, calls));
            awaitEndOfAccepting();
            endedNormally = true;
            LOG.info("session ended name={}", factory.name());
        } finally {
            calls.shutdown();
            if (endedNormally) {
                awaitCalls(calls);
                session.close();
            } else {
                // Closing first fails the streams of running calls, so they end quickly.
                session.close();
                awaitCalls(calls);
            }
            closeDriver(driver);
        }
    }

    /**
     * Accepts and serves calls on a call thread until no more streams come. Before it serves a
     * call, the thread starts another one to accept if none waits, so that there is always a
     * thread to take the next stream.
     */
    private void acceptCalls(Consumer<YamuxStream> serveCall, ExecutorService calls) {
        while (acceptingThreads.get() < MAX_IDLE_CALL_THREADS) {
            YamuxStream stream;
            int stillAccepting;
            acceptingThreads.incrementAndGet();
            try {
                stream = accept();
            } catch (IOException | RuntimeException | Error e) {
                // The main thread raises the failure.
                acceptingEnded.completeExceptionally(e);
                return;
            } finally {
                stillAccepting = acceptingThreads.decrementAndGet();
            }
            if (stream == null) {
                acceptingEnded.complete(null);
                return;
            }
            if (stillAccepting == 0) {
                startCallThread(serveCall, calls);
            }
            serveCall.accept(stream);
        }
    }

    private void startCallThread(Consumer<YamuxStream> serveCall, ExecutorService calls) {
        try {
            calls.execute(() -> acceptCalls(serveCall, calls));
        } catch (RejectedExecutionException e) {
            // The executor shuts down only after the last stream was accepted.
            LOG.debug("no call thread started, because the session is ending name={}",
                    factory.name());
        }
    }

    /**
     * Waits until the call threads have accepted the last stream.
     *
     * @throws IOException when the session failed, such as on a yamux protocol error
     */
    private void awaitEndOfAccepting() throws IOException {
        try {
            acceptingEnded.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while serving calls");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException failure) {
                throw failure;
            }
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            if (e.getCause() instanceof Error failure) {
                throw failure;
            }
            throw new IllegalStateException("accepting calls failed", e.getCause());
        }
    }

    /**
     * Accepts the next stream, or returns null once the host has ended the session with Go Away
     * or by closing the connection. A closed connection counts as a normal end even when yamux
     * noticed it through a failed write instead of end of file, because closing the socket is
     * how the host stops a driver. Only a protocol error or another failure raises.
     */
    private YamuxStream accept() throws IOException {
        try {
            return session.acceptStream();
        } catch (YamuxException e) {
            if (e.kind() != YamuxException.Kind.SESSION_CLOSED) {
                throw e;
            }
            if (closeLogged.compareAndSet(false, true)) {
                LOG.info("connection to the host closed name={} reason={}", factory.name(),
                        e.getMessage());
            }
            return null;
        }
    }

    private static Thread newCallThread(Runnable task) {
        String name = "storagedriver-call-" + CALL_THREAD_COUNT.incrementAndGet();
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    private static void awaitCalls(ExecutorService calls) {
        try {
            if (!calls.awaitTermination(CALL_DRAIN_MILLIS, TimeUnit.MILLISECONDS)) {
                LOG.warn("calls still running {} ms after the session ended; leaving them",
                        CALL_DRAIN_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeDriver(StorageDriver driver) {
        if (driver instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.warn("closing the driver failed name={}", factory.name(), e);
            }
        }
    }

    /** Rejects a call that arrives although the handshake did not configure a driver. */
    private void rejectUnconfigured(YamuxStream stream) {
        Call call = new Call(stream);
        try {
            ObjectNode request = Messages.read(call.in());
            if (request != null) {
                call.send(WireErrors.errorResponse(ErrorCode.BAD_REQUEST,
                        "the driver is not configured, because the handshake on the first stream "
                                + "failed or the host rejected the driver", null, null));
            }
            call.finish();
        } catch (IOException e) {
            LOG.debug("answering an unconfigured call failed stream={}", call.streamId(), e);
        } finally {
            call.release();
        }
    }
}
