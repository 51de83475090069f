package io.storagedriver.client;

import io.storagedriver.DriverProtocolException;
import io.storagedriver.StorageDriverException;
import io.storagedriver.internal.wire.ChunkedInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The content of a {@code Reader} call. Failures surface from {@code read} as an {@link
 * IOException} whose cause is the typed {@link StorageDriverException}, and every later {@code
 * read} fails the same way, so that a caller cannot mistake a failed stream for a complete one.
 * Closing the stream before its end resets the call, so the driver stops sending. A read after
 * {@code close}, or one blocked while another thread closes the stream, fails with an {@link
 * IOException} whose message states that the reader was closed.
 */
final class RemoteReader extends InputStream {
    private final RemoteCalls.Call call;
    private final ChunkedInputStream chunks;
    private final long size;
    private long count;
    private boolean done;
    private volatile boolean closed;
    /** The failure that ended the stream, raised again by every later read. */
    private StorageDriverException failure;

    RemoteReader(RemoteCalls.Call call, long size) {
        this.call = call;
        this.chunks = new ChunkedInputStream(call.in);
        this.size = size;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] target, int offset, int length) throws IOException {
        if (failure != null) {
            throw new IOException(failure.getMessage(), failure);
        }
        if (closed) {
            throw closedException();
        }
        if (done) {
            return -1;
        }
        if (length == 0) {
            return 0;
        }
        try {
            int n = call.run(() -> chunks.read(target, offset, length));
            if (n < 0) {
                done = true;
                call.run(() -> {
                    call.checkContentEnd(count, size);
                    return null;
                });
                return -1;
            }
            count += n;
            if (count > size) {
                done = true;
                call.close();
                throw new DriverProtocolException(call.driverName(), call.action
                        + ": the driver sent more than the " + size + " bytes it announced");
            }
            return n;
        } catch (StorageDriverException e) {
            done = true;
            call.close();
            if (closed) {
                throw closedException();
            }
            failure = e;
            throw new IOException(e.getMessage(), e);
        }
    }

    private IOException closedException() {
        return new IOException(call.action + ": the reader was closed");
    }

    @Override
    public int available() throws IOException {
        return done ? 0 : chunks.available();
    }

    /** Returns the number of bytes the driver announced from the offset to the end. */
    long size() {
        return size;
    }

    @Override
    public void close() {
        closed = true;
        done = true;
        call.close();
    }
}
