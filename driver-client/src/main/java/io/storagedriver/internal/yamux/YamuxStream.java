package io.storagedriver.internal.yamux;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One bidirectional byte stream of a {@link YamuxSession}.
 *
 * <p>Reads block until data, the peer's FIN, a reset or the end of the session. Writes block while
 * the send window is exhausted, and otherwise return once the bytes are queued for the session's
 * writer thread. Data queued before a session failure may never reach the peer. Neither
 * {@link #inputStream()} nor {@link #outputStream()} is meant for concurrent use by several
 * threads; concurrent writes interleave at frame boundaries.
 *
 * <p>A thread interrupted while blocked in a read or write gets an
 * {@link InterruptedIOException} with its interrupt status still set. The stream stays usable.
 */
public final class YamuxStream implements Closeable {
    private final YamuxSession session;
    private final int id;
    /** Window update threshold: credit is returned once the reader consumed half the window. */
    private final int windowUpdateThreshold;
    private final StreamInput input = new StreamInput();
    private final StreamOutput output = new StreamOutput();

    /**
     * Guards the state fields that follow, except those marked otherwise. Never held while
     * acquiring another lock.
     */
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled on data, FIN, reset, read release and session end. */
    private final Condition readable = lock.newCondition();
    /** Signalled on window updates, reset, local close of the write side and session end. */
    private final Condition writable = lock.newCondition();
    private final ReceiveBuffer receiveBuffer;
    /** Credit the peer still has for sending to us. */
    private final WindowCounter receiveWindow;
    /** Credit we still have for sending to the peer. */
    private final WindowCounter sendWindow;
    /** Bytes read or discarded locally that were not yet returned to the peer as window. */
    private int unacknowledged;
    /** The peer sent FIN. */
    private boolean remoteFinished;
    /** {@link #closeWrite()} was called. */
    private boolean localWriteClosed;
    /** The application stopped reading: buffered and later data is discarded. */
    private boolean readReleased;
    private YamuxException resetCause;
    private YamuxException sessionFailure;

    /*
     * A read() that waits on an empty buffer registers its destination here, and the reader
     * thread copies the next payload bytes straight into it. That saves one copy per byte while
     * the application keeps up with the peer.
     */
    private Thread directReader;
    private byte[] directDestination;
    private int directOffset;
    private int directLength;
    /** Bytes the reader thread delivered into the registered destination; 0 while none. */
    private int directCount;

    /** The FIN frame is queued; guarded by the session's send buffer lock. */
    boolean finQueued;
    /** The RST frame is queued; guarded by the session's send buffer lock. */
    boolean rstQueued;
    /**
     * The ACK of this peer-opened stream waits for its first outgoing frame; guarded by the
     * session's send buffer lock.
     */
    boolean ackDeferred;
    /**
     * {@link System#nanoTime()} at which a deferred ACK goes out alone; guarded by the session's
     * send buffer lock.
     */
    long ackDeadline;
    /**
     * Payload bytes received while the ACK may be deferred, or -1 once that no longer matters.
     * Used by the session's reader thread only.
     */
    long bytesBeforeAck = -1;
    /** The stream waits for the reader thread's batched signal; used by that thread only. */
    boolean readableSignalQueued;

    YamuxStream(YamuxSession session, int id, YamuxConfig config) {
        this.session = session;
        this.id = id;
        this.windowUpdateThreshold = config.maxReceiveWindow() / 2;
        this.receiveBuffer = new ReceiveBuffer(config.maxReceiveWindow());
        // The SYN or ACK that this side sends grants the peer the full receive window at once.
        // NOTE: until a deferred ACK goes out the peer may send only the initial window, but the
        // overrun check in receiveData already allows the full window.
        this.receiveWindow = new WindowCounter(config.maxReceiveWindow());
        this.sendWindow = new WindowCounter(config.initialWindow());
    }

    public int id() {
        return id;
    }

    /**
     * Returns the stream's input. {@code read} returns -1 after the peer's FIN once buffered data
     * is consumed. It throws {@link YamuxException} of kind STREAM_RESET after a reset, and the
     * session's failure (SESSION_CLOSED or PROTOCOL_ERROR) once buffered data is consumed after
     * the session ended. Closing the input discards buffered and later data without sending FIN.
     */
    public InputStream inputStream() {
        return input;
    }

    /**
     * Returns the stream's output. {@code write} splits data into frames of at most
     * {@code maxDataFrame} bytes and blocks while the send window is 0. It fails with STREAM_RESET
     * after a reset, with the session's failure after the session ended, and with an
     * {@link IOException} after {@link #closeWrite()}. The peer's FIN does not stop writes.
     * Closing the output is {@link #closeWrite()}.
     */
    public OutputStream outputStream() {
        return output;
    }

    /**
     * Sends FIN, telling the peer that this side sends no more data. Later calls do nothing.
     *
     * @throws YamuxException if the stream was reset or the session ended, so FIN cannot be sent
     */
    public void closeWrite() throws IOException {
        boolean bothClosed;
        boolean awaitsPeerFin;
        lock.lock();
        try {
            if (localWriteClosed) {
                return;
            }
            if (resetCause != null) {
                throw resetCause.rethrowable();
            }
            if (sessionFailure != null) {
                throw sessionFailure.rethrowable();
            }
            localWriteClosed = true;
            bothClosed = remoteFinished;
            awaitsPeerFin = readReleased && !remoteFinished;
            writable.signalAll();
        } finally {
            lock.unlock();
        }
        session.sendFin(this);
        afterLocalClose(bothClosed, awaitsPeerFin);
    }

    /**
     * Sends RST (best effort) and fails pending and later reads and writes of this stream with
     * STREAM_RESET, waking blocked threads. Buffered data is dropped. Later calls do nothing.
     */
    public void reset() {
        boolean sendRst;
        lock.lock();
        try {
            if (resetCause != null) {
                return;
            }
            resetCause = new YamuxException(
                    YamuxException.Kind.STREAM_RESET, "stream " + idString() + " was reset");
            receiveBuffer.discardAll();
            sendRst = sessionFailure == null && !(localWriteClosed && remoteFinished);
            readable.signalAll();
            writable.signalAll();
        } finally {
            lock.unlock();
        }
        if (sendRst) {
            session.sendReset(this);
        }
        session.removeStream(this);
    }

    /**
     * Sends FIN if not yet sent and stops reading: buffered and later data is discarded, and its
     * window is returned so that a peer still sending does not stall on a full window. The stream
     * leaves the session's table once the peer's FIN has arrived too. Errors are ignored.
     */
    @Override
    public void close() {
        try {
            closeWrite();
        } catch (IOException e) {
            // The stream is reset or the session ended; neither side can send more data.
        }
        releaseInput();
    }

    public boolean isReset() {
        lock.lock();
        try {
            return resetCause != null;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "YamuxStream[" + idString() + "]";
    }

    private String idString() {
        return Integer.toUnsignedString(id);
    }

    /** Send window in bytes; for tests. */
    int sendWindow() {
        lock.lock();
        try {
            return sendWindow.available();
        } finally {
            lock.unlock();
        }
    }

    // Called by the session's reader thread.

    /**
     * Accepts the current data frame's payload of {@code length} bytes from {@code reader}. Copies
     * it chunk by chunk as it arrives, taking the lock only around each copy, so a stalled peer
     * never leaves the lock held.
     *
     * @throws YamuxException of kind PROTOCOL_ERROR if the frame overruns the receive window
     */
    void receiveData(FrameReader reader, long length) throws IOException {
        boolean accept;
        lock.lock();
        try {
            if (length > receiveWindow.available()) {
                throw new YamuxException(YamuxException.Kind.PROTOCOL_ERROR,
                        "data frame of " + length + " bytes exceeds receive window "
                                + receiveWindow.available() + " on stream " + idString());
            }
            receiveWindow.consume((int) length);
            // Data after FIN breaks the protocol, but Go's yamux tolerates it; drop it quietly.
            accept = !remoteFinished && !readReleased && resetCause == null
                    && sessionFailure == null;
            if (accept) {
                receiveBuffer.reserve((int) length);
            }
        } finally {
            lock.unlock();
        }

        long remaining = length;
        int windowDelta = 0;
        while (remaining > 0) {
            int chunk = reader.awaitPayload();
            lock.lock();
            try {
                if (accept && !readReleased && resetCause == null) {
                    int buffered = chunk;
                    if (directReader != null && directCount < directLength
                            && receiveBuffer.size() == 0) {
                        int direct = Math.min(chunk, directLength - directCount);
                        reader.readPayload(directDestination, directOffset + directCount, direct);
                        directCount += direct;
                        buffered -= direct;
                    }
                    reader.readPayload(receiveBuffer, buffered);
                    session.signalReadableLater(this);
                } else {
                    reader.skipPayload(chunk);
                    if (readReleased && resetCause == null) {
                        unacknowledged += chunk;
                        windowDelta += takeWindowUpdate();
                    }
                }
            } finally {
                lock.unlock();
            }
            remaining -= chunk;
        }
        if (windowDelta > 0) {
            sendWindowUpdateQuietly(windowDelta);
        }
    }

    /**
     * Adds the peer's window update to the send window.
     *
     * @throws YamuxException of kind PROTOCOL_ERROR if the window would exceed 2^31 - 1 bytes
     */
    void receiveWindowUpdate(long delta) throws YamuxException {
        lock.lock();
        try {
            if (!sendWindow.tryIncrease(delta)) {
                throw new YamuxException(YamuxException.Kind.PROTOCOL_ERROR,
                        "window update of " + delta + " bytes overflows send window "
                                + sendWindow.available() + " on stream " + idString());
            }
            writable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void receiveFin() {
        boolean bothClosed;
        lock.lock();
        try {
            if (remoteFinished) {
                return;
            }
            remoteFinished = true;
            bothClosed = localWriteClosed;
            readable.signalAll();
        } finally {
            lock.unlock();
        }
        if (bothClosed) {
            session.removeStream(this);
        }
    }

    void receiveReset() {
        lock.lock();
        try {
            if (resetCause != null) {
                return;
            }
            resetCause = new YamuxException(YamuxException.Kind.STREAM_RESET,
                    "stream " + idString() + " was reset by the peer");
            receiveBuffer.discardAll();
            readable.signalAll();
            writable.signalAll();
        } finally {
            lock.unlock();
        }
        session.removeStream(this);
    }

    /** Wakes threads waiting for data; see {@link YamuxSession#signalReadableLater}. */
    void signalReadable() {
        lock.lock();
        try {
            readable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Fails later operations with {@code cause}; buffered data stays readable. */
    void sessionEnded(YamuxException cause) {
        lock.lock();
        try {
            if (sessionFailure == null) {
                sessionFailure = cause;
            }
            readable.signalAll();
            writable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // Helpers for the application-facing streams.

    /**
     * Returns the window delta to send now and adds it to the receive window, or 0 while less than
     * half the window is waiting to be returned. Requires {@link #lock}.
     */
    private int takeWindowUpdate() {
        if (unacknowledged < windowUpdateThreshold || remoteFinished || sessionFailure != null) {
            return 0;
        }
        int delta = unacknowledged;
        unacknowledged = 0;
        if (!receiveWindow.tryIncrease(delta)) {
            throw new IllegalStateException("receive window overflow on stream " + idString());
        }
        return delta;
    }

    private void sendWindowUpdateQuietly(int delta) {
        try {
            session.sendWindowUpdate(this, delta);
        } catch (YamuxException e) {
            // The session ended; the data was delivered, and the next call reports the failure.
        }
    }

    /**
     * Throws if the stream can deliver no more data: it was reset or released, or the session
     * ended and nothing is buffered. Requires {@link #lock}.
     */
    private void checkReadable() throws IOException {
        if (resetCause != null) {
            throw resetCause.rethrowable();
        }
        if (readReleased) {
            throw new IOException("stream " + idString() + " is closed for reading");
        }
        if (receiveBuffer.size() == 0 && !remoteFinished && sessionFailure != null) {
            throw sessionFailure.rethrowable();
        }
    }

    private void awaitReadableSignal() throws InterruptedIOException {
        try {
            readable.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading stream " + idString());
        }
    }

    private int read(byte[] dst, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, dst.length);
        if (length == 0) {
            return 0;
        }
        int count;
        int windowDelta;
        lock.lock();
        try {
            count = readLocked(dst, offset, length);
            if (count < 0) {
                return -1;
            }
            unacknowledged += count;
            windowDelta = takeWindowUpdate();
        } finally {
            lock.unlock();
        }
        if (windowDelta > 0) {
            sendWindowUpdateQuietly(windowDelta);
        }
        return count;
    }

    /**
     * Moves buffered bytes into {@code dst}, or waits for the reader thread to deliver bytes into
     * it directly. Returns the count, or -1 at the end of the stream. Requires {@link #lock}.
     */
    private int readLocked(byte[] dst, int offset, int length) throws IOException {
        while (true) {
            checkReadable();
            if (receiveBuffer.size() > 0) {
                return receiveBuffer.read(dst, offset, length);
            }
            if (remoteFinished) {
                return -1;
            }
            if (directReader != null) {
                // Another thread's destination is registered; wait for buffered data instead.
                awaitReadableSignal();
                continue;
            }

            directReader = Thread.currentThread();
            directDestination = dst;
            directOffset = offset;
            directLength = length;
            int delivered;
            boolean interrupted = false;
            try {
                readable.await();
            } catch (InterruptedException e) {
                interrupted = true;
            } finally {
                delivered = directCount;
                directReader = null;
                directDestination = null;
                directCount = 0;
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
                if (delivered == 0) {
                    throw new InterruptedIOException(
                            "interrupted while reading stream " + idString());
                }
            }
            if (delivered > 0) {
                return delivered;
            }
        }
    }

    private int readByte() throws IOException {
        int value;
        int windowDelta;
        lock.lock();
        try {
            while (true) {
                checkReadable();
                if (receiveBuffer.size() > 0 || remoteFinished) {
                    break;
                }
                awaitReadableSignal();
            }
            if (receiveBuffer.size() == 0) {
                return -1;
            }
            value = receiveBuffer.readByte();
            unacknowledged += 1;
            windowDelta = takeWindowUpdate();
        } finally {
            lock.unlock();
        }
        if (windowDelta > 0) {
            sendWindowUpdateQuietly(windowDelta);
        }
        return value;
    }

    private int available() {
        lock.lock();
        try {
            return resetCause == null && !readReleased ? receiveBuffer.size() : 0;
        } finally {
            lock.unlock();
        }
    }

    private void releaseInput() {
        int windowDelta;
        boolean bothClosed;
        boolean awaitsPeerFin;
        lock.lock();
        try {
            if (readReleased) {
                return;
            }
            readReleased = true;
            int discarded = receiveBuffer.discardAll();
            if (resetCause == null) {
                unacknowledged += discarded;
            }
            windowDelta = takeWindowUpdate();
            bothClosed = localWriteClosed && remoteFinished;
            awaitsPeerFin = localWriteClosed && !remoteFinished && resetCause == null
                    && sessionFailure == null;
            readable.signalAll();
        } finally {
            lock.unlock();
        }
        if (windowDelta > 0) {
            sendWindowUpdateQuietly(windowDelta);
        }
        afterLocalClose(bothClosed, awaitsPeerFin);
    }

    /**
     * Waits until the send window is open and takes up to {@code max} bytes of it.
     *
     * @throws IOException if the stream was reset or closed for writing or the session ended
     */
    private int takeSendCredit(int max) throws IOException {
        lock.lock();
        try {
            while (true) {
                if (resetCause != null) {
                    throw resetCause.rethrowable();
                }
                if (localWriteClosed) {
                    throw new IOException("stream " + idString() + " is closed for writing");
                }
                if (sessionFailure != null) {
                    throw sessionFailure.rethrowable();
                }
                int available = sendWindow.available();
                if (available > 0) {
                    int credit = Math.min(max, available);
                    sendWindow.consume(credit);
                    return credit;
                }
                try {
                    writable.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException(
                            "interrupted while writing stream " + idString());
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private void returnSendCredit(int credit) {
        lock.lock();
        try {
            sendWindow.tryIncrease(credit);
            writable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes {@code length} bytes and then closes the output, with FIN on the last data frame, so
     * that a final message and its FIN reach the peer together. Fails like {@link #outputStream()}
     * writes do, and like {@link #closeWrite()} when FIN cannot be sent.
     */
    public void writeAndCloseWrite(byte[] src, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, src.length);
        if (length == 0) {
            closeWrite();
            return;
        }
        write(src, offset, length, true);
        boolean bothClosed;
        boolean awaitsPeerFin;
        lock.lock();
        try {
            localWriteClosed = true;
            bothClosed = remoteFinished;
            awaitsPeerFin = readReleased && !remoteFinished && resetCause == null;
            writable.signalAll();
        } finally {
            lock.unlock();
        }
        afterLocalClose(bothClosed, awaitsPeerFin);
    }

    /**
     * Drops the stream from the session once both sides have closed it, or notes that only the
     * peer's FIN is missing. Called without {@link #lock}, after a local close.
     */
    private void afterLocalClose(boolean bothClosed, boolean awaitsPeerFin) {
        if (bothClosed) {
            session.removeStream(this);
        } else if (awaitsPeerFin) {
            session.awaitPeerFin(this);
        }
    }

    private void write(byte[] src, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, src.length);
        write(src, offset, length, false);
    }

    /** Writes frame by frame, with FIN on the last frame if {@code fin}. */
    private void write(byte[] src, int offset, int length, boolean fin) throws IOException {
        int maxDataFrame = session.config().maxDataFrame();
        while (length > 0) {
            int credit = takeSendCredit(Math.min(length, maxDataFrame));
            boolean queued = false;
            try {
                session.writeData(this, src, offset, credit, fin && credit == length);
                queued = true;
            } finally {
                if (!queued) {
                    returnSendCredit(credit);
                }
            }
            offset += credit;
            length -= credit;
        }
    }

    private final class StreamInput extends InputStream {
        @Override
        public int read() throws IOException {
            return readByte();
        }

        @Override
        public int read(byte[] dst, int offset, int length) throws IOException {
            return YamuxStream.this.read(dst, offset, length);
        }

        @Override
        public int available() {
            return YamuxStream.this.available();
        }

        @Override
        public void close() {
            releaseInput();
        }
    }

    private final class StreamOutput extends OutputStream {
        /** Scratch array for single-byte writes. */
        private final byte[] singleByte = new byte[1];

        @Override
        public void write(int b) throws IOException {
            singleByte[0] = (byte) b;
            YamuxStream.this.write(singleByte, 0, 1);
        }

        @Override
        public void write(byte[] src, int offset, int length) throws IOException {
            YamuxStream.this.write(src, offset, length);
        }

        /** Does nothing: written bytes are already queued for the session's writer thread. */
        @Override
        public void flush() {
        }

        @Override
        public void close() throws IOException {
            closeWrite();
        }
    }
}
