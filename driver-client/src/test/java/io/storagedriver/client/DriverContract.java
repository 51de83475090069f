package io.storagedriver.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.storagedriver.FileInfo;
import io.storagedriver.FileWriter;
import io.storagedriver.InvalidOffsetException;
import io.storagedriver.InvalidPathException;
import io.storagedriver.PathNotFoundException;
import io.storagedriver.StorageDriver;
import io.storagedriver.WalkVisitor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Every operation and outcome of {@link StorageDriver}, run through {@link DriverClient} against
 * a real driver process. Subclasses choose the driver; one process serves all tests of a class,
 * and each test works below its own directory, named after the test method.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
abstract class DriverContract {
    /** Content larger than one 64 KiB chunk and than the 1 MiB stream window. */
    static final int LARGE = 3 * 1024 * 1024 + 17;

    /** Paths that break the path rules everywhere, the root included or not. */
    static final List<String> INVALID_PATHS = List.of("", "relative", "a/b", "//", "/a//b",
            "/a/", "/.", "/..", "/a/./b", "/a/../b", "/a b", "/a\tb", "/a:b", "/\u00e4");

    DriverClient client;
    String base;

    /** Returns the launch options of the driver under test. */
    abstract DriverOptions.Builder options() throws IOException;

    @BeforeAll
    void startDriver() throws IOException {
        client = DriverClient.start(options().build());
    }

    @AfterAll
    void stopDriver() {
        if (client != null) {
            client.close();
        }
    }

    @BeforeEach
    void chooseDirectory(TestInfo test) {
        base = "/" + test.getTestMethod().orElseThrow().getName();
    }

    String path(String relative) {
        return base + "/" + relative;
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    // getContent and putContent

    @Test
    void getContentReturnsPutBytes() {
        String file = path("large");
        client.putContent(file, PatternContent.bytes(1, LARGE));

        PatternContent.assertMatches(1, 0, LARGE, client.getContent(file), "getContent " + file);
    }

    @Test
    void putContentReplacesFile() {
        String file = path("file");
        client.putContent(file, PatternContent.bytes(2, LARGE));
        client.putContent(file, utf8("short"));

        assertArrayEquals(utf8("short"), client.getContent(file), "content of " + file);
    }

    @Test
    void putContentStoresEmptyFile() {
        String file = path("empty");
        client.putContent(file, new byte[0]);

        assertEquals(0, client.getContent(file).length, "length of getContent " + file);
        FileInfo info = client.stat(file);
        assertEquals(0, info.size(), "stat size of " + file);
        assertFalse(info.isDirectory(), "stat isDirectory of " + file);
    }

    @Test
    void putContentCreatesParentDirectories() {
        client.putContent(path("a/b/c"), utf8("deep"));

        assertTrue(client.stat(path("a")).isDirectory(), "isDirectory of " + path("a"));
        assertTrue(client.stat(path("a/b")).isDirectory(), "isDirectory of " + path("a/b"));
        assertArrayEquals(utf8("deep"), client.getContent(path("a/b/c")), "content of a/b/c");
    }

    @Test
    void getContentOfMissingPathIsNotFound() {
        String missing = path("missing");
        PathNotFoundException e =
                assertThrows(PathNotFoundException.class, () -> client.getContent(missing));
        assertEquals(missing, e.path(), "path of the exception");
    }

    @Test
    void getContentOfDirectoryIsNotFound() {
        client.putContent(path("dir/file"), utf8("x"));

        PathNotFoundException e =
                assertThrows(PathNotFoundException.class, () -> client.getContent(path("dir")));
        assertEquals(path("dir"), e.path(), "path of the exception");
    }

    @Test
    void putContentOnDirectoryIsInvalidPath() {
        client.putContent(path("dir/file"), utf8("x"));

        InvalidPathException e = assertThrows(InvalidPathException.class,
                () -> client.putContent(path("dir"), utf8("y")));
        assertEquals(path("dir"), e.path(), "path of the exception");
        assertTrue(client.stat(path("dir")).isDirectory(), "isDirectory of " + path("dir"));
    }

    // reader

    @Test
    void readerFromStartReturnsWholeFile() throws IOException {
        String file = path("file");
        client.putContent(file, PatternContent.bytes(3, LARGE));

        PatternContent.assertMatches(3, 0, LARGE, readAll(client.reader(file, 0)),
                "reader " + file + " at offset 0");
    }

    @Test
    void readerFromMiddleReturnsRest() throws IOException {
        String file = path("file");
        client.putContent(file, PatternContent.bytes(4, LARGE));
        long offset = 1024 * 1024 + 5;

        PatternContent.assertMatches(4, offset, LARGE - offset,
                readAll(client.reader(file, offset)), "reader " + file + " at offset " + offset);
    }

    @Test
    void readerAtEndIsEmpty() throws IOException {
        String file = path("file");
        client.putContent(file, utf8("0123456789"));

        assertEquals(0, readAll(client.reader(file, 10)).length,
                "bytes of reader " + file + " at offset 10 of 10");
    }

    @Test
    void readerOfEmptyFileIsEmpty() throws IOException {
        String file = path("empty");
        client.putContent(file, new byte[0]);

        assertEquals(0, readAll(client.reader(file, 0)).length,
                "bytes of reader " + file + " at offset 0 of 0");
    }

    @Test
    void readerPastEndIsInvalidOffset() {
        String file = path("file");
        client.putContent(file, utf8("0123456789"));

        InvalidOffsetException e =
                assertThrows(InvalidOffsetException.class, () -> client.reader(file, 11));
        assertEquals(11, e.offset(), "offset of the exception");
        assertEquals(file, e.path(), "path of the exception");
    }

    @Test
    void clientRejectsNegativeReaderOffset() {
        String file = path("file");
        client.putContent(file, utf8("0123456789"));

        InvalidOffsetException e =
                assertThrows(InvalidOffsetException.class, () -> client.reader(file, -1));
        assertEquals(-1, e.offset(), "offset of the exception");
        assertEquals(file, e.path(), "path of the exception");
    }

    @Test
    void driverRejectsNegativeReaderOffset() {
        String file = path("file");
        client.putContent(file, utf8("0123456789"));

        InvalidOffsetException e = assertThrows(InvalidOffsetException.class,
                () -> client.unchecked().reader(file, -1));
        assertEquals(-1, e.offset(), "offset of the driver's error");
        assertEquals(file, e.path(), "path of the driver's error");
        assertTrue(e.getMessage().contains("must not be negative"),
                "the message names the driver's reason, actual: " + e.getMessage());
    }

    @Test
    void readerOfMissingPathIsNotFound() {
        PathNotFoundException e = assertThrows(PathNotFoundException.class,
                () -> client.reader(path("missing"), 0));
        assertEquals(path("missing"), e.path(), "path of the exception");
    }

    @Test
    void readerOfDirectoryIsNotFound() {
        client.putContent(path("dir/file"), utf8("x"));

        PathNotFoundException e = assertThrows(PathNotFoundException.class,
                () -> client.reader(path("dir"), 0));
        assertEquals(path("dir"), e.path(), "path of the exception");
    }

    @Test
    void readerClosedEarlyLeavesClientUsable() throws IOException {
        String file = path("file");
        client.putContent(file, PatternContent.bytes(5, LARGE));

        InputStream in = client.reader(file, 0);
        PatternContent.assertMatches(5, 0, 100_000, in.readNBytes(100_000),
                "first bytes of reader " + file);
        in.close();

        IOException e = assertThrows(IOException.class, () -> in.read(), "read after close");
        assertTrue(e.getMessage().contains("closed"),
                "message says the reader was closed, actual: " + e.getMessage());

        PatternContent.assertMatches(5, 0, LARGE, client.getContent(file),
                "getContent " + file + " after a reader closed early");
    }

    // writeStream and currentSize

    @Test
    void writeStreamCreatesFileAtOffsetZero() {
        String file = path("file");
        long written = client.writeStream(file, 0, PatternContent.stream(6, 0, LARGE));

        assertEquals(LARGE, written, "bytes written to " + file);
        PatternContent.assertMatches(6, 0, LARGE, client.getContent(file), "content of " + file);
    }

    @Test
    void writeStreamAppendsAtCurrentSize() {
        String file = path("file");
        client.writeStream(file, 0, PatternContent.stream(7, 0, 1000));

        long size = client.currentSize(file);
        long written = client.writeStream(file, size, PatternContent.stream(7, 1000, LARGE));

        assertEquals(1000, size, "currentSize of " + file + " before the append");
        assertEquals(LARGE, written, "bytes appended to " + file);
        assertEquals(1000 + LARGE, client.currentSize(file), "currentSize after the append");
        PatternContent.assertMatches(7, 0, 1000 + LARGE, client.getContent(file),
                "content of " + file);
    }

    @Test
    void writeStreamOverwritesRangeAndKeepsTail() {
        String file = path("file");
        client.putContent(file, utf8("0123456789"));

        long written = client.writeStream(file, 3, new ByteArrayInputStream(utf8("abc")));

        assertEquals(3, written, "bytes written to " + file + " at offset 3");
        assertArrayEquals(utf8("012abc6789"), client.getContent(file), "content of " + file);
    }

    @Test
    void writeStreamPastSizeIsInvalidOffset() {
        String file = path("file");
        client.putContent(file, utf8("0123456789"));

        InvalidOffsetException e = assertThrows(InvalidOffsetException.class,
                () -> client.writeStream(file, 11, new ByteArrayInputStream(utf8("x"))));

        assertEquals(11, e.offset(), "offset of the exception");
        assertEquals(file, e.path(), "path of the exception");
        assertArrayEquals(utf8("0123456789"), client.getContent(file), "content of " + file);
    }

    @Test
    void writeStreamOffsetIntoNewFileIsInvalid() {
        String file = path("new");

        InvalidOffsetException e = assertThrows(InvalidOffsetException.class,
                () -> client.writeStream(file, 1, PatternContent.stream(8, 0, LARGE)));

        assertEquals(1, e.offset(), "offset of the exception");
        assertThrows(PathNotFoundException.class, () -> client.stat(file),
                file + " exists after a rejected write");
    }

    @Test
    void clientRejectsNegativeWriteStreamOffset() {
        String file = path("file");
        InvalidOffsetException e = assertThrows(InvalidOffsetException.class,
                () -> client.writeStream(file, -1, new ByteArrayInputStream(utf8("x"))));

        assertEquals(-1, e.offset(), "offset of the exception");
        assertThrows(PathNotFoundException.class, () -> client.stat(file),
                file + " exists after a rejected write");
    }

    @Test
    void driverRejectsNegativeWriteStreamOffset() {
        String file = path("file");
        InvalidOffsetException e = assertThrows(InvalidOffsetException.class,
                () -> client.unchecked().writeStream(file, -1,
                        new ByteArrayInputStream(utf8("x"))));

        assertEquals(-1, e.offset(), "offset of the driver's error");
    }

    /**
     * A source that fails midway resets the call; the bytes the driver received stay, and the
     * caller resumes from {@code currentSize}.
     */
    @Test
    void writeStreamResumesAfterFailedSource() throws InterruptedException {
        String file = path("file");
        int total = 5 * 1024 * 1024;
        int failAfter = 3 * 1024 * 1024;

        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> client.writeStream(file, 0, PatternContent.failingStream(9, failAfter)));
        assertTrue(e.getCause().getMessage().contains("source failed"),
                "cause is the source's failure, actual: " + e.getCause());

        long keptBytes = awaitFile(file);
        assertTrue(keptBytes <= failAfter, "bytes kept of " + file + ": expected at most "
                + failAfter + ", actual " + keptBytes);
        long written = client.writeStream(file, keptBytes, PatternContent.stream(9, keptBytes,
                total - keptBytes));

        assertEquals(total - keptBytes, written, "bytes written when resuming at " + keptBytes);
        PatternContent.assertMatches(9, 0, total, client.getContent(file),
                "content of " + file + " after resuming at " + keptBytes);
    }

    /** Waits until the driver has stored the bytes of a reset write, and returns their count. */
    private long awaitFile(String file) throws InterruptedException {
        while (true) {
            try {
                long size = client.currentSize(file);
                if (size > 0) {
                    return size;
                }
            } catch (PathNotFoundException e) {
                // The driver stores the received bytes once it receives the reset.
            }
            Thread.sleep(20);
        }
    }

    @Test
    void currentSizeReturnsFileSize() {
        String file = path("file");
        client.putContent(file, PatternContent.bytes(10, LARGE));

        assertEquals(LARGE, client.currentSize(file), "currentSize of " + file);
    }

    @Test
    void currentSizeOfMissingPathIsNotFound() {
        assertThrows(PathNotFoundException.class, () -> client.currentSize(path("missing")));
    }

    @Test
    void currentSizeOfDirectoryIsNotFound() {
        client.putContent(path("dir/file"), utf8("x"));

        assertThrows(PathNotFoundException.class, () -> client.currentSize(path("dir")));
    }

    // list

    @Test
    void listReturnsDirectChildrenAsFullPaths() {
        client.putContent(path("x"), utf8("1"));
        client.putContent(path("y"), utf8("2"));
        client.putContent(path("sub/z"), utf8("3"));
        client.putContent(path("sub/deeper/w"), utf8("4"));

        List<String> children = client.list(base);

        assertEquals(Set.of(path("x"), path("y"), path("sub")), new HashSet<>(children),
                "children of " + base);
        assertEquals(3, children.size(), "number of children of " + base + ": " + children);
        assertEquals(List.of(path("sub/deeper"), path("sub/z")),
                client.list(path("sub")).stream().sorted().toList(), "children of sub");
    }

    @Test
    void listOfRootContainsTopLevelDirectory() {
        client.putContent(path("x"), utf8("1"));

        List<String> children = client.list("/");

        assertTrue(children.contains(base), "list / contains " + base + ", actual " + children);
    }

    @Test
    void listOfMissingPathIsNotFound() {
        PathNotFoundException e =
                assertThrows(PathNotFoundException.class, () -> client.list(path("missing")));
        assertEquals(path("missing"), e.path(), "path of the exception");
    }

    @Test
    void listOfFileIsNotFound() {
        client.putContent(path("file"), utf8("x"));

        PathNotFoundException e =
                assertThrows(PathNotFoundException.class, () -> client.list(path("file")));
        assertEquals(path("file"), e.path(), "path of the exception");
    }

    // move

    @Test
    void moveRenamesFile() {
        client.putContent(path("source"), PatternContent.bytes(11, LARGE));

        client.move(path("source"), path("destination"));

        PatternContent.assertMatches(11, 0, LARGE, client.getContent(path("destination")),
                "content of destination");
        assertThrows(PathNotFoundException.class, () -> client.stat(path("source")),
                "source exists after the move");
    }

    @Test
    void moveOverwritesDestination() {
        client.putContent(path("source"), utf8("new"));
        client.putContent(path("destination"), utf8("old content"));

        client.move(path("source"), path("destination"));

        assertArrayEquals(utf8("new"), client.getContent(path("destination")),
                "content of destination");
    }

    @Test
    void moveCreatesDestinationParents() {
        client.putContent(path("source"), utf8("x"));

        client.move(path("source"), path("new/parents/destination"));

        assertTrue(client.stat(path("new/parents")).isDirectory(), "isDirectory of new/parents");
        assertArrayEquals(utf8("x"), client.getContent(path("new/parents/destination")),
                "content of destination");
    }

    @Test
    void moveLeavesNoEmptySourceDirectory() {
        client.putContent(path("from/only"), utf8("x"));
        client.putContent(path("keep"), utf8("y"));

        client.move(path("from/only"), path("to"));

        assertThrows(PathNotFoundException.class, () -> client.stat(path("from")),
                "emptied source directory exists after the move");
    }

    @Test
    void moveOfMissingSourceKeepsDestination() {
        client.putContent(path("destination"), utf8("untouched"));

        PathNotFoundException e = assertThrows(PathNotFoundException.class,
                () -> client.move(path("missing"), path("destination")));

        assertEquals(path("missing"), e.path(), "path of the exception");
        assertArrayEquals(utf8("untouched"), client.getContent(path("destination")),
                "content of destination");
    }

    // delete

    @Test
    void deleteRemovesFile() {
        client.putContent(path("file"), utf8("x"));
        client.putContent(path("other"), utf8("y"));

        client.delete(path("file"));

        assertThrows(PathNotFoundException.class, () -> client.stat(path("file")),
                "file exists after delete");
        assertArrayEquals(utf8("y"), client.getContent(path("other")), "content of sibling");
    }

    @Test
    void deleteRemovesExactSubtree() {
        client.putContent(path("a/1"), utf8("1"));
        client.putContent(path("a/sub/2"), PatternContent.bytes(12, LARGE));
        client.putContent(path("ab/3"), utf8("3"));
        client.putContent(path("a-b"), utf8("4"));
        client.putContent(path("b/a/5"), utf8("5"));

        client.delete(path("a"));

        for (String gone : List.of("a", "a/1", "a/sub", "a/sub/2")) {
            assertThrows(PathNotFoundException.class, () -> client.stat(path(gone)),
                    gone + " exists after deleting a");
        }
        assertArrayEquals(utf8("3"), client.getContent(path("ab/3")), "content of ab/3");
        assertArrayEquals(utf8("4"), client.getContent(path("a-b")), "content of a-b");
        assertArrayEquals(utf8("5"), client.getContent(path("b/a/5")), "content of b/a/5");
        assertEquals(Set.of(path("ab"), path("a-b"), path("b")), new HashSet<>(client.list(base)),
                "children of " + base + " after deleting a");
    }

    @Test
    void deleteOfLastChildRemovesParent() {
        client.putContent(path("dir/only"), utf8("x"));
        client.putContent(path("keep"), utf8("y"));

        client.delete(path("dir/only"));

        assertThrows(PathNotFoundException.class, () -> client.stat(path("dir")),
                "emptied directory exists after delete");
    }

    @Test
    void deleteOfMissingPathIsNotFound() {
        PathNotFoundException e =
                assertThrows(PathNotFoundException.class, () -> client.delete(path("missing")));
        assertEquals(path("missing"), e.path(), "path of the exception");
    }

    // stat

    @Test
    void statOfFileReturnsSizeAndModificationTime() {
        String file = path("file");
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS).minus(Duration.ofSeconds(1));
        client.putContent(file, PatternContent.bytes(13, LARGE));
        Instant after = Instant.now().plus(Duration.ofSeconds(1));

        FileInfo info = client.stat(file);

        assertEquals(file, info.path(), "stat path");
        assertEquals(LARGE, info.size(), "stat size of " + file);
        assertFalse(info.isDirectory(), "stat isDirectory of " + file);
        assertTrue(!info.modificationTime().isBefore(before)
                && !info.modificationTime().isAfter(after), "modTime of " + file
                + ": expected between " + before + " and " + after + ", actual "
                + info.modificationTime());
    }

    @Test
    void statOfDirectoryReturnsDirectory() {
        client.putContent(path("dir/file"), utf8("xyz"));

        FileInfo info = client.stat(path("dir"));

        assertEquals(path("dir"), info.path(), "stat path");
        assertTrue(info.isDirectory(), "stat isDirectory of " + path("dir"));
        assertEquals(0, info.size(), "stat size of directory " + path("dir"));
    }

    @Test
    void statOfRootIsDirectory() {
        FileInfo info = client.stat("/");

        assertTrue(info.isDirectory(), "stat isDirectory of /");
        assertEquals(0, info.size(), "stat size of /");
    }

    @Test
    void statOfMissingPathIsNotFound() {
        PathNotFoundException e =
                assertThrows(PathNotFoundException.class, () -> client.stat(path("missing")));
        assertEquals(path("missing"), e.path(), "path of the exception");
    }

    // writer

    @Test
    void writerCommitMakesContentVisible() {
        String file = path("file");
        FileWriter writer = client.writer(file, false);
        writer.write(PatternContent.bytes(14, 0, 1000));
        writer.write(PatternContent.bytes(14, 1000, LARGE));

        assertEquals(1000 + LARGE, writer.size(), "writer size before commit");
        assertThrows(PathNotFoundException.class, () -> client.stat(file),
                file + " is visible before commit");
        writer.commit();

        PatternContent.assertMatches(14, 0, 1000 + LARGE, client.getContent(file),
                "content of " + file + " after commit");
    }

    @Test
    void writerReplacesExistingFileOnlyAtCommit() {
        String file = path("file");
        client.putContent(file, utf8("old"));

        FileWriter writer = client.writer(file, false);
        writer.write(utf8("new content"));
        assertArrayEquals(utf8("old"), client.getContent(file), "content before commit");
        writer.commit();

        assertArrayEquals(utf8("new content"), client.getContent(file), "content after commit");
    }

    @Test
    void writerCancelDiscardsContent() {
        String file = path("file");
        FileWriter writer = client.writer(file, false);
        writer.write(utf8("discarded"));
        writer.cancel();

        assertThrows(PathNotFoundException.class, () -> client.stat(file),
                file + " exists after cancel");
        FileWriter resumed = client.writer(file, true);
        try {
            assertEquals(0, resumed.size(), "size of a writer appending after cancel");
        } finally {
            resumed.cancel();
        }
    }

    @Test
    void writerCloseKeepsContentForAppend() {
        String file = path("file");
        FileWriter first = client.writer(file, false);
        first.write(PatternContent.bytes(15, 0, LARGE));
        first.close();

        assertThrows(PathNotFoundException.class, () -> client.stat(file),
                file + " is visible after close without commit");
        FileWriter resumed = client.writer(file, true);
        assertEquals(LARGE, resumed.size(), "size of the resumed writer");
        resumed.write(PatternContent.bytes(15, LARGE, 500));
        assertEquals(LARGE + 500, resumed.size(), "size after appending 500 bytes");
        resumed.commit();

        PatternContent.assertMatches(15, 0, LARGE + 500, client.getContent(file),
                "content of " + file);
    }

    @Test
    void writerWithAppendStartsFromCommittedFile() {
        String file = path("file");
        client.putContent(file, utf8("committed "));

        FileWriter writer = client.writer(file, true);
        assertEquals(10, writer.size(), "size of a writer appending to a 10-byte file");
        writer.write(utf8("appended"));
        writer.commit();

        assertArrayEquals(utf8("committed appended"), client.getContent(file),
                "content of " + file);
    }

    @Test
    void writerWithoutAppendDiscardsKeptContent() {
        String file = path("file");
        FileWriter first = client.writer(file, false);
        first.write(utf8("kept"));
        first.close();

        FileWriter fresh = client.writer(file, false);
        assertEquals(0, fresh.size(), "size of a writer without append");
        fresh.write(utf8("fresh"));
        fresh.commit();

        assertArrayEquals(utf8("fresh"), client.getContent(file), "content of " + file);
    }

    @Test
    void writerRejectsWritesAfterCommit() {
        String file = path("file");
        FileWriter writer = client.writer(file, false);
        writer.write(utf8("x"));
        writer.commit();

        assertThrows(IllegalStateException.class, () -> writer.write(utf8("y")),
                "write after commit");
        writer.close();
        assertArrayEquals(utf8("x"), client.getContent(file), "content of " + file);
    }

    // walk

    /** Creates files whose names compare differently as bytes and as case-folded text. */
    private void createWalkTree() {
        client.putContent(path("b/x"), utf8("bx"));
        client.putContent(path("a/z"), utf8("az"));
        client.putContent(path("a/y/q"), utf8("ayq"));
        client.putContent(path("c"), utf8("c"));
        client.putContent(path("Z"), utf8("Z"));
        client.putContent(path("a-b"), utf8("a-b"));
        client.putContent(path("a.b"), utf8("a.b"));
        client.putContent(path("a_b"), utf8("a_b"));
    }

    private List<String> walkPaths(WalkVisitor.Decision decisionForA) {
        List<String> visited = new ArrayList<>();
        client.walk(base, entry -> {
            visited.add(entry.path());
            return entry.path().equals(path("a")) ? decisionForA : WalkVisitor.Decision.CONTINUE;
        });
        return visited;
    }

    @Test
    void walkVisitsDepthFirstInByteOrder() {
        createWalkTree();

        List<String> visited = walkPaths(WalkVisitor.Decision.CONTINUE);

        List<String> expected = List.of(path("Z"), path("a"), path("a/y"), path("a/y/q"),
                path("a/z"), path("a-b"), path("a.b"), path("a_b"), path("b"), path("b/x"),
                path("c"));
        assertEquals(expected, visited, "walk order below " + base);
    }

    @Test
    void walkReportsSizeAndKind() {
        createWalkTree();
        Map<String, FileInfo> entries = new LinkedHashMap<>();

        client.walk(base, entry -> {
            entries.put(entry.path(), entry);
            return WalkVisitor.Decision.CONTINUE;
        });

        assertEquals(3, entries.get(path("a/y/q")).size(), "walk size of a/y/q");
        assertFalse(entries.get(path("a/y/q")).isDirectory(), "walk isDirectory of a/y/q");
        assertTrue(entries.get(path("a/y")).isDirectory(), "walk isDirectory of a/y");
        assertEquals(0, entries.get(path("a/y")).size(), "walk size of directory a/y");
    }

    @Test
    void walkSkipContentsLeavesOutEntriesBelow() {
        createWalkTree();

        List<String> visited = walkPaths(WalkVisitor.Decision.SKIP_CONTENTS);

        List<String> expected = List.of(path("Z"), path("a"), path("a-b"), path("a.b"),
                path("a_b"), path("b"), path("b/x"), path("c"));
        assertEquals(expected, visited, "walk order below " + base + " skipping a");
    }

    @Test
    void walkVisitorFailureEndsWalk() {
        createWalkTree();
        List<String> visited = new ArrayList<>();

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> client.walk(base, entry -> {
                    visited.add(entry.path());
                    if (entry.path().equals(path("a/y"))) {
                        throw new IllegalStateException("visitor failed at " + entry.path());
                    }
                    return WalkVisitor.Decision.CONTINUE;
                }));

        assertEquals("visitor failed at " + path("a/y"), e.getMessage(), "message");
        assertEquals(List.of(path("Z"), path("a"), path("a/y")), visited, "entries visited");
        assertEquals(11, walkPaths(WalkVisitor.Decision.CONTINUE).size(),
                "entries of a walk after the failed one");
    }

    @Test
    void walkOfMissingPathIsNotFound() {
        assertThrows(PathNotFoundException.class,
                () -> client.walk(path("missing"), entry -> WalkVisitor.Decision.CONTINUE));
    }

    @Test
    void walkOfFileIsNotFound() {
        client.putContent(path("file"), utf8("x"));

        assertThrows(PathNotFoundException.class,
                () -> client.walk(path("file"), entry -> WalkVisitor.Decision.CONTINUE));
    }

    // redirectUrl

    @Test
    void redirectUrlIsEmpty() {
        client.putContent(path("file"), utf8("x"));

        assertEquals("", client.redirectUrl(path("file")), "redirectUrl of " + path("file"));
    }

    // path rules

    /** Returns each operation applied to one path, by name. */
    private Map<String, Consumer<String>> operations(StorageDriver driver) {
        String valid = path("valid");
        Map<String, Consumer<String>> operations = new LinkedHashMap<>();
        operations.put("getContent", driver::getContent);
        operations.put("putContent", p -> driver.putContent(p, utf8("x")));
        operations.put("reader", p -> closeQuietly(driver.reader(p, 0)));
        operations.put("writeStream",
                p -> driver.writeStream(p, 0, new ByteArrayInputStream(utf8("x"))));
        operations.put("currentSize", driver::currentSize);
        operations.put("stat", driver::stat);
        operations.put("list", driver::list);
        operations.put("move from", p -> driver.move(p, valid));
        operations.put("move to", p -> driver.move(valid, p));
        operations.put("delete", driver::delete);
        operations.put("writer", p -> driver.writer(p, false).cancel());
        operations.put("walk", p -> driver.walk(p, entry -> WalkVisitor.Decision.CONTINUE));
        operations.put("redirectUrl", driver::redirectUrl);
        return operations;
    }

    /** The operations for which the root is invalid, because they need a file. */
    private static final Set<String> FILE_OPERATIONS = Set.of("getContent", "putContent",
            "reader", "writeStream", "move from", "move to", "delete", "writer", "redirectUrl");

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void assertRejectsInvalidPaths(StorageDriver driver, String checker) {
        client.putContent(path("valid"), utf8("x"));
        operations(driver).forEach((name, operation) -> {
            for (String invalid : INVALID_PATHS) {
                InvalidPathException e = assertThrows(InvalidPathException.class,
                        () -> operation.accept(invalid),
                        checker + ": " + name + " of \"" + invalid + "\"");
                assertEquals(invalid, e.path(), checker + ": path of the exception of " + name);
            }
        });
        assertArrayEquals(utf8("x"), client.getContent(path("valid")), "content of valid");
    }

    private void assertRejectsRootForFiles(StorageDriver driver, String checker) {
        client.putContent(path("valid"), utf8("x"));
        operations(driver).forEach((name, operation) -> {
            if (FILE_OPERATIONS.contains(name)) {
                InvalidPathException e = assertThrows(InvalidPathException.class,
                        () -> operation.accept("/"), checker + ": " + name + " of /");
                assertEquals("/", e.path(), checker + ": path of the exception of " + name);
            }
        });
    }

    /**
     * The driver sends its error response for an invalid path before it reads the content. It
     * must then discard the rest, so that content larger than the stream window does not block
     * the client.
     */
    @Test
    void driverAnswersInvalidPathBeforeLargeContent() {
        String invalid = base + "//large";

        InvalidPathException put = assertThrows(InvalidPathException.class,
                () -> client.unchecked().putContent(invalid, PatternContent.bytes(16, LARGE)));
        InvalidPathException stream = assertThrows(InvalidPathException.class,
                () -> client.unchecked().writeStream(invalid, 0,
                        PatternContent.stream(16, 0, LARGE)));

        assertEquals(invalid, put.path(), "path of the putContent error");
        assertEquals(invalid, stream.path(), "path of the writeStream error");
        client.putContent(path("after"), utf8("x"));
        assertArrayEquals(utf8("x"), client.getContent(path("after")), "content after");
    }

    @Test
    void clientRejectsInvalidPaths() {
        assertRejectsInvalidPaths(client, "client");
    }

    @Test
    void clientRejectsRootAsFile() {
        assertRejectsRootForFiles(client, "client");
    }

    @Test
    void driverRejectsInvalidPaths() {
        assertRejectsInvalidPaths(client.unchecked(), "driver " + client.name());
    }

    @Test
    void driverRejectsRootAsFile() {
        assertRejectsRootForFiles(client.unchecked(), "driver " + client.name());
    }
}
