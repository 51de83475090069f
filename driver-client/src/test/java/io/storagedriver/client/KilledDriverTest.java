package io.storagedriver.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.storagedriver.DriverExitedException;
import io.storagedriver.client.testdrivers.HangingDriver;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.SequenceInputStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A driver killed with SIGKILL during a read or a write: the pending call fails with the driver's
 * exit, and every later call fails with {@link DriverExitedException} without waiting for
 * anything.
 */
class KilledDriverTest {
    /** The exit code the JDK reports for a process killed by signal 9. */
    private static final int SIGKILL_EXIT_CODE = 128 + 9;

    /** A guard against a read that never fails, not a measure of how fast it fails. */
    private static final Duration HANG_GUARD = Duration.ofSeconds(60);

    private static final long FILE_SIZE = 64L * 1024 * 1024;

    private static void kill(DriverClient client) throws Exception {
        ProcessHandle handle = ProcessHandle.of(client.pid()).orElseThrow();
        assertTrue(handle.destroyForcibly(), "SIGKILL sent to pid " + client.pid());
        handle.onExit().get();
    }

    /** Reads {@code in} on a new thread until it fails, counting the bytes read. */
    private static Thread startReading(InputStream in, AtomicLong count, CountDownLatch paused,
            CountDownLatch resume, long pauseAt, AtomicReference<IOException> failure) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            try {
                int n;
                while ((n = in.read(buffer, 0, buffer.length)) >= 0) {
                    if (count.addAndGet(n) >= pauseAt && paused.getCount() > 0) {
                        paused.countDown();
                        resume.await();
                    }
                }
            } catch (IOException e) {
                failure.set(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "killed-driver-reader");
        thread.start();
        return thread;
    }

    private static void assertExitedBySigkill(Throwable failure, String description) {
        DriverExitedException exited = assertInstanceOf(DriverExitedException.class, failure,
                description);
        assertTrue(exited.exitCode().isPresent(), description + ": exit code is known");
        assertEquals(SIGKILL_EXIT_CODE, exited.exitCode().getAsInt(), description + ": exit code");
        assertTrue(exited.getMessage().contains("SIGKILL"),
                description + ": message names SIGKILL, actual: " + exited.getMessage());
    }

    private static void assertLaterCallsFail(DriverClient client) {
        assertFalse(client.isAlive(), "client is alive after the kill");
        DriverExitedException stat = assertThrows(DriverExitedException.class,
                () -> client.stat("/file"), "stat after the kill");
        assertExitedBySigkill(stat, "stat after the kill");
        assertThrows(DriverExitedException.class, () -> client.putContent("/x", new byte[1]),
                "putContent after the kill");
        assertThrows(DriverExitedException.class, () -> client.reader("/file", 0),
                "reader after the kill");
    }

    @Test
    void killedDriverFailsPendingRead() {
        assertTimeoutPreemptively(HANG_GUARD, () -> {
            try (DriverClient client = DriverClient.start(TestDriverOptions.inMemory().build())) {
                client.writeStream("/file", 0, PatternContent.stream(21, 0, FILE_SIZE));
                InputStream in = client.reader("/file", 0);
                AtomicLong count = new AtomicLong();
                CountDownLatch paused = new CountDownLatch(1);
                CountDownLatch resume = new CountDownLatch(1);
                AtomicReference<IOException> failure = new AtomicReference<>();
                Thread reader = startReading(in, count, paused, resume, 1024 * 1024, failure);
                assertTrue(paused.await(30, TimeUnit.SECONDS), "the reader reached 1 MiB");

                kill(client);
                resume.countDown();
                reader.join();

                assertNotNull(failure.get(), "failure of the read after " + count.get()
                        + " of " + FILE_SIZE + " bytes");
                assertTrue(count.get() < FILE_SIZE, "bytes read: expected fewer than "
                        + FILE_SIZE + ", actual " + count.get());
                assertExitedBySigkill(failure.get().getCause(), "cause of the read's failure");
                IOException again = assertThrows(IOException.class, () -> in.read(),
                        "a read after the failed read");
                assertInstanceOf(DriverExitedException.class, again.getCause(),
                        "cause of the second read's failure");
                assertLaterCallsFail(client);
            }
        });
    }

    @Test
    void killedDriverFailsBlockedRead() {
        assertTimeoutPreemptively(HANG_GUARD, () -> {
            DriverOptions options = TestDriverOptions.testDriver(HangingDriver.class).build();
            try (DriverClient client = DriverClient.start(options)) {
                InputStream in = client.reader(HangingDriver.STALL_PATH, 0);
                AtomicLong count = new AtomicLong();
                AtomicReference<IOException> failure = new AtomicReference<>();
                CountDownLatch never = new CountDownLatch(1);
                Thread reader = startReading(in, count, never, never, Long.MAX_VALUE, failure);
                DriverLogs.awaitLine(client, HangingDriver.BLOCKED_LINE + "reader");
                awaitBlocked(reader, count);

                kill(client);
                reader.join();

                assertNotNull(failure.get(), "failure of the blocked read");
                assertExitedBySigkill(failure.get().getCause(), "cause of the read's failure");
                assertLaterCallsFail(client);
            }
        });
    }

    @Test
    void killedDriverFailsPendingWrite() {
        assertTimeoutPreemptively(HANG_GUARD, () -> {
            try (DriverClient client = DriverClient.start(TestDriverOptions.inMemory().build())) {
                CountDownLatch paused = new CountDownLatch(1);
                CountDownLatch resume = new CountDownLatch(1);
                InputStream source = new SequenceInputStream(
                        PatternContent.stream(22, 0, 1024 * 1024),
                        new InputStream() {
                            @Override
                            public int read() throws IOException {
                                paused.countDown();
                                try {
                                    resume.await();
                                } catch (InterruptedException e) {
                                    throw new InterruptedIOException("source interrupted");
                                }
                                return 0;
                            }
                        });
                AtomicReference<RuntimeException> failure = new AtomicReference<>();
                Thread writer = new Thread(() -> {
                    try {
                        client.writeStream("/file", 0, source);
                    } catch (RuntimeException e) {
                        failure.set(e);
                    }
                }, "killed-driver-writer");
                writer.start();
                assertTrue(paused.await(30, TimeUnit.SECONDS), "the source reached 1 MiB");

                kill(client);
                resume.countDown();
                writer.join();

                assertExitedBySigkill(failure.get(), "failure of the pending writeStream");
                assertLaterCallsFail(client);
            }
        });
    }

    /** Waits until the reader has read all that the driver sent and waits for more. */
    private static void awaitBlocked(Thread reader, AtomicLong count)
            throws InterruptedException {
        while (count.get() < HangingDriver.STALL_AFTER_BYTES
                || reader.getState() != Thread.State.WAITING) {
            Thread.sleep(10);
        }
    }
}
