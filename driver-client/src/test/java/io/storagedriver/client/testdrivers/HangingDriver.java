package io.storagedriver.client.testdrivers;

import io.storagedriver.FileInfo;
import io.storagedriver.FileWriter;
import io.storagedriver.StorageDriver;
import io.storagedriver.WalkVisitor;
import io.storagedriver.drivers.InMemoryDriver;
import io.storagedriver.sdk.DriverFactory;
import io.storagedriver.sdk.DriverServer;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An in-memory driver with calls that block until the host releases them:
 *
 * <ul>
 *   <li>{@code stat} of {@value #HANG_PATH} blocks;
 *   <li>the reader of {@value #STALL_PATH} announces {@value #STALL_FILE_SIZE} bytes, sends
 *       {@value #STALL_AFTER_BYTES} zero bytes and then blocks;
 *   <li>{@code stat} of {@value #RELEASE_PATH} releases every blocked call, which then finishes
 *       (a blocked reader fails).
 * </ul>
 *
 * <p>Each call writes a line that starts with {@value #BLOCKED_LINE} to standard error when it
 * blocks, so a test can wait until the driver has blocked the call. A blocked call gives up
 * after {@link #MAX_BLOCK}, so that a test that never releases it cannot keep the process
 * alive.
 */
public final class HangingDriver implements StorageDriver {
    /** The name the handshake sends. */
    public static final String NAME = "hanging";

    public static final String HANG_PATH = "/hang";
    public static final String STALL_PATH = "/stall";
    public static final String RELEASE_PATH = "/release";
    public static final long STALL_FILE_SIZE = 1 << 20;
    public static final int STALL_AFTER_BYTES = 64 * 1024;

    /** The start of the standard error line that a blocking call writes. */
    public static final String BLOCKED_LINE = "hanging driver: blocked in ";

    static final Duration MAX_BLOCK = Duration.ofSeconds(60);

    private final InMemoryDriver delegate = new InMemoryDriver();
    private final CountDownLatch release = new CountDownLatch(1);

    public static void main(String[] args) {
        DriverServer.serve(new DriverFactory() {
            @Override
            public String name() {
                return NAME;
            }

            @Override
            public StorageDriver create(Map<String, String> parameters) {
                return new HangingDriver();
            }
        });
    }

    private void block(String call) {
        System.err.println(BLOCKED_LINE + call);
        System.err.flush();
        try {
            release.await(MAX_BLOCK.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String apiVersion() {
        return delegate.apiVersion();
    }

    @Override
    public FileInfo stat(String path) {
        switch (path) {
            case RELEASE_PATH:
                release.countDown();
                return new FileInfo(path, 0, Instant.now(), false);
            case HANG_PATH:
                block("stat " + path);
                return new FileInfo(path, 0, Instant.now(), false);
            case STALL_PATH:
                return new FileInfo(path, STALL_FILE_SIZE, Instant.now(), false);
            default:
                return delegate.stat(path);
        }
    }

    @Override
    public InputStream reader(String path, long offset) {
        if (!path.equals(STALL_PATH)) {
            return delegate.reader(path, offset);
        }
        return new InputStream() {
            private long position = offset;

            @Override
            public int read() throws IOException {
                byte[] single = new byte[1];
                return read(single, 0, 1) < 0 ? -1 : single[0] & 0xff;
            }

            @Override
            public int read(byte[] target, int start, int length) throws IOException {
                if (position >= STALL_AFTER_BYTES) {
                    block("reader " + path);
                    throw new IOException("the reader of " + path + " was released");
                }
                int n = (int) Math.min(length, STALL_AFTER_BYTES - position);
                Arrays.fill(target, start, start + n, (byte) 0);
                position += n;
                return n;
            }
        };
    }

    @Override
    public byte[] getContent(String path) {
        return delegate.getContent(path);
    }

    @Override
    public void putContent(String path, byte[] content) {
        delegate.putContent(path, content);
    }

    @Override
    public long writeStream(String path, long offset, InputStream content) {
        return delegate.writeStream(path, offset, content);
    }

    @Override
    public List<String> list(String path) {
        return delegate.list(path);
    }

    @Override
    public void move(String source, String destination) {
        delegate.move(source, destination);
    }

    @Override
    public void delete(String path) {
        delegate.delete(path);
    }

    @Override
    public FileWriter writer(String path, boolean append) {
        return delegate.writer(path, append);
    }

    @Override
    public void walk(String path, WalkVisitor visitor) {
        delegate.walk(path, visitor);
    }

    @Override
    public String redirectUrl(String path) {
        return delegate.redirectUrl(path);
    }
}
