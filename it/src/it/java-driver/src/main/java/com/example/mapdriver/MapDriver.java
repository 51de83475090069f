package com.example.mapdriver;

import io.storagedriver.FileInfo;
import io.storagedriver.FileWriter;
import io.storagedriver.InvalidOffsetException;
import io.storagedriver.InvalidPathException;
import io.storagedriver.PathNotFoundException;
import io.storagedriver.StorageDriver;
import io.storagedriver.StoragePaths;
import io.storagedriver.WalkVisitor;
import io.storagedriver.sdk.DriverFactory;
import io.storagedriver.sdk.DriverServer;
import io.storagedriver.sdk.Walks;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A storage driver that keeps files in a {@link ConcurrentHashMap} from full path to content.
 * Directories are not stored: a directory exists while some file lies below it. Changes that
 * read and write several entries hold the driver's monitor.
 */
public class MapDriver implements StorageDriver {
    static final String NAME = "map";

    private record Entry(byte[] content, Instant modified) {}

    private final Map<String, Entry> files = new ConcurrentHashMap<>();
    private final Map<String, byte[]> writerContent = new ConcurrentHashMap<>();
    private volatile Instant rootModified = now();

    public static void main(String[] args) {
        DriverServer.serve(factory());
    }

    static DriverFactory factory() {
        return new DriverFactory() {
            @Override
            public String name() {
                return NAME;
            }

            @Override
            public StorageDriver create(Map<String, String> parameters) {
                return new MapDriver();
            }
        };
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String apiVersion() {
        return "1.0";
    }

    @Override
    public byte[] getContent(String path) {
        StoragePaths.requireValidNonRoot(NAME, path);
        return file(path).content().clone();
    }

    @Override
    public synchronized void putContent(String path, byte[] content) {
        StoragePaths.requireValidNonRoot(NAME, path);
        store(path, content.clone());
    }

    @Override
    public InputStream reader(String path, long offset) {
        StoragePaths.requireValidNonRoot(NAME, path);
        byte[] content = file(path).content();
        checkOffset(path, offset, content.length);
        return new ByteArrayInputStream(content, (int) offset, content.length - (int) offset);
    }

    @Override
    public long writeStream(String path, long offset, InputStream content) {
        StoragePaths.requireValidNonRoot(NAME, path);
        synchronized (this) {
            checkOffset(path, offset, sizeForWrite(path));
        }
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        try {
            content.transferTo(received);
        } catch (IOException e) {
            writeAt(path, offset, received.toByteArray());
            throw new UncheckedIOException("reading content for " + path + " failed", e);
        }
        writeAt(path, offset, received.toByteArray());
        return received.size();
    }

    private synchronized void writeAt(String path, long offset, byte[] bytes) {
        long size = sizeForWrite(path);
        checkOffset(path, offset, size);
        byte[] updated = new byte[(int) Math.max(size, offset + bytes.length)];
        Entry existing = files.get(path);
        if (existing != null) {
            System.arraycopy(existing.content(), 0, updated, 0, existing.content().length);
        }
        System.arraycopy(bytes, 0, updated, (int) offset, bytes.length);
        store(path, updated);
    }

    @Override
    public List<String> list(String path) {
        StoragePaths.requireValid(NAME, path);
        if (files.containsKey(path)) {
            throw new PathNotFoundException(NAME, path, "is a file, not a directory");
        }
        String prefix = path.equals("/") ? "/" : path + "/";
        TreeSet<String> children = new TreeSet<>();
        for (String file : files.keySet()) {
            if (file.startsWith(prefix)) {
                int end = file.indexOf('/', prefix.length());
                children.add(end < 0 ? file : file.substring(0, end));
            }
        }
        if (children.isEmpty() && !path.equals("/")) {
            throw new PathNotFoundException(NAME, path);
        }
        return new ArrayList<>(children);
    }

    @Override
    public synchronized void move(String source, String destination) {
        StoragePaths.requireValidNonRoot(NAME, source);
        StoragePaths.requireValidNonRoot(NAME, destination);
        Entry entry = file(source);
        if (source.equals(destination)) {
            return;
        }
        store(destination, entry.content());
        files.remove(source);
    }

    @Override
    public synchronized void delete(String path) {
        StoragePaths.requireValidNonRoot(NAME, path);
        String prefix = path + "/";
        writerContent.keySet().removeIf(kept -> kept.equals(path) || kept.startsWith(prefix));
        boolean removed = files.remove(path) != null;
        removed |= files.keySet().removeIf(file -> file.startsWith(prefix));
        if (!removed) {
            throw new PathNotFoundException(NAME, path);
        }
        rootModified = now();
    }

    @Override
    public FileInfo stat(String path) {
        StoragePaths.requireValid(NAME, path);
        Entry entry = files.get(path);
        if (entry != null) {
            return new FileInfo(path, entry.content().length, entry.modified(), false);
        }
        if (path.equals("/")) {
            return new FileInfo(path, 0, rootModified, true);
        }
        String prefix = path + "/";
        Instant latest = null;
        for (Map.Entry<String, Entry> file : files.entrySet()) {
            if (file.getKey().startsWith(prefix)
                    && (latest == null || file.getValue().modified().isAfter(latest))) {
                latest = file.getValue().modified();
            }
        }
        if (latest == null) {
            throw new PathNotFoundException(NAME, path);
        }
        return new FileInfo(path, 0, latest, true);
    }

    @Override
    public synchronized FileWriter writer(String path, boolean append) {
        StoragePaths.requireValidNonRoot(NAME, path);
        if (isDirectory(path)) {
            throw new InvalidPathException(NAME, path, "the path is a directory");
        }
        byte[] kept = writerContent.remove(path);
        Entry committed = files.get(path);
        byte[] initial = !append ? new byte[0]
                : kept != null ? kept
                : committed != null ? committed.content() : new byte[0];
        return new MapWriter(path, initial);
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

    private Entry file(String path) {
        Entry entry = files.get(path);
        if (entry == null) {
            throw isDirectory(path)
                    ? new PathNotFoundException(NAME, path, "is a directory, not a file")
                    : new PathNotFoundException(NAME, path);
        }
        return entry;
    }

    private boolean isDirectory(String path) {
        String prefix = path + "/";
        return files.keySet().stream().anyMatch(file -> file.startsWith(prefix));
    }

    private long sizeForWrite(String path) {
        if (isDirectory(path)) {
            throw new InvalidPathException(NAME, path, "the path is a directory");
        }
        Entry entry = files.get(path);
        return entry == null ? 0 : entry.content().length;
    }

    /** Stores content at path unless a parent is a file. The caller owns the monitor. */
    private void store(String path, byte[] content) {
        for (String parent = StoragePaths.parent(path); !parent.equals("/");
                parent = StoragePaths.parent(parent)) {
            if (files.containsKey(parent)) {
                throw new InvalidPathException(NAME, path, "the parent " + parent + " is a file");
            }
        }
        if (isDirectory(path)) {
            throw new InvalidPathException(NAME, path, "the path is a directory");
        }
        Instant now = now();
        files.put(path, new Entry(content, now));
        rootModified = now;
    }

    private static void checkOffset(String path, long offset, long size) {
        if (offset < 0 || offset > size) {
            throw new InvalidOffsetException(NAME, path, offset,
                    "the offset must be between 0 and the size " + size);
        }
    }

    private static Instant now() {
        return Instant.ofEpochMilli(System.currentTimeMillis());
    }

    /** Collects content privately until commit stores it, close keeps it, or cancel drops it. */
    private final class MapWriter implements FileWriter {
        private final String path;
        private final ByteArrayOutputStream content = new ByteArrayOutputStream();
        private boolean ended;

        MapWriter(String path, byte[] initial) {
            this.path = path;
            content.writeBytes(initial);
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
            synchronized (MapDriver.this) {
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
            if (!ended) {
                ended = true;
                writerContent.put(path, content.toByteArray());
            }
        }

        private void requireOpen() {
            if (ended) {
                throw new IllegalStateException("the writer for " + path + " has ended");
            }
        }
    }
}
