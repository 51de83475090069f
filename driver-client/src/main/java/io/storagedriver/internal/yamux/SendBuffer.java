package io.storagedriver.internal.yamux;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * Bounded ring of encoded frames on their way to the channel. Producers (application threads and
 * the session's reader thread) encode whole frames into it under {@link #lock}, so frames never
 * interleave. One writer thread drains it with {@link #drainTo}, handling partial writes.
 *
 * <p>Only the writer thread writes to the channel. Application threads therefore block only on
 * conditions, which an interrupt ends with an {@link InterruptedIOException}. If they wrote to an
 * interruptible NIO channel themselves, an interrupt would close the channel and the session.
 *
 * <p>Data frames leave {@link #CONTROL_RESERVE} bytes free, so control frames (window updates,
 * acknowledgements, ping replies, resets, GoAway) fit even while data fills the ring, and never
 * wait. A control frame finds no room only after the peer has left the whole reserve, some
 * 5,000 control frames, unread behind the data, and the session then takes the peer for one
 * that stopped reading its socket.
 */
final class SendBuffer {
    static final int CONTROL_RESERVE = 64 * 1024;

    /** Maximum bytes per channel write, so producers get room back in steps. */
    static final int MAX_WRITE = 256 * 1024;

    /** Guards the ring indices, the shutdown state and everything encoded into the ring. */
    final ReentrantLock lock = new ReentrantLock();

    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private final int capacity;
    /** Producers write with absolute puts under {@link #lock}. */
    private final ByteBuffer ring;
    /** View of {@link #ring} that only the writer thread moves. */
    private final ByteBuffer writeView;

    /** Index of the first byte not yet written to the channel. */
    private int head;
    private int size;
    private YamuxException shutdownCause;
    /** Producers inside {@link #awaitRoomForData} that have started to wait for room. */
    private int waitingProducers;
    /** The writer thread waits for frames without a timeout, so a deferred frame must wake it. */
    private boolean writerWaitsUntimed;

    /**
     * Frames that producers register to be queued later, such as the ACK of a stream opened by
     * the peer, which waits for the stream's first outgoing frame.
     */
    interface DeferredFrames {
        /** Returned by {@link #queueDueFrames()} when no deferred frame is pending. */
        long NONE = -1;

        /**
         * Queues the deferred frames that are due and returns the nanoseconds until the next
         * one is due, or {@link #NONE}. Called by the writer thread with {@link #lock} held.
         */
        long queueDueFrames();
    }

    SendBuffer(int capacity) {
        this(capacity, true);
    }

    /**
     * Creates a ring of {@code capacity} bytes, in direct memory if {@code direct}, as channel
     * writes want it, or on the heap, which is cheaper to create for short-lived test sessions.
     */
    SendBuffer(int capacity, boolean direct) {
        if (capacity < 2 * CONTROL_RESERVE) {
            throw new IllegalArgumentException("capacity is too small: " + capacity);
        }
        this.capacity = capacity;
        this.ring = direct ? ByteBuffer.allocateDirect(capacity) : ByteBuffer.allocate(capacity);
        this.writeView = ring.duplicate();
    }

    /** Returns a capacity that fits two maximum data frames besides the control reserve. */
    static int capacityFor(int maxDataFrame) {
        return Math.max(1024 * 1024, 2 * (FrameHeader.SIZE + maxDataFrame) + CONTROL_RESERVE);
    }

    /** Bytes that a producer may still add; requires {@link #lock}. */
    int free() {
        return capacity - size;
    }

    /**
     * Waits until a data frame of {@code frameBytes} fits beside the control reserve, or until
     * {@code abandoned} returns true after a {@link #wakeProducers()}. Requires {@link #lock}.
     *
     * @throws InterruptedIOException if the thread is interrupted while waiting, with its
     *     interrupt status set again
     * @throws YamuxException if the buffer was shut down
     */
    void awaitRoomForData(int frameBytes, BooleanSupplier abandoned) throws IOException {
        if (frameBytes > capacity - CONTROL_RESERVE) {
            throw new IllegalArgumentException("frame of " + frameBytes + " bytes never fits");
        }
        if (shutdownCause == null && !abandoned.getAsBoolean()
                && capacity - size - CONTROL_RESERVE < frameBytes) {
            boolean fits = false;
            waitingProducers++;
            try {
                while (true) {
                    notFull.await();
                    if (shutdownCause != null || abandoned.getAsBoolean()) {
                        break;
                    }
                    if (capacity - size - CONTROL_RESERVE >= frameBytes) {
                        fits = true;
                        break;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting to send");
            } finally {
                waitingProducers--;
                wakeNextProducer(fits ? frameBytes : 0);
            }
        }
        checkNotShutdown();
    }

    /**
     * Wakes the longest waiting producer if room for a data frame is left once the current
     * producer has queued {@code queuedBytes}. The writer thread wakes one producer at a time,
     * and each producer that leaves the wait, for whatever reason, passes the wakeup on. Waking
     * all of them at once let the first few fill the ring, and the rest woke for nothing and
     * lost their place in the queue. Requires {@link #lock}.
     */
    private void wakeNextProducer(int queuedBytes) {
        if (waitingProducers > 0
                && capacity - size - CONTROL_RESERVE - queuedBytes >= FrameHeader.SIZE) {
            notFull.signal();
        }
    }

    /**
     * Returns whether a control frame fits now, which it does unless the peer has left the whole
     * control reserve unread. Requires {@link #lock}.
     *
     * @throws YamuxException if the buffer was shut down
     */
    boolean hasRoomForControl() throws YamuxException {
        checkNotShutdown();
        return capacity - size >= FrameHeader.SIZE;
    }

    /** Returns the number of producers waiting for room; requires {@link #lock}. For tests. */
    int waitingProducers() {
        return waitingProducers;
    }

    /** Returns the number of bytes waiting to be written; requires {@link #lock}. */
    int queuedBytes() {
        return size;
    }

    /**
     * Wakes all producers that wait for room, so that they check whether to give up. Requires
     * {@link #lock}.
     */
    void wakeProducers() {
        notFull.signalAll();
    }

    /**
     * Tells the writer thread that a deferred frame was registered, waking it only if it waits
     * without a timeout. Requires {@link #lock}.
     */
    void deferredFrameAdded() {
        if (writerWaitsUntimed) {
            notEmpty.signal();
        }
    }

    private void checkNotShutdown() throws YamuxException {
        if (shutdownCause != null) {
            throw shutdownCause.rethrowable();
        }
    }

    /** Appends bytes; requires {@link #lock} and room. */
    void put(byte[] src, int offset, int length) {
        if (length > capacity - size) {
            throw new IllegalStateException(
                    "no room for " + length + " bytes, " + (capacity - size) + " free");
        }
        int tail = head + size;
        if (tail >= capacity) {
            tail -= capacity;
        }
        int first = Math.min(length, capacity - tail);
        ring.put(tail, src, offset, first);
        ring.put(0, src, offset + first, length - first);
        size += length;
        notEmpty.signal();
    }

    /**
     * Rejects new frames with {@code cause}; the writer thread returns from {@link #drainTo} once
     * the frames already queued are written.
     */
    void shutdown(YamuxException cause) {
        lock.lock();
        try {
            if (shutdownCause == null) {
                shutdownCause = cause;
            }
            notEmpty.signalAll();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes queued bytes to the channel until {@link #shutdown} is called and the ring is empty.
     * Called by the writer thread only.
     */
    void drainTo(WritableByteChannel channel) throws IOException {
        drainTo(channel, () -> DeferredFrames.NONE, 0);
    }

    /**
     * Writes queued bytes to the channel until {@link #shutdown} is called and the ring is empty,
     * and queues the {@code deferred} frames when they are due. Called by the writer thread only.
     *
     * <p>When nothing is queued or deferred, the writer thread still waits {@code lingerNanos}
     * with a timeout before it waits without one. A frame deferred during that time needs no
     * wakeup, which saves one per call when calls follow each other closely.
     */
    void drainTo(WritableByteChannel channel, DeferredFrames deferred, long lingerNanos)
            throws IOException {
        while (true) {
            lock.lock();
            try {
                awaitFrames(deferred, lingerNanos);
                if (size == 0) {
                    return;
                }
            } finally {
                lock.unlock();
            }
            writeQueued(channel, deferred);
        }
    }

    /**
     * Queues the {@code deferred} frames that are due and writes every queued byte to the
     * channel, on the calling thread and without waiting for more. For sessions that run without
     * a writer thread.
     */
    void flushTo(WritableByteChannel channel, DeferredFrames deferred) throws IOException {
        lock.lock();
        try {
            if (shutdownCause == null) {
                deferred.queueDueFrames();
            }
        } finally {
            lock.unlock();
        }
        while (writeQueued(channel, deferred)) {
            // Each pass writes at most MAX_WRITE bytes, or up to the end of the ring.
        }
    }

    /**
     * Writes the first contiguous run of queued bytes, at most {@link #MAX_WRITE}, and then
     * queues the deferred frames that are due. Returns false if nothing was queued. Only one
     * thread at a time may call it.
     */
    private boolean writeQueued(WritableByteChannel channel, DeferredFrames deferred)
            throws IOException {
        int start;
        int length;
        lock.lock();
        try {
            if (size == 0) {
                return false;
            }
            start = head;
            length = Math.min(Math.min(size, capacity - head), MAX_WRITE);
        } finally {
            lock.unlock();
        }

        // The region [start, start + length) stays untouched by producers until head moves.
        writeView.clear();
        writeView.position(start).limit(start + length);
        while (writeView.hasRemaining()) {
            channel.write(writeView);
        }

        lock.lock();
        try {
            head += length;
            if (head == capacity) {
                head = 0;
            }
            size -= length;
            // Waking a producer only once half the ring is free lets producers queue several
            // frames in a row. The ring passes this mark whenever it drains, and each woken
            // producer wakes the next while room is left.
            if (capacity - size >= capacity / 2) {
                notFull.signal();
            }
            if (shutdownCause == null) {
                deferred.queueDueFrames();
            }
        } finally {
            lock.unlock();
        }
        return true;
    }

    /**
     * Waits until the ring contains bytes or the buffer is shut down, and queues deferred frames
     * when they are due. An interrupt does not end the wait, but the interrupt status is set
     * again on return. Requires {@link #lock}.
     */
    private void awaitFrames(DeferredFrames deferred, long lingerNanos) {
        boolean interrupted = false;
        boolean lingered = lingerNanos <= 0;
        while (size == 0 && shutdownCause == null) {
            long delay = deferred.queueDueFrames();
            if (size > 0) {
                break;
            }
            if (delay == DeferredFrames.NONE) {
                if (lingered) {
                    writerWaitsUntimed = true;
                    try {
                        notEmpty.awaitUninterruptibly();
                    } finally {
                        writerWaitsUntimed = false;
                    }
                    continue;
                }
                delay = lingerNanos;
                lingered = true;
            }
            try {
                notEmpty.awaitNanos(delay);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
