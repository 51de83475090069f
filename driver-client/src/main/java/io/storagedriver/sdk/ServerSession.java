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
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One yamux session on the driver's side: the handshake on the first stream, then every later
 * stream served as a call on its own daemon thread named {@code storagedriver-call-N}.
 */
final class ServerSession {
    private static final Logger LOG = LoggerFactory.getLogger(ServerSession.class);
    private static final AtomicInteger CALL_THREAD_COUNT = new AtomicInteger();

    /**
     * How long the end of a session waits for calls still running, matching the host's default
     * wait for a stopping driver to exit.
     */
    static final long CALL_DRAIN_MILLIS = 5_000;

    private final DriverFactory factory;
    private final YamuxSession session;

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
            YamuxStream stream;
            while ((stream = accept()) != null) {
                YamuxStream accepted = stream;
                if (handler == null) {
                    calls.execute(() -> rejectUnconfigured(accepted));
                } else {
                    calls.execute(() -> handler.handle(accepted));
                }
            }
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
            LOG.info("connection to the host closed name={} reason={}", factory.name(),
                    e.getMessage());
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
