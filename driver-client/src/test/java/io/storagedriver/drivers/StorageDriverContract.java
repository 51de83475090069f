package io.storagedriver.drivers;

import static java.nio.charset.StandardCharsets.UTF_8;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The semantics of every storage operation and of the path rules, run against each driver
 * called directly as a {@link StorageDriver}.
 */
abstract class StorageDriverContract {
    static final List<String> INVALID_PATHS = List.of("", "a", "a/b", "//", "/a//b", "/a/",
            "/.", "/..", "/a/./b", "/a/../b", "/a b", "/\u00e4", "/a\u0000b", "/a\\b", "/a:b");

    StorageDriver driver;

    /** Returns a new, empty store. */
    abstract StorageDriver newDriver() throws IOException;

    @BeforeEach
    void createDriver() throws IOException {
        driver = newDriver();
    }

    static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }

    String content(String path) {
        return new String(driver.getContent(path), UTF_8);
    }

    static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    // Path rules

    @Test
    void invalidPathsRejectedByEveryOperation() {
        for (String path : INVALID_PATHS) {
            List<Executable> calls = List.of(
                    () -> driver.getContent(path),
                    () -> driver.putContent(path, bytes("x")),
                    () -> driver.reader(path, 0),
                    () -> driver.writeStream(path, 0, new ByteArrayInputStream(bytes("x"))),
                    () -> driver.stat(path),
                    () -> driver.list(path),
                    () -> driver.move(path, "/ok"),
                    () -> driver.move("/ok", path),
                    () -> driver.delete(path),
                    () -> driver.writer(path, false),
                    () -> driver.walk(path, entry -> WalkVisitor.Decision.CONTINUE),
                    () -> driver.redirectUrl(path));
            for (Executable call : calls) {
                assertThrows(InvalidPathException.class, call, "path \"" + path + "\"");
            }
        }
    }

    @Test
    void rootRejectedWhereAFileIsExpected() {
        driver.putContent("/ok", bytes("x"));
        List<Executable> calls = List.of(
                () -> driver.getContent("/"),
                () -> driver.putContent("/", bytes("x")),
                () -> driver.reader("/", 0),
                () -> driver.writeStream("/", 0, new ByteArrayInputStream(bytes("x"))),
                () -> driver.move("/", "/a"),
                () -> driver.move("/ok", "/"),
                () -> driver.delete("/"),
                () -> driver.writer("/", false),
                () -> driver.redirectUrl("/"));
        for (Executable call : calls) {
            assertThrows(InvalidPathException.class, call);
        }
        assertEquals("x", content("/ok"));
    }

    @Test
    void rootOfEmptyStoreExistsAndIsEmpty() {
        FileInfo root = driver.stat("/");
        assertTrue(root.isDirectory());
        assertEquals(0, root.size());
        assertEquals("/", root.path());
        assertEquals(List.of(), driver.list("/"));
        List<FileInfo> visited = new ArrayList<>();
        driver.walk("/", entry -> {
            visited.add(entry);
            return WalkVisitor.Decision.CONTINUE;
        });
        assertEquals(List.of(), visited);
    }

    @Test
    void allowedCharactersWork() {
        String path = "/A-Z_a.z/0-9/.hidden/x..y";
        driver.putContent(path, bytes("ok"));
        assertEquals("ok", content(path));
    }

    // GetContent and PutContent

    @Test
    void putThenGetReturnsSameBytes() {
        byte[] binary = randomBytes(300_000, 1);
        driver.putContent("/a/b/blob", binary);
        assertArrayEquals(binary, driver.getContent("/a/b/blob"));
    }

    @Test
    void putEmptyContentStoresEmptyFile() {
        driver.putContent("/empty", new byte[0]);
        assertEquals(0, driver.getContent("/empty").length);
        assertEquals(0, driver.stat("/empty").size());
        assertFalse(driver.stat("/empty").isDirectory());
    }

    @Test
    void putReplacesExistingFile() {
        driver.putContent("/f", bytes("a longer old content"));
        driver.putContent("/f", bytes("new"));
        assertEquals("new", content("/f"));
        assertEquals(3, driver.stat("/f").size());
    }

    @Test
    void putCreatesParentDirectories() {
        driver.putContent("/a/b/c", bytes("x"));
        assertTrue(driver.stat("/a").isDirectory());
        assertTrue(driver.stat("/a/b").isDirectory());
        assertEquals(List.of("/a"), driver.list("/"));
    }

    @Test
    void putToDirectoryIsInvalidPath() {
        driver.putContent("/a/b", bytes("x"));
        assertThrows(InvalidPathException.class, () -> driver.putContent("/a", bytes("y")));
        assertEquals("x", content("/a/b"));
    }

    @Test
    void putBelowFileIsInvalidPath() {
        driver.putContent("/a", bytes("x"));
        assertThrows(InvalidPathException.class, () -> driver.putContent("/a/b", bytes("y")));
        assertEquals("x", content("/a"));
    }

    @Test
    void getContentOfMissingPathIsNotFound() {
        assertThrows(PathNotFoundException.class, () -> driver.getContent("/missing"));
        assertThrows(PathNotFoundException.class, () -> driver.getContent("/missing/below"));
    }

    @Test
    void getContentOfDirectoryIsNotFound() {
        driver.putContent("/dir/f", bytes("x"));
        assertThrows(PathNotFoundException.class, () -> driver.getContent("/dir"));
    }

    @Test
    void getContentBelowFileIsNotFound() {
        driver.putContent("/f", bytes("x"));
        assertThrows(PathNotFoundException.class, () -> driver.getContent("/f/g"));
    }

    // Reader

    @Test
    void readerReturnsFileFromOffset() throws IOException {
        driver.putContent("/f", bytes("0123456789"));
        try (InputStream in = driver.reader("/f", 0)) {
            assertEquals("0123456789", new String(in.readAllBytes(), UTF_8));
        }
        try (InputStream in = driver.reader("/f", 4)) {
            assertEquals("456789", new String(in.readAllBytes(), UTF_8));
        }
    }

    @Test
    void readerAtSizeIsEmpty() throws IOException {
        driver.putContent("/f", bytes("0123"));
        try (InputStream in = driver.reader("/f", 4)) {
            assertEquals(-1, in.read());
        }
    }

    @Test
    void readerPastSizeIsInvalidOffset() {
        driver.putContent("/f", bytes("0123"));
        InvalidOffsetException e =
                assertThrows(InvalidOffsetException.class, () -> driver.reader("/f", 5));
        assertEquals(5, e.offset());
        assertEquals("/f", e.path());
    }

    @Test
    void readerNegativeOffsetIsInvalidOffset() {
        driver.putContent("/f", bytes("0123"));
        assertThrows(InvalidOffsetException.class, () -> driver.reader("/f", -1));
    }

    @Test
    void readerOfMissingOrDirectoryIsNotFound() {
        driver.putContent("/dir/f", bytes("x"));
        assertThrows(PathNotFoundException.class, () -> driver.reader("/missing", 0));
        assertThrows(PathNotFoundException.class, () -> driver.reader("/dir", 0));
    }

    @Test
    void readerOfLargeFileStreamsAllBytes() throws IOException {
        byte[] large = randomBytes(5 * 1024 * 1024 + 17, 2);
        driver.putContent("/large", large);
        try (InputStream in = driver.reader("/large", 1000)) {
            byte[] read = in.readAllBytes();
            assertEquals(large.length - 1000, read.length);
            assertArrayEquals(Arrays.copyOfRange(large, 1000, large.length), read);
        }
    }

    // WriteStream

    @Test
    void writeStreamCreatesMissingFileAtZero() {
        long written = driver.writeStream("/new/f", 0, new ByteArrayInputStream(bytes("abc")));
        assertEquals(3, written);
        assertEquals("abc", content("/new/f"));
        assertTrue(driver.stat("/new").isDirectory());
    }

    @Test
    void writeStreamAppendsAtSize() {
        driver.putContent("/f", bytes("abc"));
        assertEquals(3, driver.writeStream("/f", 3, new ByteArrayInputStream(bytes("def"))));
        assertEquals("abcdef", content("/f"));
        assertEquals(6, driver.currentSize("/f"));
    }

    @Test
    void writeStreamInsideFileKeepsBytesBeyond() {
        driver.putContent("/f", bytes("0123456789"));
        assertEquals(3, driver.writeStream("/f", 2, new ByteArrayInputStream(bytes("abc"))));
        assertEquals("01abc56789", content("/f"));
    }

    @Test
    void writeStreamPastSizeIsInvalidOffset() {
        driver.putContent("/f", bytes("abc"));
        assertThrows(InvalidOffsetException.class,
                () -> driver.writeStream("/f", 4, new ByteArrayInputStream(bytes("x"))));
        assertThrows(InvalidOffsetException.class,
                () -> driver.writeStream("/missing", 1, new ByteArrayInputStream(bytes("x"))));
        assertThrows(InvalidOffsetException.class,
                () -> driver.writeStream("/f", -1, new ByteArrayInputStream(bytes("x"))));
        assertEquals("abc", content("/f"));
        assertThrows(PathNotFoundException.class, () -> driver.stat("/missing"));
    }

    @Test
    void writeStreamToDirectoryIsInvalidPath() {
        driver.putContent("/dir/f", bytes("x"));
        assertThrows(InvalidPathException.class,
                () -> driver.writeStream("/dir", 0, new ByteArrayInputStream(bytes("x"))));
    }

    @Test
    void writeStreamKeepsBytesBeforeFailure() {
        driver.putContent("/f", bytes("abc"));
        InputStream failing = new FailingStream(bytes("defgh"));
        assertThrows(RuntimeException.class, () -> driver.writeStream("/f", 3, failing));
        assertEquals("abcdefgh", content("/f"));
        assertEquals(8, driver.currentSize("/f"));
    }

    @Test
    void writeStreamOfLargeContentIsComplete() throws IOException {
        byte[] large = randomBytes(8 * 1024 * 1024 + 5, 3);
        long written = driver.writeStream("/large", 0, new ByteArrayInputStream(large));
        assertEquals(large.length, written);
        assertArrayEquals(large, driver.getContent("/large"));
    }

    /** Returns its bytes and then fails, like a source that breaks midway. */
    static final class FailingStream extends InputStream {
        private final InputStream data;

        FailingStream(byte[] bytes) {
            this.data = new ByteArrayInputStream(bytes);
        }

        @Override
        public int read() throws IOException {
            int b = data.read();
            if (b < 0) {
                throw new IOException("source failed");
            }
            return b;
        }

        @Override
        public int read(byte[] target, int offset, int length) throws IOException {
            int n = data.read(target, offset, length);
            if (n < 0) {
                throw new IOException("source failed");
            }
            return n;
        }
    }

    // Stat

    @Test
    void statOfFileGivesSizeAndTime() {
        Instant before = Instant.now().minusSeconds(2);
        driver.putContent("/a/f", bytes("12345"));
        Instant after = Instant.now().plusSeconds(2);
        FileInfo info = driver.stat("/a/f");
        assertEquals("/a/f", info.path());
        assertEquals(5, info.size());
        assertFalse(info.isDirectory());
        assertTrue(info.modificationTime().isAfter(before), info.modificationTime().toString());
        assertTrue(info.modificationTime().isBefore(after), info.modificationTime().toString());
    }

    @Test
    void statOfDirectoryHasSizeZero() {
        driver.putContent("/a/f", bytes("12345"));
        FileInfo info = driver.stat("/a");
        assertEquals("/a", info.path());
        assertEquals(0, info.size());
        assertTrue(info.isDirectory());
    }

    @Test
    void statOfMissingPathIsNotFound() {
        driver.putContent("/a/f", bytes("x"));
        assertThrows(PathNotFoundException.class, () -> driver.stat("/b"));
        assertThrows(PathNotFoundException.class, () -> driver.stat("/a/g"));
        assertThrows(PathNotFoundException.class, () -> driver.stat("/a/f/g"));
    }

    @Test
    void currentSizeOfDirectoryIsNotFound() {
        driver.putContent("/a/f", bytes("x"));
        assertThrows(PathNotFoundException.class, () -> driver.currentSize("/a"));
    }

    // List

    @Test
    void listGivesDirectChildrenAsFullPaths() {
        driver.putContent("/a/f1", bytes("x"));
        driver.putContent("/a/f2", bytes("x"));
        driver.putContent("/a/sub/f3", bytes("x"));
        driver.putContent("/b", bytes("x"));
        assertEquals(Set.of("/a/f1", "/a/f2", "/a/sub"), new TreeSet<>(driver.list("/a")));
        assertEquals(Set.of("/a", "/b"), new TreeSet<>(driver.list("/")));
        assertEquals(List.of("/a/sub/f3"), driver.list("/a/sub"));
    }

    @Test
    void listOfMissingPathOrFileIsNotFound() {
        driver.putContent("/a/f", bytes("x"));
        assertThrows(PathNotFoundException.class, () -> driver.list("/missing"));
        assertThrows(PathNotFoundException.class, () -> driver.list("/a/f"));
    }

    // Move

    @Test
    void moveRenamesFileAndCreatesParents() {
        driver.putContent("/src/f", bytes("content"));
        driver.move("/src/f", "/dst/deep/f");
        assertEquals("content", content("/dst/deep/f"));
        assertThrows(PathNotFoundException.class, () -> driver.stat("/src/f"));
    }

    @Test
    void moveReplacesDestination() {
        driver.putContent("/src", bytes("new"));
        driver.putContent("/dst", bytes("old and longer"));
        driver.move("/src", "/dst");
        assertEquals("new", content("/dst"));
        assertThrows(PathNotFoundException.class, () -> driver.stat("/src"));
    }

    @Test
    void moveOfMissingSourceLeavesDestination() {
        driver.putContent("/dst", bytes("kept"));
        assertThrows(PathNotFoundException.class, () -> driver.move("/missing", "/dst"));
        assertEquals("kept", content("/dst"));
    }

    @Test
    void moveRemovesEmptiedSourceDirectories() {
        driver.putContent("/src/a/f", bytes("x"));
        driver.putContent("/keep/g", bytes("y"));
        driver.move("/src/a/f", "/dst");
        assertThrows(PathNotFoundException.class, () -> driver.stat("/src"));
        assertEquals(Set.of("/dst", "/keep"), new TreeSet<>(driver.list("/")));
    }

    @Test
    void moveOfDirectoryIsNotFound() {
        driver.putContent("/dir/f", bytes("x"));
        assertThrows(PathNotFoundException.class, () -> driver.move("/dir", "/other"));
        assertEquals("x", content("/dir/f"));
    }

    @Test
    void moveOntoDirectoryIsInvalidPath() {
        driver.putContent("/f", bytes("x"));
        driver.putContent("/dir/g", bytes("y"));
        assertThrows(InvalidPathException.class, () -> driver.move("/f", "/dir"));
        assertEquals("x", content("/f"));
        assertEquals("y", content("/dir/g"));
    }

    @Test
    void moveOntoItselfKeepsFile() {
        driver.putContent("/f", bytes("x"));
        driver.move("/f", "/f");
        assertEquals("x", content("/f"));
    }

    // Delete

    @Test
    void deleteRemovesFile() {
        driver.putContent("/f", bytes("x"));
        driver.delete("/f");
        assertThrows(PathNotFoundException.class, () -> driver.stat("/f"));
        assertEquals(List.of(), driver.list("/"));
    }

    @Test
    void deleteRemovesExactlyTheSubtree() {
        driver.putContent("/a/b/f", bytes("x"));
        driver.putContent("/a/b/sub/g", bytes("x"));
        driver.putContent("/a/bc", bytes("y"));
        driver.putContent("/a/b.c/h", bytes("z"));
        driver.delete("/a/b");
        assertThrows(PathNotFoundException.class, () -> driver.stat("/a/b"));
        assertThrows(PathNotFoundException.class, () -> driver.stat("/a/b/sub/g"));
        assertEquals("y", content("/a/bc"));
        assertEquals("z", content("/a/b.c/h"));
        assertEquals(Set.of("/a/b.c", "/a/bc"), new TreeSet<>(driver.list("/a")));
    }

    @Test
    void deleteOfMissingPathIsNotFound() {
        assertThrows(PathNotFoundException.class, () -> driver.delete("/missing"));
        driver.putContent("/f", bytes("x"));
        assertThrows(PathNotFoundException.class, () -> driver.delete("/f/below"));
    }

    @Test
    void deleteRemovesEmptiedParentsButNotRoot() {
        driver.putContent("/a/b/c/f", bytes("x"));
        driver.putContent("/a/other", bytes("y"));
        driver.delete("/a/b/c/f");
        assertThrows(PathNotFoundException.class, () -> driver.stat("/a/b"));
        assertEquals(List.of("/a/other"), driver.list("/a"));
        driver.delete("/a/other");
        assertThrows(PathNotFoundException.class, () -> driver.stat("/a"));
        assertTrue(driver.stat("/").isDirectory());
        assertEquals(List.of(), driver.list("/"));
    }

    // Walk

    @Test
    void walkVisitsDepthFirstInByteOrder() {
        for (String path : List.of("/b/z", "/b/a-", "/b/a.b/f", "/b/a0", "/b/B", "/b/_x",
                "/b/a", "/a", "/c/d/e")) {
            driver.putContent(path, bytes(path));
        }
        List<String> visited = new ArrayList<>();
        driver.walk("/", entry -> {
            visited.add(entry.path());
            return WalkVisitor.Decision.CONTINUE;
        });
        assertEquals(List.of("/a", "/b", "/b/B", "/b/_x", "/b/a", "/b/a-", "/b/a.b",
                "/b/a.b/f", "/b/a0", "/b/z", "/c", "/c/d", "/c/d/e"), visited);
    }

    @Test
    void walkEntriesCarryStatFields() {
        driver.putContent("/d/f", bytes("12345"));
        List<FileInfo> visited = new ArrayList<>();
        driver.walk("/", entry -> {
            visited.add(entry);
            return WalkVisitor.Decision.CONTINUE;
        });
        assertEquals(2, visited.size());
        assertEquals(driver.stat("/d"), visited.get(0));
        assertEquals(driver.stat("/d/f"), visited.get(1));
        assertEquals(5, visited.get(1).size());
        assertTrue(visited.get(0).isDirectory());
    }

    @Test
    void walkOfSubdirectoryLeavesItOut() {
        driver.putContent("/a/b/f", bytes("x"));
        driver.putContent("/a/g", bytes("x"));
        driver.putContent("/z", bytes("x"));
        List<String> visited = new ArrayList<>();
        driver.walk("/a", entry -> {
            visited.add(entry.path());
            return WalkVisitor.Decision.CONTINUE;
        });
        assertEquals(List.of("/a/b", "/a/b/f", "/a/g"), visited);
    }

    @Test
    void walkSkipsContentsWhenAsked() {
        driver.putContent("/a/f", bytes("x"));
        driver.putContent("/b/g", bytes("x"));
        driver.putContent("/c", bytes("x"));
        List<String> visited = new ArrayList<>();
        driver.walk("/", entry -> {
            visited.add(entry.path());
            return entry.path().equals("/a")
                    ? WalkVisitor.Decision.SKIP_CONTENTS : WalkVisitor.Decision.CONTINUE;
        });
        assertEquals(List.of("/a", "/b", "/b/g", "/c"), visited);
    }

    @Test
    void walkOfMissingPathOrFileIsNotFound() {
        driver.putContent("/f", bytes("x"));
        Consumer<String> walk = path -> driver.walk(path, entry -> WalkVisitor.Decision.CONTINUE);
        assertThrows(PathNotFoundException.class, () -> walk.accept("/missing"));
        assertThrows(PathNotFoundException.class, () -> walk.accept("/f"));
    }

    // RedirectURL

    @Test
    void redirectUrlIsEmpty() {
        driver.putContent("/f", bytes("x"));
        assertEquals("", driver.redirectUrl("/f"));
        assertEquals("", driver.redirectUrl("/missing"));
    }

    // Writer

    @Test
    void writerCommitMakesContentVisible() {
        FileWriter writer = driver.writer("/w/f", false);
        assertEquals(0, writer.size());
        writer.write(bytes("hello "));
        writer.write(bytes("xworldx"), 1, 5);
        assertEquals(11, writer.size());
        assertThrows(PathNotFoundException.class, () -> driver.stat("/w/f"));
        writer.commit();
        assertEquals("hello world", content("/w/f"));
    }

    @Test
    void writerLeavesCommittedFileUntilCommit() {
        driver.putContent("/f", bytes("old"));
        FileWriter writer = driver.writer("/f", false);
        writer.write(bytes("new content"));
        assertEquals("old", content("/f"));
        writer.close();
        assertEquals("old", content("/f"));
        FileWriter resumed = driver.writer("/f", true);
        resumed.commit();
        assertEquals("new content", content("/f"));
    }

    @Test
    void writerClosedThenAppendedResumes() {
        FileWriter first = driver.writer("/f", false);
        first.write(bytes("hello"));
        first.close();
        assertThrows(PathNotFoundException.class, () -> driver.stat("/f"));
        FileWriter second = driver.writer("/f", true);
        assertEquals(5, second.size());
        second.write(bytes(" world"));
        second.commit();
        assertEquals("hello world", content("/f"));
    }

    @Test
    void writerAppendWithoutKeptContentStartsFromFile() {
        driver.putContent("/f", bytes("committed"));
        FileWriter writer = driver.writer("/f", true);
        assertEquals(9, writer.size());
        writer.write(bytes("+more"));
        writer.commit();
        assertEquals("committed+more", content("/f"));
    }

    @Test
    void writerAppendWithNothingStartsEmpty() {
        FileWriter writer = driver.writer("/f", true);
        assertEquals(0, writer.size());
        writer.write(bytes("x"));
        writer.commit();
        assertEquals("x", content("/f"));
    }

    @Test
    void writerWithoutAppendDiscardsKeptContent() {
        driver.putContent("/f", bytes("committed"));
        FileWriter first = driver.writer("/f", false);
        first.write(bytes("kept"));
        first.close();
        FileWriter second = driver.writer("/f", false);
        assertEquals(0, second.size());
        second.close();
        FileWriter third = driver.writer("/f", true);
        assertEquals(0, third.size());
        third.cancel();
        assertEquals("committed", content("/f"));
    }

    @Test
    void writerCancelDiscardsContent() {
        driver.putContent("/f", bytes("committed"));
        FileWriter first = driver.writer("/f", false);
        first.write(bytes("kept"));
        first.close();
        FileWriter second = driver.writer("/f", true);
        second.write(bytes("more"));
        second.cancel();
        assertEquals("committed", content("/f"));
        FileWriter third = driver.writer("/f", true);
        assertEquals(9, third.size());
        third.close();
    }

    @Test
    void writerCommitReplacesFileAndForgetsState() {
        driver.putContent("/f", bytes("a much longer old content"));
        FileWriter writer = driver.writer("/f", false);
        writer.write(bytes("new"));
        writer.commit();
        assertEquals("new", content("/f"));
        FileWriter next = driver.writer("/f", true);
        assertEquals(3, next.size());
        next.cancel();
    }

    @Test
    void writerRejectsCallsAfterEnd() {
        FileWriter writer = driver.writer("/f", false);
        writer.write(bytes("x"));
        writer.commit();
        assertThrows(IllegalStateException.class, () -> writer.write(bytes("y")));
        assertThrows(IllegalStateException.class, writer::commit);
        assertThrows(IllegalStateException.class, writer::cancel);
        writer.close();
        assertEquals("x", content("/f"));
    }

    @Test
    void writerKeepsPathsApart() {
        FileWriter parent = driver.writer("/a", false);
        parent.write(bytes("parent"));
        parent.close();
        FileWriter child = driver.writer("/b/c", false);
        child.write(bytes("child"));
        child.close();
        FileWriter resumedParent = driver.writer("/a", true);
        assertEquals(6, resumedParent.size());
        resumedParent.close();
        FileWriter resumedChild = driver.writer("/b/c", true);
        assertEquals(5, resumedChild.size());
        resumedChild.commit();
        assertEquals("child", content("/b/c"));
    }

    @Test
    void writerOnDirectoryIsInvalidPath() {
        driver.putContent("/dir/f", bytes("x"));
        assertThrows(InvalidPathException.class, () -> driver.writer("/dir", false));
    }

    @Test
    void deleteDiscardsContentKeptByWriters() {
        FileWriter writer = driver.writer("/uploads/u1/data", false);
        writer.write(bytes("partial"));
        writer.close();
        driver.putContent("/uploads/u1/info", bytes("x"));
        driver.delete("/uploads/u1");
        FileWriter resumed = driver.writer("/uploads/u1/data", true);
        assertEquals(0, resumed.size());
        resumed.cancel();
    }

    @Test
    void deleteLeavesOpenWriterAlone() {
        driver.putContent("/uploads/u1/info", bytes("x"));
        FileWriter writer = driver.writer("/uploads/u1/data", false);
        writer.write(bytes("in progress"));
        driver.delete("/uploads/u1");
        writer.write(bytes(", done"));
        writer.commit();
        assertEquals("in progress, done", content("/uploads/u1/data"));
    }

    // Concurrency

    @Test
    void concurrentCallsKeepTreeConsistent() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 200; i++) {
                        String path = "/shared/d" + (i % 4) + "/f" + thread;
                        driver.putContent(path, bytes("value " + i));
                        try {
                            assertTrue(content(path).startsWith("value "));
                            driver.list("/shared");
                            driver.delete("/shared/d" + ((i + thread) % 4));
                        } catch (PathNotFoundException e) {
                            // Another thread deleted the directory first.
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        List<String> directories;
        try {
            directories = driver.list("/shared");
        } catch (PathNotFoundException e) {
            directories = List.of();
        }
        for (String directory : directories) {
            assertFalse(driver.list(directory).isEmpty(), "empty directory " + directory);
        }
    }
}
