package io.storagedriver.internal.yamux;

import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encodes yamux frames into a {@link SendBuffer}. It does no I/O and no waiting: callers hold
 * {@code SendBuffer.lock} and have waited for room. Every frame goes through
 * {@link #writeHeader}, which checks ids and sizes.
 */
final class FrameWriter {
    private static final Logger FRAME_LOG =
            LoggerFactory.getLogger("io.storagedriver.internal.yamux.frames");

    private final SendBuffer sink;
    private final int maxDataFrame;
    private final String sessionName;
    /** Scratch space for one header; guarded by the sink's lock. */
    private final byte[] header = new byte[FrameHeader.SIZE];
    private final ByteBuffer headerBuffer = ByteBuffer.wrap(header);

    FrameWriter(SendBuffer sink, int maxDataFrame, String sessionName) {
        this.sink = sink;
        this.maxDataFrame = maxDataFrame;
        this.sessionName = sessionName;
    }

    void data(int streamId, int flags, byte[] payload, int offset, int length) {
        writeHeader(FrameHeader.TYPE_DATA, flags, streamId, length);
        sink.put(payload, offset, length);
    }

    void windowUpdate(int streamId, int flags, int delta) {
        writeHeader(FrameHeader.TYPE_WINDOW_UPDATE, flags, streamId, delta);
    }

    void ping(int flags, int opaque) {
        writeHeader(FrameHeader.TYPE_PING, flags, 0, opaque);
    }

    void goAway(int code) {
        writeHeader(FrameHeader.TYPE_GO_AWAY, 0, 0, code);
    }

    /**
     * Writes one header. For data frames, {@code length} is the payload size, which must be at
     * most {@code maxDataFrame} and fit in the sink together with the header.
     */
    private void writeHeader(int type, int flags, int streamId, int length) {
        if (!sink.lock.isHeldByCurrentThread()) {
            throw new IllegalStateException("caller must hold the send buffer lock");
        }
        boolean session = type == FrameHeader.TYPE_PING || type == FrameHeader.TYPE_GO_AWAY;
        if (session ? streamId != 0 : streamId == 0) {
            throw new IllegalArgumentException(FrameHeader.typeName(type)
                    + " frame must not use stream " + Integer.toUnsignedString(streamId));
        }
        int frameBytes = FrameHeader.SIZE;
        if (type == FrameHeader.TYPE_DATA) {
            if (length < 0 || length > maxDataFrame) {
                throw new IllegalArgumentException("data frame of " + length
                        + " bytes exceeds maxDataFrame " + maxDataFrame);
            }
            frameBytes += length;
        }
        if (frameBytes > sink.free()) {
            throw new IllegalStateException("frame of " + frameBytes
                    + " bytes does not fit in the send buffer, " + sink.free() + " bytes free");
        }
        if (FRAME_LOG.isDebugEnabled()) {
            FRAME_LOG.debug(
                    FrameHeader.describe(sessionName, ">>", type, flags, streamId, length));
        }
        headerBuffer.clear();
        FrameHeader.encode(headerBuffer, FrameHeader.VERSION, type, flags, streamId, length);
        sink.put(header, 0, FrameHeader.SIZE);
    }
}
