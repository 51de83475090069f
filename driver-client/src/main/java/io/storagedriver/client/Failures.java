package io.storagedriver.client;

import io.storagedriver.CallInterruptedException;
import io.storagedriver.DriverExitedException;
import io.storagedriver.DriverInternalException;
import io.storagedriver.DriverProtocolException;
import io.storagedriver.DriverTimeoutException;
import io.storagedriver.StorageDriverException;
import io.storagedriver.internal.process.DriverProcess;
import io.storagedriver.internal.wire.WireFormatException;
import io.storagedriver.internal.yamux.YamuxException;
import io.storagedriver.internal.yamux.YamuxSession;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/** Turns transport failures of one driver into the typed exceptions callers see. */
final class Failures {
    /** How long a failed call waits for the process to exit, to report its exit code. */
    private static final Duration EXIT_CODE_WAIT = Duration.ofSeconds(2);

    private final String driverName;
    private final DriverProcess process;
    private final YamuxSession session;
    private final AtomicBoolean closedByUser;

    Failures(String driverName, DriverProcess process, YamuxSession session,
            AtomicBoolean closedByUser) {
        this.driverName = driverName;
        this.process = process;
        this.session = session;
        this.closedByUser = closedByUser;
    }

    String driverName() {
        return driverName;
    }

    /** Raises when the session can take no more calls. */
    void checkOpen(String action) {
        if (closedByUser.get() || session.isClosed()) {
            throw exited(action, null);
        }
    }

    /**
     * Raises when the client was closed, also for a reader or writer that was opened before,
     * whose small writes would otherwise only fill a local buffer.
     */
    void checkNotClosedByUser(String action) {
        if (closedByUser.get()) {
            throw exited(action, null);
        }
    }

    /** Returns whether the user closed the client. */
    boolean closedByUser() {
        return closedByUser.get();
    }

    /**
     * Translates a failure of {@code action}, such as {@code "GetContent /a"}, that happened on
     * a stream.
     */
    StorageDriverException translate(IOException e, String action, CallWatchdog.Watch watch,
            Duration timeout) {
        if (watch != null && watch.fired()) {
            return new DriverTimeoutException(driverName, timeout, action + " on driver "
                    + driverName + " timed out after " + timeout.toMillis() + " ms; the stream "
                    + "was reset and the other calls go on. Raise the call timeout if the "
                    + "driver is slow, or check the driver's log");
        }
        if (e instanceof InterruptedIOException && !(e instanceof YamuxException)) {
            Thread.currentThread().interrupt();
            return new CallInterruptedException(driverName, action + " on driver " + driverName
                    + " was cancelled because the calling thread was interrupted", e);
        }
        if (e instanceof YamuxException yamux) {
            switch (yamux.kind()) {
                case PROTOCOL_ERROR:
                    return new DriverProtocolException(driverName, "driver " + driverName
                            + " broke the yamux protocol during " + action + ": "
                            + e.getMessage(), e);
                case SESSION_CLOSED:
                    return exited(action, e);
                case STREAM_RESET:
                default:
                    if (session.isClosed() || closedByUser.get()) {
                        return exited(action, e);
                    }
                    return new DriverInternalException(driverName, "driver " + driverName
                            + " reset the stream of " + action, e);
            }
        }
        if (session.isClosed() || closedByUser.get()) {
            return exited(action, e);
        }
        if (e instanceof WireFormatException) {
            return new DriverProtocolException(driverName, "driver " + driverName
                    + " sent a malformed message during " + action + ": " + e.getMessage(), e);
        }
        return new DriverProtocolException(driverName, "driver " + driverName
                + " broke off " + action + ": " + e.getMessage(), e);
    }

    /** Builds the error for a call that failed because the driver is gone. */
    DriverExitedException exited(String action, Throwable cause) {
        if (closedByUser.get()) {
            return new DriverExitedException(driverName, process.exitCode().orElse(null),
                    process.stderrTail(), action + " failed: the client of driver " + driverName
                    + " was closed; start a new DriverClient to make more calls", cause);
        }
        Integer exitCode = awaitExitCode();
        List<String> tail = process.stderrTail();
        StringBuilder message = new StringBuilder(action).append(" failed: driver ")
                .append(driverName).append(" (pid ").append(process.pid()).append(") ");
        YamuxException protocolError = sessionProtocolError();
        if (exitCode == null && protocolError == null) {
            message.append("closed its socket but is still running");
        } else if (exitCode == null) {
            message.append("is still running, but the host ended the session because the "
                    + "driver broke the yamux protocol: ").append(protocolError.getMessage());
        } else {
            message.append("exited: ").append(process.describeExit(exitCode));
            if (protocolError != null) {
                message.append(", after the host ended the session because the driver broke "
                        + "the yamux protocol: ").append(protocolError.getMessage());
            }
        }
        appendTail(message, tail);
        return new DriverExitedException(driverName, exitCode, tail, message.toString(), cause);
    }

    /**
     * Returns the protocol error that ended the session, or null if it ended otherwise. Waits up
     * to {@link #EXIT_CODE_WAIT} for the session, which is ending, to finish its end.
     */
    private YamuxException sessionProtocolError() {
        Throwable end;
        try {
            end = session.closeFuture().handle((ignored, error) -> error)
                    .get(EXIT_CODE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException e) {
            return null;
        }
        if (end instanceof CompletionException completion) {
            end = completion.getCause();
        }
        if (end instanceof YamuxException yamux
                && yamux.kind() == YamuxException.Kind.PROTOCOL_ERROR) {
            return yamux;
        }
        return null;
    }

    private Integer awaitExitCode() {
        try {
            return process.onExit().get(EXIT_CODE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return process.exitCode().orElse(null);
        } catch (ExecutionException | TimeoutException e) {
            return process.exitCode().orElse(null);
        }
    }

    static void appendTail(StringBuilder message, List<String> tail) {
        if (tail.isEmpty()) {
            message.append("; it wrote nothing to its standard error");
            return;
        }
        message.append("; last lines of its standard error:");
        for (String line : tail) {
            message.append("\n  ").append(line);
        }
    }
}
