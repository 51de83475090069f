package io.storagedriver.internal.wire;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes one content section as chunks of at most {@link #CHUNK_BYTES}. {@link #finish()} writes
 * the end chunk; {@link #close()} does too, and neither closes the underlying stream.
 */
public final class ChunkedOutputStream extends OutputStream {
    /** The chunk size this side sends. */
    public static final int CHUNK_BYTES = 64 * 1024;

    private final OutputStream out;
    private final byte[] buffer = new byte[4 + CHUNK_BYTES];
    private int buffered;
    private boolean finished;

    public ChunkedOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] source, int offset, int length) throws IOException {
        if (finished) {
            throw new IOException("content already finished");
        }
        while (length > 0) {
            int n = Math.min(length, CHUNK_BYTES - buffered);
            System.arraycopy(source, offset, buffer, 4 + buffered, n);
            buffered += n;
            offset += n;
            length -= n;
            if (buffered == CHUNK_BYTES) {
                writeChunk();
            }
        }
    }

    /** Sends the buffered bytes as one chunk, if any. */
    @Override
    public void flush() throws IOException {
        if (buffered > 0) {
            writeChunk();
        }
        out.flush();
    }

    /** Sends the buffered bytes and the end chunk; later calls do nothing. */
    public void finish() throws IOException {
        if (finished) {
            return;
        }
        if (buffered > 0) {
            writeChunk();
        }
        finished = true;
        out.write(new byte[4]);
        out.flush();
    }

    @Override
    public void close() throws IOException {
        finish();
    }

    private void writeChunk() throws IOException {
        Messages.putInt(buffer, 0, buffered);
        out.write(buffer, 0, 4 + buffered);
        buffered = 0;
    }
}
