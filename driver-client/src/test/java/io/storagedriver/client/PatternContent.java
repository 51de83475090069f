package io.storagedriver.client;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Deterministic content of any length that is generated on the fly, so that a test can stream
 * hundreds of MiB without holding them. The byte at each position depends on a seed and the
 * position only, so any range can be produced and checked on its own.
 */
final class PatternContent {
    private PatternContent() {}

    static byte byteAt(long seed, long position) {
        long x = (position + 1) * 0x9E3779B97F4A7C15L ^ seed;
        x ^= x >>> 31;
        x *= 0xBF58476D1CE4E5B9L;
        return (byte) (x >>> 56);
    }

    /** Returns the bytes from {@code offset} to {@code offset + length}. */
    static byte[] bytes(long seed, long offset, int length) {
        byte[] result = new byte[length];
        for (int i = 0; i < length; i++) {
            result[i] = byteAt(seed, offset + i);
        }
        return result;
    }

    static byte[] bytes(long seed, int length) {
        return bytes(seed, 0, length);
    }

    /** Returns a stream of the bytes from {@code offset} to {@code offset + length}. */
    static InputStream stream(long seed, long offset, long length) {
        return new InputStream() {
            private long position = offset;
            private final long end = offset + length;

            @Override
            public int read() {
                if (position >= end) {
                    return -1;
                }
                return byteAt(seed, position++) & 0xff;
            }

            @Override
            public int read(byte[] target, int start, int count) {
                if (count == 0) {
                    return 0;
                }
                if (position >= end) {
                    return -1;
                }
                int n = (int) Math.min(count, end - position);
                for (int i = 0; i < n; i++) {
                    target[start + i] = byteAt(seed, position + i);
                }
                position += n;
                return n;
            }
        };
    }

    /**
     * Returns a stream of the first {@code failAfter} bytes of the pattern that then fails with
     * an {@link IOException}, as a broken upload source would.
     */
    static InputStream failingStream(long seed, long failAfter) {
        InputStream content = stream(seed, 0, failAfter);
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] single = new byte[1];
                return read(single, 0, 1) < 0 ? -1 : single[0] & 0xff;
            }

            @Override
            public int read(byte[] target, int start, int count) throws IOException {
                int n = content.read(target, start, count);
                if (n < 0) {
                    throw new IOException("the source failed after " + failAfter + " bytes");
                }
                return n;
            }
        };
    }

    /**
     * Fails unless {@code actual} equals the pattern from {@code offset}, naming {@code what}
     * and the first position that differs.
     */
    static void assertMatches(long seed, long offset, long expectedLength, byte[] actual,
            String what) {
        if (actual.length != expectedLength) {
            fail(what + ": expected " + expectedLength + " bytes of pattern " + seed
                    + " from offset " + offset + ", actual " + actual.length + " bytes");
        }
        for (int i = 0; i < actual.length; i++) {
            byte expected = byteAt(seed, offset + i);
            if (actual[i] != expected) {
                fail(what + ": byte " + i + " (pattern position " + (offset + i) + ") expected "
                        + expected + ", actual " + actual[i]);
            }
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-256", e);
        }
    }

    static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }
}
