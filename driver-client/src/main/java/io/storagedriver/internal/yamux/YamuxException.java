package io.storagedriver.internal.yamux;

import java.io.IOException;

/**
 * Failure of a yamux stream or session. {@link #kind()} is the cause: the peer broke the protocol,
 * the stream was reset, or the session ended.
 */
public final class YamuxException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Cause of the failure. */
    public enum Kind {
        /**
         * A peer broke the yamux protocol: a frame overran the receive window, named a stream that
         * was never opened, or had an unknown type or version. The session is closed. Also used
         * when the peer ended the session with a GoAway protocol-error code.
         */
        PROTOCOL_ERROR,
        /** The stream was reset (RST) by either side. Other streams are not affected. */
        STREAM_RESET,
        /** The session ended: closed locally, the peer closed the connection, or I/O failed. */
        SESSION_CLOSED
    }

    private final Kind kind;

    public YamuxException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public YamuxException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /**
     * Returns a new exception with the same kind and message and this one as its cause, so that
     * each thread that rethrows a stored failure gets its own stack trace.
     */
    YamuxException rethrowable() {
        return new YamuxException(kind, getMessage(), this);
    }
}
