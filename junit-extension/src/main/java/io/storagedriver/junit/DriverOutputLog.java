package io.storagedriver.junit;

import io.storagedriver.client.DriverOutputListener;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends the output of one driver to the file of {@link StorageDriverConfiguration#OUTPUT_LOG}:
 * each line as {@code [stdout] line} or {@code [stderr] line}, and notes about the driver as
 * {@code # note}.
 *
 * <p>Several drivers, and the launcher that set the parameter, may append to the same file at the
 * same time. The file is opened in append mode and each line is written with one call, which on a
 * local file system keeps lines of different drivers whole. When the file cannot be written, a
 * warning is logged and the driver's later lines are dropped, so the tests go on.
 */
final class DriverOutputLog implements DriverOutputListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DriverOutputLog.class);

    private final Path path;
    private FileChannel channel;

    private DriverOutputLog(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    /** Opens the file for appending, or returns a log that drops everything when none is set. */
    static DriverOutputLog open(Optional<Path> path) {
        if (path.isEmpty()) {
            return new DriverOutputLog(null, null);
        }
        try {
            Path parent = path.get().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            FileChannel channel = FileChannel.open(path.get(), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            return new DriverOutputLog(path.get(), channel);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warn("driver output log not opened path={} error={}", path.get(), e.toString());
            return new DriverOutputLog(path.get(), null);
        }
    }

    /** Appends a line about the driver, such as that it started. */
    void note(String text) {
        append("# " + text);
    }

    @Override
    public void onLine(Stream stream, String line) {
        append("[" + stream.name().toLowerCase(Locale.ROOT) + "] " + line);
    }

    /** Called by the stdout and stderr threads of the driver, and by the test threads. */
    private synchronized void append(String line) {
        if (channel == null) {
            return;
        }
        ByteBuffer bytes = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
        try {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        } catch (IOException e) {
            LOG.warn("driver output log not written, later lines are dropped path={} error={}",
                    path, e.toString());
            closeQuietly();
        }
    }

    @Override
    public synchronized void close() {
        closeQuietly();
    }

    private void closeQuietly() {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            LOG.warn("driver output log not closed path={} error={}", path, e.toString());
        }
        channel = null;
    }
}
