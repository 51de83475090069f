package io.storagedriver.internal.wire;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads one content section: chunks of a 4-byte big-endian length and that many bytes, ended by a
 * chunk of length 0. Returns -1 after the end chunk; does not close the underlying stream.
 */
public final class ChunkedInputStream extends InputStream {
    /** The largest chunk in bytes. */
    public static final int MAX_CHUNK_BYTES = 1 << 20;

    private final InputStream in;
    private long remainingInChunk;
    private boolean ended;

    public ChunkedInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] target, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (!nextChunkIfNeeded()) {
            return -1;
        }
        int n = in.read(target, offset, (int) Math.min(length, remainingInChunk));
        if (n < 0) {
            throw new EOFException("stream ended inside a content chunk");
        }
        remainingInChunk -= n;
        return n;
    }

    @Override
    public int available() throws IOException {
        return ended ? 0 : (int) Math.min(remainingInChunk, in.available());
    }

    /** Returns whether the end chunk has been read. */
    public boolean isEnded() {
        return ended;
    }

    /** Reads and discards the rest of the content up to and including the end chunk. */
    public void drain() throws IOException {
        byte[] sink = new byte[8192];
        while (read(sink, 0, sink.length) >= 0) {
            // discard
        }
    }

    /** Does not close the underlying stream, which carries more items. */
    @Override
    public void close() {}

    private boolean nextChunkIfNeeded() throws IOException {
        while (remainingInChunk == 0) {
            if (ended) {
                return false;
            }
            long length = Messages.readUnsigned32OrEnd(in);
            if (length < 0) {
                throw new EOFException("stream ended before the end of the content");
            }
            if (length > MAX_CHUNK_BYTES) {
                throw new WireFormatException(
                        "content chunk of " + length + " bytes exceeds the limit of "
                                + MAX_CHUNK_BYTES);
            }
            if (length == 0) {
                ended = true;
                return false;
            }
            remainingInChunk = length;
        }
        return true;
    }
}
