package io.storagedriver.internal.yamux;

import java.nio.ByteBuffer;

/**
 * Bytes received on one stream and not yet read by the application: a ring buffer that grows on
 * demand up to {@code maxCapacity}, which is the stream's receive window. It never shrinks, so a
 * stream that once received a full window keeps that much memory until it is dropped. Not
 * thread-safe; the owning stream's lock guards it.
 */
final class ReceiveBuffer {
    private static final int MIN_CAPACITY = 16 * 1024;
    private static final byte[] EMPTY = new byte[0];

    private final int maxCapacity;
    private byte[] data = EMPTY;
    /** Index of the first unread byte. */
    private int head;
    private int size;

    ReceiveBuffer(int maxCapacity) {
        if (maxCapacity <= 0) {
            throw new IllegalArgumentException("maxCapacity must be positive: " + maxCapacity);
        }
        this.maxCapacity = maxCapacity;
    }

    int size() {
        return size;
    }

    int capacity() {
        return data.length;
    }

    /**
     * Grows the ring, if needed, so that {@code additional} more bytes fit.
     *
     * @throws IllegalStateException if the bytes would exceed {@code maxCapacity}
     */
    void reserve(int additional) {
        long needed = (long) size + additional;
        if (additional < 0 || needed > maxCapacity) {
            throw new IllegalStateException("cannot buffer " + additional + " more bytes on top of "
                    + size + ", the maximum is " + maxCapacity);
        }
        if (needed <= data.length) {
            return;
        }
        int newCapacity = Math.max(MIN_CAPACITY, data.length);
        while (newCapacity < needed) {
            newCapacity = (int) Math.min((long) newCapacity * 2, maxCapacity);
        }
        byte[] grown = new byte[newCapacity];
        int first = Math.min(size, data.length - head);
        System.arraycopy(data, head, grown, 0, first);
        System.arraycopy(data, 0, grown, first, size - first);
        data = grown;
        head = 0;
    }

    /**
     * Copies {@code count} bytes from {@code src}'s position into the ring and advances
     * {@code src}. Call {@link #reserve} first.
     */
    void write(ByteBuffer src, int count) {
        if (count < 0 || count > data.length - size) {
            throw new IllegalStateException("cannot write " + count + " bytes into a ring with "
                    + (data.length - size) + " free bytes");
        }
        int tail = head + size;
        if (tail >= data.length) {
            tail -= data.length;
        }
        int first = Math.min(count, data.length - tail);
        src.get(data, tail, first);
        src.get(data, 0, count - first);
        size += count;
    }

    /** Moves up to {@code length} bytes into {@code dst} and returns how many were moved. */
    int read(byte[] dst, int offset, int length) {
        int count = Math.min(length, size);
        int first = Math.min(count, data.length - head);
        System.arraycopy(data, head, dst, offset, first);
        System.arraycopy(data, 0, dst, offset + first, count - first);
        advance(count);
        return count;
    }

    /** Removes and returns one byte as 0 to 255. The ring must not be empty. */
    int readByte() {
        if (size == 0) {
            throw new IllegalStateException("ring is empty");
        }
        int value = data[head] & 0xff;
        advance(1);
        return value;
    }

    /** Drops all buffered bytes and returns how many were dropped. */
    /**
     * Drops all buffered bytes and frees the ring, for a stream that reads no more, and returns
     * the number of bytes dropped.
     */
    int discardAll() {
        int dropped = size;
        data = EMPTY;
        head = 0;
        size = 0;
        return dropped;
    }

    private void advance(int count) {
        size -= count;
        head = size == 0 ? 0 : (head + count) % data.length;
    }
}
