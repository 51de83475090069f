package io.storagedriver.junit.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.storagedriver.FileWriter;
import io.storagedriver.PathNotFoundException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Checks the resumable writer: commit, cancel, close and append. */
public class WriterChecks extends CheckSupport {

    @BeforeEach
    void requireOperation() {
        assumeOperation("Writer");
    }

    @Test
    @CheckId("writer.commit-makes-visible")
    public void commitMakesContentVisible() {
        String file = path("file");
        byte[] content = Patterns.bytes(seed("file"), 100_000);
        FileWriter writer = driver.writer(file, false);
        writer.write(content);
        Expect.raises(PathNotFoundException.class, "stat(" + file + ") before the writer commits",
                () -> driver.stat(file));
        writer.commit();
        Patterns.assertBytes("getContent(" + file + ") after the writer committed", content,
                driver.getContent(file));
    }

    @Test
    @CheckId("writer.commit-replaces-file")
    public void commitReplacesExistingFile() {
        String file = path("file");
        byte[] old = Patterns.bytes(seed("old"), 5000);
        driver.putContent(file, old);
        byte[] content = Patterns.bytes(seed("new"), 100);
        FileWriter writer = driver.writer(file, false);
        writer.write(content);
        Patterns.assertBytes("getContent(" + file + ") while a writer has not committed", old,
                driver.getContent(file));
        writer.commit();
        Patterns.assertBytes("getContent(" + file + ") after a writer replaced 5000 bytes with "
                + "100", content, driver.getContent(file));
    }

    @Test
    @CheckId("writer.cancel-discards")
    public void cancelDiscardsContent() {
        String file = path("file");
        FileWriter writer = driver.writer(file, false);
        writer.write(Patterns.bytes(seed("file"), 1000));
        writer.cancel();
        Expect.raises(PathNotFoundException.class, "stat(" + file + ") after the writer cancelled",
                () -> driver.stat(file));
        FileWriter resumed = driver.writer(file, true);
        assertEquals(0, resumed.size(), "size of writer(" + file + ", append) after a cancel");
        resumed.cancel();
    }

    @Test
    @CheckId("writer.size-counts-bytes")
    public void sizeCountsWrittenBytes() {
        String file = path("file");
        long seed = seed("file");
        FileWriter writer = driver.writer(file, false);
        assertEquals(0, writer.size(), "size of a new writer(" + file + ")");
        long expected = 0;
        for (int chunk : new int[] {1, 64 * 1024, 3, 200_000}) {
            writer.write(Patterns.bytes(seed, expected, chunk));
            expected += chunk;
            assertEquals(expected, writer.size(), "size of writer(" + file + ") after writing "
                    + chunk + " more bytes");
        }
        writer.commit();
        assertEquals(expected, driver.stat(file).size(), "size of " + file + " after commit");
        Patterns.assertBytes("getContent(" + file + ") after commit",
                Patterns.bytes(seed, (int) expected), driver.getContent(file));
    }

    @Test
    @CheckId("writer.append-resumes-closed")
    public void appendResumesClosedWriter() {
        String file = path("file");
        long seed = seed("file");
        FileWriter first = driver.writer(file, false);
        first.write(Patterns.bytes(seed, 100));
        first.close();
        Expect.raises(PathNotFoundException.class, "stat(" + file
                + ") after a writer closed without commit", () -> driver.stat(file));
        FileWriter second = driver.writer(file, true);
        assertEquals(100, second.size(), "size of writer(" + file
                + ", append) after an earlier writer closed with 100 bytes");
        second.write(Patterns.bytes(seed, 100, 50));
        assertEquals(150, second.size(), "size of the resumed writer after 50 more bytes");
        second.commit();
        Patterns.assertBytes("getContent(" + file + ") after resuming and committing",
                Patterns.bytes(seed, 150), driver.getContent(file));
    }

    @Test
    @CheckId("writer.append-starts-at-file-size")
    public void appendStartsAtCommittedFileSize() {
        String file = path("file");
        long seed = seed("file");
        driver.putContent(file, Patterns.bytes(seed, 10));
        FileWriter writer = driver.writer(file, true);
        assertEquals(10, writer.size(), "size of writer(" + file + ", append) of a 10-byte file");
        writer.write(Patterns.bytes(seed, 10, 5));
        writer.commit();
        Patterns.assertBytes("getContent(" + file + ") after appending 5 bytes with a writer",
                Patterns.bytes(seed, 15), driver.getContent(file));
    }

    @Test
    @CheckId("writer.commit-empty-then-append")
    public void committingEmptyThenAppending() {
        String file = path("file");
        FileWriter empty = driver.writer(file, false);
        empty.commit();
        Patterns.assertBytes("getContent(" + file + ") after committing an empty writer",
                new byte[0], driver.getContent(file));
        FileWriter writer = driver.writer(file, true);
        assertEquals(0, writer.size(), "size of writer(" + file + ", append) of an empty file");
        byte[] content = Patterns.bytes(seed("file"), 700);
        writer.write(content);
        writer.commit();
        Patterns.assertBytes("getContent(" + file + ") after appending to an empty file", content,
                driver.getContent(file));
    }

    @Test
    @CheckId("writer.no-append-starts-empty")
    public void writerWithoutAppendStartsEmpty() {
        String file = path("file");
        FileWriter first = driver.writer(file, false);
        first.write(Patterns.bytes(seed("first"), 100));
        first.close();
        FileWriter second = driver.writer(file, false);
        assertEquals(0, second.size(), "size of writer(" + file + ", no append) after an earlier "
                + "writer closed with 100 bytes");
        byte[] content = Patterns.bytes(seed("second"), 10);
        second.write(content);
        second.commit();
        Patterns.assertBytes("getContent(" + file + ") after a writer without append", content,
                driver.getContent(file));
    }
}
