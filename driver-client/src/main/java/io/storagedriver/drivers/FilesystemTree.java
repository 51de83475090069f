package io.storagedriver.drivers;

import io.storagedriver.DriverInternalException;
import io.storagedriver.InvalidPathException;
import io.storagedriver.PathNotFoundException;
import io.storagedriver.StoragePaths;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The on-disk layout of {@link FilesystemDriver} and the file operations it is built from.
 *
 * <p>The data tree is the root directory itself: the path {@code /a/b} is the file {@code
 * <root>/a/b}. The top-level name {@value #STAGING_NAME} is reserved for the driver's own files
 * and is neither listed nor reachable through the API:
 *
 * <ul>
 *   <li>{@code tmp/} contains the temporary files of {@code PutContent} and of copies, each renamed
 *       into place once complete;
 *   <li>{@code writers/<path>/@writer} holds the content a writer for {@code <path>} keeps,
 *       where the {@code @}, which no path component can contain, keeps it apart from the
 *       writers of the paths below;
 *   <li>{@code trash/} holds directories that a delete renamed away and is still removing.
 * </ul>
 *
 * <p>The driver does not follow symbolic links. A link, or a file that is neither a regular file
 * nor a directory, is invisible to listing and walking, a read through it finds nothing, and a
 * write through it is an invalid path. The check looks at each component before the operation,
 * so a link that someone swaps in between the check and the operation is followed.
 */
final class FilesystemTree {
    /** The reserved top-level directory of the driver's own files. */
    static final String STAGING_NAME = ".storagedriver-staging";

    /** The name of a writer's kept content inside its directory below {@code writers/}. */
    static final String WRITER_FILE_NAME = "@writer";

    /** Minimum age of the temporary files that a starting driver removes. */
    static final Duration STALE_TEMPORARY_AGE = Duration.ofHours(1);

    /** Maximum attempts of an operation whose directory a concurrent delete removes. */
    static final int RETRY_ATTEMPTS = 10;

    private final String driverName;
    private final Path root;
    private final Path temporaryDirectory;
    private final Path trashDirectory;
    private final WriterStaging writers;

    /** Kinds of entry that {@link #inspect} distinguishes. */
    enum Kind { MISSING, FILE, DIRECTORY, BLOCKED }

    /**
     * The file or directory that a path names on disk.
     *
     * @param attributes the attributes of a file or directory, else null
     * @param obstacle for {@link Kind#BLOCKED}, why the path cannot be used, else null
     */
    record Entry(String path, Path file, Kind kind, BasicFileAttributes attributes,
            String obstacle) {}

    /** A child of a directory as listing and walking show it. */
    record Child(String name, BasicFileAttributes attributes) {}

    FilesystemTree(String driverName, Path root) throws IOException {
        this.driverName = driverName;
        this.root = root;
        Path staging = root.resolve(STAGING_NAME);
        this.temporaryDirectory = Files.createDirectories(staging.resolve("tmp"));
        this.writers = new WriterStaging(Files.createDirectories(staging.resolve("writers")));
        this.trashDirectory = Files.createDirectories(staging.resolve("trash"));
    }

    Path root() {
        return root;
    }

    WriterStaging writers() {
        return writers;
    }

    /** Removes what an earlier process left: the whole trash and stale temporary files. */
    void removeLeftovers() {
        Instant staleBefore = Instant.now().minus(STALE_TEMPORARY_AGE);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(trashDirectory)) {
            for (Path entry : entries) {
                deleteRecursively(entry);
            }
        } catch (IOException e) {
            // Another process may be removing the same entries; the next start tries again.
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(temporaryDirectory)) {
            for (Path entry : entries) {
                if (Files.getLastModifiedTime(entry, LinkOption.NOFOLLOW_LINKS).toInstant()
                        .isBefore(staleBefore)) {
                    Files.deleteIfExists(entry);
                }
            }
        } catch (IOException e) {
            // As above: the files are only garbage, and the next start tries again.
        }
    }

    /**
     * Looks at each component of a valid path without following links. Raises {@link
     * InvalidPathException} for a path in the reserved staging directory.
     */
    Entry inspect(String path) {
        if (path.equals("/")) {
            return new Entry(path, root, Kind.DIRECTORY, attributesOrNull(root), null);
        }
        String[] names = path.substring(1).split("/");
        if (names[0].equals(STAGING_NAME)) {
            throw new InvalidPathException(driverName, path,
                    "the top-level name " + STAGING_NAME + " is reserved by the filesystem driver");
        }
        Path file = root;
        StringBuilder prefix = new StringBuilder();
        for (int i = 0; i < names.length; i++) {
            file = file.resolve(names[i]);
            prefix.append('/').append(names[i]);
            BasicFileAttributes attributes = attributesOrNull(file);
            boolean last = i == names.length - 1;
            if (attributes == null) {
                return new Entry(path, root.resolve(path.substring(1)), Kind.MISSING, null, null);
            }
            if (attributes.isSymbolicLink()) {
                return blocked(path, prefix + " is a symbolic link, which the filesystem driver "
                        + "does not follow");
            }
            if (!attributes.isRegularFile() && !attributes.isDirectory()) {
                return blocked(path, prefix + " is neither a regular file nor a directory");
            }
            if (last) {
                Kind kind = attributes.isDirectory() ? Kind.DIRECTORY : Kind.FILE;
                return new Entry(path, file, kind, attributes, null);
            }
            if (attributes.isRegularFile()) {
                return blocked(path, "the parent " + prefix + " is a file");
            }
        }
        throw new IllegalStateException("unreachable");
    }

    private Entry blocked(String path, String obstacle) {
        return new Entry(path, root.resolve(path.substring(1)), Kind.BLOCKED, null, obstacle);
    }

    /** Returns the regular file at path, or raises {@code PathNotFound}. */
    Entry requireFile(String path) {
        Entry entry = inspect(path);
        switch (entry.kind()) {
            case FILE:
                return entry;
            case DIRECTORY:
                throw new PathNotFoundException(driverName, path, "is a directory, not a file");
            case BLOCKED:
                throw new PathNotFoundException(driverName, path, entry.obstacle());
            default:
                throw new PathNotFoundException(driverName, path);
        }
    }

    /** Returns the directory at path, or raises {@code PathNotFound}. */
    Entry requireDirectory(String path) {
        Entry entry = inspect(path);
        switch (entry.kind()) {
            case DIRECTORY:
                return entry;
            case FILE:
                throw new PathNotFoundException(driverName, path, "is a file, not a directory");
            case BLOCKED:
                throw new PathNotFoundException(driverName, path, entry.obstacle());
            default:
                throw new PathNotFoundException(driverName, path);
        }
    }

    /** Returns the entry at a path that a write may replace or create: a file or nothing. */
    Entry requireWritable(String path) {
        Entry entry = inspect(path);
        if (entry.kind() == Kind.BLOCKED) {
            throw new InvalidPathException(driverName, path, entry.obstacle());
        }
        if (entry.kind() == Kind.DIRECTORY) {
            throw new InvalidPathException(driverName, path, "the path is a directory");
        }
        return entry;
    }

    /**
     * Lists the visible children of a directory: regular files and directories with names that
     * are valid path components, without the staging directory. Sorted by name, which for these
     * ASCII names is also their byte order. A directory removed meanwhile has no children.
     */
    List<Child> children(String directoryPath, Path directory) throws IOException {
        List<Child> children = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (directoryPath.equals("/") && name.equals(STAGING_NAME)) {
                    continue;
                }
                if (StoragePaths.problem("/" + name, false).isPresent()) {
                    continue;
                }
                BasicFileAttributes attributes = attributesOrNull(entry);
                if (attributes != null
                        && (attributes.isRegularFile() || attributes.isDirectory())) {
                    children.add(new Child(name, attributes));
                }
            }
        } catch (NoSuchFileException | NotDirectoryException e) {
            return List.of();
        }
        children.sort((left, right) -> left.name().compareTo(right.name()));
        return children;
    }

    /** Returns a new, unique temporary file name in the staging directory, not yet created. */
    Path newTemporaryFile(String purpose) {
        return temporaryDirectory.resolve(purpose + "-" + UUID.randomUUID());
    }

    /**
     * Creates the missing parent directories of a path, one component at a time so that no
     * symbolic link is followed. Starts again from the root when a concurrent delete removes a
     * directory that this call has just created or found.
     */
    void createParents(String path) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                createParentsOnce(path);
                return;
            } catch (NoSuchFileException e) {
                if (attempt == RETRY_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private void createParentsOnce(String path) throws IOException {
        String[] names = path.substring(1).split("/");
        Path directory = root;
        StringBuilder prefix = new StringBuilder();
        for (int i = 0; i < names.length - 1; i++) {
            directory = directory.resolve(names[i]);
            prefix.append('/').append(names[i]);
            try {
                Files.createDirectory(directory);
            } catch (FileAlreadyExistsException e) {
                BasicFileAttributes attributes = attributesOrNull(directory);
                if (attributes != null && attributes.isSymbolicLink()) {
                    throw new InvalidPathException(driverName, path, prefix
                            + " is a symbolic link, which the filesystem driver does not follow");
                }
                if (attributes != null && !attributes.isDirectory()) {
                    throw new InvalidPathException(driverName, path,
                            "the parent " + prefix + " is a file");
                }
                // A directory, or one removed again this instant; creating its child then
                // raises NoSuchFileException, and createParents starts again.
            }
        }
    }

    /**
     * Renames a complete file in the staging directory to path, replacing the file there in one
     * atomic step, creating parent directories, and syncs the parent directory. Retries when a
     * concurrent delete removes a parent directory that this call has just created.
     */
    void replace(Path staged, String path) throws IOException {
        Path target = root.resolve(path.substring(1));
        for (int attempt = 1; ; attempt++) {
            createParents(path);
            try {
                Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
                syncDirectory(target.getParent());
                return;
            } catch (NoSuchFileException e) {
                if (attempt == RETRY_ATTEMPTS || !Files.exists(staged)) {
                    throw e;
                }
            } catch (AtomicMoveNotSupportedException e) {
                throw new DriverInternalException(driverName, "renaming into " + path
                        + " failed because the file system cannot rename it atomically; the "
                        + "root directory and everything in it must be on one file system",
                        FileErrors.withoutPaths(e));
            } catch (FileSystemException e) {
                if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                    throw new InvalidPathException(driverName, path, "the path is a directory");
                }
                throw e;
            }
        }
    }

    /**
     * Deletes a file or directory tree. A directory is first renamed into the trash, so that its
     * whole subtree disappears from the data tree in one step.
     */
    void deleteTree(Path target, boolean directory) throws IOException {
        if (!directory) {
            Files.delete(target);
            return;
        }
        Path trash = trashDirectory.resolve(UUID.randomUUID().toString());
        try {
            Files.move(target, trash, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            trash = target;
        }
        for (int attempt = 1; ; attempt++) {
            try {
                deleteRecursively(trash);
                return;
            } catch (DirectoryNotEmptyException e) {
                // A rename that had looked up its target directory before the directory moved
                // into the trash can still land there; removing again takes it too.
                if (attempt == RETRY_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /** Removes the empty parent directories of a data path, stopping below the root. */
    void removeEmptyDataParents(String path) {
        Path parent = root.resolve(path.substring(1)).getParent();
        removeEmptyParents(parent, root);
    }

    private static void removeEmptyParents(Path directory, Path stop) {
        Path current = directory;
        while (current != null && !current.equals(stop) && current.startsWith(stop)) {
            try {
                Files.delete(current);
            } catch (NoSuchFileException e) {
                // Removed by a concurrent call; its parent may still be empty.
            } catch (IOException e) {
                return;
            }
            current = current.getParent();
        }
    }

    static void deleteRecursively(Path start) throws IOException {
        Files.walkFileTree(start, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
                    throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path directory, IOException e)
                    throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                Files.deleteIfExists(directory);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Forces a directory's entries to disk; file systems that cannot do this are skipped. */
    static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // The rename is atomic without it; only its durability after a crash is weaker.
        }
    }

    /**
     * Names a file below the root in messages: as its storage path, such as {@code /a/b}, or
     * for the driver's own files as a path in {@value #STAGING_NAME}, but never with the root
     * directory, which is a parameter.
     */
    private String dataPath(Path file) {
        if (!file.startsWith(root)) {
            return "a file outside the root directory";
        }
        return "/" + root.relativize(file).toString();
    }

    /** Returns the attributes of a file without following a link, or null when it is missing. */
    BasicFileAttributes attributesOrNull(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            String path = dataPath(file);
            throw new DriverInternalException(driverName, "reading the attributes of "
                    + path + " failed: " + FileErrors.describe(e, root, path),
                    FileErrors.withoutPaths(e));
        }
    }
}
