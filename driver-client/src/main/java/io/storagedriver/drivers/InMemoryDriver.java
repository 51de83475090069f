package io.storagedriver.drivers;

import io.storagedriver.FileInfo;
import io.storagedriver.FileWriter;
import io.storagedriver.InvalidOffsetException;
import io.storagedriver.InvalidPathException;
import io.storagedriver.PathNotFoundException;
import io.storagedriver.StorageDriver;
import io.storagedriver.StoragePaths;
import io.storagedriver.WalkVisitor;
import io.storagedriver.internal.wire.Versions;
import io.storagedriver.sdk.DriverFactory;
import io.storagedriver.sdk.DriverServer;
import io.storagedriver.sdk.Walks;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A storage driver that keeps everything in the heap of its process, for tests. It takes no
 * parameters and ignores any it is given, with a warning that names them. Its content is lost
 * when the process ends.
 *
 * <p>One lock guards the whole tree and the writers' uncommitted content, and no call holds it
 * while it reads from or writes to a caller's stream. A file's content is an immutable array
 * that each change replaces, so a reader keeps the content it opened. A directory's
 * modification time is the time a child was last added or removed.
 *
 * <p>Content that a writer keeps on {@code close} lives outside the tree, keyed by path, and
 * {@link #delete} discards that content for the deleted path and every path below it.
 */
public final class InMemoryDriver implements StorageDriver {
    /** The name the handshake sends. */
    public static final String NAME = "inmemory";

    private static final Logger LOG = LoggerFactory.getLogger(InMemoryDriver.class);

    private final Object lock = new Object();
    private final Clock clock;
    private final Directory root;
    private final Map<String, byte[]> keptWriterContent = new HashMap<>();

    public InMemoryDriver() {
        this(Clock.systemUTC());
    }

    InMemoryDriver(Clock clock) {
        this.clock = clock;
        this.root = new Directory(now());
    }

    /** Serves an empty in-memory store on the socket that the host passed. */
    public static void main(String[] args) {
        DriverServer.serve(factory());
    }

    /** Returns the factory that the handshake uses; it ignores every parameter. */
    public static DriverFactory factory() {
        return new DriverFactory() {
            @Override
            public String name() {
                return NAME;
            }

            @Override
            public StorageDriver create(Map<String, String> parameters) {
                DriverParameters.warnUnknown(LOG, parameters.keySet(), Set.of());
                return new InMemoryDriver();
            }
        };
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
        byte[] content;
        synchronized (lock) {
            content = file(path).content;
        }
        return content.clone();
    }

    @Override
    public void putContent(String path, byte[] content) {
        StoragePaths.requireValidNonRoot(NAME, path);
        Objects.requireNonNull(content, "content");
        byte[] copy = content.clone();
        synchronized (lock) {
            store(path, copy);
        }
    }

    @Override
    public InputStream reader(String path, long offset) {
        StoragePaths.requireValidNonRoot(NAME, path);
        byte[] content;
        synchronized (lock) {
            content = file(path).content;
        }
        requireOffset(path, offset, content.length);
        return new ByteArrayInputStream(
                content, (int) offset, content.length - (int) offset);
    }

    /**
     * Collects the content first and then applies it in one step, so a long stream copies the
     * file once. When reading the content fails, the bytes received so far are applied before
     * the failure is raised, as the contract requires.
     */
    @Override
    public long writeStream(String path, long offset, InputStream content) {
        StoragePaths.requireValidNonRoot(NAME, path);
        Objects.requireNonNull(content, "content");
        synchronized (lock) {
            requireOffset(path, offset, existingSize(path));
        }
        ByteBlocks received = new ByteBlocks();
        try {
            received.readFrom(content);
        } catch (IOException e) {
            writeAt(path, offset, received.toByteArray());
            throw new UncheckedIOException("reading the content for " + path + " failed after "
                    + received.size() + " bytes, which stay written", e);
        }
        writeAt(path, offset, received.toByteArray());
        return received.size();
    }

    /**
     * Writes bytes at {@code position}, which must not exceed the file's size. Takes ownership
     * of {@code bytes}: when they replace the whole file, they become its content uncopied.
     */
    private void writeAt(String path, long position, byte[] bytes) {
        synchronized (lock) {
            long size = existingSize(path);
            requireOffset(path, position, size);
            long end = Math.max(size, position + bytes.length);
            if (end > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("the in-memory driver supports files of at most "
                        + "2 GiB, and " + path + " would grow to " + end + " bytes");
            }
            if (position == 0 && bytes.length >= size) {
                store(path, bytes);
                return;
            }
            byte[] updated = new byte[(int) end];
            if (lookup(path) instanceof File file) {
                System.arraycopy(file.content, 0, updated, 0, file.content.length);
            }
            System.arraycopy(bytes, 0, updated, (int) position, bytes.length);
            store(path, updated);
        }
    }

    @Override
    public List<String> list(String path) {
        StoragePaths.requireValid(NAME, path);
        synchronized (lock) {
            Node node = lookup(path);
            if (!(node instanceof Directory directory)) {
                throw node == null
                        ? new PathNotFoundException(NAME, path)
                        : new PathNotFoundException(NAME, path, "is a file, not a directory");
            }
            List<String> children = new ArrayList<>(directory.children.size());
            for (String name : directory.children.keySet()) {
                children.add(StoragePaths.child(path, name));
            }
            return children;
        }
    }

    @Override
    public void move(String source, String destination) {
        StoragePaths.requireValidNonRoot(NAME, source);
        StoragePaths.requireValidNonRoot(NAME, destination);
        synchronized (lock) {
            byte[] content = file(source).content;
            if (source.equals(destination)) {
                return;
            }
            store(destination, content);
            remove(source);
        }
    }

    @Override
    public void delete(String path) {
        StoragePaths.requireValidNonRoot(NAME, path);
        synchronized (lock) {
            discardKeptWriterContent(path);
            if (lookup(path) == null) {
                throw new PathNotFoundException(NAME, path);
            }
            remove(path);
        }
    }

    @Override
    public FileInfo stat(String path) {
        StoragePaths.requireValid(NAME, path);
        synchronized (lock) {
            Node node = lookup(path);
            if (node == null) {
                throw new PathNotFoundException(NAME, path);
            }
            if (node instanceof File file) {
                return new FileInfo(path, file.content.length, file.modified, false);
            }
            return new FileInfo(path, 0, node.modified, true);
        }
    }

    @Override
    public FileWriter writer(String path, boolean append) {
        StoragePaths.requireValidNonRoot(NAME, path);
        byte[] initial;
        synchronized (lock) {
            Node node = lookup(path);
            if (node instanceof Directory) {
                throw new InvalidPathException(NAME, path, "the path is a directory");
            }
            byte[] keptContent = keptWriterContent.remove(path);
            if (!append) {
                initial = new byte[0];
            } else if (keptContent != null) {
                initial = keptContent;
            } else {
                initial = node instanceof File file ? file.content : new byte[0];
            }
        }
        return new InMemoryWriter(path, initial);
    }

    @Override
    public void walk(String path, WalkVisitor visitor) {
        Walks.walkWithListAndStat(this, path, visitor);
    }

    @Override
    public String redirectUrl(String path) {
        StoragePaths.requireValidNonRoot(NAME, path);
        return "";
    }

    private Instant now() {
        return Instant.ofEpochMilli(clock.millis());
    }

    private void requireOffset(String path, long offset, long size) {
        if (offset < 0) {
            throw new InvalidOffsetException(NAME, path, offset, "the offset must not be negative");
        }
        if (offset > size) {
            throw new InvalidOffsetException(NAME, path, offset,
                    "the offset is past the end of the file of " + size + " bytes");
        }
    }

    /** Returns the size of the file at path, or 0 when there is none; caller holds the lock. */
    private long existingSize(String path) {
        Node node = lookup(path);
        if (node instanceof Directory) {
            throw new InvalidPathException(NAME, path, "the path is a directory");
        }
        return node == null ? 0 : ((File) node).content.length;
    }

    /** Returns the file at path, or raises PathNotFound; caller holds the lock. */
    private File file(String path) {
        Node node = lookup(path);
        if (node == null) {
            throw new PathNotFoundException(NAME, path);
        }
        if (node instanceof Directory) {
            throw new PathNotFoundException(NAME, path, "is a directory, not a file");
        }
        return (File) node;
    }

    /** Returns the node at path, or null; caller holds the lock. */
    private Node lookup(String path) {
        Node node = root;
        if (path.equals("/")) {
            return node;
        }
        for (String name : path.substring(1).split("/")) {
            if (!(node instanceof Directory directory)) {
                return null;
            }
            node = directory.children.get(name);
        }
        return node;
    }

    /**
     * Replaces the file at path with content, creating parent directories; caller holds the
     * lock. Every check happens before the first change, so a failure changes nothing.
     */
    private void store(String path, byte[] content) {
        String[] names = path.substring(1).split("/");
        Node node = root;
        StringBuilder prefix = new StringBuilder();
        for (int i = 0; i < names.length - 1 && node != null; i++) {
            prefix.append('/').append(names[i]);
            node = ((Directory) node).children.get(names[i]);
            if (node instanceof File) {
                throw new InvalidPathException(NAME, path, "the parent " + prefix + " is a file");
            }
        }
        if (lookup(path) instanceof Directory) {
            throw new InvalidPathException(NAME, path, "the path is a directory");
        }
        Instant now = now();
        Directory directory = root;
        for (int i = 0; i < names.length - 1; i++) {
            Node child = directory.children.get(names[i]);
            if (child == null) {
                child = new Directory(now);
                directory.children.put(names[i], child);
                directory.modified = now;
            }
            directory = (Directory) child;
        }
        String name = names[names.length - 1];
        if (!directory.children.containsKey(name)) {
            directory.modified = now;
        }
        directory.children.put(name, new File(content, now));
    }

    /** Removes the node at an existing path and every directory left empty; caller holds lock. */
    private void remove(String path) {
        String[] names = path.substring(1).split("/");
        List<Directory> ancestors = new ArrayList<>(names.length);
        Directory directory = root;
        for (int i = 0; i < names.length - 1; i++) {
            ancestors.add(directory);
            directory = (Directory) directory.children.get(names[i]);
        }
        ancestors.add(directory);
        Instant now = now();
        directory.children.remove(names[names.length - 1]);
        directory.modified = now;
        for (int i = ancestors.size() - 1; i > 0; i--) {
            Directory current = ancestors.get(i);
            if (!current.children.isEmpty()) {
                break;
            }
            Directory parent = ancestors.get(i - 1);
            parent.children.remove(names[i - 1]);
            parent.modified = now;
        }
    }

    /** Drops content kept by writers at path or below it; caller holds the lock. */
    private void discardKeptWriterContent(String path) {
        String prefix = path + "/";
        Iterator<String> paths = keptWriterContent.keySet().iterator();
        while (paths.hasNext()) {
            String keptPath = paths.next();
            if (keptPath.equals(path) || keptPath.startsWith(prefix)) {
                paths.remove();
            }
        }
    }

    private abstract static class Node {
        Instant modified;

        Node(Instant modified) {
            this.modified = modified;
        }
    }

    private static final class Directory extends Node {
        /** Children by name, sorted; the names are ASCII, so this is also their byte order. */
        final TreeMap<String, Node> children = new TreeMap<>();

        Directory(Instant modified) {
            super(modified);
        }
    }

    private static final class File extends Node {
        final byte[] content;

        File(byte[] content, Instant modified) {
            super(modified);
            this.content = content;
        }
    }

    /**
     * A writer that collects its content privately. {@code commit} stores it, {@code close} hands
     * it back to the driver for a later writer with append, and {@code cancel} drops it. Calls
     * after any of the three raise {@link IllegalStateException}, except a repeated {@code
     * close}, which does nothing.
     */
    private final class InMemoryWriter implements FileWriter {
        private final String path;
        private final ByteBlocks content = new ByteBlocks();
        private boolean ended;

        InMemoryWriter(String path, byte[] initial) {
            this.path = path;
            this.content.write(initial, 0, initial.length);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            requireOpen();
            content.write(bytes, offset, length);
        }

        @Override
        public long size() {
            return content.size();
        }

        @Override
        public void commit() {
            requireOpen();
            synchronized (lock) {
                store(path, content.toByteArray());
            }
            ended = true;
        }

        @Override
        public void cancel() {
            requireOpen();
            ended = true;
        }

        @Override
        public void close() {
            if (ended) {
                return;
            }
            ended = true;
            synchronized (lock) {
                keptWriterContent.put(path, content.toByteArray());
            }
        }

        private void requireOpen() {
            if (ended) {
                throw new IllegalStateException("the writer for " + path
                        + " was already committed, cancelled or closed");
            }
        }
    }
}
