package io.storagedriver.maven;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The directory that {@code ${tempdir}} stands for in the parameters of the driver that the goal
 * starts to check the configuration: created on first use, and deleted with its contents on
 * {@link #close()}.
 */
final class TemporaryDirectory implements AutoCloseable {
    private final RunLog log;
    private Path directory;

    TemporaryDirectory(RunLog log) {
        this.log = log;
    }

    /** Returns the directory, creating it on the first call. */
    synchronized Path get() {
        if (directory == null) {
            try {
                directory = Files.createTempDirectory("storagedriver-check-");
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "Failed to create the temporary directory for ${tempdir}", e);
            }
        }
        return directory;
    }

    /** Deletes the directory, if it was created; a failure is only logged. */
    @Override
    public synchronized void close() {
        if (directory == null) {
            return;
        }
        try {
            Files.walkFileTree(directory, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
                        throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException failure)
                        throws IOException {
                    if (failure != null) {
                        throw failure;
                    }
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            log.warn("Failed to delete the temporary directory " + directory + ": " + e);
        }
        directory = null;
    }
}
