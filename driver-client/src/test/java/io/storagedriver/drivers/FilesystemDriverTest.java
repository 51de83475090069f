package io.storagedriver.drivers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.storagedriver.DriverInternalException;
import io.storagedriver.FileWriter;
import io.storagedriver.InvalidParametersException;
import io.storagedriver.InvalidPathException;
import io.storagedriver.PathNotFoundException;
import io.storagedriver.StorageDriver;
import io.storagedriver.WalkVisitor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class FilesystemDriverTest extends StorageDriverContract {
    private static final String STAGING = ".storagedriver-staging";

    @TempDir
    Path temporary;

    Path root;

    @Override
    StorageDriver newDriver() throws IOException {
        root = temporary.resolve("store");
        return FilesystemDriver.open(root);
    }

    private FilesystemDriver reopen() {
        return FilesystemDriver.open(root);
    }

    private List<String> walkAll(StorageDriver walked) {
        List<String> visited = new ArrayList<>();
        walked.walk("/", entry -> {
            visited.add(entry.path());
            return WalkVisitor.Decision.CONTINUE;
        });
        return visited;
    }

    private static long countFiles(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    // Parameters

    @Test
    void missingRootDirectoryIsInvalidParameters() {
        InvalidParametersException e = assertThrows(InvalidParametersException.class,
                () -> FilesystemDriver.factory().create(Map.of()));
        assertTrue(e.getMessage().contains("rootdirectory"), e.getMessage());
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void missingRootDirectoryNamesTheParametersGiven() {
        InvalidParametersException e = assertThrows(InvalidParametersException.class,
                () -> FilesystemDriver.factory().create(
                        Map.of("rootdir", "/secret-value", "mode", "secret-mode")));
        assertEquals("the parameter rootdirectory is missing; set it to the directory in which"
                + " the driver stores its files (the parameters given were: mode, rootdir)",
                e.getMessage());
    }

    @Test
    void emptyRootDirectoryIsInvalidParameters() {
        InvalidParametersException e = assertThrows(InvalidParametersException.class,
                () -> FilesystemDriver.factory().create(Map.of("rootdirectory", " ")));
        assertTrue(e.getMessage().contains("rootdirectory"), e.getMessage());
    }

    @Test
    void rootDirectoryThatIsFileIsInvalidParameters() throws IOException {
        Path file = Files.writeString(temporary.resolve("file"), "x");
        InvalidParametersException e = assertThrows(InvalidParametersException.class,
                () -> FilesystemDriver.factory().create(Map.of("rootdirectory", file.toString())));
        assertTrue(e.getMessage().contains("rootdirectory"), e.getMessage());
    }

    @Test
    void missingRootDirectoryIsCreated() {
        Path nested = temporary.resolve("x/y/z");
        StorageDriver created =
                FilesystemDriver.factory().create(Map.of("rootdirectory", nested.toString()));
        assertEquals("filesystem", created.name());
        assertTrue(Files.isDirectory(nested));
        assertEquals(List.of(), created.list("/"));
    }

    // Layout

    @Test
    void pathsMapBelowRoot() throws IOException {
        driver.putContent("/a/b/file", bytes("on disk"));
        assertEquals("on disk", Files.readString(root.resolve("a/b/file")));
    }

    @Test
    void stagingDirectoryIsInvisible() {
        driver.putContent("/a", bytes("x"));
        FileWriter keptWriter = driver.writer("/b", false);
        keptWriter.write(bytes("kept"));
        keptWriter.close();
        assertTrue(Files.isDirectory(root.resolve(STAGING)));
        assertEquals(List.of("/a"), driver.list("/"));
        assertEquals(List.of("/a"), walkAll(driver));
    }

    @Test
    void stagingNameIsReservedAtTopLevelOnly() {
        String reserved = "/" + STAGING;
        assertThrows(InvalidPathException.class, () -> driver.stat(reserved));
        assertThrows(InvalidPathException.class, () -> driver.list(reserved));
        assertThrows(InvalidPathException.class, () -> driver.getContent(reserved + "/tmp/x"));
        assertThrows(InvalidPathException.class, () -> driver.putContent(reserved + "/x",
                bytes("x")));
        assertThrows(InvalidPathException.class, () -> driver.delete(reserved));
        assertThrows(InvalidPathException.class, () -> driver.writer(reserved + "/w", false));
        driver.putContent("/a" + reserved, bytes("allowed"));
        assertEquals("allowed", content("/a" + reserved));
    }

    @Test
    void nameOverFileSystemLimitNamesTheLimit() {
        String path = "/" + "n".repeat(300);
        for (Executable call : List.<Executable>of(() -> driver.stat(path),
                () -> driver.putContent(path, bytes("x")), () -> driver.getContent(path),
                () -> driver.writer(path, false))) {
            DriverInternalException e = assertThrows(DriverInternalException.class, call);
            assertTrue(e.getMessage().endsWith(" failed: the name " + "n".repeat(16)
                    + "... in the path is 300 bytes long, over the file system's limit of 255"
                    + " bytes per name; use names of at most 255 bytes"), e.getMessage());
            assertFalse(e.getMessage().contains(root.toString()), e.getMessage());
        }
    }

    @Test
    void pathOverOperatingSystemLimitNamesTheLimit() {
        String path = ("/" + "d".repeat(250)).repeat(17);
        for (Executable call : List.<Executable>of(() -> driver.putContent(path, bytes("x")),
                () -> driver.writer(path, false).commit())) {
            DriverInternalException e = assertThrows(DriverInternalException.class, call);
            assertTrue(e.getMessage().endsWith(" failed: together with the root directory, the"
                    + " path is longer than the operating system's limit of 4096 bytes for a"
                    + " file's path; use a shorter path or root directory"), e.getMessage());
            assertFalse(e.getMessage().contains(root.toString()), e.getMessage());
        }
    }

    @Test
    void modificationTimeComesFromFile() throws IOException {
        driver.putContent("/f", bytes("x"));
        Instant fixed = Instant.parse("2023-11-14T22:13:20.123Z");
        Files.setLastModifiedTime(root.resolve("f"), FileTime.from(fixed));
        assertEquals(fixed, driver.stat("/f").modificationTime());
    }

    @Test
    void namesOutsidePathRulesAreInvisible() throws IOException {
        Files.writeString(root.resolve("has space"), "x");
        Files.writeString(root.resolve("ok"), "y");
        assertEquals(List.of("/ok"), driver.list("/"));
        assertEquals(List.of("/ok"), walkAll(driver));
    }

    @Test
    void deleteOfDirectoryLeavesNoTrash() throws IOException {
        driver.putContent("/d/a/f", bytes("x"));
        driver.putContent("/d/b", bytes("y"));
        driver.delete("/d");
        assertEquals(0, countFiles(root.resolve(STAGING)));
        assertEquals(List.of(), driver.list("/"));
    }

    // Symbolic links

    @Test
    void symlinkOutOfRootIsNotFollowed() throws IOException {
        Path outside = Files.createDirectories(temporary.resolve("outside"));
        Files.writeString(outside.resolve("secret"), "secret");
        Files.createSymbolicLink(root.resolve("escape"), outside);
        Files.createSymbolicLink(root.resolve("link"), outside.resolve("secret"));
        driver.putContent("/mine", bytes("x"));

        assertThrows(PathNotFoundException.class, () -> driver.getContent("/escape/secret"));
        assertThrows(PathNotFoundException.class, () -> driver.getContent("/link"));
        assertThrows(PathNotFoundException.class, () -> driver.reader("/link", 0));
        assertThrows(PathNotFoundException.class, () -> driver.stat("/escape"));
        assertThrows(PathNotFoundException.class, () -> driver.list("/escape"));
        assertThrows(PathNotFoundException.class,
                () -> driver.walk("/escape", entry -> WalkVisitor.Decision.CONTINUE));
        assertThrows(PathNotFoundException.class, () -> driver.delete("/escape"));
        assertThrows(PathNotFoundException.class, () -> driver.move("/link", "/stolen"));
        assertEquals(List.of("/mine"), driver.list("/"));
        assertEquals(List.of("/mine"), walkAll(driver));
    }

    @Test
    void writeThroughSymlinkIsInvalidPath() throws IOException {
        Path outside = Files.createDirectories(temporary.resolve("outside"));
        Files.writeString(outside.resolve("secret"), "secret");
        Files.createSymbolicLink(root.resolve("escape"), outside);
        Files.createSymbolicLink(root.resolve("link"), outside.resolve("secret"));
        driver.putContent("/mine", bytes("x"));

        assertThrows(InvalidPathException.class,
                () -> driver.putContent("/escape/planted", bytes("x")));
        assertThrows(InvalidPathException.class,
                () -> driver.putContent("/link", bytes("overwritten")));
        assertThrows(InvalidPathException.class, () -> driver.writeStream("/escape/planted", 0,
                new ByteArrayInputStream(bytes("x"))));
        assertThrows(InvalidPathException.class, () -> driver.writeStream("/link", 0,
                new ByteArrayInputStream(bytes("x"))));
        assertThrows(InvalidPathException.class, () -> driver.writer("/escape/w", false));
        assertThrows(InvalidPathException.class, () -> driver.move("/mine", "/escape/moved"));
        assertThrows(InvalidPathException.class, () -> driver.move("/mine", "/link"));

        assertEquals(List.of("secret"), List.of(outside.toFile().list()));
        assertEquals("secret", Files.readString(outside.resolve("secret")));
        assertEquals("x", content("/mine"));
    }

    // Crash safety

    @Test
    void uncommittedWriterLeavesOldContent() {
        driver.putContent("/f", bytes("old"));
        FileWriter writer = driver.writer("/f", false);
        writer.write(bytes("half of the new content"));
        // The process dies here: no commit and no close.
        FilesystemDriver restarted = reopen();
        assertEquals("old", new String(restarted.getContent("/f"), StandardCharsets.UTF_8));
        FileWriter other = driver.writer("/g", false);
        other.write(bytes("never committed"));
        FilesystemDriver restartedAgain = reopen();
        assertThrows(PathNotFoundException.class, () -> restartedAgain.stat("/g"));
        writer.cancel();
        other.cancel();
    }

    @Test
    void interruptedPutLeavesOldContent() throws IOException {
        driver.putContent("/f", bytes("old"));
        Path tmp = root.resolve(STAGING).resolve("tmp");
        Path half = Files.writeString(tmp.resolve("put-interrupted"), "half of the new");
        Files.setLastModifiedTime(half, FileTime.from(Instant.now().minusSeconds(7200)));
        Path recent = Files.writeString(tmp.resolve("put-recent"), "in progress elsewhere");

        FilesystemDriver restarted = reopen();
        assertEquals("old", new String(restarted.getContent("/f"), StandardCharsets.UTF_8));
        assertEquals(List.of("/f"), restarted.list("/"));
        assertFalse(Files.exists(half), "a stale temporary file is removed at start");
        assertTrue(Files.exists(recent), "a recent temporary file may belong to a running put");
    }

    @Test
    void keptWriterContentSurvivesRestart() {
        FileWriter writer = driver.writer("/upload", false);
        writer.write(bytes("first part"));
        writer.close();
        FilesystemDriver restarted = reopen();
        FileWriter resumed = restarted.writer("/upload", true);
        assertEquals(10, resumed.size());
        resumed.write(bytes(", second"));
        resumed.commit();
        assertEquals("first part, second",
                new String(restarted.getContent("/upload"), StandardCharsets.UTF_8));
    }

    @Test
    void leftoverTrashIsRemovedAtStart() throws IOException {
        Path trash = root.resolve(STAGING).resolve("trash");
        Files.createDirectories(trash.resolve("old/deep"));
        Files.writeString(trash.resolve("old/deep/f"), "x");
        reopen();
        assertEquals(0, countFiles(trash));
    }
}
