package io.storagedriver.maven;

import io.storagedriver.client.DriverOutputListener;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * The {@code driver.log} beside the reports: every line that the drivers of one run wrote to
 * standard output or standard error, as {@code [stdout] line} or {@code [stderr] line}, with
 * {@code #} lines when each driver starts and stops.
 *
 * <p>The goal writes the lines of the driver it starts to check the configuration. The suite's
 * extension appends those of the drivers it starts, because the goal sets {@code
 * storagedriver.outputLog} to this file. Both open the file in append mode and write each line
 * with one call, which on a local file system keeps lines of different drivers whole.
 */
final class DriverLogFile implements DriverOutputListener, AutoCloseable {
    private final Path path;
    private final RunLog log;
    private FileChannel channel;

    private DriverLogFile(Path path, RunLog log, FileChannel channel) {
        this.path = path;
        this.log = log;
        this.channel = channel;
    }

    /**
     * Creates the file empty, replacing an older one.
     *
     * @param log receives a warning when a later line cannot be written
     * @throws CannotRunException when the file cannot be created
     */
    static DriverLogFile create(Path path, RunLog log) throws CannotRunException {
        try {
            Files.createDirectories(path.toAbsolutePath().getParent());
            // Java rejects APPEND together with TRUNCATE_EXISTING, so delete the file first.
            Files.deleteIfExists(path);
            FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            return new DriverLogFile(path, log, channel);
        } catch (IOException e) {
            throw new CannotRunException("Failed to create the driver log " + path + ": " + e, e);
        }
    }

    Path path() {
        return path;
    }

    /** Appends a line about a driver, such as that it started. */
    void note(String text) {
        append("# " + text);
    }

    @Override
    public void onLine(Stream stream, String line) {
        append("[" + stream.name().toLowerCase(Locale.ROOT) + "] " + line);
    }

    /** Called by the threads that read the driver's output and by the goal's thread. */
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
            log.warn("Failed to write the driver log " + path + ", so it ends here: " + e);
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
            log.warn("Failed to close the driver log " + path + ": " + e);
        }
        channel = null;
    }
}
