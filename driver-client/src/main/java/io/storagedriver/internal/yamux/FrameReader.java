package io.storagedriver.internal.yamux;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes yamux frames from a blocking channel, one per {@link #nextFrame} call, and hands each to
 * a {@link Handler}. Reads the channel in large blocks into one direct buffer, so one read
 * usually covers several frames. Data payloads stay in that buffer until the handler copies or
 * skips them. Used by the session's reader thread only.
 */
final class FrameReader {
    static final int DEFAULT_BUFFER_SIZE = 256 * 1024;

    /** Receives decoded frames, one method per frame type. */
    interface Handler {
        /**
         * Handles a data frame. The handler may consume the payload with {@link #awaitPayload},
         * {@link #readPayload} and {@link #skipPayload}. The reader skips what it leaves.
         */
        void data(FrameHeader header) throws IOException;

        void windowUpdate(FrameHeader header) throws IOException;

        void ping(FrameHeader header) throws IOException;

        void goAway(FrameHeader header) throws IOException;
    }

    private static final Logger FRAME_LOG =
            LoggerFactory.getLogger("io.storagedriver.internal.yamux.frames");

    private final ReadableByteChannel channel;
    private final String sessionName;
    /** Runs before each channel read, which may block. */
    private final Runnable beforeRead;
    /** In read mode: the bytes between position and limit are received and not yet decoded. */
    private final ByteBuffer buffer;
    /** Payload bytes of the current data frame that are not yet consumed. */
    private long payloadRemaining;

    FrameReader(ReadableByteChannel channel, int bufferSize, String sessionName) {
        this(channel, bufferSize, sessionName, () -> { });
    }

    /**
     * Creates a reader that runs {@code beforeRead} before each channel read, that is whenever
     * the frames read so far are consumed.
     */
    FrameReader(ReadableByteChannel channel, int bufferSize, String sessionName,
            Runnable beforeRead) {
        this(channel, bufferSize, true, sessionName, beforeRead);
    }

    /**
     * Creates a reader whose buffer is in direct memory if {@code direct}, as channel reads want
     * it, or on the heap, which is cheaper to create for short-lived test sessions.
     */
    FrameReader(ReadableByteChannel channel, int bufferSize, boolean direct, String sessionName,
            Runnable beforeRead) {
        if (bufferSize < FrameHeader.SIZE) {
            throw new IllegalArgumentException("bufferSize is too small: " + bufferSize);
        }
        this.channel = channel;
        this.sessionName = sessionName;
        this.beforeRead = beforeRead;
        this.buffer = direct
                ? ByteBuffer.allocateDirect(bufferSize) : ByteBuffer.allocate(bufferSize);
        this.buffer.limit(0);
    }

    /**
     * Reads one frame and passes it to the handler. Returns false if the channel reached end of
     * stream at a frame boundary.
     *
     * @throws YamuxException of kind PROTOCOL_ERROR for a bad version or unknown type, or of kind
     *     SESSION_CLOSED if the channel ends in the middle of a frame
     */
    boolean nextFrame(Handler handler) throws IOException {
        if (payloadRemaining != 0) {
            throw new IllegalStateException("previous payload not consumed");
        }
        if (!fill(FrameHeader.SIZE, true)) {
            return false;
        }
        FrameHeader header = FrameHeader.decode(buffer);
        if (FRAME_LOG.isDebugEnabled()) {
            FRAME_LOG.debug(header.describe(sessionName, "<<"));
        }
        switch (header.type()) {
            case FrameHeader.TYPE_DATA -> {
                payloadRemaining = header.unsignedLength();
                handler.data(header);
                if (payloadRemaining > 0) {
                    skipPayload(payloadRemaining);
                }
            }
            case FrameHeader.TYPE_WINDOW_UPDATE -> handler.windowUpdate(header);
            case FrameHeader.TYPE_PING -> handler.ping(header);
            case FrameHeader.TYPE_GO_AWAY -> handler.goAway(header);
            default -> throw new AssertionError("decode accepted type " + header.type());
        }
        return true;
    }

    /** Payload bytes of the current data frame that the handler has not consumed yet. */
    long payloadRemaining() {
        return payloadRemaining;
    }

    /**
     * Blocks until at least one payload byte of the current data frame is buffered and returns
     * how many are buffered, at most {@link #payloadRemaining()}.
     */
    int awaitPayload() throws IOException {
        if (payloadRemaining <= 0) {
            throw new IllegalStateException("no payload remaining");
        }
        if (!buffer.hasRemaining()) {
            fill(1, false);
        }
        return (int) Math.min(buffer.remaining(), payloadRemaining);
    }

    /** Moves {@code count} buffered payload bytes into {@code dst}; see {@link #awaitPayload}. */
    void readPayload(ReceiveBuffer dst, int count) {
        checkBuffered(count);
        dst.write(buffer, count);
        payloadRemaining -= count;
    }

    /** Copies {@code count} buffered payload bytes into {@code dst}; see {@link #awaitPayload}. */
    void readPayload(byte[] dst, int offset, int count) {
        checkBuffered(count);
        buffer.get(dst, offset, count);
        payloadRemaining -= count;
    }

    /** Discards {@code count} payload bytes, reading from the channel as needed. */
    void skipPayload(long count) throws IOException {
        if (count < 0 || count > payloadRemaining) {
            throw new IllegalArgumentException(
                    "cannot skip " + count + " of " + payloadRemaining + " payload bytes");
        }
        long left = count;
        while (left > 0) {
            if (!buffer.hasRemaining()) {
                fill(1, false);
            }
            int step = (int) Math.min(buffer.remaining(), left);
            buffer.position(buffer.position() + step);
            left -= step;
            payloadRemaining -= step;
        }
    }

    /** Discards buffered and incoming bytes until the channel reaches end of stream. */
    void discardToEndOfStream() throws IOException {
        payloadRemaining = 0;
        do {
            buffer.clear();
        } while (channel.read(buffer) >= 0);
        buffer.limit(0);
    }

    private void checkBuffered(int count) {
        if (count < 0 || count > buffer.remaining() || count > payloadRemaining) {
            throw new IllegalArgumentException("cannot take " + count + " payload bytes, "
                    + buffer.remaining() + " buffered and " + payloadRemaining + " remaining");
        }
    }

    /**
     * Reads until at least {@code needed} bytes are buffered. Returns false on end of stream if
     * {@code atFrameStart} and nothing is buffered.
     */
    private boolean fill(int needed, boolean atFrameStart) throws IOException {
        while (buffer.remaining() < needed) {
            beforeRead.run();
            buffer.compact();
            int read;
            try {
                read = channel.read(buffer);
            } finally {
                buffer.flip();
            }
            if (read < 0) {
                if (atFrameStart && !buffer.hasRemaining()) {
                    return false;
                }
                throw new YamuxException(YamuxException.Kind.SESSION_CLOSED,
                        "session closed: peer closed the connection in the middle of a frame");
            }
        }
        return true;
    }
}
