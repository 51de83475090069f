package io.storagedriver.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.storagedriver.InvalidPathException;
import io.storagedriver.PathNotFoundException;
import io.storagedriver.StorageDriver;
import io.storagedriver.StorageDriverException;
import io.storagedriver.StoragePaths;
import io.storagedriver.WalkVisitor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launched filesystem driver keeps every request inside its root directory: paths with
 * {@code ..}, {@code .} or empty components are rejected on the wire, absolute host paths name
 * files below the root, and symbolic links that lead outside are never followed, for reads,
 * writes, moves, deletes, listings and walks. The requests go out through {@link
 * DriverClient#unchecked()}, so the driver process itself must reject them.
 */
@Timeout(60)
class FilesystemEscapeTest {
    private static final byte[] OUTSIDE_CONTENT = "outside".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path directory;

    private Path root;
    private Path outside;
    private DriverClient client;
    private StorageDriver unchecked;

    @BeforeEach
    void start() throws IOException {
        root = directory.resolve("root");
        outside = Files.createDirectories(directory.resolve("outside"));
        Files.write(outside.resolve("secret"), OUTSIDE_CONTENT);
        Files.createDirectories(root);
        Files.createSymbolicLink(root.resolve("escape"), outside);
        Files.createSymbolicLink(root.resolve("filelink"), outside.resolve("secret"));
        client = DriverClient.start(TestDriverOptions.filesystem(root)
                .jvmOptions(TestDriverOptions.QUICK_START)
                .build());
        unchecked = client.unchecked();
        unchecked.putContent("/mine", new byte[] {1});
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
    }

    /** Returns every file below {@code directory} with its content, as relative paths. */
    private static Map<String, String> snapshot(Path directory) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.toList()) {
                String relative = directory.relativize(path).toString();
                if (Files.isSymbolicLink(path)) {
                    files.put(relative, "link to " + Files.readSymbolicLink(path));
                } else if (Files.isRegularFile(path)) {
                    files.put(relative, Files.readString(path, StandardCharsets.ISO_8859_1));
                } else {
                    files.put(relative, "directory");
                }
            }
        }
        return files;
    }

    @Test
    void dotComponentsAreRejectedByDriver() throws IOException {
        Map<String, String> before = snapshot(directory);
        List<String> paths = List.of("/../outside/secret", "/a/../../outside/secret", "/..",
                "/mine/..", "/./mine", "/a/./b", "..", "../outside", "outside/secret",
                "//outside", "/a//b", "/mine/", "");
        List<String> accepted = new ArrayList<>();

        for (String path : paths) {
            List<Consumer<StorageDriver>> calls = List.of(
                    driver -> driver.getContent(path),
                    driver -> driver.putContent(path, OUTSIDE_CONTENT),
                    driver -> driver.writeStream(path, 0,
                            new ByteArrayInputStream(OUTSIDE_CONTENT)),
                    driver -> driver.writer(path, false).close(),
                    driver -> driver.reader(path, 0),
                    driver -> driver.stat(path),
                    driver -> driver.list(path),
                    driver -> driver.delete(path),
                    driver -> driver.move("/mine", path),
                    driver -> driver.move(path, "/moved"),
                    driver -> driver.walk(path, entry -> WalkVisitor.Decision.CONTINUE));
            for (int i = 0; i < calls.size(); i++) {
                int call = i;
                try {
                    calls.get(call).accept(unchecked);
                    accepted.add("call " + call + " on " + path);
                } catch (InvalidPathException e) {
                    assertTrue(e.getMessage().contains("invalid path"),
                            "message of call " + call + " on " + path + ": " + e.getMessage());
                }
            }
        }

        assertEquals(List.of(), accepted, "requests the driver accepted");
        assertEquals(before, snapshot(directory), "files after the rejected requests");
        assertTrue(client.isAlive(), "the driver is alive after the rejected requests");
    }

    @Test
    void absoluteHostPathStaysBelowRoot() throws IOException {
        String hostPath = outside.resolve("secret").toString();
        assumeTrue(StoragePaths.isValid(hostPath), "the temporary directory " + hostPath
                + " is no valid storage path");

        PathNotFoundException e = assertThrows(PathNotFoundException.class,
                () -> unchecked.getContent(hostPath));
        unchecked.putContent(hostPath, new byte[] {9, 9});
        unchecked.delete("/mine");

        assertTrue(e.getMessage().contains(hostPath), "message names the path: "
                + e.getMessage());
        assertArrayEquals(OUTSIDE_CONTENT, Files.readAllBytes(outside.resolve("secret")),
                "content of the file outside the root");
        assertArrayEquals(new byte[] {9, 9}, Files.readAllBytes(root.resolve(hostPath
                .substring(1))), "the file written below the root");
        assertArrayEquals(new byte[] {9, 9}, unchecked.getContent(hostPath),
                "content read back through the driver");
    }

    @Test
    void outsideSymlinksAreNotFollowed() throws IOException {
        Map<String, String> outsideBefore = snapshot(outside);
        List<String> followed = new ArrayList<>();
        List<Consumer<StorageDriver>> calls = List.of(
                driver -> driver.getContent("/escape/secret"),
                driver -> driver.getContent("/filelink"),
                driver -> driver.reader("/escape/secret", 0),
                driver -> driver.reader("/filelink", 0),
                driver -> driver.stat("/escape/secret"),
                driver -> driver.list("/escape"),
                driver -> driver.walk("/escape", entry -> WalkVisitor.Decision.CONTINUE),
                driver -> driver.putContent("/escape/planted", OUTSIDE_CONTENT),
                driver -> driver.putContent("/filelink", new byte[] {0}),
                driver -> driver.writeStream("/escape/planted", 0,
                        new ByteArrayInputStream(OUTSIDE_CONTENT)),
                driver -> driver.writeStream("/filelink", 0,
                        new ByteArrayInputStream(new byte[] {0})),
                driver -> driver.writer("/escape/planted", false).commit(),
                driver -> driver.writer("/filelink", false).commit(),
                driver -> driver.move("/mine", "/escape/moved"),
                driver -> driver.move("/mine", "/filelink"),
                driver -> driver.move("/escape/secret", "/stolen"),
                driver -> driver.move("/filelink", "/stolen"),
                driver -> driver.delete("/escape/secret"),
                driver -> driver.delete("/escape"),
                driver -> driver.delete("/filelink"));

        for (int i = 0; i < calls.size(); i++) {
            try {
                calls.get(i).accept(unchecked);
                followed.add("call " + i);
            } catch (PathNotFoundException | InvalidPathException e) {
                assertFalse(e.getMessage().contains("outside"),
                        "call " + i + " names the link's target: " + e.getMessage());
            }
        }
        List<String> walked = new ArrayList<>();
        unchecked.walk("/", entry -> {
            walked.add(entry.path());
            return WalkVisitor.Decision.CONTINUE;
        });

        assertEquals(List.of(), followed, "calls that went through a link");
        assertEquals(outsideBefore, snapshot(outside), "files outside the root");
        assertEquals(List.of("/mine"), unchecked.list("/"), "listing of the root");
        assertEquals(List.of("/mine"), walked, "walk of the root");
        assertThrows(StorageDriverException.class, () -> unchecked.stat("/stolen"),
                "stat of a move target that must not exist");
    }
}
