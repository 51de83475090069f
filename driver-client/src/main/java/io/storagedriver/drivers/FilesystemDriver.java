package io.storagedriver.drivers;

import io.storagedriver.DriverInternalException;
import io.storagedriver.FileInfo;
import io.storagedriver.FileWriter;
import io.storagedriver.InvalidOffsetException;
import io.storagedriver.InvalidParametersException;
import io.storagedriver.PathNotFoundException;
import io.storagedriver.StorageDriver;
import io.storagedriver.StorageDriverException;
import io.storagedriver.StoragePaths;
import io.storagedriver.WalkVisitor;
import io.storagedriver.internal.wire.Versions;
import io.storagedriver.sdk.DriverFactory;
import io.storagedriver.sdk.DriverServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A storage driver that keeps files in a directory of the local file system, given by the
 * required parameter {@code rootdirectory}, which is created when missing. A relative root is
 * resolved against the driver's working directory. Other parameters are ignored with a
 * warning that names them.
 *
 * <p>The path {@code /a/b} is the file {@code <root>/a/b}. The top-level name {@code
 * .storagedriver-staging} is reserved: it contains temporary files, the content that writers keep,
 * and directories being deleted, and the API can neither list it nor name it (see {@link
 * FilesystemTree}). Symbolic links are never followed, so no path leads outside the root.
 *
 * <p>{@code PutContent} and a writer's commit write to a file in the staging directory, sync it
 * and rename it over the target, so a reader never sees a partly written file under its final
 * name, even when the driver is killed while writing. Deleting a directory renames it into the
 * staging directory first, so its whole subtree disappears at once. After a delete or move,
 * parent directories left empty are removed, except the root.
 *
 * <p>NOTE: {@code WriteStream} writes into the file in place and is not atomic, by the
 * contract of that operation: readers may see the bytes while they arrive, and the bytes
 * written before a failure stay.
 *
 * <p>Files are streamed through 64 KiB buffers; only {@code GetContent} and {@code PutContent}
 * hold a whole file in memory, because their API passes byte arrays.
 */
public final class FilesystemDriver implements StorageDriver {
    /** The name the handshake sends. */
    public static final String NAME = "filesystem";

    /** The parameter naming the root directory. */
    public static final String ROOT_DIRECTORY = "rootdirectory";

    private static final Logger LOG = LoggerFactory.getLogger(FilesystemDriver.class);
    private static final int BUFFER_BYTES = 64 * 1024;

    private final FilesystemTree tree;

    private FilesystemDriver(FilesystemTree tree) {
        this.tree = tree;
    }

    /** Serves the root directory that the host's parameters name. */
    public static void main(String[] args) {
        DriverServer.serve(factory());
    }

    /** Returns the factory that the handshake uses. */
    public static DriverFactory factory() {
        return new DriverFactory() {
            @Override
            public String name() {
                return NAME;
            }

            @Override
            public StorageDriver create(Map<String, String> parameters) {
                String root = parameters.get(ROOT_DIRECTORY);
                if (root == null) {
                    // Only the names of the parameters given, because values may be secrets.
                    throw new InvalidParametersException(NAME, "the parameter " + ROOT_DIRECTORY
                            + " is missing; set it to the directory in which the driver stores"
                            + " its files" + (parameters.isEmpty() ? ""
                            : " (the parameters given were: "
                                    + DriverParameters.names(parameters.keySet()) + ")"));
                }
                if (root.isBlank()) {
                    throw new InvalidParametersException(NAME, "the parameter " + ROOT_DIRECTORY
                            + " is empty; set it to the directory in which the driver stores its"
                            + " files");
                }
                DriverParameters.warnUnknown(LOG, parameters.keySet(), Set.of(ROOT_DIRECTORY));
                Path path;
                try {
                    path = Path.of(root);
                } catch (java.nio.file.InvalidPathException e) {
                    throw new InvalidParametersException(NAME, "the parameter " + ROOT_DIRECTORY
                            + " is not a valid file system path: " + e.getReason());
                }
                return open(path);
            }
        };
    }

    /**
     * Opens the store in {@code root}, creating the directory and its staging directory when
     * missing, and removes what an earlier process left in the staging directory.
     *
     * @throws InvalidParametersException when the root cannot be created or used
     */
    public static FilesystemDriver open(Path root) {
        Objects.requireNonNull(root, "root");
        Path realRoot;
        FilesystemTree tree;
        try {
            Files.createDirectories(root);
            realRoot = root.toRealPath();
            if (!Files.isDirectory(realRoot)) {
                throw new NotDirectoryException(realRoot.toString());
            }
            tree = new FilesystemTree(NAME, realRoot);
        } catch (IOException e) {
            // The message leaves out the path, because parameter values never appear in messages.
            throw new InvalidParametersException(NAME, "the parameter " + ROOT_DIRECTORY
                    + " names no usable root directory: "
                    + FileErrors.rootDirectoryProblem(root, e));
        }
        tree.removeLeftovers();
        return new FilesystemDriver(tree);
    }

    /** Returns the real path of the root directory. */
    public Path rootDirectory() {
        return tree.root();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String apiVersion() {
        return Versions.API;
    }

    @Override
    public byte[] getContent(String path) {
        StoragePaths.requireValidNonRoot(NAME, path);
        FilesystemTree.Entry entry = tree.requireFile(path);
        try (InputStream in = Files.newInputStream(entry.file(), LinkOption.NOFOLLOW_LINKS)) {
            return in.readAllBytes();
        } catch (NoSuchFileException e) {
            throw new PathNotFoundException(NAME, path);
        } catch (IOException e) {
            throw failure("reading", path, e);
        }
    }

    @Override
    public void putContent(String path, byte[] content) {
        StoragePaths.requireValidNonRoot(NAME, path);
        Objects.requireNonNull(content, "content");
        tree.requireWritable(path);
        Path temporary = tree.newTemporaryFile("put");
        try {
            try (FileChannel channel = FileChannel.open(
                    temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            tree.replace(temporary, path);
        } catch (IOException e) {
            throw failure("writing", path, e);
        } finally {
            deleteQuietly(temporary);
        }
    }

    @Override
    public InputStream reader(String path, long offset) {
        StoragePaths.requireValidNonRoot(NAME, path);
        requireNonNegative(path, offset);
        FilesystemTree.Entry entry = tree.requireFile(path);
        FileChannel channel = null;
        try {
            channel = FileChannel.open(
                    entry.file(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
            long size = channel.size();
            if (offset > size) {
                throw new InvalidOffsetException(NAME, path, offset,
                        "the offset is past the end of the file of " + size + " bytes");
            }
            channel.position(offset);
            return Channels.newInputStream(channel);
        } catch (NoSuchFileException e) {
            closeQuietly(channel);
            throw new PathNotFoundException(NAME, path);
        } catch (IOException e) {
            closeQuietly(channel);
            throw failure("opening", path, e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /**
     * Writes in place. A missing file is created, with its parents, only when the offset is 0;
     * the size check and the write are not atomic against a concurrent truncation.
     */
    @Override
    public long writeStream(String path, long offset, InputStream content) {
        StoragePaths.requireValidNonRoot(NAME, path);
        Objects.requireNonNull(content, "content");
        requireNonNegative(path, offset);
        FilesystemTree.Entry entry = tree.requireWritable(path);
        if (entry.kind() == FilesystemTree.Kind.MISSING && offset > 0) {
            throw new InvalidOffsetException(NAME, path, offset,
                    "the offset is past the end of the file of 0 bytes");
        }
        try (FileChannel channel = openForWriting(path, entry.file())) {
            long size = channel.size();
            if (offset > size) {
                throw new InvalidOffsetException(NAME, path, offset,
                        "the offset is past the end of the file of " + size + " bytes");
            }
            channel.position(offset);
            return copy(path, content, channel);
        } catch (IOException e) {
            throw failure("writing", path, e);
        }
    }

    private FileChannel openForWriting(String path, Path file) throws IOException {
        for (int attempt = 1; ; attempt++) {
            tree.createParents(path);
            try {
                return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                // A concurrent delete removed a parent that createParents had just made.
                if (attempt == FilesystemTree.RETRY_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private static long copy(String path, InputStream content, FileChannel channel)
            throws IOException {
        byte[] bytes = new byte[BUFFER_BYTES];
        long written = 0;
        while (true) {
            int n;
            try {
                n = content.read(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException("reading the content for " + path
                        + " failed after " + written + " bytes, which stay written", e);
            }
            if (n < 0) {
                return written;
            }
            ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, n);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            written += n;
        }
    }

    @Override
    public List<String> list(String path) {
        StoragePaths.requireValid(NAME, path);
        FilesystemTree.Entry entry = tree.requireDirectory(path);
        try {
            List<String> children = new ArrayList<>();
            for (FilesystemTree.Child child : tree.children(path, entry.file())) {
                children.add(StoragePaths.child(path, child.name()));
            }
            return children;
        } catch (IOException e) {
            throw failure("listing", path, e);
        }
    }

    @Override
    public void move(String source, String destination) {
        StoragePaths.requireValidNonRoot(NAME, source);
        StoragePaths.requireValidNonRoot(NAME, destination);
        FilesystemTree.Entry entry = tree.requireFile(source);
        tree.requireWritable(destination);
        if (source.equals(destination)) {
            return;
        }
        try {
            tree.replace(entry.file(), destination);
        } catch (NoSuchFileException e) {
            if (!Files.exists(entry.file(), LinkOption.NOFOLLOW_LINKS)) {
                throw new PathNotFoundException(NAME, source);
            }
            throw failure("moving", source, e);
        } catch (IOException e) {
            throw failure("moving", source, e);
        }
        tree.removeEmptyDataParents(source);
    }

    /**
     * Deletes the file or directory tree, and discards the content that closed writers keep for
     * the path and the paths below it, also when nothing is visible at the path.
     */
    @Override
    public void delete(String path) {
        StoragePaths.requireValidNonRoot(NAME, path);
        FilesystemTree.Entry entry = tree.inspect(path);
        try {
            tree.writers().discardBelow(path);
            if (entry.kind() == FilesystemTree.Kind.MISSING
                    || entry.kind() == FilesystemTree.Kind.BLOCKED) {
                throw new PathNotFoundException(NAME, path,
                        entry.obstacle() == null ? "not found" : entry.obstacle());
            }
            tree.deleteTree(entry.file(), entry.kind() == FilesystemTree.Kind.DIRECTORY);
        } catch (NoSuchFileException e) {
            throw new PathNotFoundException(NAME, path);
        } catch (IOException e) {
            throw failure("deleting", path, e);
        }
        tree.removeEmptyDataParents(path);
    }

    @Override
    public FileInfo stat(String path) {
        StoragePaths.requireValid(NAME, path);
        FilesystemTree.Entry entry = tree.inspect(path);
        switch (entry.kind()) {
            case FILE:
            case DIRECTORY:
                return info(path, entry.attributes());
            case BLOCKED:
                throw new PathNotFoundException(NAME, path, entry.obstacle());
            default:
                throw new PathNotFoundException(NAME, path);
        }
    }

    private static FileInfo info(String path, BasicFileAttributes attributes) {
        boolean directory = attributes.isDirectory();
        return new FileInfo(path, directory ? 0 : attributes.size(),
                attributes.lastModifiedTime().toInstant(), directory);
    }

    @Override
    public FileWriter writer(String path, boolean append) {
        StoragePaths.requireValidNonRoot(NAME, path);
        FilesystemTree.Entry entry = tree.requireWritable(path);
        try {
            return FilesystemWriter.open(NAME, tree, entry, append);
        } catch (IOException e) {
            throw failure("opening a writer for", path, e);
        }
    }

    /** Walks with one directory read per directory, in the order {@link StorageDriver} sets. */
    @Override
    public void walk(String path, WalkVisitor visitor) {
        StoragePaths.requireValid(NAME, path);
        Objects.requireNonNull(visitor, "visitor");
        FilesystemTree.Entry entry = tree.requireDirectory(path);
        try {
            walkDirectory(path, entry.file(), visitor);
        } catch (IOException e) {
            throw failure("walking", path, e);
        }
    }

    private void walkDirectory(String path, Path directory, WalkVisitor visitor)
            throws IOException {
        for (FilesystemTree.Child child : tree.children(path, directory)) {
            String childPath = StoragePaths.child(path, child.name());
            WalkVisitor.Decision decision = visitor.visit(info(childPath, child.attributes()));
            if (child.attributes().isDirectory()
                    && decision != WalkVisitor.Decision.SKIP_CONTENTS) {
                walkDirectory(childPath, directory.resolve(child.name()), visitor);
            }
        }
    }

    @Override
    public String redirectUrl(String path) {
        StoragePaths.requireValidNonRoot(NAME, path);
        return "";
    }

    private static void requireNonNegative(String path, long offset) {
        if (offset < 0) {
            throw new InvalidOffsetException(NAME, path, offset, "the offset must not be negative");
        }
    }

    private StorageDriverException failure(String action, String path, IOException e) {
        return new DriverInternalException(NAME, action + " " + path + " failed: "
                + FileErrors.describe(e, tree.root(), path), FileErrors.withoutPaths(e));
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // A stale temporary file; the next start removes it.
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // Nothing was read from it.
            }
        }
    }
}
