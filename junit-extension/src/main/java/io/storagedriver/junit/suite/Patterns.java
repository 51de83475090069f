package io.storagedriver.junit.suite;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reproducible pseudo-random content that can be generated and checked at any offset without
 * holding it in memory, so checks can stream hundreds of MiB and report the first wrong byte.
 *
 * <p>The byte at position {@code p} of the pattern with seed {@code s} is byte {@code p % 8} of
 * a SplitMix64 hash of {@code s} and {@code p / 8}.
 */
final class Patterns {
    private static final int BLOCK = 64 * 1024;

    private Patterns() {}

    /** Returns a seed derived from a text, such as a check id and a size. */
    static long seed(String text) {
        long seed = 0x243F6A8885A308D3L;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            seed = mix(seed ^ b);
        }
        return seed;
    }

    /** Returns the pattern's bytes from position {@code start}, {@code length} of them. */
    static byte[] bytes(long seed, long start, int length) {
        byte[] bytes = new byte[length];
        fill(seed, start, bytes, 0, length);
        return bytes;
    }

    /** Returns the first {@code length} bytes of the pattern. */
    static byte[] bytes(long seed, int length) {
        return bytes(seed, 0, length);
    }

    /** Writes the pattern's bytes from {@code position} into {@code target}. */
    static void fill(long seed, long position, byte[] target, int offset, int length) {
        long word = 0;
        long wordIndex = -1;
        for (int i = 0; i < length; i++) {
            long p = position + i;
            long index = p >>> 3;
            if (index != wordIndex) {
                word = mix(seed + index * 0x9E3779B97F4A7C15L);
                wordIndex = index;
            }
            target[offset + i] = (byte) (word >>> ((p & 7) << 3));
        }
    }

    /** Returns a stream of the pattern's bytes from {@code start} to {@code start + length}. */
    static InputStream stream(long seed, long start, long length) {
        return new InputStream() {
            private long position = start;
            private final long end = start + length;

            @Override
            public int read() {
                if (position >= end) {
                    return -1;
                }
                byte[] one = bytes(seed, position, 1);
                position++;
                return one[0] & 0xff;
            }

            @Override
            public int read(byte[] target, int offset, int count) {
                if (count == 0) {
                    return 0;
                }
                if (position >= end) {
                    return -1;
                }
                int n = (int) Math.min(count, end - position);
                fill(seed, position, target, offset, n);
                position += n;
                return n;
            }
        };
    }

    /**
     * Reads {@code actual} to its end and fails unless it is exactly the pattern from {@code
     * start}, {@code expectedLength} bytes of it. Closes the stream.
     *
     * @param call the call that produced the stream, such as {@code reader(/a/b, 10)}
     */
    static void assertStream(
            String call, InputStream actual, long seed, long start, long expectedLength) {
        byte[] got = new byte[BLOCK];
        byte[] expected = new byte[BLOCK];
        long read = 0;
        try (InputStream in = actual) {
            while (true) {
                int n = in.read(got, 0, BLOCK);
                if (n < 0) {
                    break;
                }
                if (read + n > expectedLength) {
                    fail(call + " returned more than the expected " + expectedLength
                            + " bytes: at least " + (read + n));
                }
                fill(seed, start + read, expected, 0, n);
                for (int i = 0; i < n; i++) {
                    if (got[i] != expected[i]) {
                        fail(call + " returned a wrong byte at file offset " + (start + read + i)
                                + " (byte " + (read + i) + " of the stream): expected "
                                + hex(expected[i]) + ", got " + hex(got[i]));
                    }
                }
                read += n;
            }
        } catch (IOException e) {
            fail(call + " failed after " + read + " of " + expectedLength + " bytes: " + e, e);
        }
        if (read != expectedLength) {
            fail(call + " ended after " + read + " bytes, expected " + expectedLength);
        }
    }

    /** Fails unless {@code actual} equals {@code expected}, naming the first differing offset. */
    static void assertBytes(String call, byte[] expected, byte[] actual) {
        int common = Math.min(expected.length, actual.length);
        for (int i = 0; i < common; i++) {
            if (expected[i] != actual[i]) {
                fail(call + " returned a wrong byte at offset " + i + ": expected "
                        + hex(expected[i]) + ", got " + hex(actual[i]) + " (expected "
                        + expected.length + " bytes, got " + actual.length + ")");
            }
        }
        if (expected.length != actual.length) {
            fail(call + " returned " + actual.length + " bytes, expected " + expected.length
                    + (actual.length > expected.length
                            ? "; the extra bytes start with " + hex(actual[common])
                            : "; the content matches up to the shorter length"));
        }
    }

    private static String hex(byte b) {
        return String.format("0x%02x", b & 0xff);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
