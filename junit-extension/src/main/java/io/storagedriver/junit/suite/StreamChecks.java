package io.storagedriver.junit.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.storagedriver.InvalidOffsetException;
import io.storagedriver.PathNotFoundException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Checks {@code reader} and {@code writeStream}: sizes around the 64 KiB and 1 MiB chunk
 * boundaries, offsets, appending and resuming.
 */
public class StreamChecks extends CheckSupport {
    private static final int KIB = 1024;
    private static final int MIB = 1024 * 1024;

    /** Sizes at and around the usual chunk and frame boundaries, and one of tens of MiB. */
    private static final long[] SIZES = {
        0, 1, 64 * KIB - 1, 64 * KIB, 64 * KIB + 1, MIB - 1, MIB, MIB + 1, 32L * MIB
    };

    /** The size of the {@code large} check. */
    private static final long LARGE_SIZE = 256L * MIB;

    @TestFactory
    @CheckId("stream.sizes-round-trip")
    public List<DynamicTest> sizesAroundChunkBoundariesRoundTrip() {
        List<DynamicTest> tests = new ArrayList<>();
        for (long size : SIZES) {
            tests.add(DynamicTest.dynamicTest(size + " bytes", () -> roundTrip(size)));
        }
        return tests;
    }

    @Test
    @Tag("large")
    @CheckId("stream.large-round-trip")
    public void largeStreamRoundTrips() {
        roundTrip(LARGE_SIZE);
        String file = path("size-" + LARGE_SIZE);
        long offset = LARGE_SIZE - 3 * MIB - 7;
        Patterns.assertStream("reader(" + file + ", " + offset + ")",
                driver.reader(file, offset), seed("size-" + LARGE_SIZE), offset,
                LARGE_SIZE - offset);
    }

    @Test
    @CheckId("stream.read-from-offsets")
    public void readsFromOffsets() {
        int size = 200_003;
        String file = path("file");
        long seed = seed("file");
        driver.putContent(file, Patterns.bytes(seed, size));
        for (long offset : new long[] {0, 1, 64 * KIB - 1, 64 * KIB, 100_000, size - 1}) {
            Patterns.assertStream("reader(" + file + ", " + offset + ") of a " + size
                    + "-byte file", driver.reader(file, offset), seed, offset, size - offset);
        }
    }

    @Test
    @CheckId("stream.read-at-end-empty")
    public void readingAtEndGivesEmptyStream() {
        String file = path("file");
        driver.putContent(file, Patterns.bytes(seed("file"), 1000));
        Patterns.assertStream("reader(" + file + ", 1000) of a 1000-byte file",
                driver.reader(file, 1000), 0, 1000, 0);
        String empty = path("empty");
        driver.putContent(empty, new byte[0]);
        Patterns.assertStream("reader(" + empty + ", 0) of an empty file",
                driver.reader(empty, 0), 0, 0, 0);
    }

    @Test
    @CheckId("stream.read-past-end-rejected")
    public void readingPastEndIsRejected() {
        String file = path("file");
        driver.putContent(file, Patterns.bytes(seed("file"), 1000));
        for (long offset : new long[] {1001, 1_000_000}) {
            Expect.raises(InvalidOffsetException.class,
                    "reader(" + file + ", " + offset + ") of a 1000-byte file",
                    () -> unchecked.reader(file, offset));
        }
        String empty = path("empty");
        driver.putContent(empty, new byte[0]);
        Expect.raises(InvalidOffsetException.class, "reader(" + empty + ", 1) of an empty file",
                () -> unchecked.reader(empty, 1));
    }

    @Test
    @CheckId("stream.negative-offset-rejected")
    public void negativeOffsetsAreRejected() {
        String file = path("file");
        byte[] content = Patterns.bytes(seed("file"), 100);
        driver.putContent(file, content);
        Expect.raises(InvalidOffsetException.class, "reader(" + file + ", -1)",
                () -> unchecked.reader(file, -1));
        Expect.raises(InvalidOffsetException.class, "writeStream(" + file + ", -1, 1 byte)",
                () -> unchecked.writeStream(file, -1, new ByteArrayInputStream(new byte[1])));
        Patterns.assertBytes("getContent(" + file + ") after rejected negative offsets", content,
                driver.getContent(file));
    }

    @Test
    @CheckId("stream.reader-missing-not-found")
    public void readingMissingFileIsNotFound() {
        String missing = path("missing");
        Expect.raises(PathNotFoundException.class, "reader(" + missing + ", 0)",
                () -> driver.reader(missing, 0));
        driver.putContent(path("dir/file"), new byte[1]);
        String dir = path("dir");
        Expect.raises(PathNotFoundException.class, "reader(" + dir + ", 0) of a directory",
                () -> driver.reader(dir, 0));
    }

    @Test
    @CheckId("stream.append-in-chunks")
    public void appendsInChunks() {
        String file = path("file");
        long seed = seed("file");
        long position = 0;
        for (int chunk : new int[] {1, 1000, 64 * KIB, 70_000, 3, 64 * KIB + 1}) {
            long written =
                    driver.writeStream(file, position, Patterns.stream(seed, position, chunk));
            assertEquals(chunk, written, "written returned by writeStream(" + file + ", "
                    + position + ", " + chunk + " bytes)");
            position += chunk;
            assertEquals(position, driver.currentSize(file), "size of " + file
                    + " after appending " + chunk + " bytes at offset " + (position - chunk));
        }
        Patterns.assertStream("reader(" + file + ", 0) after appending in chunks",
                driver.reader(file, 0), seed, 0, position);
    }

    @Test
    @CheckId("stream.resume-after-failed-write")
    public void resumesAfterFailedWrite() {
        String file = path("file");
        long seed = seed("file");
        long total = 600_000;
        long failAfter = 300_000;
        try {
            driver.writeStream(file, 0, failingAfter(Patterns.stream(seed, 0, total), failAfter));
        } catch (RuntimeException expected) {
            // The source failed, so the call fails; the bytes that arrived stay.
        }
        long keptSize = sizeOrZero(file);
        assertTrue(keptSize <= failAfter, "size of " + file + " after a write whose source "
                + "failed after " + failAfter + " bytes is " + keptSize
                + ", more than the source gave");
        if (keptSize > 0) {
            Patterns.assertStream("reader(" + file + ", 0) of the bytes kept after a failed "
                    + "write", driver.reader(file, 0), seed, 0, keptSize);
        }
        long written = driver.writeStream(
                file, keptSize, Patterns.stream(seed, keptSize, total - keptSize));
        assertEquals(total - keptSize, written, "written returned by writeStream(" + file + ", "
                + keptSize + ", " + (total - keptSize) + " bytes) resuming a failed write");
        Patterns.assertStream("reader(" + file + ", 0) after resuming at offset " + keptSize,
                driver.reader(file, 0), seed, 0, total);
    }

    @Test
    @CheckId("stream.overwrite-keeps-tail")
    public void overwritingMiddleKeepsTail() {
        String file = path("file");
        byte[] original = Patterns.bytes(seed("original"), 1000);
        byte[] patch = Patterns.bytes(seed("patch"), 50);
        driver.putContent(file, original);
        long written = driver.writeStream(file, 100, new ByteArrayInputStream(patch));
        assertEquals(50, written, "written returned by writeStream(" + file + ", 100, 50 bytes)");
        byte[] expected = original.clone();
        System.arraycopy(patch, 0, expected, 100, patch.length);
        Patterns.assertBytes("getContent(" + file + ") after writing 50 bytes at offset 100 of "
                + "1000", expected, driver.getContent(file));
    }

    @Test
    @CheckId("stream.write-past-end-rejected")
    public void writingPastEndIsRejected() {
        String file = path("file");
        byte[] content = Patterns.bytes(seed("file"), 10);
        driver.putContent(file, content);
        Expect.raises(InvalidOffsetException.class, "writeStream(" + file
                + ", 11, 1 byte) of a 10-byte file",
                () -> unchecked.writeStream(file, 11, new ByteArrayInputStream(new byte[1])));
        Patterns.assertBytes("getContent(" + file + ") after a rejected write past the end",
                content, driver.getContent(file));
        String missing = path("missing");
        Expect.raises(InvalidOffsetException.class, "writeStream(" + missing
                + ", 1, 1 byte) of a missing file",
                () -> unchecked.writeStream(missing, 1, new ByteArrayInputStream(new byte[1])));
    }

    @Test
    @CheckId("stream.zero-byte-write-then-append")
    public void zeroByteWriteThenAppend() {
        String file = path("file");
        long written = driver.writeStream(file, 0, new ByteArrayInputStream(new byte[0]));
        assertEquals(0, written, "written returned by writeStream(" + file + ", 0, 0 bytes)");
        assertEquals(0, driver.currentSize(file), "size of " + file + " after a zero-byte write");
        byte[] content = Patterns.bytes(seed("file"), 5000);
        written = driver.writeStream(file, 0, new ByteArrayInputStream(content));
        assertEquals(5000, written, "written returned by writeStream(" + file
                + ", 0, 5000 bytes) after a zero-byte write");
        Patterns.assertBytes("getContent(" + file + ") after a zero-byte write and an append",
                content, driver.getContent(file));
    }

    @Test
    @CheckId("stream.put-then-append")
    public void putThenAppend() {
        String file = path("file");
        long seed = seed("file");
        driver.putContent(file, Patterns.bytes(seed, 3000));
        long written = driver.writeStream(file, 3000, Patterns.stream(seed, 3000, 2000));
        assertEquals(2000, written, "written returned by writeStream(" + file
                + ", 3000, 2000 bytes) after putContent of 3000 bytes");
        Patterns.assertBytes("getContent(" + file + ") after putContent and an append",
                Patterns.bytes(seed, 5000), driver.getContent(file));
    }

    private void roundTrip(long size) {
        String file = path("size-" + size);
        long seed = seed("size-" + size);
        long written = driver.writeStream(file, 0, Patterns.stream(seed, 0, size));
        assertEquals(size, written, "written returned by writeStream(" + file + ", 0, " + size
                + " bytes)");
        assertEquals(size, driver.stat(file).size(), "size returned by stat(" + file + ")");
        Patterns.assertStream("reader(" + file + ", 0)", driver.reader(file, 0), seed, 0, size);
        if (size <= 2 * MIB) {
            Patterns.assertBytes("getContent(" + file + ")", Patterns.bytes(seed, (int) size),
                    driver.getContent(file));
        }
    }

    private long sizeOrZero(String file) {
        try {
            return driver.currentSize(file);
        } catch (PathNotFoundException e) {
            return 0;
        }
    }

    /** Returns a stream that gives {@code limit} bytes of {@code source} and then fails. */
    private static InputStream failingAfter(InputStream source, long limit) {
        return new InputStream() {
            private long bytesGiven;

            @Override
            public int read() throws IOException {
                byte[] single = new byte[1];
                return read(single, 0, 1) < 0 ? -1 : single[0] & 0xff;
            }

            @Override
            public int read(byte[] target, int offset, int length) throws IOException {
                if (bytesGiven >= limit) {
                    throw new IOException("source failed on purpose after " + limit + " bytes");
                }
                int n = source.read(target, offset, (int) Math.min(length, limit - bytesGiven));
                bytesGiven += Math.max(n, 0);
                return n;
            }
        };
    }
}
