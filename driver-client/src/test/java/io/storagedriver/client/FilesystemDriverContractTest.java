package io.storagedriver.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.storagedriver.InvalidPathException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The operations contract against the bundled filesystem driver, launched as a child JVM, plus
 * the checks of where its files land and of its reserved staging directory.
 */
class FilesystemDriverContractTest extends DriverContract {
    private static final String STAGING = "/.storagedriver-staging";

    private Path root;

    @Override
    DriverOptions.Builder options() throws IOException {
        root = Files.createTempDirectory("filesystem-contract");
        return TestDriverOptions.filesystem(root);
    }

    @AfterAll
    void deleteRoot() throws IOException {
        if (root == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    @Test
    void putContentWritesFileBelowRootDirectory() throws IOException {
        client.putContent(path("dir/file"), utf8("on disk"));

        Path file = root.resolve(base.substring(1)).resolve("dir/file");
        assertArrayEquals(utf8("on disk"), Files.readAllBytes(file), "bytes of " + file);
    }

    @Test
    void stagingDirectoryIsNotListed() {
        client.putContent(path("file"), utf8("x"));

        List<String> children = client.list("/");

        assertFalse(children.contains(STAGING), "list / contains " + STAGING + ": " + children);
    }

    @Test
    void stagingDirectoryPathIsRejectedByDriver() {
        String reserved = STAGING + "/tmp/file";

        InvalidPathException e =
                assertThrows(InvalidPathException.class, () -> client.getContent(reserved));

        assertEquals(reserved, e.path(), "path of the exception");
    }
}
