package io.storagedriver.drivers;

import io.storagedriver.DriverInternalException;
import io.storagedriver.FileWriter;
import io.storagedriver.StorageDriverException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A writer of {@link FilesystemDriver} that appends to its file in the staging directory (see
 * {@link WriterStaging}). {@code commit} syncs that file and renames it over the target in one
 * step, so the target shows either the old or the new content, also after a crash. Only one
 * writer per path may be open at a time; a second one shares the same file, with undefined
 * results.
 */
final class FilesystemWriter implements FileWriter {
    private final String driverName;
    private final FilesystemTree tree;
    private final String path;
    private final FileChannel channel;
    private long size;
    private boolean ended;

    private FilesystemWriter(String driverName, FilesystemTree tree, String path,
            FileChannel channel) throws IOException {
        this.driverName = driverName;
        this.tree = tree;
        this.path = path;
        this.channel = channel;
        this.size = channel.size();
        channel.position(size);
    }

    /** Opens the writer for a path that {@link FilesystemTree#requireWritable} accepted. */
    static FilesystemWriter open(String driverName, FilesystemTree tree,
            FilesystemTree.Entry target, boolean append) throws IOException {
        String path = target.path();
        Path committed = target.kind() == FilesystemTree.Kind.FILE ? target.file() : null;
        FileChannel channel = tree.writers().open(
                path, append, committed, tree.newTemporaryFile("copy"));
        try {
            return new FilesystemWriter(driverName, tree, path, channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            tree.writers().release(path);
            throw e;
        }
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        requireOpen();
        ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
        try {
            while (buffer.hasRemaining()) {
                size += channel.write(buffer);
            }
        } catch (IOException e) {
            throw failure("writing", e);
        }
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void commit() {
        requireOpen();
        ended = true;
        try {
            channel.force(true);
            channel.close();
            tree.replace(tree.writers().keptFile(path), path);
        } catch (IOException e) {
            throw failure("committing", e);
        } finally {
            tree.writers().release(path);
        }
    }

    @Override
    public void cancel() {
        requireOpen();
        ended = true;
        try {
            channel.close();
            Files.deleteIfExists(tree.writers().keptFile(path));
        } catch (IOException e) {
            throw failure("cancelling", e);
        } finally {
            tree.writers().release(path);
        }
    }

    /** Keeps the content for a later writer with append; a repeated close does nothing. */
    @Override
    public void close() {
        if (ended) {
            return;
        }
        ended = true;
        try {
            channel.force(false);
            channel.close();
        } catch (IOException e) {
            throw failure("closing", e);
        } finally {
            tree.writers().release(path);
        }
    }

    private void requireOpen() {
        if (ended) {
            throw new IllegalStateException("the writer for " + path
                    + " was already committed, cancelled or closed");
        }
    }

    private StorageDriverException failure(String action, IOException e) {
        return new DriverInternalException(driverName, action + " the writer for " + path
                + " failed: " + FileErrors.describe(e, tree.root(), path),
                FileErrors.withoutPaths(e));
    }
}
