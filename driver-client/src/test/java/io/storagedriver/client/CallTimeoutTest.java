package io.storagedriver.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.storagedriver.CallInterruptedException;
import io.storagedriver.DriverTimeoutException;
import io.storagedriver.FileInfo;
import io.storagedriver.client.testdrivers.HangingDriver;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Per-call timeouts and interrupts against a driver process that holds chosen calls: the
 * blocked call fails with the typed exception, its stream is reset, and other calls on the same
 * client go on.
 */
@Timeout(90)
class CallTimeoutTest {
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(1);

    /** The SDK's debug line when the host reset a call's stream before the driver responded. */
    private static final String RESET_LINE = "call cancelled by the host";

    private static DriverClient start(Duration callTimeout) {
        return DriverClient.start(TestDriverOptions.testDriver(HangingDriver.class)
                .jvmOptions(List.of(TestDriverOptions.LOG_CALLS))
                .callTimeout(callTimeout)
                .build());
    }

    /** Shows that a put and a get on the same client still work. */
    private static void assertClientWorks(DriverClient client, String file) {
        byte[] content = ("content of " + file).getBytes(StandardCharsets.UTF_8);
        client.putContent(file, content);
        assertArrayEquals(content, client.getContent(file), "getContent " + file);
    }

    /** Starts {@code call} on a new thread and waits until the driver has blocked it. */
    private static Thread startBlockedCall(DriverClient client, String blockedIn, Runnable call)
            throws InterruptedException {
        Thread thread = new Thread(call, "blocked-call");
        thread.start();
        DriverLogs.awaitLine(client, HangingDriver.BLOCKED_LINE + blockedIn);
        return thread;
    }

    @Test
    void hangingCallTimesOutAndOthersContinue() throws InterruptedException {
        try (DriverClient client = start(CALL_TIMEOUT)) {
            DriverTimeoutException e = assertThrows(DriverTimeoutException.class,
                    () -> client.stat(HangingDriver.HANG_PATH));

            assertEquals(CALL_TIMEOUT, e.timeout(), "timeout of the exception");
            assertTrue(e.getMessage().contains("timed out after 1000 ms"),
                    "message names the timeout, actual: " + e.getMessage());
            assertClientWorks(client, "/after-timeout");

            client.stat(HangingDriver.RELEASE_PATH);
            DriverLogs.awaitLine(client, RESET_LINE);
            assertTrue(client.isAlive(), "client is alive after the timeout");
        }
    }

    @Test
    void callsRunWhileOneHangs() throws InterruptedException {
        try (DriverClient client = start(Duration.ZERO)) {
            AtomicReference<FileInfo> result = new AtomicReference<>();
            Thread blocked = startBlockedCall(client, "stat " + HangingDriver.HANG_PATH,
                    () -> result.set(client.stat(HangingDriver.HANG_PATH)));

            assertClientWorks(client, "/during-hang");
            client.stat(HangingDriver.RELEASE_PATH);
            blocked.join();

            assertNotNull(result.get(), "result of the released stat");
            assertEquals(HangingDriver.HANG_PATH, result.get().path(), "path of released stat");
        }
    }

    @Test
    void interruptedCallFailsWithInterruptFlagSet() throws InterruptedException {
        try (DriverClient client = start(Duration.ZERO)) {
            AtomicReference<RuntimeException> failure = new AtomicReference<>();
            AtomicBoolean interruptFlag = new AtomicBoolean();
            Thread blocked = startBlockedCall(client, "stat " + HangingDriver.HANG_PATH, () -> {
                try {
                    client.stat(HangingDriver.HANG_PATH);
                } catch (RuntimeException e) {
                    failure.set(e);
                    interruptFlag.set(Thread.currentThread().isInterrupted());
                }
            });

            blocked.interrupt();
            blocked.join();

            assertInstanceOf(CallInterruptedException.class, failure.get(),
                    "failure of the interrupted stat");
            assertTrue(interruptFlag.get(), "interrupt flag after CallInterruptedException");
            assertClientWorks(client, "/after-interrupt");
            client.stat(HangingDriver.RELEASE_PATH);
            DriverLogs.awaitLine(client, RESET_LINE);
        }
    }

    @Test
    void interruptedReadFailsWithInterruptFlagSet() throws InterruptedException, IOException {
        try (DriverClient client = start(Duration.ZERO)) {
            InputStream in = client.reader(HangingDriver.STALL_PATH, 0);
            AtomicReference<IOException> failure = new AtomicReference<>();
            AtomicBoolean interruptFlag = new AtomicBoolean();
            AtomicLong count = new AtomicLong();
            Thread blocked = startBlockedCall(client, "reader " + HangingDriver.STALL_PATH, () -> {
                byte[] buffer = new byte[8192];
                try {
                    int n;
                    while ((n = in.read(buffer)) >= 0) {
                        count.addAndGet(n);
                    }
                } catch (IOException e) {
                    failure.set(e);
                    interruptFlag.set(Thread.currentThread().isInterrupted());
                }
            });
            awaitBytes(count, HangingDriver.STALL_AFTER_BYTES);

            blocked.interrupt();
            blocked.join();

            assertNotNull(failure.get(), "failure of the interrupted read");
            assertInstanceOf(CallInterruptedException.class, failure.get().getCause(),
                    "cause of the read's IOException");
            assertTrue(interruptFlag.get(), "interrupt flag after the interrupted read");
            assertEquals(HangingDriver.STALL_AFTER_BYTES, count.get(),
                    "bytes read before the stall");
            assertClientWorks(client, "/after-interrupted-read");
            client.stat(HangingDriver.RELEASE_PATH);
            in.close();
        }
    }

    @Test
    void readerClosedByAnotherThreadEndsBlockedRead() throws InterruptedException, IOException {
        try (DriverClient client = start(Duration.ZERO)) {
            InputStream in = client.reader(HangingDriver.STALL_PATH, 0);
            AtomicReference<IOException> failure = new AtomicReference<>();
            AtomicLong count = new AtomicLong();
            Thread blocked = startBlockedCall(client, "reader " + HangingDriver.STALL_PATH, () -> {
                byte[] buffer = new byte[8192];
                try {
                    int n;
                    while ((n = in.read(buffer)) >= 0) {
                        count.addAndGet(n);
                    }
                } catch (IOException e) {
                    failure.set(e);
                }
            });
            awaitBytes(count, HangingDriver.STALL_AFTER_BYTES);

            in.close();
            blocked.join();

            assertNotNull(failure.get(), "failure of the read blocked while the reader closed");
            assertTrue(failure.get().getMessage().contains("closed"),
                    "message says the reader was closed, actual: " + failure.get());
            assertFalse(failure.get().getMessage().contains("driver hanging reset"),
                    "message blames the driver for the host's reset, actual: " + failure.get());
            assertClientWorks(client, "/after-closed-reader");
            client.stat(HangingDriver.RELEASE_PATH);
        }
    }

    /** Waits until the reading thread has counted {@code expected} bytes. */
    private static void awaitBytes(AtomicLong count, long expected) throws InterruptedException {
        while (count.get() < expected) {
            Thread.sleep(10);
        }
    }
}
