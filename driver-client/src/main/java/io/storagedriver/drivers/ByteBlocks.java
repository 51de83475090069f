package io.storagedriver.drivers;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Bytes collected in blocks of {@value #BLOCK_BYTES}, so that growing never copies the bytes
 * already collected, as {@link java.io.ByteArrayOutputStream} does on each doubling. {@link
 * #toByteArray()} copies everything once. Not thread-safe.
 */
final class ByteBlocks {
    static final int BLOCK_BYTES = 64 * 1024;

    /** The largest array the JVM reliably allocates, and so the largest in-memory file. */
    static final long MAX_BYTES = Integer.MAX_VALUE - 8;

    private final List<byte[]> blocks = new ArrayList<>();
    /** Bytes used in the last block; a full last block means the next write needs a new one. */
    private int lastBlockUsed = BLOCK_BYTES;
    private long size;

    long size() {
        return size;
    }

    void write(byte[] source, int offset, int length) {
        while (length > 0) {
            byte[] block = blockWithRoom(length);
            int n = Math.min(length, BLOCK_BYTES - lastBlockUsed);
            System.arraycopy(source, offset, block, lastBlockUsed, n);
            lastBlockUsed += n;
            size += n;
            offset += n;
            length -= n;
        }
    }

    /**
     * Reads {@code in} to its end straight into the blocks. When a read fails, the bytes read
     * before it stay collected.
     */
    void readFrom(InputStream in) throws IOException {
        while (true) {
            byte[] block = blockWithRoom(1);
            int n = in.read(block, lastBlockUsed, BLOCK_BYTES - lastBlockUsed);
            if (n < 0) {
                return;
            }
            lastBlockUsed += n;
            size += n;
        }
    }

    /** Returns the bytes as one new array. */
    byte[] toByteArray() {
        byte[] all = new byte[(int) size];
        int at = 0;
        for (int i = 0; i < blocks.size(); i++) {
            int n = i == blocks.size() - 1 ? lastBlockUsed : BLOCK_BYTES;
            System.arraycopy(blocks.get(i), 0, all, at, n);
            at += n;
        }
        return all;
    }

    /**
     * Returns the last block, after adding a new one when it is full.
     *
     * @throws IllegalStateException when {@code needed} more bytes would pass {@link #MAX_BYTES}
     */
    private byte[] blockWithRoom(int needed) {
        if (size + needed > MAX_BYTES) {
            throw new IllegalStateException("the in-memory driver supports files of at most "
                    + "2 GiB, and the content grew past " + size + " bytes");
        }
        if (lastBlockUsed == BLOCK_BYTES) {
            blocks.add(new byte[BLOCK_BYTES]);
            lastBlockUsed = 0;
        }
        return blocks.get(blocks.size() - 1);
    }
}
