package io.storagedriver.drivers;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;

/**
 * The content that the writers of {@link FilesystemDriver} hold, in {@code writers/} of the
 * staging directory: the file {@code writers/<path>/@writer} for the path {@code <path>}. A
 * writer appends to that file in place, so its content survives a crash of the driver too.
 *
 * <p>{@link #discardBelow} skips the files of writers that are open in this process, so a delete
 * only discards the content of closed writers. One lock guards the set of open writers and
 * every creation and removal of files and directories below {@code writers/}; the copy of a
 * committed file runs outside it.
 */
final class WriterStaging {
    private final Path writersDirectory;
    private final Object lock = new Object();
    /** Paths with open writers and how many; guarded by {@link #lock}. */
    private final Map<String, Integer> openPaths = new HashMap<>();

    WriterStaging(Path writersDirectory) {
        this.writersDirectory = writersDirectory;
    }

    /** Returns the file that contains the content of the writers for path. */
    Path keptFile(String path) {
        return writersDirectory.resolve(path.substring(1)).resolve(FilesystemTree.WRITER_FILE_NAME);
    }

    /**
     * Registers an open writer for path and opens its file for appending. Without append the
     * kept content is discarded. With append and no kept content, the committed file, if any,
     * is copied in first, through a temporary file so that a crash leaves no partial copy.
     *
     * @param committed the committed file at path, or null when there is none
     * @param temporary an unused temporary file name on the same file system
     */
    FileChannel open(String path, boolean append, Path committed, Path temporary)
            throws IOException {
        Path keptFile = keptFile(path);
        synchronized (lock) {
            openPaths.merge(path, 1, Integer::sum);
        }
        try {
            synchronized (lock) {
                if (!append) {
                    Files.deleteIfExists(keptFile);
                }
                if (!append || committed == null || Files.exists(keptFile)) {
                    Files.createDirectories(keptFile.getParent());
                    return FileChannel.open(
                            keptFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                }
            }
            try {
                Files.copy(committed, temporary, LinkOption.NOFOLLOW_LINKS);
                try (FileChannel copy = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                    copy.force(true);
                }
                synchronized (lock) {
                    Files.createDirectories(keptFile.getParent());
                    Files.move(temporary, keptFile, StandardCopyOption.ATOMIC_MOVE);
                    return FileChannel.open(keptFile, StandardOpenOption.WRITE);
                }
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException | RuntimeException e) {
            release(path);
            throw e;
        }
    }

    /**
     * Unregisters a writer that has ended, and removes the directories of its file that became
     * empty when commit or cancel removed the file.
     */
    void release(String path) {
        synchronized (lock) {
            openPaths.computeIfPresent(path, (key, count) -> count == 1 ? null : count - 1);
            Path directory = keptFile(path).getParent();
            if (!Files.exists(keptFile(path), LinkOption.NOFOLLOW_LINKS)) {
                removeEmptyDirectories(directory);
            }
        }
    }

    /** Discards the content of closed writers at path and at every path below it. */
    void discardBelow(String path) throws IOException {
        Path top = writersDirectory.resolve(path.substring(1));
        synchronized (lock) {
            if (!Files.isDirectory(top, LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            Files.walkFileTree(top, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
                        throws IOException {
                    if (!openPaths.containsKey(pathOf(file))) {
                        Files.deleteIfExists(file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path directory, IOException e) {
                    try {
                        Files.deleteIfExists(directory);
                    } catch (IOException notEmpty) {
                        // It contains the file of an open writer.
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
            removeEmptyDirectories(top.getParent());
        }
    }

    /** Returns the storage path whose writer keeps its content in file. */
    private String pathOf(Path file) {
        Path relative = writersDirectory.relativize(file.getParent());
        StringBuilder path = new StringBuilder();
        for (Path name : relative) {
            path.append('/').append(name);
        }
        return path.toString();
    }

    /** Removes directory and its parents while they are empty, up to the writers directory. */
    private void removeEmptyDirectories(Path directory) {
        Path current = directory;
        while (current != null && !current.equals(writersDirectory)
                && current.startsWith(writersDirectory)) {
            try {
                Files.delete(current);
            } catch (NoSuchFileException e) {
                // Already gone; its parent may be empty too.
            } catch (DirectoryNotEmptyException e) {
                return;
            } catch (IOException e) {
                return;
            }
            current = current.getParent();
        }
    }
}
